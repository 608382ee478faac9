package study

import (
	"context"
	"math"
	"testing"
	"time"

	"zhongshu/internal/directory"
)

// The demo's daily part: 35 sentences learned by the demo clock (the
// seed), check-ins of the organ-branch members that look like a real
// month, points whose ledger verifies, and weekly figures that equal a
// direct count. Loaded on its own, fast.
func TestDailyDemo(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		start := time.Now()
		if err := dailyLoadDemo(e.M, ctx); err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		t.Logf("daily demo part loaded in %s", took)
		if e.DB.Dialect == "sqlite" && took > 2*time.Second {
			t.Errorf("the daily demo took %s on SQLite (want well under 2 s)", took)
		}

		fs, err := e.M.runFigures(ctx, dailyFigures(e.M, "2021-01-01", "2021-12-20"))
		if err != nil {
			t.Fatal(err)
		}
		checkins := e.count(t, `SELECT COUNT(*) FROM study_checkins`)
		if fs[0].Key != "sentences_learned" || fs[0].Value != 35 || fs[0].Unit != "unit.sentences" || fs[1].Key != "checkins" || fs[1].Value != checkins {
			t.Fatalf("figures %+v (check-ins %d)", fs, checkins)
		}
		if fs, _ := e.M.runFigures(ctx, dailyFigures(e.M, "2021-01-01", "2022-12-31")); fs[0].Value != 35 {
			t.Fatalf("sentences of days not yet begun counted: %d", fs[0].Value)
		}
		if fs, _ := e.M.runFigures(ctx, dailyFigures(e.M, "2021-12-01", "2021-12-31")); fs[0].Value != 20 {
			t.Fatalf("December to date: %d", fs[0].Value)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM study_sentences`); n != 77 {
			t.Fatalf("%d sentences scheduled, want 77 (2021-11-16 … 2022-01-31)", n)
		}

		// Who checked in: organ cadres most days, village and enterprise
		// members less often, up to today's early risers.
		organ, _ := e.M.Dir.BranchList(ctx, directory.KindOrganBranch)
		in := map[int64]bool{}
		for _, b := range organ {
			in[b.ID] = true
		}
		all, _ := e.M.Dir.MembersOf(ctx, 0, false)
		var members []directory.Member
		for _, mb := range all {
			if in[mb.BranchID] {
				members = append(members, mb)
			}
		}
		days := 34 // 2021-11-16 … 2021-12-19
		organPast := e.count(t, `SELECT COUNT(*) FROM study_checkins c JOIN people p ON p.id = c.person_id JOIN branches b ON b.id = p.branch_id WHERE b.kind = 'organ_branch' AND c.day < '2021-12-20'`)
		outside := e.count(t, `SELECT COUNT(*) FROM study_checkins c JOIN people p ON p.id = c.person_id JOIN branches b ON b.id = p.branch_id WHERE b.kind <> 'organ_branch' AND c.day < '2021-12-20'`)
		rate := float64(organPast) / float64(days*len(members))
		outsideRate := float64(outside) / float64(days*(len(all)-len(members)))
		recites := e.count(t, `SELECT COUNT(*) FROM study_checkins WHERE mode = 'recite'`)
		laggards := e.count(t, `SELECT COUNT(*) FROM (SELECT c.person_id FROM study_checkins c JOIN people p ON p.id = c.person_id JOIN branches b ON b.id = p.branch_id WHERE b.kind = 'organ_branch' AND c.day < '2021-12-20' GROUP BY c.person_id HAVING COUNT(*) < 20) x`)
		t.Logf("%d organ-branch members at %.1f%%, %d other members at %.1f%%, %d check-ins, %d recited, %d organ laggards", len(members), rate*100, len(all)-len(members), outsideRate*100, checkins, recites, laggards)
		if rate < 0.75 || rate > 0.95 || outsideRate < 0.4 || outsideRate >= rate || recites < checkins/20 || recites > checkins/2 || laggards == 0 || laggards > len(members)/5 {
			t.Errorf("the demo does not look like a real month")
		}
		nine := zoneAt("2021-12-20", 9, 0)
		early := e.count(t, `SELECT COUNT(*) FROM study_checkins WHERE day = '2021-12-20'`)
		if early == 0 || early > len(all)/2 || e.count(t, `SELECT COUNT(*) FROM study_checkins WHERE created_at >= ? OR recited_at >= ?`, nine, nine) != 0 {
			t.Fatalf("today's early risers: %d", early)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM study_checkins c JOIN users u ON u.person_id = c.person_id WHERE c.day = '2021-12-20'`); n != 0 {
			t.Fatalf("%d demo accounts already checked in today", n)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM study_checkins c JOIN users u ON u.person_id = c.person_id WHERE u.username = 'member'`); n < 20 {
			t.Fatalf("the member account has only %d check-ins", n)
		}

		// Points: 1 a read day, 3 a recited day, in a ledger that verifies.
		if n := e.count(t, `SELECT COALESCE(SUM(points), 0) FROM study_points`); n != checkins+2*recites {
			t.Fatalf("%d points for %d check-ins, %d recited", n, checkins, recites)
		}
		b, n, err := e.M.Verifier().Verify(ctx)
		if err != nil || b != nil || n != int64(checkins+recites) {
			t.Fatalf("verify: %v %v %d", err, b, n)
		}
		// The ledger goes on from the demo through Award.
		e.Clock.Set(zoneAt("2021-12-20", 9, 30))
		mem := e.principal(t, "member")
		if r, err := e.M.CheckIn(ctx, mem, CheckinInput{Mode: CheckinRead}); err != nil || !r.New || r.Streak < 2 {
			t.Fatalf("member's check-in after the demo: %+v %v", r, err)
		}
		if b, _, err := e.M.Verifier().Verify(ctx); err != nil || b != nil {
			t.Fatalf("verify after a live award: %v %v", err, b)
		}

		// Weekly figures equal a direct count of check-ins.
		e.Clock.Set(zoneAt("2021-12-20", 10, 0))
		for _, ws := range []string{"2021-W47", "2021-W49", "2021-W50", "2021-W51"} {
			w, _ := ParseISOWeek(ws)
			d := w.Days()
			rep, err := e.M.dailyWeeklyReport(ctx, w, 0)
			if err != nil {
				t.Fatal(err)
			}
			check := func(name string, got WeeklyBranch, where string, args ...any) {
				t.Helper()
				a := append([]any{}, args...)
				members := e.count(t, `SELECT COUNT(*) FROM people p WHERE p.party_member = TRUE AND p.branch_id IS NOT NULL`+where, a...)
				cnt := e.count(t, `SELECT COUNT(*) FROM study_checkins c JOIN people p ON p.id = c.person_id
					WHERE p.party_member = TRUE AND p.branch_id IS NOT NULL AND c.day >= ? AND c.day <= ?`+where, append([]any{d[0], d[6]}, a...)...)
				full := e.count(t, `SELECT COUNT(*) FROM (SELECT c.person_id FROM study_checkins c JOIN people p ON p.id = c.person_id
					WHERE p.party_member = TRUE AND p.branch_id IS NOT NULL AND c.day >= ? AND c.day <= ?`+where+` GROUP BY c.person_id HAVING COUNT(*) = 7) x`,
					append([]any{d[0], d[6]}, a...)...)
				missed := e.count(t, `SELECT COUNT(*) FROM people p WHERE p.party_member = TRUE AND p.branch_id IS NOT NULL`+where+`
					AND (SELECT COUNT(*) FROM study_checkins c WHERE c.person_id = p.id AND c.day >= ? AND c.day <= ?) <= 4`, append(a, d[0], d[6])...)
				want := 0.0
				if members > 0 {
					want = math.Round(float64(cnt)*1000/float64(members*7)) / 10
				}
				if got.Members != members || got.Checkins != cnt || len(got.Full) != full || len(got.Missed3) != missed || math.Abs(got.Rate-want) > 0.051 {
					t.Errorf("%s %s: got members %d check-ins %d full %d missed %d rate %.1f; direct count %d %d %d %d %.1f",
						ws, name, got.Members, got.Checkins, len(got.Full), len(got.Missed3), got.Rate, members, cnt, full, missed, want)
				}
			}
			check("zone", *rep.Zone, "")
			for _, b := range rep.Branches {
				check(b.Name, b, ` AND p.branch_id = ?`, b.BranchID)
			}
			if ws == "2021-W50" {
				t.Logf("%s zone: %d members, %d check-ins, %.1f%% (%+.1f), %d full, %d missed ≥3", ws, rep.Zone.Members, rep.Zone.Checkins, rep.Zone.Rate, rep.Zone.Trend, len(rep.Zone.Full), len(rep.Zone.Missed3))
			}
		}
	})
}
