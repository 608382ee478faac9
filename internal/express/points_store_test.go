package express

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

func ptKind(err error) errs.Kind {
	var l errs.List
	if errors.As(err, &l) {
		return errs.Invalid
	}
	return errs.KindOf(err)
}

func ptCount(t *testing.T, e *testEnv, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.DB.Q(context.Background()).QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func ptScope(t *testing.T, p *auth.Principal, r auth.Role) int64 {
	t.Helper()
	ids, _ := p.ScopeIDs(r, auth.ScopeEnterprise)
	if len(ids) == 0 {
		t.Fatalf("%s has no enterprise", p.Username)
	}
	return ids[0]
}

func ptVisit(ent int64, day string, briefing string) VisitInput {
	return VisitInput{EnterpriseID: ent, VisitedOn: day, Leader: "党工委书记 柴强晨", Participants: "联络员",
		Answers: []Answer{{Code: "q01", Answer: "生产经营平稳"}, {Code: "q02", Answer: "用电增容审批慢"}}, Briefing: briefing,
		Findings: []Finding{{Code: "f1", Body: "新厂房用电增容迟迟未批，影响投产"}}}
}

// RULES.md §8: points come from records: a visit earns 企业走访 2 (the 5th
// to one enterprise in a month earns 0 and says so), a briefing 政策宣讲 2;
// a liaison's demand earns 收集意见建议 2 and its category bonus, its
// resolution +3; a correction is a reversing entry; the ledger sums to its
// events and its chain verifies, and a deleted row breaks it.
func TestPointsLedgerStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		com, lia, lia2, ent, dept := e.principal(t, "committee"), e.principal(t, "liaison"), e.principal(t, "liaison_2"), e.principal(t, "enterprise"), e.principal(t, "dept_staff")
		entID := ptScope(t, ent, auth.Enterprise)

		// Five visits in November to one enterprise: 2, 2, 2, 2, 0.
		var ids []int64
		for i, d := range []string{"2021-11-02", "2021-11-09", "2021-11-16", "2021-11-23", "2021-11-30"} {
			brief := ""
			if i == 0 {
				brief = "宣讲技术改造专项资金政策"
			}
			id, err := e.M.CreateVisit(ctx, lia, ptVisit(entID, d, brief))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		var pts []int
		var note string
		rows, err := e.DB.Q(ctx).QueryContext(ctx, `SELECT points, note FROM express_points WHERE person_id = ? AND kind = 'visit' ORDER BY ref_id`, lia.PersonID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var p int
			if err := rows.Scan(&p, &note); err != nil {
				t.Fatal(err)
			}
			pts = append(pts, p)
		}
		rows.Close()
		if len(pts) != 5 || pts[0] != 2 || pts[3] != 2 || pts[4] != 0 || !strings.Contains(note, "上限 8 分") {
			t.Fatalf("visit points %v, last note %q", pts, note)
		}
		// December starts a new month.
		if _, err := e.M.CreateVisit(ctx, lia, ptVisit(entID, "2021-12-01", "")); err != nil {
			t.Fatal(err)
		}
		if n := ptCount(t, e, `SELECT COALESCE(SUM(points), 0) FROM express_points WHERE person_id = ? AND kind = 'visit' AND day >= '2021-12-01'`, lia.PersonID); n != 2 {
			t.Fatalf("december visit earned %d", n)
		}

		// Another liaison may not record for this enterprise: 404, nothing written.
		before := ptCount(t, e, `SELECT COUNT(*) FROM express_visits`)
		if _, err := e.M.CreateVisit(ctx, lia2, ptVisit(entID, "2021-12-01", "")); ptKind(err) != errs.NotFound {
			t.Fatalf("unassigned liaison: %v", err)
		}
		if _, err := e.M.CreateVisit(ctx, dept, ptVisit(entID, "2021-12-01", "")); ptKind(err) != errs.Forbidden {
			t.Fatalf("dept_staff: %v", err)
		}
		if ptCount(t, e, `SELECT COUNT(*) FROM express_visits`) != before {
			t.Fatal("a refused visit was written")
		}

		// A liaison's demand (重大事项) earns 2 + 5; resolved, +3.
		id, err := e.M.CreateDemand(ctx, lia, DemandInput{EnterpriseID: entID, Category: "major", Description: "企业拟整体搬迁，涉及 300 名职工安置"})
		if err != nil {
			t.Fatal(err)
		}
		if n := ptCount(t, e, `SELECT COALESCE(SUM(points), 0) FROM express_points WHERE ref_type = 'demand' AND ref_id = ?`, id); n != 7 {
			t.Fatalf("major demand earned %d, want 2+5", n)
		}
		// The enterprise's own demand earns the liaison nothing.
		id2, err := e.M.CreateDemand(ctx, ent, DemandInput{EnterpriseID: entID, Category: "production", Description: "企业自己提出的用工诉求"})
		if err != nil {
			t.Fatal(err)
		}
		if n := ptCount(t, e, `SELECT COUNT(*) FROM express_points WHERE ref_type = 'demand' AND ref_id = ?`, id2); n != 0 {
			t.Fatalf("contact's demand earned %d entries", n)
		}
		if err := e.M.demandEvent(ctx, DemandEvent{Kind: "resolved", DemandID: id, EnterpriseID: entID, Category: "major", RaisedBy: lia.PersonID, Day: "2021-12-20"}); err != nil {
			t.Fatal(err)
		}
		// twice: still once
		if err := e.M.demandEvent(ctx, DemandEvent{Kind: "resolved", DemandID: id, EnterpriseID: entID, Category: "major", RaisedBy: lia.PersonID, Day: "2021-12-21"}); err != nil {
			t.Fatal(err)
		}
		if n := ptCount(t, e, `SELECT COALESCE(SUM(points), 0) FROM express_points WHERE kind = 'demand_resolved' AND ref_id = ?`, id); n != 3 {
			t.Fatalf("resolved earned %d", n)
		}

		// The ledger: liaison sees their own, not another's; office sees all.
		l, err := e.M.LiaisonLedger(ctx, lia, lia.PersonID, "2021-01-01", "2021-12-31")
		if err != nil {
			t.Fatal(err)
		}
		sum := ptCount(t, e, `SELECT COALESCE(SUM(points), 0) FROM express_points WHERE person_id = ?`, lia.PersonID)
		// 4×2 visits + 0 + 2 briefing + 2 december + 7 demand + 3 resolved
		if l.Total != sum || sum != 22 || l.Rank != 1 || l.Of < 35 {
			t.Fatalf("ledger total %d, sum %d, rank %d of %d", l.Total, sum, l.Rank, l.Of)
		}
		if _, err := e.M.LiaisonLedger(ctx, lia2, lia.PersonID, "2021-01-01", "2021-12-31"); ptKind(err) != errs.NotFound {
			t.Fatalf("another liaison's ledger: %v", err)
		}
		if _, err := e.M.LiaisonLedger(ctx, ent, lia.PersonID, "2021-01-01", "2021-12-31"); ptKind(err) != errs.Forbidden {
			t.Fatalf("enterprise read a ledger: %v", err)
		}
		if _, err := e.M.LiaisonLedger(ctx, com, ent.PersonID, "2021-01-01", "2021-12-31"); ptKind(err) != errs.NotFound {
			t.Fatalf("a non-liaison's ledger: %v", err)
		}
		if _, err := e.M.LiaisonLedger(ctx, com, lia.PersonID, "2021-12-31", "2021-01-01"); ptKind(err) != errs.Invalid {
			t.Fatalf("reversed range: %v", err)
		}

		// Corrections: office only, with a reason, once, never of a reversal.
		var entry int64
		if err := e.DB.Q(ctx).QueryRowContext(ctx, `SELECT id FROM express_points WHERE person_id = ? AND kind = 'briefing'`, lia.PersonID).Scan(&entry); err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.Reverse(ctx, lia, entry, "自己冲正"); ptKind(err) != errs.Forbidden {
			t.Fatalf("liaison reversed: %v", err)
		}
		if _, err := e.M.Reverse(ctx, com, entry, " "); ptKind(err) != errs.Invalid {
			t.Fatalf("no reason: %v", err)
		}
		rev, err := e.M.Reverse(ctx, com, entry, "宣讲内容为企业内部培训，不属于政策宣讲")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.Reverse(ctx, com, entry, "再次冲正"); ptKind(err) != errs.Conflict {
			t.Fatalf("second reversal: %v", err)
		}
		if _, err := e.M.Reverse(ctx, com, rev, "冲正冲正记录"); ptKind(err) != errs.Conflict {
			t.Fatalf("reversal of a reversal: %v", err)
		}
		if n := ptCount(t, e, `SELECT COALESCE(SUM(points), 0) FROM express_points WHERE person_id = ?`, lia.PersonID); n != 20 {
			t.Fatalf("after reversal %d", n)
		}
		l, _ = e.M.LiaisonLedger(ctx, com, lia.PersonID, "2021-01-01", "2021-12-31")
		if l.Total != 20 || l.Entries[0].Reverses != entry {
			t.Fatalf("ledger after reversal: %d %+v", l.Total, l.Entries[0])
		}

		// The chain verifies; deleting an entry breaks it.
		v := pointsVerifier{e.M}
		if b, n, err := v.Verify(ctx); err != nil || b != nil || n == 0 {
			t.Fatalf("verify: %v %v %d", b, err, n)
		}
		if _, err := e.DB.W.ExecContext(ctx, e.DB.Rebind(`UPDATE express_points SET points = 8 WHERE id = ?`), entry); err != nil {
			t.Fatal(err)
		}
		if b, _, err := v.Verify(ctx); err != nil || b == nil {
			t.Fatalf("tampered ledger verified: %v", err)
		}
	})
}

