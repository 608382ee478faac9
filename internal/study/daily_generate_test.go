package study

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	"zhongshu/internal/platform/clock"
)

// The generator behind the dashboard benchmark (issue 8): the rows it
// makes are the ones the rollups count, with sensible modes and times, and
// it refuses members who already have check-ins in the span.
func TestGenerateCheckins(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		persons := e.personIDs(t)
		from, to := "2022-02-26", "2022-03-07" // across a month end, 10 days
		n, err := GenerateCheckins(ctx, e.DB, persons, from, to, 80, 7)
		if err != nil {
			t.Fatal(err)
		}
		total := len(persons) * 10
		if n == 0 || int(n) >= total || int(n) < total*6/10 {
			t.Fatalf("generated %d of %d member-days at 80 %%", n, total)
		}
		if c, r := e.rollupMatches(t, from, to); c != int(n) || r == 0 || r > c/2 {
			t.Fatalf("rollup %d check-ins, %d recited; generated %d", c, r, n)
		}
		if got := e.count(t, `SELECT COUNT(DISTINCT day) FROM study_checkins WHERE day >= ? AND day <= ?`, from, to); got != 10 {
			t.Fatalf("%d days, want 10", got)
		}
		if got := e.count(t, `SELECT COUNT(*) FROM study_sentences WHERE day >= ? AND day <= ?`, from, to); got != 10 {
			t.Fatalf("%d sentences, want one a day", got)
		}
		if got := e.count(t, `SELECT COUNT(*) FROM study_checkins WHERE day >= ? AND day <= ? AND ((mode = 'recite') <> (recited_at IS NOT NULL))`, from, to); got != 0 {
			t.Fatalf("%d rows whose recited_at disagrees with the mode", got)
		}
		// Times read back as the day's 07:30 zone time.
		var day string
		var at time.Time
		if err := e.DB.R.QueryRowContext(ctx, e.DB.Rebind(`SELECT day, created_at FROM study_checkins WHERE day = ? ORDER BY person_id LIMIT 1`), "2022-03-01").Scan(&day, &at); err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2022, 3, 1, 7, 30, 0, 0, clock.Zone); !at.Equal(want) {
			t.Fatalf("created_at %v, want %v", at, want)
		}
		// The same seed picks the same member-days: a fresh span of the same
		// length shifted by whole days differs, the second call refuses.
		if _, err := GenerateCheckins(ctx, e.DB, persons, from, to, 80, 7); err == nil {
			t.Fatal("a second generation over the same members and days was accepted")
		}
		if c, _ := e.rollupMatches(t, from, to); c != int(n) {
			t.Fatalf("the refused generation changed the rollups: %d, want %d", c, n)
		}
	})
}

// With every member checking in every day, each generated row records its
// streak as a check-in would: the first check-in after the span counts on
// from it, without counting the history back.
func TestGenerateCheckinsRecordsStreaks(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		ps := e.memberPrincipals(t, 3)
		persons := []int64{ps[0].PersonID, ps[1].PersonID, ps[2].PersonID}
		today := "2021-12-20"
		if _, err := GenerateCheckins(ctx, e.DB, persons, dailyAddDays(today, -40), dailyAddDays(today, -1), 100, 3); err != nil {
			t.Fatal(err)
		}
		rows, err := e.DB.R.QueryContext(ctx, `SELECT day, streak FROM study_checkins`)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var d string
			var streak sql.NullInt64
			if err := rows.Scan(&d, &streak); err != nil {
				t.Fatal(err)
			}
			n++
			if want := 41 - dailyDaysBetween(d, today); !streak.Valid || int(streak.Int64) != want {
				t.Errorf("%s: streak %v, want %d (the days since the span's first)", d, streak, want)
			}
		}
		rows.Close()
		if n != 3*40 {
			t.Fatalf("%d rows, want 3 members × 40 days", n)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM study_checkins WHERE day = ? AND streak = 40`, dailyAddDays(today, -1)); n != 3 {
			t.Fatalf("%d of yesterday's rows record a streak of 40, want 3", n)
		}
		got, err := e.M.dailyStreakOf(ctx, e.DB.Q(ctx), persons[0], today)
		if err != nil || got != 40 {
			t.Fatalf("streak before today's check-in %d (%v), want 40", got, err)
		}
		e.schedule(t, today, "不忘初心、牢记使命。", "不忘初心")
		e.Clock.Set(zoneAt(today, 8, 0))
		r, err := e.M.CheckIn(ctx, ps[0], CheckinInput{Mode: CheckinRead})
		if err != nil || r.Streak != 41 {
			t.Fatalf("today's check-in: %+v %v, want a streak of 41", r, err)
		}
		// At a lower rate the rows record none, and the streak is counted.
		var rest []int64
		for _, p := range e.personIDs(t) {
			if !slices.Contains(persons, p) {
				rest = append(rest, p)
			}
		}
		if _, err := GenerateCheckins(ctx, e.DB, rest, dailyAddDays(today, -40), dailyAddDays(today, -1), 90, 3); err != nil {
			t.Fatal(err)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM study_checkins WHERE streak IS NOT NULL AND person_id NOT IN (?, ?, ?)`, persons[0], persons[1], persons[2]); n != 0 {
			t.Fatalf("%d rows generated at 90 %% record a streak", n)
		}
	})
}

func TestGenerateRanges(t *testing.T) {
	for _, c := range []struct {
		in   []int64
		size int
		want [][2]int64
	}{
		{nil, 3, nil},
		{[]int64{5}, 3, [][2]int64{{5, 5}}},
		{[]int64{3, 1, 2, 2}, 3, [][2]int64{{1, 3}}},
		{[]int64{1, 2, 3, 4, 5, 6, 7}, 3, [][2]int64{{1, 3}, {4, 6}, {7, 7}}},
		{[]int64{1, 2, 4, 5, 9}, 10, [][2]int64{{1, 2}, {4, 5}, {9, 9}}},
	} {
		if got := generateRanges(c.in, c.size); !slices.Equal(got, c.want) {
			t.Errorf("generateRanges(%v, %d) = %v, want %v", c.in, c.size, got, c.want)
		}
	}
}

// personIDs lists every person of the directory's demo, by id.
func (e *testEnv) personIDs(t *testing.T) []int64 {
	t.Helper()
	rows, err := e.DB.R.QueryContext(context.Background(), `SELECT id FROM people ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// dailyDaysBetween is the number of days from a to b (zone days).
func dailyDaysBetween(a, b string) int {
	x, _ := time.Parse(time.DateOnly, a)
	y, _ := time.Parse(time.DateOnly, b)
	return int(y.Sub(x).Hours() / 24)
}
