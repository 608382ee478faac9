package study

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"zhongshu/internal/demo"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
)

// rollupMatches compares the rollups of [from, to] with a direct count.
func (e *testEnv) rollupMatches(t *testing.T, from, to string) (int, int) {
	t.Helper()
	c, r, err := e.M.CheckinCount(context.Background(), from, to)
	if err != nil {
		t.Fatal(err)
	}
	dc := e.count(t, `SELECT COUNT(*) FROM study_checkins WHERE day >= ? AND day <= ?`, from, to)
	dr := e.count(t, `SELECT COUNT(*) FROM study_checkins WHERE mode = 'recite' AND day >= ? AND day <= ?`, from, to)
	if c != dc || r != dr {
		t.Fatalf("rollup %s…%s: %d check-ins, %d recited; direct count %d, %d", from, to, c, r, dc, dr)
	}
	return c, r
}

// memberPrincipals returns a learner principal for each of the first n
// party members of the directory's demo.
func (e *testEnv) memberPrincipals(t *testing.T, n int) []*auth.Principal {
	t.Helper()
	ms, err := e.M.Dir.MembersOf(context.Background(), 0, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < n {
		t.Fatalf("%d members, want %d", len(ms), n)
	}
	out := make([]*auth.Principal, n)
	for i := range out {
		out[i] = &auth.Principal{UserID: int64(100000 + i), Username: fmt.Sprintf("m%d", i), PersonID: ms[i].PersonID,
			Grants: []auth.Grant{{Role: auth.Member, ScopeKind: auth.ScopeBranch, ScopeID: ms[i].BranchID}}}
	}
	return out
}

// Issue 8: the dashboards read rollups kept by the check-in's own
// transaction, so every path — first read, first recitation, upgrade,
// repeat, wrong recitation — leaves them equal to a direct count; so does
// the demo year.
func TestCheckinRollupsEqualDirectCount(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		day := "2021-12-20"
		e.schedule(t, day, "不忘初心、牢记使命。", "不忘初心", "牢记使命")
		ps := e.memberPrincipals(t, 4)
		right := []string{"不忘初心", "牢记使命"}
		steps := []struct {
			p  *auth.Principal
			in CheckinInput
			ok bool
		}{
			{ps[0], CheckinInput{Mode: CheckinRead}, true},
			{ps[1], CheckinInput{Mode: CheckinRecite, Answers: right}, true},
			{ps[2], CheckinInput{Mode: CheckinRecite, Answers: []string{"不忘初心", "错"}}, false},
			{ps[0], CheckinInput{Mode: CheckinRecite, Answers: right}, true}, // upgrade
			{ps[1], CheckinInput{Mode: CheckinRead}, true},                   // repeat
			{ps[3], CheckinInput{Mode: CheckinRead}, true},
		}
		for i, s := range steps {
			_, err := e.M.CheckIn(ctx, s.p, s.in)
			if (err == nil) != s.ok {
				t.Fatalf("step %d: %v", i, err)
			}
			e.rollupMatches(t, day, day)
		}
		if c, r := e.rollupMatches(t, day, day); c != 3 || r != 2 {
			t.Fatalf("got %d check-ins, %d recited; want 3, 2", c, r)
		}
		// The dashboard figure is the rollup.
		fs, err := e.M.runFigures(ctx, dailyFigures(e.M, day, day))
		if err != nil || fs[1].Value != 3 {
			t.Fatalf("figures %v %v", fs, err)
		}
	})
}

func TestDemoRollupsEqualDirectCount(t *testing.T) {
	e := newTestEnv(t, db.OpenTestSQLite(t, testSources))
	if err := dailyLoadDemo(e.M, context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"2021-11-16", "2021-12-01", "2021-12-19", "2021-12-20"} {
		e.rollupMatches(t, d, d)
	}
	if c, _ := e.rollupMatches(t, "2021-01-01", "2021-12-31"); c == 0 {
		t.Fatal("the demo year has no check-ins")
	}
}