// RULES.md §8: the point table is versioned from a date; a change applies
// to records on or after it, and earned points keep their version.
func TestPointRulesVersionedStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		com, lia := e.principal(t, "committee"), e.principal(t, "liaison")
		entID := ptScope(t, lia, auth.Liaison)
		if err := e.M.SetPointRule(ctx, lia, PointRule{Kind: KindVisit, ValidFrom: "2021-12-20", Points: 9}); ptKind(err) != errs.Forbidden {
			t.Fatalf("liaison changed the table: %v", err)
		}
		if err := e.M.SetPointRule(ctx, com, PointRule{Kind: KindVisit, ValidFrom: "2021-12-01", Points: 3, MonthlyCap: 9}); ptKind(err) != errs.Invalid {
			t.Fatalf("backdated: %v", err)
		}
		if err := e.M.SetPointRule(ctx, com, PointRule{Kind: "typing", ValidFrom: "2021-12-20", Points: 3}); ptKind(err) != errs.Invalid {
			t.Fatalf("unknown kind: %v", err)
		}
		if _, err := e.M.CreateVisit(ctx, lia, ptVisit(entID, "2021-12-17", "")); err != nil {
			t.Fatal(err)
		}
		if err := e.M.SetPointRule(ctx, com, PointRule{Kind: KindVisit, ValidFrom: "2021-12-20", Points: 3, MonthlyCap: 9}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.CreateVisit(ctx, lia, ptVisit(entID, "2021-12-20", "")); err != nil {
			t.Fatal(err)
		}
		l, err := e.M.LiaisonLedger(ctx, lia, lia.PersonID, "2021-12-01", "2021-12-31")
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Entries) != 2 || l.Entries[0].Points != 3 || l.Entries[0].RuleFrom != "2021-12-20" || l.Entries[1].Points != 2 || l.Entries[1].RuleFrom != "2021-01-01" {
			t.Fatalf("%+v", l.Entries)
		}
		tb, err := e.M.ReadPointTable(ctx, lia)
		if err != nil || len(tb.InForce) != len(PointKinds) || tb.InForce[0].Points != 3 || tb.Tiers.ExcellentPct != 15 {
			t.Fatalf("table %+v %v", tb, err)
		}
		if err := e.M.SetTiers(ctx, com, TierConfig{ValidFrom: "2021-12-20", ExcellentPct: 20, CompetentPerMonth: 8, BasicPerMonth: 4}); ptKind(err) != errs.Invalid {
			t.Fatalf("20%% excellent: %v", err)
		}
	})
}

