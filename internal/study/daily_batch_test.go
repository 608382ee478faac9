package study

import (
	"context"
	"database/sql"
	"encoding/json"
	"reflect"
	"testing"

	"zhongshu/internal/platform/db"
)

// ledgerRow is a points entry as both paths must write it, with the
// check-in it refers to. The ids (and so the hashes, which cover ref_id)
// are left out: an insert that meets an existing row may use up an id on
// either store, so the two paths number rows differently; each store's
// chains are verified instead.
type ledgerRow struct {
	Person                  int64
	Day, Activity           string
	Points                  int
	Seq                     int64
	RuleFrom                string
	CheckinPerson           int64
	CheckinDay, CheckinMode string
	CheckinRecitedSet       bool
}

func (e *testEnv) ledger(t *testing.T) []ledgerRow {
	t.Helper()
	rows, err := e.DB.R.QueryContext(context.Background(), `SELECT p.person_id, p.day, p.activity, p.points, p.seq, p.rule_from, c.person_id, c.day, c.mode, c.recited_at IS NOT NULL
		FROM study_points p JOIN study_checkins c ON c.id = p.ref_id ORDER BY p.person_id, p.seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []ledgerRow
	for rows.Next() {
		var r ledgerRow
		if err := rows.Scan(&r.Person, &r.Day, &r.Activity, &r.Points, &r.Seq, &r.RuleFrom, &r.CheckinPerson, &r.CheckinDay, &r.CheckinMode, &r.CheckinRecitedSet); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// Issue 8: the batch path writes what the one-at-a-time path writes —
// the same check-in rows, ledger entries (links included), rollups and
// answers — for a batch with a member's repeated request, a read and a
// recitation of one member in one batch (an upgrade), an upgrade of an
// earlier reading, a repeat of an earlier recitation, and members whose
// chains already have links.
func TestCheckinBatchEqualsOneByOne(t *testing.T) {
	forEachStore(t, func(t *testing.T, ea *testEnv) {
		var eb *testEnv
		if ea.DB.Dialect == db.Postgres {
			eb = newTestEnv(t, db.OpenTestPostgres(t, testSources))
		} else {
			eb = newTestEnv(t, db.OpenTestSQLite(t, testSources))
		}
		ctx := context.Background()
		day := "2021-12-20"
		right := []string{"不忘初心", "牢记使命"}
		var items []checkinItem
		var got, want []CheckinResult
		for _, e := range []*testEnv{ea, eb} {
			e.schedule(t, day, "不忘初心、牢记使命。", right...)
			ps := e.memberPrincipals(t, 8)
			// Before the batch: 0 read today, 1 recited today, 2 has a
			// chain from yesterday's check-in.
			e.Clock.Set(zoneAt("2021-12-19", 9, 0))
			e.schedule(t, "2021-12-19", "为人民服务。", "人民")
			if _, err := e.M.CheckIn(ctx, ps[2], CheckinInput{Mode: CheckinRecite, Answers: []string{"人民"}}); err != nil {
				t.Fatal(err)
			}
			e.Clock.Set(zoneAt(day, 9, 0))
			if _, err := e.M.CheckIn(ctx, ps[0], CheckinInput{Mode: CheckinRead}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.M.CheckIn(ctx, ps[1], CheckinInput{Mode: CheckinRecite, Answers: right}); err != nil {
				t.Fatal(err)
			}
			dd, err := e.M.dailyDayOf(ctx, day)
			if err != nil || dd == nil {
				t.Fatal(dd, err)
			}
			now := e.Clock.Now()
			it := func(i int, mode string) checkinItem {
				return checkinItem{person: ps[i].PersonID, day: day, mode: mode, now: now, read: dd.read, recite: dd.recite}
			}
			items = []checkinItem{
				it(5, CheckinRecite), it(3, CheckinRead), it(5, CheckinRead), // 5: new, then a repeat
				it(3, CheckinRecite),                     // 3: read then recite in one batch: an upgrade
				it(0, CheckinRecite), it(1, CheckinRead), // upgrade of the earlier read; repeat
				it(2, CheckinRecite), it(4, CheckinRead), it(6, CheckinRecite), it(6, CheckinRecite),
			}
			if e == ea {
				outs := make([]CheckinResult, len(items))
				if err := e.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error { return e.M.checkinBatch(ctx, tx, items, outs) }); err != nil {
					t.Fatal(err)
				}
				got = outs
				continue
			}
			// One by one, each in its own transaction, in the order the
			// batch serialises them: the members' first requests by
			// person, then the rest as they came.
			outs := make([]CheckinResult, len(items))
			first := map[int64]bool{}
			var order, rest []int
			for i, x := range items {
				if !first[x.person] {
					first[x.person] = true
					order = append(order, i)
				} else {
					rest = append(rest, i)
				}
			}
			sortByPerson(order, items)
			for _, i := range append(order, rest...) {
				err := e.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
					r, err := e.M.checkinOne(ctx, tx, &items[i])
					outs[i] = r
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			want = outs
		}
		if !reflect.DeepEqual(got, want) {
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("item %d: batch %+v, one by one %+v", i, got[i], want[i])
				}
			}
			t.FailNow()
		}
		// The answers themselves (RULES.md §6: read 1, recite 2).
		wantPts := []int{3, 1, 0, 2, 2, 0, 3, 1, 3, 0}
		for i, r := range got {
			if r.Points != wantPts[i] {
				t.Errorf("item %d: %+v, want %d points", i, r, wantPts[i])
			}
		}
		if !got[0].New || !got[2].Repeat || !got[3].Upgraded || !got[4].Upgraded || !got[5].Repeat || !got[9].Repeat {
			t.Fatalf("answers %+v", got)
		}
		la, lb := ea.ledger(t), eb.ledger(t)
		if !reflect.DeepEqual(la, lb) {
			t.Fatalf("ledgers differ:\nbatch %+v\none by one %+v", la, lb)
		}
		for _, e := range []*testEnv{ea, eb} {
			e.rollupMatches(t, "2021-12-19", day)
			if b, _, err := e.M.Verifier().Verify(ctx); err != nil || b != nil {
				t.Fatalf("chain: %v %v", b, err)
			}
			if n := e.count(t, `SELECT COUNT(*) FROM study_checkins WHERE day = ?`, day); n != 7 {
				t.Fatalf("%d check-ins today, want 7", n)
			}
		}
	})
}

func sortByPerson(idx []int, items []checkinItem) {
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && items[idx[j]].person < items[idx[j-1]].person; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
}

// A failing item in a batch (here a member who does not exist: the
// check-in row's foreign key refuses it) fails only itself; the others of
// its batch are stored.
func TestCheckinBatchIsolatesAFailure(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		day := "2021-12-20"
		e.schedule(t, day, "不忘初心、牢记使命。", "不忘初心", "牢记使命")
		dd, err := e.M.dailyDayOf(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		ps := e.memberPrincipals(t, 3)
		b := e.M.checkinBatcher()
		now := e.Clock.Now()
		persons := []int64{ps[0].PersonID, 987654321, ps[1].PersonID, ps[2].PersonID}
		errs := make([]error, len(persons))
		done := make(chan int)
		for i, p := range persons {
			go func(i int, p int64) {
				_, errs[i] = b.Do(ctx, checkinItem{person: p, day: day, mode: CheckinRecite, now: now, read: dd.read, recite: dd.recite})
				done <- i
			}(i, p)
		}
		for range persons {
			<-done
		}
		for i, err := range errs {
			if (i == 1) != (err != nil) {
				t.Fatalf("item %d: %v", i, err)
			}
		}
		if n := e.count(t, `SELECT COUNT(*) FROM study_checkins WHERE day = ?`, day); n != 3 {
			t.Fatalf("%d stored, want 3", n)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM study_points WHERE day = ?`, day); n != 6 {
			t.Fatalf("%d ledger entries, want 6", n)
		}
		e.rollupMatches(t, day, day)
		if b, _, err := e.M.Verifier().Verify(ctx); err != nil || b != nil {
			t.Fatalf("chain: %v %v", b, err)
		}
	})
}