// Issue 8 / SECURITY.md §7.8: concurrent check-ins share group commits;
// every acknowledged one is stored once with its two ledger entries, a
// member's double tap counts once, and the chains verify.
func TestConcurrentCheckinsGroupCommit(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		day := "2021-12-20"
		e.schedule(t, day, "不忘初心、牢记使命。", "不忘初心", "牢记使命")
		ps := e.memberPrincipals(t, 60)
		var wg sync.WaitGroup
		var mu sync.Mutex
		news, repeats := 0, 0
		for i := 0; i < 120; i++ { // each member twice: a double tap
			wg.Add(1)
			go func(p *auth.Principal) {
				defer wg.Done()
				r, err := e.M.CheckIn(ctx, p, CheckinInput{Mode: CheckinRecite, Answers: []string{"不忘初心", "牢记使命"}})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if r.New {
					news++
				} else if r.Repeat {
					repeats++
				}
				mu.Unlock()
			}(ps[i%60])
		}
		wg.Wait()
		if news != 60 || repeats != 60 {
			t.Fatalf("%d new, %d repeats; want 60 and 60", news, repeats)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM study_checkins WHERE day = ?`, day); n != 60 {
			t.Fatalf("%d stored", n)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM study_points WHERE day = ? AND ref_type = 'study_checkin'`, day); n != 120 {
			t.Fatalf("%d ledger entries, want 120 (read 1 + recite 2 each, RULES.md §6)", n)
		}
		if n := e.count(t, `SELECT COALESCE(SUM(points), 0) FROM study_points WHERE day = ?`, day); n != 180 {
			t.Fatalf("%d points, want 180", n)
		}
		e.rollupMatches(t, day, day)
		if b, _, err := e.M.Verifier().Verify(ctx); err != nil || b != nil {
			t.Fatalf("chain: %v %v", b, err)
		}
	})
}

// ---- micro-benchmarks of the hot functions (issue 8) ----

func BenchmarkGradeRecitation(b *testing.B) {
	_, _, expect := MakeCloze("坚持党的领导，坚持人民至上，坚持理论创新，坚持独立自主，坚持中国道路。", []string{"党的领导", "人民至上", "理论创新", "独立自主", "中国道路"})
	answers := []string{"党的领导", "人民至上", "理论创新", "独立自主", "中国道路"}
	for b.Loop() {
		if l := GradeRecitation(expect, answers); len(l) > 0 {
			b.Fatal(l)
		}
	}
}

func BenchmarkMakeCloze(b *testing.B) {
	for b.Loop() {
		MakeCloze("坚持党的领导，坚持人民至上，坚持理论创新，坚持独立自主，坚持中国道路。", []string{"党的领导", "人民至上", "理论创新", "独立自主", "中国道路"})
	}
}

// BenchmarkPointsRules is the points rules of a check-in: the cap group
// and the capped award (RULES.md §6).
func BenchmarkPointsRules(b *testing.B) {
	for b.Loop() {
		for _, a := range []string{ActSentenceRead, ActSentenceRecite, ActQuizFull} {
			_ = capGroup(a)
			_ = Capped(2, 2, 1)
		}
	}
}