// Assessment per month/quarter/year with tiers; rewards and penalties
// recorded by the office against a standing; a liaison may not assess.
func TestAssessmentStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		com, lia := e.principal(t, "committee"), e.principal(t, "liaison")
		entID := ptScope(t, lia, auth.Liaison)
		for _, d := range []string{"2021-10-11", "2021-11-15", "2021-12-13"} {
			if _, err := e.M.CreateVisit(ctx, lia, ptVisit(entID, d, "宣讲专精特新政策")); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.M.Assess(ctx, lia, "2021"); ptKind(err) != errs.Forbidden {
			t.Fatalf("liaison assessed: %v", err)
		}
		if _, err := e.M.Assess(ctx, com, "2021-13"); ptKind(err) != errs.Invalid {
			t.Fatalf("bad period: %v", err)
		}
		for _, c := range []struct {
			period string
			total  int
		}{{"2021", 12}, {"2021-Q4", 12}, {"2021-11", 4}, {"2021-Q3", 0}} {
			a, err := e.M.Assess(ctx, com, c.period)
			if err != nil {
				t.Fatal(err)
			}
			top := a.Standings[0]
			if c.total > 0 && (top.PersonID != lia.PersonID || top.Total != c.total || top.Rank != 1) {
				t.Fatalf("%s: top %+v", c.period, top)
			}
			if len(a.Standings) != 35 || a.Quota != 5 {
				t.Fatalf("%s: %d standings, quota %d", c.period, len(a.Standings), a.Quota)
			}
		}
		// 2021-11: 4 points in 1 month reach 称职's 4 and rank first of 35
		// (quota 5): 优秀; the 34 tied at 0 share rank 2 and are 不称职.
		a, _ := e.M.Assess(ctx, com, "2021-11")
		if a.Standings[0].Tier != TierExcellent || a.Standings[1].Tier != TierUnfit || a.Standings[1].Rank != 2 || a.Standings[34].Rank != 2 {
			t.Fatalf("tiers %+v", a.Standings[:2])
		}
		amt := int64(50000)
		if _, err := e.M.RecordAction(ctx, lia, AssessmentActionInput{Period: "2021-11", PersonID: lia.PersonID, Kind: "reward", Body: "自评优秀"}); ptKind(err) != errs.Forbidden {
			t.Fatalf("liaison recorded: %v", err)
		}
		if _, err := e.M.RecordAction(ctx, com, AssessmentActionInput{Period: "2021-11", PersonID: lia.PersonID, Kind: "bonus", Body: "x"}); ptKind(err) != errs.Invalid {
			t.Fatalf("bad action: %v", err)
		}
		if _, err := e.M.RecordAction(ctx, com, AssessmentActionInput{Period: "2021-11", PersonID: 999999, Kind: "reward", Body: "不存在的联络员"}); ptKind(err) != errs.Invalid {
			t.Fatalf("non-liaison: %v", err)
		}
		if _, err := e.M.RecordAction(ctx, com, AssessmentActionInput{Period: "2021-11", PersonID: lia.PersonID, Kind: "reward", Body: "走访企业排名第一，通报表扬", AmountFen: &amt}); err != nil {
			t.Fatal(err)
		}
		a, _ = e.M.Assess(ctx, com, "2021-11")
		if len(a.Actions) != 1 || a.Actions[0].Rank != 1 || a.Actions[0].Tier != TierExcellent || a.Actions[0].Amount() != 50000 {
			t.Fatalf("actions %+v", a.Actions)
		}
	})
}

