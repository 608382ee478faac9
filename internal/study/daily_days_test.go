package study

import (
	"context"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"zhongshu/internal/directory"
	"zhongshu/internal/moduletest"
	"zhongshu/internal/platform/db"
)

// One member's days are read by naming the days (daily_days.go): across a
// month and a year end, with other members' check-ins on the same days,
// every read gives exactly the member's days in range — the record, the
// last seven days, the streak, the branch figures, the evening reminder's
// set — and equals a direct count.
func TestMemberDaysByKey(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		ps := e.memberPrincipals(t, 3)
		me, other := ps[0].PersonID, ps[1].PersonID
		today := "2022-01-02"
		mine := e.history(t, me, today, []int{0, 1, 2, 3, 5, 40, 366})                    // 2022-01-02 … 2021-01-01
		e.history(t, other, today, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 40, 365, 367}) // same days and others
		e.Clock.Set(zoneAt(today, 9, 0))
		com := e.principal(t, "committee")

		for _, c := range []struct{ from, to string }{
			{"2021-12-01", "2022-01-02"},
			{"2021-12-29", "2021-12-31"}, // only the year's end
			{"2021-12-30", "2021-12-30"}, // one day
			{"2021-12-31", "2021-12-31"},
			{"2021-01-02", "2022-01-02"}, // 366 days: the longest record
		} {
			r, err := e.M.Checkins(ctx, com, me, c.from, c.to)
			if err != nil {
				t.Fatal(err)
			}
			var got, want []string
			for _, it := range r.Items {
				got = append(got, it.Day)
			}
			for _, d := range mine {
				if d >= c.from && d <= c.to {
					want = append(want, d)
				}
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s..%s: %v, want %v", c.from, c.to, got, want)
			}
			if r.Streak != 4 {
				t.Errorf("streak %d, want 4 (today and the three days before)", r.Streak)
			}
		}

		p, err := e.M.ProgressOf(ctx, ps[0], "zh")
		if err != nil {
			t.Fatal(err)
		}
		var ticks []bool
		for _, d := range p.Last7 {
			ticks = append(ticks, d.Mode != "")
		}
		if want := []bool{false, true, false, true, true, true, true}; !slices.Equal(ticks, want) || p.Streak != 4 || !p.CheckedIn {
			t.Errorf("last 7 %v (want %v), streak %d, checked in %v", ticks, want, p.Streak, p.CheckedIn)
		}

		var branch int64
		if err := e.DB.R.QueryRowContext(ctx, e.DB.Rebind(`SELECT branch_id FROM people WHERE id = ?`), me).Scan(&branch); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ from, to string }{{"2021-12-04", "2022-01-02"}, {"2021-12-31", "2021-12-31"}, {"2022-01-03", "2022-01-01"}} {
			f, err := e.M.BranchStudyFigures(ctx, branch, c.from, c.to)
			if err != nil {
				t.Fatal(err)
			}
			if want := e.count(t, `SELECT COUNT(*) FROM study_checkins c JOIN people p ON p.id = c.person_id WHERE p.branch_id = ? AND c.day >= ? AND c.day <= ?`, branch, c.from, c.to); f.Checkins != want {
				t.Errorf("branch figures %s..%s: %d check-ins, direct count %d", c.from, c.to, f.Checkins, want)
			}
		}
		on, err := dailyCheckedInOn(ctx, e.DB.Q(ctx), branch, "2021-12-31")
		if err != nil {
			t.Fatal(err)
		}
		if want := e.count(t, `SELECT COUNT(*) FROM study_checkins c JOIN people p ON p.id = c.person_id WHERE p.branch_id = ? AND c.day = ?`, branch, "2021-12-31"); len(on) != want || !on[me] {
			t.Errorf("checked in on 2021-12-31: %v, direct count %d", on, want)
		}
	})
}