// The streak read newest first and only to the first gap equals
// CheckinStreak over every day of the lookback.
func TestStreakReadsToTheFirstGap(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		ps := e.memberPrincipals(t, 6)
		today := "2021-12-20"
		// Per member, the days back from today that have a check-in.
		hist := [][]int{
			{},               // none
			{1, 2, 3},        // up to yesterday: today not yet
			rangeDays(0, 40), // 40 days, over a page
			rangeDays(0, 32), // exactly a page
			append(rangeDays(0, 32), rangeDays(33, 70)...), // a gap right after a page
			{0, 2, 3, 4}, // today only, then a gap
		}
		for i, h := range hist {
			all := e.history(t, ps[i].PersonID, today, h)
			got, err := e.M.dailyStreakOf(ctx, e.DB.Q(ctx), ps[i].PersonID, today)
			if err != nil {
				t.Fatal(err)
			}
			if want := CheckinStreak(all, today); got != want {
				t.Errorf("member %d (%v): streak %d, want %d", i, h, got, want)
			}
		}
	})
}

// history writes a member's past check-ins, back days before today (each
// day with a sentence), as older data would hold them: without a recorded
// streak. It returns the days.
func (e *testEnv) history(t *testing.T, person int64, today string, back []int) []string {
	t.Helper()
	ctx := context.Background()
	var days []string
	for _, b := range back {
		d := dailyAddDays(today, -b)
		days = append(days, d)
		if _, err := e.DB.W.ExecContext(ctx, e.DB.Rebind(`INSERT INTO study_sentences (day, text, source, key_phrases, created_at, updated_at) VALUES (?, 'x', 'y', '[]', ?, ?) ON CONFLICT (day) DO NOTHING`), d, e.Clock.Now(), e.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := e.DB.W.ExecContext(ctx, e.DB.Rebind(`INSERT INTO study_checkins (person_id, day, mode, created_at) VALUES (?, ?, 'read', ?)`), person, d, e.Clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return days
}

func rangeDays(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

// The hand-written payload is byte for byte json.Marshal's (the stored
// chains depend on it).
func TestPointsPayloadBytesIsJSON(t *testing.T) {
	for _, p := range []pointsPayload{
		{},
		{Person: 42, Day: "2021-12-20", Activity: ActSentenceRead, Points: 1, RefType: dailyCheckinRef, RefID: 7, RuleFrom: "2021-01-01", Seq: 3},
		{Person: -1, Points: -2, Reverses: 99, Reason: "录入错误", Seq: 1 << 40},
		{Reason: `a "quoted" \ <b>&amp;</b>` + "\n\t\x01\x7f"},
		{Day: "\u2028", Activity: "é"},
	} {
		want, _ := json.Marshal(p)
		if got := p.bytes(); string(got) != string(want) {
			t.Errorf("%+v:\n got %s\nwant %s", p, got, want)
		}
	}
}

func BenchmarkPointsPayloadBytes(b *testing.B) {
	p := pointsPayload{Person: 42, Day: "2021-12-20", Activity: ActSentenceRecite, Points: 2, RefType: dailyCheckinRef, RefID: 123456, RuleFrom: "2021-01-01", Seq: 17}
	for b.Loop() {
		_ = p.bytes()
	}
}

// BenchmarkCheckinBatch is the batch function alone: 64 members' first
// check-ins of a day, all in one open transaction (SQLite; the commit's
// fsync not counted).
func BenchmarkCheckinBatch(b *testing.B) {
	d := db.OpenTestSQLite(b, testSources)
	e := newTestEnv(b, d)
	ctx := context.Background()
	e.schedule(b, "2021-12-20", "不忘初心、牢记使命。", "不忘初心", "牢记使命")
	dd, err := e.M.dailyDayOf(ctx, "2021-12-20")
	if err != nil {
		b.Fatal(err)
	}
	var people []int64
	rows, err := d.R.QueryContext(ctx, `SELECT id FROM people ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		people = append(people, id)
	}
	rows.Close()
	if len(people) < 64 {
		b.Skip("fewer than 64 people in the demo directory")
	}
	items := make([]checkinItem, 64)
	outs := make([]CheckinResult, 64)
	day := 0
	batch := func(tx *db.Tx) error {
		day++
		d0 := dailyAddDays("2021-12-20", day)
		if _, err := tx.ExecContext(ctx, `INSERT INTO study_sentences (day, text, source, key_phrases, created_at, updated_at) VALUES (?, 'x', 'y', '[]', ?, ?)`, d0, e.Clock.Now(), e.Clock.Now()); err != nil {
			return err
		}
		for i := range items {
			items[i] = checkinItem{person: people[i], day: d0, mode: CheckinRecite, now: e.Clock.Now(), read: dd.read, recite: dd.recite}
		}
		return e.M.checkinBatch(ctx, tx, items, outs)
	}
	// Warm up as the writer would be: a first batch asks for its
	// statements, and the next batch of any batcher prepares them.
	if err := d.InTx(ctx, func(ctx context.Context, tx *db.Tx) error { return batch(tx) }); err != nil {
		b.Fatal(err)
	}
	if _, err := db.BatcherOf(d, "bench.noop", func(context.Context, *db.Tx, []int, []int) error { return nil }).Do(ctx, 0); err != nil {
		b.Fatal(err)
	}
	err = d.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		for b.Loop() {
			if err := batch(tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*64), "ns/check-in")
}

// A check-in records its streak (migration 009): after history without a
// recorded streak (older rows, generated data) it is counted once; after a
// recorded one it is yesterday's plus one. Either way it equals
// CheckinStreak, on the answer and on the row, for the bulk path and the
// one-by-one path alike.
func TestRecordedStreak(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		ps := e.memberPrincipals(t, 5)
		today := "2021-12-20"
		hist := [][]int{
			{},               // none
			{1, 2, 3},        // three days up to yesterday
			{2, 3},           // a gap yesterday
			rangeDays(1, 45), // 44 days, over a page of the walk
			{1},              // yesterday only
		}
		days := map[int64][]string{}
		for i, h := range hist {
			days[ps[i].PersonID] = e.history(t, ps[i].PersonID, today, h)
		}
		stored := func(person int64, day string) int {
			var s sql.NullInt64
			if err := e.DB.W.QueryRowContext(ctx, e.DB.Rebind(`SELECT streak FROM study_checkins WHERE person_id = ? AND day = ?`), person, day).Scan(&s); err != nil {
				t.Fatal(err)
			}
			return int(s.Int64)
		}
		for k, day := range []string{today, dailyAddDays(today, 1), dailyAddDays(today, 3)} {
			e.schedule(t, day, "为人民服务。", "人民")
			e.Clock.Set(zoneAt(day, 9, 0))
			for i, p := range ps {
				days[p.PersonID] = append(days[p.PersonID], day)
				want := CheckinStreak(days[p.PersonID], day)
				var r *CheckinResult
				var err error
				if i%2 == 0 { // the batch's bulk path
					r, err = e.M.CheckIn(ctx, p, CheckinInput{Mode: CheckinRead})
				} else { // the one-by-one path
					var out CheckinResult
					err = e.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
						dd, err := e.M.dailyDayOf(ctx, day)
						if err != nil {
							return err
						}
						out, err = e.M.checkinOne(ctx, tx, &checkinItem{person: p.PersonID, day: day, mode: CheckinRead, now: e.Clock.Now(), read: dd.read, recite: dd.recite})
						return err
					})
					r = &out
				}
				if err != nil || !r.New {
					t.Fatalf("day %d member %d: %v %+v", k, i, err, r)
				}
				if r.Streak != want || stored(p.PersonID, day) != want {
					t.Errorf("day %d member %d (%v): answered %d, stored %d, want %d", k, i, hist[i], r.Streak, stored(p.PersonID, day), want)
				}
			}
		}
	})
}