// Visits: the office may record anywhere for a named liaison of the
// enterprise; a finding becomes a demand in one step and only once.
func TestVisitFindingToDemandStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		com, lia, lia2, ent := e.principal(t, "committee"), e.principal(t, "liaison"), e.principal(t, "liaison_2"), e.principal(t, "enterprise")
		entID := ptScope(t, ent, auth.Enterprise)
		in := ptVisit(entID, "2021-12-17", "")
		in.LiaisonID = lia2.PersonID // not this enterprise's liaison
		if _, err := e.M.CreateVisit(ctx, com, in); ptKind(err) != errs.Invalid {
			t.Fatalf("wrong liaison: %v", err)
		}
		bad := ptVisit(entID, "2021-12-21", "")
		bad.Answers = []Answer{{Code: "q99", Answer: "x"}}
		if _, err := e.M.CreateVisit(ctx, lia, bad); ptKind(err) != errs.Invalid {
			t.Fatalf("future day, bad question: %v", err)
		}
		in.LiaisonID = lia.PersonID
		vid, err := e.M.CreateVisit(ctx, com, in)
		if err != nil {
			t.Fatal(err)
		}
		v, err := e.M.VisitDetail(ctx, ent, vid)
		if err != nil || len(v.Findings) != 1 || v.Answered != 2 || v.Liaison == "" {
			t.Fatalf("detail %+v %v", v, err)
		}
		if _, err := e.M.VisitDetail(ctx, lia2, vid); ptKind(err) != errs.NotFound {
			t.Fatalf("other liaison saw it: %v", err)
		}
		vs, _ := e.M.Visits(ctx, lia2, VisitFilter{})
		if len(vs) != 0 {
			t.Fatalf("other liaison lists %d", len(vs))
		}
		fid := v.Findings[0].ID
		if _, err := e.M.FindingToDemand(ctx, lia2, fid, ToDemandInput{Category: "production"}); ptKind(err) != errs.NotFound {
			t.Fatalf("other liaison converted: %v", err)
		}
		if _, err := e.M.FindingToDemand(ctx, lia, fid, ToDemandInput{Category: "money"}); ptKind(err) != errs.Invalid {
			t.Fatalf("bad category: %v", err)
		}
		if n := ptCount(t, e, `SELECT COUNT(*) FROM demands`); n != 0 {
			t.Fatalf("%d demands after refusals", n)
		}
		did, err := e.M.FindingToDemand(ctx, lia, fid, ToDemandInput{Category: "production"})
		if err != nil {
			t.Fatal(err)
		}
		var src string
		var sid int64
		if err := e.DB.Q(ctx).QueryRowContext(ctx, `SELECT source, source_id FROM demands WHERE id = ?`, did).Scan(&src, &sid); err != nil || src != "visit" || sid != vid {
			t.Fatalf("demand source %s %d %v", src, sid, err)
		}
		// raised by the liaison: 2 + 3 (生产经营困难)
		if n := ptCount(t, e, `SELECT COALESCE(SUM(points), 0) FROM express_points WHERE ref_type = 'demand' AND ref_id = ?`, did); n != 5 {
			t.Fatalf("finding demand earned %d", n)
		}
		if _, err := e.M.FindingToDemand(ctx, lia, fid, ToDemandInput{Category: "production"}); ptKind(err) != errs.Conflict {
			t.Fatalf("twice: %v", err)
		}
	})
}