// The member and branch reads seek the check-ins' key, one day at a time:
// none walks a range of days (SQLite's plans; PostgreSQL plans from its
// statistics, and the dashboard benchmark measures it at 36.5 M rows).
func TestMemberDaysUseTheKey(t *testing.T) {
	d := db.OpenTestSQLite(t, testSources)
	ctx := context.Background()
	src, where, args := dailyDaysFrom(d.Dialect, "2021-12-01", "2021-12-31")
	branchQ, branchArgs := dailyMembersDays(d.Dialect, 1, []directory.Member{{PersonID: 1}, {PersonID: 2}}, "2021-12-01", "2021-12-31")
	for name, c := range map[string]struct {
		q    string
		args []any
	}{
		"member":  {`SELECT c.day, c.mode FROM ` + src + ` WHERE ` + where + ` AND c.person_id = ?`, append(slices.Clone(args), int64(1))},
		"branch":  {branchQ, branchArgs},
		"streak":  {`SELECT day, streak FROM study_checkins WHERE day IN (?, ?) AND person_id = ?`, []any{"2021-12-19", "2021-12-20", int64(1)}},
		"evening": {`SELECT c.person_id FROM people p CROSS JOIN study_checkins c WHERE c.day = ? AND c.person_id = p.id AND p.branch_id = ?`, []any{"2021-12-19", int64(1)}},
	} {
		q, a := c.q, c.args
		rows, err := d.R.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q, a...)
		if err != nil {
			t.Fatal(name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		text := strings.Join(plan, "; ")
		if !strings.Contains(text, "INDEX study_checkins_key (day=? AND person_id=?)") || strings.Contains(text, "SCAN c") || strings.Contains(text, "SCAN study_checkins") {
			t.Errorf("%s: plan %q does not seek the key", name, text)
		}
	}
}

// Migration 012 keys the check-ins by (day, person_id): every row keeps
// its id and values, the key refuses a second check-in of a member's day,
// and the old key's index is gone.
func TestCheckinsKeyMigration(t *testing.T) {
	before := fstest.MapFS{}
	all := Source()
	if err := fs.WalkDir(all.FS, ".", func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() || path >= "012" {
			return err
		}
		b, err := fs.ReadFile(all.FS, path)
		before[path] = &fstest.MapFile{Data: b}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	db.ForEach(t, moduletest.Sources(db.Source{Module: "study", FS: before}), func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newTestEnv(t, d)
		ps := e.memberPrincipals(t, 2)
		e.history(t, ps[0].PersonID, "2021-12-20", []int{0, 1, 3})
		e.history(t, ps[1].PersonID, "2021-12-20", []int{0, 2})
		type row struct {
			id, person int64
			day, mode  string
		}
		read := func() []row {
			rows, err := d.R.QueryContext(ctx, `SELECT id, person_id, day, mode FROM study_checkins ORDER BY id`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []row
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.id, &r.person, &r.day, &r.mode); err != nil {
					t.Fatal(err)
				}
				out = append(out, r)
			}
			return out
		}
		was := read()
		if _, err := d.Migrate(ctx, testSources); err != nil {
			t.Fatal(err)
		}
		if now := read(); len(was) != 5 || !slices.Equal(now, was) {
			t.Fatalf("rows after the migration %v, before %v", now, was)
		}
		_, err := d.W.ExecContext(ctx, d.Rebind(`INSERT INTO study_checkins (person_id, day, mode, created_at) VALUES (?, ?, 'read', ?)`), ps[0].PersonID, "2021-12-20", e.Clock.Now())
		if !db.IsUniqueViolation(err) {
			t.Fatalf("a second check-in of a member's day: %v", err)
		}
		var id int64
		if err := d.W.QueryRowContext(ctx, d.Rebind(`INSERT INTO study_checkins (person_id, day, mode, created_at) VALUES (?, ?, 'read', ?)
			ON CONFLICT (day, person_id) DO NOTHING RETURNING id`), ps[1].PersonID, "2021-12-19", e.Clock.Now()).Scan(&id); err != nil || id <= was[len(was)-1].id {
			t.Fatalf("a new check-in after the migration: id %d, %v", id, err)
		}
		old := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'study_checkins'`
		if d.Dialect == db.Postgres {
			old = `SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'study_checkins'`
		}
		want := 1 // the key alone: SQLite's rowid is the table itself
		if d.Dialect == db.Postgres {
			want = 2 // and the primary key's index
		}
		if n := e.count(t, old); n != want {
			t.Fatalf("%d indexes on study_checkins, want %d", n, want)
		}
	})
}
