package express

import (
	"context"
	"testing"
	"time"

	"zhongshu/internal/platform/auth"
)

// Outside checks of issue 6 item 2 (the express checker's), from RULES.md
// §7 and §9 rather than from the code: "within N working days" counts
// working days after the day of the event on the holiday calendar kept as
// data; the overdue flag is raised the day after the due day; the daily
// job flags and notifies once, at its fixed time.

func ecCount(t *testing.T, e *testEnv, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.DB.Q(context.Background()).QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// RULES.md §9 on the stored 2021 calendar (国办发明电〔2020〕27号: National
// Day 10-01..10-07 off, Sunday 09-26 and Saturday 10-09 worked).
func TestChecksWorkingDaysRules9(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		cal, err := e.M.loadCalendar(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			from string
			n    int
			want string
		}{
			{"2021-12-17", 1, "2021-12-20"}, // Friday + 1 → Monday
			{"2021-12-17", 2, "2021-12-21"}, // Friday + 2 → Tuesday
			{"2021-12-18", 1, "2021-12-20"}, // Saturday + 1 → Monday
			{"2021-12-20", 1, "2021-12-21"}, // the event's day never counts
			{"2021-09-24", 1, "2021-09-26"}, // Friday + 1 → the worked Sunday
			{"2021-09-25", 2, "2021-09-27"},
			{"2021-09-30", 1, "2021-10-08"}, // over the holiday
			{"2021-09-30", 2, "2021-10-09"}, // the worked Saturday
			{"2021-09-30", 5, "2021-10-13"},
			{"2021-10-03", 1, "2021-10-08"}, // raised in the holiday
			{"2021-09-30", 10, "2021-10-20"},
			{"2021-12-31", 1, "2022-01-04"}, // 2022 New Year: 01-01..01-03 off
		} {
			if got, err := addWorkingDays(c.from, c.n, cal); err != nil || got != c.want {
				t.Errorf("%s + %d working days = %s (%v), want %s", c.from, c.n, got, err, c.want)
			}
		}
	})
}

// Issue 6 item 2 across the National Day holiday, through the scheduler:
// raised on 09-30, route by 10-08; the 08:30 job on 10-08 flags nothing,
// the one on Saturday 10-09 (a working day) flags it once and tells the
// office; ticking and running again the same day, or calling the job again,
// sends nothing more; the next day's digest lists it again without a new
// per-item notice.
func TestChecksOverdueJobNationalDay(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		com, ent := e.principal(t, "committee"), e.principal(t, "enterprise")
		ents, _ := ent.ScopeIDs(auth.Enterprise, auth.ScopeEnterprise)
		e.Clock.Set(time.Date(2021, 9, 30, 7, 0, 0, 0, time.UTC)) // 15:00 zone time
		id, err := e.M.CreateDemand(ctx, ent, DemandInput{EnterpriseID: ents[0], Category: "major", Description: "节前提出：厂区扩建用地手续"})
		if err != nil {
			t.Fatal(err)
		}
		d, err := e.M.DemandDetail(ctx, com, id)
		if err != nil || d.Deadlines.RouteBy.Due != "2021-10-08" {
			t.Fatalf("route_by %+v %v", d, err)
		}
		// the raise notice has the same link; the overdue notices say 超期
		item := func() int {
			return ecCount(t, e, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND link = ? AND title LIKE '%超期%'`, com.UserID, "/express/demands/"+itoa(id))
		}
		all := func() int { return ecCount(t, e, `SELECT COUNT(*) FROM notifications WHERE user_id = ?`, com.UserID) }
		at := func(day string, hh, mm int) {
			t.Helper()
			tm, _ := time.ParseInLocation("2006-01-02", day, time.FixedZone("CST", 8*3600))
			e.Clock.Set(tm.Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute))
			for i := 0; i < 2; i++ {
				if err := e.M.Scheduler.Tick(ctx); err != nil {
					t.Fatal(err)
				}
				if _, err := e.M.Queue.RunDue(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
		at("2021-10-08", 8, 30)
		if item() != 0 || ecCount(t, e, `SELECT COUNT(*) FROM demand_overdue WHERE demand_id = ?`, id) != 0 {
			t.Fatalf("flagged on its due day 10-08")
		}
		at("2021-10-08", 18, 0)
		d, _ = e.M.DemandDetail(ctx, com, id)
		if d.Overdue {
			t.Fatal("overdue on its due day")
		}
		at("2021-10-09", 8, 30)
		if item() != 1 || ecCount(t, e, `SELECT COUNT(*) FROM demand_overdue WHERE demand_id = ? AND kind = 'route' AND flagged_on = '2021-10-09'`, id) != 1 {
			t.Fatalf("on 10-09: %d notices about it", item())
		}
		d, _ = e.M.DemandDetail(ctx, com, id)
		if !d.Overdue || !d.Deadlines.RouteBy.Overdue {
			t.Fatal("not flagged overdue on 10-09")
		}
		n0 := all()
		at("2021-10-09", 9, 0)
		if n, err := e.M.RunOverdue(ctx, "2021-10-09"); err != nil || n != 0 || all() != n0 {
			t.Fatalf("second run on 10-09: %d %v, notices %d → %d", n, err, n0, all())
		}
		at("2021-10-11", 8, 30)
		if item() != 1 {
			t.Fatalf("announced again on 10-11: %d", item())
		}
		if ecCount(t, e, `SELECT COUNT(*) FROM demand_digests WHERE day IN ('2021-10-09', '2021-10-11') AND overdue >= 1`) != 2 {
			t.Fatal("no daily digest on 10-09 and 10-11")
		}
	})
}

func itoa(n int64) string {
	b := []byte{}
	if n == 0 {
		return "0"
	}
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