// Breakfast meetings: only 规上/限上 enterprises; held once; an issue
// becomes a demand; coverage counts held meetings in the year.
func TestBreakfastStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		com, lia, ent := e.principal(t, "committee"), e.principal(t, "liaison"), e.principal(t, "enterprise")
		var small, big int64
		if err := e.DB.Q(ctx).QueryRowContext(ctx, `SELECT id FROM enterprises WHERE above_scale = FALSE AND above_quota = FALSE ORDER BY id LIMIT 1`).Scan(&small); err != nil {
			t.Fatal(err)
		}
		if err := e.DB.Q(ctx).QueryRowContext(ctx, `SELECT id FROM enterprises WHERE above_scale = TRUE ORDER BY id LIMIT 1`).Scan(&big); err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.ScheduleBreakfast(ctx, com, BreakfastInput{EnterpriseID: small, ScheduledOn: "2021-12-21", Leaders: "党工委书记"}); ptKind(err) != errs.Invalid {
			t.Fatalf("small enterprise: %v", err)
		}
		if _, err := e.M.ScheduleBreakfast(ctx, lia, BreakfastInput{EnterpriseID: big, ScheduledOn: "2021-12-21", Leaders: "党工委书记"}); ptKind(err) != errs.Forbidden {
			t.Fatalf("liaison scheduled: %v", err)
		}
		c0, err := e.M.BreakfastCoverage(ctx, com, "2021")
		if err != nil || c0.AboveScale != 45 || c0.AboveQuota != 15 || c0.TotalMet != 0 || len(c0.Uncovered) != c0.Total {
			t.Fatalf("coverage before: %+v %v", c0, err)
		}
		id, err := e.M.ScheduleBreakfast(ctx, com, BreakfastInput{EnterpriseID: big, ScheduledOn: "2021-12-18", Leaders: "党工委书记 柴强晨"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.M.HoldBreakfast(ctx, com, id, HeldInput{HeldOn: "2021-12-22", Attendees: "董事长"}); ptKind(err) != errs.Invalid {
			t.Fatalf("held in the future: %v", err)
		}
		if err := e.M.HoldBreakfast(ctx, com, id, HeldInput{Attendees: "董事长、总经理", Issues: []string{"希望协调用电增容", " "}}); err != nil {
			t.Fatal(err)
		}
		if err := e.M.HoldBreakfast(ctx, com, id, HeldInput{Attendees: "董事长、总经理"}); ptKind(err) != errs.Conflict {
			t.Fatalf("held twice: %v", err)
		}
		b, err := e.M.BreakfastDetail(ctx, com, id)
		if err != nil || b.Status != "held" || b.HeldOn != "2021-12-18" || len(b.Issues) != 1 {
			t.Fatalf("%+v %v", b, err)
		}
		c, _ := e.M.BreakfastCoverage(ctx, com, "2021")
		if c.TotalMet != 1 || len(c.Uncovered) != c.Total-1 {
			t.Fatalf("coverage after: %+v", c)
		}
		if _, err := e.M.BreakfastCoverage(ctx, lia, "2021"); ptKind(err) != errs.Forbidden {
			t.Fatalf("liaison coverage: %v", err)
		}
		// An enterprise contact sees only their own enterprise's meetings.
		bs, _ := e.M.Breakfasts(ctx, ent, "")
		for _, x := range bs {
			if x.EnterpriseID != ptScope(t, ent, auth.Enterprise) {
				t.Fatalf("contact sees %+v", x)
			}
		}
		did, err := e.M.IssueToDemand(ctx, com, b.Issues[0].ID, ToDemandInput{Category: "production"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.IssueToDemand(ctx, com, b.Issues[0].ID, ToDemandInput{Category: "production"}); ptKind(err) != errs.Conflict {
			t.Fatalf("twice: %v", err)
		}
		if n := ptCount(t, e, `SELECT COUNT(*) FROM demands WHERE id = ? AND source = 'breakfast' AND source_id = ?`, did, id); n != 1 {
			t.Fatal("demand not linked to its breakfast")
		}
	})
}

// Reports and trainings earn 信息报送 and 参加培训和会议; the demo year loads
// fast, its ledger sums to its events and verifies.
func TestLiaisonWorkAndDemoStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		com, lia, ent := e.principal(t, "committee"), e.principal(t, "liaison"), e.principal(t, "enterprise")
		if _, err := e.M.FileReport(ctx, ent, ReportInput{Title: "企业情况", Body: "企业联系人不能报送联络员信息"}); ptKind(err) != errs.Forbidden {
			t.Fatalf("contact filed: %v", err)
		}
		if _, err := e.M.FileReport(ctx, lia, ReportInput{Title: "x", Body: "短"}); ptKind(err) != errs.Invalid {
			t.Fatalf("short: %v", err)
		}
		if _, err := e.M.FileReport(ctx, lia, ReportInput{Title: "企业用工需求", Body: "企业新增两条生产线，急需技术工人 30 名。", EnterpriseID: ptScope(t, lia, auth.Liaison)}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.RecordTraining(ctx, com, TrainingInput{HeldOn: "2021-12-10", Kind: "meeting", Title: "联络员座谈会", Attendees: []int64{lia.PersonID, ent.PersonID}}); ptKind(err) != errs.Invalid {
			t.Fatalf("non-liaison attendee: %v", err)
		}
		if _, err := e.M.RecordTraining(ctx, lia, TrainingInput{HeldOn: "2021-12-10", Kind: "meeting", Title: "联络员座谈会", Attendees: []int64{lia.PersonID}}); ptKind(err) != errs.Forbidden {
			t.Fatalf("liaison recorded a training: %v", err)
		}
		if _, err := e.M.RecordTraining(ctx, com, TrainingInput{HeldOn: "2021-12-10", Kind: "meeting", Title: "联络员座谈会", Attendees: []int64{lia.PersonID, lia.PersonID}}); err != nil {
			t.Fatal(err)
		}
		if n := ptCount(t, e, `SELECT COALESCE(SUM(points), 0) FROM express_points WHERE person_id = ?`, lia.PersonID); n != 2 {
			t.Fatalf("report + training earned %d", n)
		}
		ts, _ := e.M.Trainings(ctx, lia)
		if len(ts) != 1 || !ts[0].Attended {
			t.Fatalf("%+v", ts)
		}

		start := time.Now()
		for _, load := range []func(*Module, context.Context) error{loadVisitsDemo, loadBreakfastDemo, loadLiaisonDemo} {
			if err := load(e.M, ctx); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("demo (visits, breakfasts, reports, trainings) loaded in %v", time.Since(start))
		visits := ptCount(t, e, `SELECT COUNT(*) FROM express_visits WHERE visited_on < '2021-08-01' OR visited_on > '2021-12-20'`)
		future := ptCount(t, e, `SELECT COUNT(*) FROM express_points WHERE day < '2021-08-01' OR day > '2021-12-20'`)
		if visits != 0 || future != 0 {
			t.Fatalf("%d visits, %d entries outside 2021-08-01 … the demo day", visits, future)
		}
		t.Logf("demo: %d visits, %d breakfasts, %d reports, %d ledger entries", ptCount(t, e, `SELECT COUNT(*) FROM express_visits`),
			ptCount(t, e, `SELECT COUNT(*) FROM express_breakfasts`), ptCount(t, e, `SELECT COUNT(*) FROM express_reports`), ptCount(t, e, `SELECT COUNT(*) FROM express_points`))
		c, _ := e.M.BreakfastCoverage(ctx, com, "2021")
		if c.Total != 60 || c.TotalMet != 54 || len(c.Uncovered) != 6 || c.ScheduledPending != 4 {
			t.Fatalf("demo coverage %+v", c)
		}
		// Every point is an event: the sum per liaison equals the ledger's total.
		a, err := e.M.Assess(ctx, com, "2021")
		if err != nil {
			t.Fatal(err)
		}
		all := 0
		for _, s := range a.Standings {
			all += s.Total
		}
		if all != ptCount(t, e, `SELECT COALESCE(SUM(points), 0) FROM express_points`) || all == 0 {
			t.Fatalf("standings sum %d", all)
		}
		ex := 0
		for _, s := range a.Standings {
			if s.Tier == TierExcellent {
				ex++
			}
		}
		if ex > 5 {
			t.Fatalf("%d 优秀 of 35", ex)
		}
		t.Logf("2021: top %+v, bottom %+v", a.Standings[0], a.Standings[len(a.Standings)-1])
		if b, _, err := (pointsVerifier{e.M}).Verify(ctx); err != nil || b != nil {
			t.Fatalf("demo ledger: %v %v", b, err)
		}
		// The cap shows: the fifth November visit to 天成药业 earned 0.
		if n := ptCount(t, e, `SELECT COUNT(*) FROM express_points WHERE kind = 'visit' AND points = 0 AND note <> ''`); n < 1 {
			t.Fatal("no capped visit in the demo")
		}
	})
}