// BenchmarkRollupUpdate is one rollup upsert as the check-in makes it:
// inside an open transaction (SQLite), the commit's fsync not counted.
func BenchmarkRollupUpdate(b *testing.B) {
	d := db.OpenTestSQLite(b, testSources)
	ctx := context.Background()
	err := d.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		i := int64(0)
		for b.Loop() {
			i++
			if err := dailyRollupAdd(ctx, tx, i, "2021-12-20", true, i%5 == 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCheckIn is the whole service call (no HTTP) from 16 goroutines
// at a time on SQLite: group commit, the check-in row, its rollup and two
// chained ledger entries — each iteration a different member's first
// check-in of the day (20,000 generated members; beyond that, repeats).
func BenchmarkCheckIn(b *testing.B) {
	d := db.OpenTestSQLite(b, testSources)
	e := newTestEnv(b, d)
	ctx := context.Background()
	ms, err := demo.LoadScale(ctx, demo.Deps{DB: d, Auth: e.M.Auth, Dir: e.M.Dir, Clock: e.Clock}, demo.Scale{Members: 20000})
	if err != nil {
		b.Fatal(err)
	}
	e.schedule(b, "2021-12-20", "不忘初心、牢记使命。", "不忘初心", "牢记使命")
	var mu sync.Mutex
	next := 0
	b.ResetTimer()
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			m := ms[next%len(ms)]
			next++
			mu.Unlock()
			p := &auth.Principal{UserID: 1, PersonID: m.PersonID, Grants: []auth.Grant{{Role: auth.Member, ScopeKind: auth.ScopeBranch, ScopeID: m.BranchID}}}
			if _, err := e.M.CheckIn(ctx, p, CheckinInput{Mode: CheckinRecite, Answers: []string{"不忘初心", "牢记使命"}}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// Issue 8: the nightly compaction folds a finished day's shards into one
// row without changing any figure, leaves today's shards alone, keeps a
// row written after it, and is idempotent.
func TestRollupCompact(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		persons := e.personIDs(t)
		from, today := "2022-03-01", "2022-03-05"
		// Generate without the generator's own compaction: seed shard rows
		// by rebuilding the rollups from the rows.
		if _, err := GenerateCheckins(ctx, e.DB, persons, from, today, 90, 3); err != nil {
			t.Fatal(err)
		}
		if err := e.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error { return dailyRollupRebuild(ctx, tx, from, today) }); err != nil {
			t.Fatal(err)
		}
		shardRows := func(day string) int {
			return e.count(t, `SELECT COUNT(*) FROM study_checkin_rollups WHERE day = ?`, day)
		}
		if shardRows("2022-03-02") < 2 {
			t.Fatalf("want several shard rows before compaction, got %d", shardRows("2022-03-02"))
		}
		c0, r0 := e.rollupMatches(t, from, today)
		n, err := dailyRollupCompact(ctx, e.DB, today)
		if err != nil {
			t.Fatal(err)
		}
		if n != 4 {
			t.Fatalf("compacted %d days, want 4", n)
		}
		for _, d := range []string{"2022-03-01", "2022-03-02", "2022-03-03", "2022-03-04"} {
			if got := shardRows(d); got != 1 {
				t.Fatalf("%s: %d rows after compaction, want 1", d, got)
			}
			e.rollupMatches(t, d, d)
		}
		if shardRows(today) < 2 {
			t.Fatal("today's shards were compacted")
		}
		if c, r := e.rollupMatches(t, from, today); c != c0 || r != r0 {
			t.Fatalf("figures changed: %d/%d, were %d/%d", c, r, c0, r0)
		}
		// A row written after the compaction stays and is folded next time.
		if _, err := e.DB.W.ExecContext(ctx, e.DB.Rebind(`INSERT INTO study_checkin_rollups (day, shard, checkins, recites) VALUES (?, 3, 5, 1)`), "2022-03-02"); err != nil {
			t.Fatal(err)
		}
		c1, _, err := e.M.CheckinCount(ctx, "2022-03-02", "2022-03-02")
		if err != nil {
			t.Fatal(err)
		}
		if n, err = dailyRollupCompact(ctx, e.DB, today); err != nil || n != 1 {
			t.Fatalf("second compaction: %d days, %v; want 1", n, err)
		}
		if c2, _, _ := e.M.CheckinCount(ctx, "2022-03-02", "2022-03-02"); c2 != c1 || shardRows("2022-03-02") != 1 {
			t.Fatalf("after folding the late row: %d (want %d), %d rows", c2, c1, shardRows("2022-03-02"))
		}
		if n, err = dailyRollupCompact(ctx, e.DB, today); err != nil || n != 0 {
			t.Fatalf("third compaction: %d days, %v; want 0", n, err)
		}
	})
}

// The nightly schedule compacts the days before its slot's zone day.
func TestRollupCompactSchedule(t *testing.T) {
	e := newTestEnv(t, db.OpenTestSQLite(t, testSources))
	ctx := context.Background()
	for _, day := range []string{"2022-03-01", "2022-03-02"} {
		for shard := range 3 {
			if _, err := e.DB.W.ExecContext(ctx, `INSERT INTO study_checkin_rollups (day, shard, checkins, recites) VALUES (?, ?, 2, 1)`, day, shard); err != nil {
				t.Fatal(err)
			}
		}
	}
	var fired bool
	for _, s := range dailySchedules(e.M) {
		if s.Name != "study.rollup_compact" {
			continue
		}
		fired = true
		// 00:10 zone time on 2 March: 1 March is over, 2 March is today.
		if err := s.Fire(ctx, time.Date(2022, 3, 2, 0, 10, 0, 0, clock.Zone)); err != nil {
			t.Fatal(err)
		}
	}
	if !fired {
		t.Fatal("no study.rollup_compact schedule")
	}
	if n := e.count(t, `SELECT COUNT(*) FROM study_checkin_rollups WHERE day = '2022-03-01'`); n != 1 {
		t.Fatalf("1 March has %d rows, want 1", n)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM study_checkin_rollups WHERE day = '2022-03-02'`); n != 3 {
		t.Fatalf("2 March (today) has %d rows, want its 3 shards", n)
	}
	if c, r, _ := e.M.CheckinCount(ctx, "2022-03-01", "2022-03-01"); c != 6 || r != 3 {
		t.Fatalf("1 March: %d/%d, want 6/3", c, r)
	}
}