// A good practice (经验做法) reported by a liaison earns the bonus when the
// office adopts it, once; an ordinary report cannot be adopted.
func TestAdoptPracticeStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		com, lia := e.principal(t, "committee"), e.principal(t, "liaison")
		info, err := e.M.FileReport(ctx, lia, ReportInput{Title: "企业用工情况", Body: "企业三季度新增员工 40 名，用工基本稳定。"})
		if err != nil {
			t.Fatal(err)
		}
		pr, err := e.M.FileReport(ctx, lia, ReportInput{Kind: "practice", Title: "党员先锋岗做法", Body: "企业在关键工序设立党员先锋岗，产品合格率提升明显。"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.FileReport(ctx, lia, ReportInput{Kind: "rumour", Title: "传闻", Body: "不属于任何类型的报送内容"}); ptKind(err) != errs.Invalid {
			t.Fatalf("bad kind: %v", err)
		}
		if err := e.M.AdoptPractice(ctx, lia, pr); ptKind(err) != errs.Forbidden {
			t.Fatalf("liaison adopted: %v", err)
		}
		if err := e.M.AdoptPractice(ctx, com, info); ptKind(err) != errs.Conflict {
			t.Fatalf("info adopted: %v", err)
		}
		if err := e.M.AdoptPractice(ctx, com, pr); err != nil {
			t.Fatal(err)
		}
		if err := e.M.AdoptPractice(ctx, com, pr); ptKind(err) != errs.Conflict {
			t.Fatalf("adopted twice: %v", err)
		}
		// 1 + 1 for the reports, 5 for the adopted practice (RULES.md §8)
		if n := ptCount(t, e, `SELECT COALESCE(SUM(points), 0) FROM express_points WHERE person_id = ?`, lia.PersonID); n != 7 {
			t.Fatalf("points %d", n)
		}
	})
}

// A resolution looks up who earned for raising the demand, inside the
// shared write transaction: by the reference's index (migration 014), not
// a scan of the whole ledger, which grows all year (issue 8). SQLite's
// plan, which does not depend on table statistics; PostgreSQL chooses by
// them.
func TestRaiserEarningLookupUsesIndex(t *testing.T) {
	d := db.OpenTestSQLite(t, testSources)
	rows, err := d.R.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+raiserEarningSQL, KindDemandRaised, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	got := strings.Join(plan, "; ")
	if !strings.Contains(got, "express_points_ref") || strings.Contains(got, "SCAN express_points") {
		t.Fatalf("the raiser's earning is not found by the reference's index: %s", got)
	}
}
