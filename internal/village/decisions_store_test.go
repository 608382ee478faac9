package village

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"net/http/httptest"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/web"
)

// dxVillages returns the demo villages by code (东王村 first).
func dxVillages(t *testing.T, e *testEnv) []directory.Village {
	t.Helper()
	vs, err := e.M.Dir.VillageList(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].Code < vs[j].Code })
	return vs
}

func dxStepCount(t *testing.T, e *testEnv, id int64) int {
	t.Helper()
	var n int
	if err := e.DB.Q(context.Background()).QueryRowContext(context.Background(), `SELECT COUNT(*) FROM village_decision_steps WHERE decision_id = ?`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDecisionsDemoStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		start := time.Now()
		if err := loadDecisionsDemo(e.M, ctx); err != nil {
			t.Fatal(err)
		}
		t.Logf("decisions demo loaded in %v", time.Since(start))
		vs := dxVillages(t, e)
		sec := e.principal(t, "village_secretary")
		ds, err := e.M.Decisions(ctx, sec, vs[0].ID, DecisionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, d := range ds {
			got[d.Title] = d.Status
		}
		want := map[string]string{"村内主街道硬化工程": DecisionCompleted, "村集体坑塘承包经营方案": DecisionPassed, "修订村规民约": DecisionStopped, "冬季清雪及公共照明维修": DecisionPassed}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: status %q, want %q", k, got[k], v)
			}
		}
		// The stopped decision shows the meeting that did not sit.
		for _, d := range ds {
			if d.Status != DecisionStopped {
				continue
			}
			full, err := e.M.Decision(ctx, sec, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(full.Attempts) != 1 || full.Attempts[0].Outcome != OutcomeNoQuorum || !strings.Contains(full.Attempts[0].Refusal, "RULES.md 1.4") {
				t.Fatalf("stopped decision's attempts: %+v", full.Attempts)
			}
			if !full.Merged || len(full.NextSteps) != 1 || full.NextSteps[0] != StepPartyReview {
				t.Fatalf("stopped decision: merged %v next %v", full.Merged, full.NextSteps)
			}
		}
		// The portal shows only passed decisions with a posting.
		pub, err := e.M.PublicDecisions(ctx, vs[0].ID, "2021-12-20")
		if err != nil {
			t.Fatal(err)
		}
		if len(pub) != 3 {
			t.Fatalf("public decisions: %d, want 3", len(pub))
		}
		b, _ := json.Marshal(pub)
		if strings.Contains(string(b), "修订村规民约") || strings.Contains(string(b), "党员大会审议，与会党员") {
			t.Fatalf("portal leaks a stopped decision or minutes: %s", b)
		}
		pg := e.M.Views.Prepare(httptest.NewRequest("GET", "/public/villages/1", nil), &web.Page{D: pub})
		html, err := e.M.Views.Fragment("decisions_portal", "portal_block", pg)
		if err != nil || !strings.Contains(string(html), "村内主街道硬化工程") || !strings.Contains(string(html), "⑥实施结果公开") {
			t.Fatalf("portal block: %v\n%s", err, html)
		}
		slides, err := decisionSlides(e.M, ctx, vs[0].ID)
		if err != nil || len(slides) != 3 || slides[0].Kind != "decision" {
			t.Fatalf("slides: %v %+v", err, slides)
		}
		if pub2, _ := e.M.PublicDecisions(ctx, vs[1].ID, "2021-12-20"); len(pub2) != 0 {
			t.Fatalf("西马庄村's draft is public: %+v", pub2)
		}
		// Another village's draft is "not found" for this secretary.
		var draft int64
		if err := e.DB.Q(ctx).QueryRowContext(ctx, `SELECT id FROM village_decisions WHERE village_id = ?`, vs[1].ID).Scan(&draft); err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.Decision(ctx, sec, draft); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("other village's decision: %v", err)
		}
		if _, err := e.M.RecordStep(ctx, sec, draft, StepInput{Step: StepConsultation, Date: "2021-12-15", Expected: 5, Present: 5, For: 5}); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("step on other village's decision: %v", err)
		}
		// Paid expenditures of the year, in every tier, for the finance disclosure.
		paid, err := e.M.PaidExpenditures(ctx, vs[0].ID, "2021-01-01", "2021-12-31")
		if err != nil {
			t.Fatal(err)
		}
		tiers := map[int]int{}
		for i, p := range paid {
			tiers[p.Tier]++
			if i > 0 && paid[i-1].PaidOn > p.PaidOn {
				t.Fatal("paid expenditures out of order")
			}
		}
		if tiers[1] < 3 || tiers[2] < 2 || tiers[3] < 1 {
			t.Fatalf("paid by tier: %v", tiers)
		}
		q3, _ := e.M.PaidExpenditures(ctx, vs[0].ID, "2021-09-15", "2021-09-15")
		if len(q3) != 1 || q3[0].Tier != 3 || q3[0].DecisionID == 0 {
			t.Fatalf("the road payment: %+v", q3)
		}
		// The township review queue: 社发局 staff see the winter works; 经发局 staff nothing.
		rq, err := e.M.ReviewQueue(ctx, e.principal(t, "dept_staff_3"))
		if err != nil || len(rq) != 1 || rq[0].DecisionID == 0 {
			t.Fatalf("review queue: %v %+v", err, rq)
		}
		if rq2, err := e.M.ReviewQueue(ctx, e.principal(t, "dept_staff")); err != nil || len(rq2) != 0 {
			t.Fatalf("other department's queue: %v %+v", err, rq2)
		}
		if _, err := e.M.Expenditure(ctx, e.principal(t, "dept_staff"), rq[0].ID); errs.KindOf(err) != errs.Forbidden && errs.KindOf(err) != errs.NotFound {
			t.Fatalf("other department reads a tier-3 expenditure: %v", err)
		}
	})
}

func TestDecisionsEngineStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		vs := dxVillages(t, e)
		sec := e.principal(t, "village_secretary")
		d, err := e.M.CreateDecision(ctx, sec, vs[0].ID, DecisionInput{Title: "村民文化广场建设", Category: "project", AmountFen: 5_000_000, ProposedOn: "2021-06-01"})
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != DecisionInProgress || len(d.NextSteps) != 1 || d.NextSteps[0] != StepProposal || !d.MergeAvailable {
			t.Fatalf("new decision: %+v", d)
		}
		// Refused records change nothing.
		for _, in := range []StepInput{
			{Step: StepPartyReview, Date: "2021-06-01", Expected: 30, Present: 30, For: 30}, // out of order (RULES.md 1.1)
			{Step: StepProposal, Date: "2021-06-01", Expected: 5, Present: 6, For: 5},       // numbers (RULES.md 1.11)
		} {
			if _, err := e.M.RecordStep(ctx, sec, d.ID, in); errs.KindOf(err) != errs.Invalid {
				t.Fatalf("%+v: %v", in, err)
			}
		}
		if n := dxStepCount(t, e, d.ID); n != 0 {
			t.Fatalf("refused steps left %d rows", n)
		}
		steps := []StepInput{
			{Step: StepConsultation, Merged: true, Date: "2021-06-02", Expected: 6, Present: 6, For: 5, Against: 1},
		}
		for _, in := range steps {
			if d, err = e.M.RecordStep(ctx, sec, d.ID, in); err != nil {
				t.Fatal(err)
			}
		}
		if !d.Merged || d.Steps[0].Merged != true {
			t.Fatalf("merge not recorded: %+v", d)
		}
		// A party meeting below 2/3: 422, kept as an attempt, decision stopped.
		d2, err := e.M.RecordStep(ctx, sec, d.ID, StepInput{Step: StepPartyReview, Date: "2021-06-09", Expected: 30, Present: 19, For: 19})
		if errs.KindOf(err) != errs.Invalid || !strings.Contains(errs.As(err).Zh, "19") || !strings.Contains(errs.As(err).Zh, "30") {
			t.Fatalf("below quorum: %v", err)
		}
		if d2 == nil || d2.Status != DecisionStopped || len(d2.Attempts) != 1 {
			t.Fatalf("stopped decision: %+v", d2)
		}
		// Reconvened with a quorum, it goes on.
		if d, err = e.M.RecordStep(ctx, sec, d.ID, StepInput{Step: StepPartyReview, Date: "2021-06-16", Expected: 30, Present: 25, For: 20, Against: 3, Abstain: 2}); err != nil {
			t.Fatal(err)
		}
		// RULES.md 1.8: representatives authorised by default, so either ④.
		if d.Status != DecisionInProgress || strings.Join(d.NextSteps, ",") != StepRepresentatives+","+StepVillagers {
			t.Fatalf("after the party review: %s %v", d.Status, d.NextSteps)
		}
		if _, err = e.M.RecordStep(ctx, sec, d.ID, StepInput{Step: StepVillagers, Date: "2021-06-30", Basis: "households", Expected: 300, Present: 210, For: 150, Against: 40, Abstain: 20}); err != nil {
			t.Fatal(err)
		}
		d, err = e.M.Decision(ctx, sec, d.ID)
		if err != nil || d.Status != DecisionPassed || d.PassedOn != "2021-06-30" {
			t.Fatalf("passed: %v %+v", err, d)
		}
		// A disclosure one day short is refused and changes nothing.
		before := dxStepCount(t, e, d.ID)
		if _, err := e.M.RecordStep(ctx, sec, d.ID, StepInput{Step: StepResolutionDisclosure, Date: "2021-07-01", PostedTo: "2021-07-06", Channel: "bulletin_board"}); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("short posting: %v", err)
		}
		if dxStepCount(t, e, d.ID) != before {
			t.Fatal("a refused posting was kept")
		}
		// Steps are append-only in the database too.
		if _, err := e.DB.W.ExecContext(ctx, e.DB.Rebind(`UPDATE village_decision_steps SET votes_for = 1 WHERE decision_id = ?`), d.ID); err == nil {
			t.Fatal("a step was updated")
		}
		// Decisions keep the rules they were proposed under.
		com := e.principal(t, "committee")
		if _, err := e.M.SetRules(ctx, com, vs[0].ID, RulesChange{ValidFrom: "2021-07-01", Reason: "村民会议未授权村民代表会议（RULES.md 1.8）", Rules: json.RawMessage(`{"representatives_may":false,"posting_days":10}`)}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.RecordStep(ctx, sec, d.ID, StepInput{Step: StepResolutionDisclosure, Date: "2021-07-01", Days: 7}); err != nil {
			t.Fatalf("7 days under the old rules: %v", err)
		}
		nd, err := e.M.CreateDecision(ctx, sec, vs[0].ID, DecisionInput{Title: "村民文化广场二期", Category: "project", ProposedOn: "2021-07-05"})
		if err != nil {
			t.Fatal(err)
		}
		if nd.RulesVersion.VillageRulesID == 0 || nd.Rules.RepresentativesMay || nd.Rules.PostingDays != 10 || !nd.VillagersMeeting {
			t.Fatalf("new decision's rules: %+v", nd.RulesVersion)
		}
	})
}

func TestExpendituresStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		vs := dxVillages(t, e)
		sec, sup, com := e.principal(t, "village_secretary"), e.principal(t, "village_supervisor"), e.principal(t, "committee")
		for _, c := range []struct {
			fen  int64
			tier int
		}{{100_000, 1}, {100_001, 2}, {1_000_000, 2}} {
			x, err := e.M.CreateExpenditure(ctx, sec, vs[0].ID, ExpenditureInput{AmountFen: c.fen, Purpose: "测试支出", RequestedOn: "2021-06-01"})
			if err != nil || x.Tier != c.tier {
				t.Fatalf("%d fen: %v tier %v", c.fen, err, x)
			}
		}
		// Tier 3 without a passed decision is filed but cannot proceed.
		big, err := e.M.CreateExpenditure(ctx, sec, vs[0].ID, ExpenditureInput{AmountFen: 1_000_001, Purpose: "大额支出", RequestedOn: "2021-06-01"})
		if err != nil || big.Tier != 3 || !big.DecisionRequired || !strings.Contains(big.Blocked, "RULES.md §2") {
			t.Fatalf("tier 3 without a decision: %v %+v", err, big)
		}
		if _, err := e.M.Sign(ctx, sup, big.ID, SignInput{Kind: SignSupervisor, SignedOn: "2021-06-02"}); errs.KindOf(err) != errs.Invalid ||
			!strings.Contains(errs.As(err).Zh, "RULES.md §2") {
			t.Fatalf("signing a blocked tier-3 request: %v", err)
		}
		d, _ := e.M.CreateDecision(ctx, sec, vs[0].ID, DecisionInput{Title: "未通过的事项", Category: "project", ProposedOn: "2021-06-01"})
		if _, err := e.M.CreateExpenditure(ctx, sec, vs[0].ID, ExpenditureInput{AmountFen: 2_000_000, Purpose: "大额支出", DecisionID: d.ID}); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("tier 3 with an unpassed decision: %v", err)
		}
		if _, err := e.M.LinkDecision(ctx, sec, big.ID, d.ID); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("linking an unpassed decision: %v", err)
		}
		// Pass it as a matter outside the procedure list (the two committees decide).
		od, _ := e.M.CreateDecision(ctx, sec, vs[0].ID, DecisionInput{Title: "其他事项", Category: "other", ProposedOn: "2021-06-01"})
		if od, err = e.M.RecordStep(ctx, sec, od.ID, StepInput{Step: StepProposal, Merged: true, Date: "2021-06-01", Expected: 6, Present: 6, For: 6}); err != nil || od.Status != DecisionPassed {
			t.Fatalf("other matter: %v %+v", err, od)
		}
		// Passed by the two committees alone is not enough for tier 3
		// (RULES.md 1.9): it needs ③ and ④ too.
		if _, err := e.M.LinkDecision(ctx, sec, big.ID, od.ID); errs.KindOf(err) != errs.Invalid || !strings.Contains(err.Error(), "1.9") {
			t.Fatalf("linking a two-committee decision to tier 3: %v", err)
		}
		for _, in := range []StepInput{{Step: StepPartyReview, Date: "2021-06-01", Expected: 30, Present: 30, For: 30},
			{Step: StepRepresentatives, Date: "2021-06-01", Expected: 15, Present: 15, For: 15}} {
			if od, err = e.M.RecordStep(ctx, sec, od.ID, in); err != nil {
				t.Fatal(err)
			}
		}
		if big, err = e.M.LinkDecision(ctx, sec, big.ID, od.ID); err != nil || big.Blocked != "" {
			t.Fatalf("linking a passed decision: %v %+v", err, big)
		}
		if _, err := e.M.Sign(ctx, sup, big.ID, SignInput{Kind: SignSupervisor, SignedOn: "2021-06-02"}); err != nil {
			t.Fatalf("signing once linked: %v", err)
		}
		// Tier 2 in a 一肩挑 village: meeting, supervisor, co-signature.
		x, err := e.M.CreateExpenditure(ctx, com, vs[0].ID, ExpenditureInput{AmountFen: 500_000, Purpose: "防汛物资", Payee: "五金店", RequestedOn: "2021-07-01"})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(x.RequiredSigns, ",") != "meeting,supervisor,cosign" {
			t.Fatalf("required: %v", x.RequiredSigns)
		}
		// The requester never approves their own request.
		if _, err := e.M.Sign(ctx, com, x.ID, SignInput{Kind: SignMeeting, SignedOn: "2021-07-02", Note: "两委会议决定"}); errs.KindOf(err) != errs.Invalid ||
			!strings.Contains(errs.As(err).Zh, "申请人不能审批") {
			t.Fatalf("self-approval: %v", err)
		}
		if _, err := e.M.Sign(ctx, sec, x.ID, SignInput{Kind: SignSupervisor, SignedOn: "2021-07-02"}); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("secretary signing for the supervisors: %v", err)
		}
		if _, err := e.M.Pay(ctx, com, x.ID, PayInput{PaidOn: "2021-07-03", Voucher: "记-1"}); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("paid before approval: %v", err)
		}
		if _, err := e.M.Sign(ctx, sec, x.ID, SignInput{Kind: SignMeeting, SignedOn: "2021-07-02", Note: "两委会议决定采购"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.Sign(ctx, sup, x.ID, SignInput{Kind: SignSupervisor, SignedOn: "2021-07-02"}); err != nil {
			t.Fatal(err)
		}
		var member int64
		if err := e.DB.Q(ctx).QueryRowContext(ctx, `SELECT MIN(person_id) FROM positions WHERE village_id = ? AND title = 'village_committee'`, vs[0].ID).Scan(&member); err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.Sign(ctx, sec, x.ID, SignInput{Kind: SignCosign, SignedOn: "2021-07-02", CosignerPersonID: sec.PersonID}); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("the secretary as the extra co-signer: %v", err)
		}
		x, err = e.M.Sign(ctx, sec, x.ID, SignInput{Kind: SignCosign, SignedOn: "2021-07-02", CosignerPersonID: member})
		if err != nil || x.Status != ExpApproved {
			t.Fatalf("co-signed: %v %+v", err, x)
		}
		if x, err = e.M.Pay(ctx, com, x.ID, PayInput{PaidOn: "2021-07-05", Voucher: "记-2021-07-01"}); err != nil || x.Status != ExpPaid {
			t.Fatalf("paid: %v", err)
		}
		paid, _ := e.M.PaidExpenditures(ctx, vs[0].ID, "2021-07-01", "2021-07-31")
		if len(paid) != 1 || paid[0].AmountFen != 500_000 || paid[0].Payee != "五金店" {
			t.Fatalf("paid list: %+v", paid)
		}
		// Another village's secretary: not found.
		if _, err := e.M.Expenditure(ctx, e.principal(t, "village_secretary_2"), x.ID); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("other village reads: %v", err)
		}
		// A signer may refuse a request (not its requester); it then goes no further.
		small, _ := e.M.CreateExpenditure(ctx, com, vs[0].ID, ExpenditureInput{AmountFen: 30_000, Purpose: "慰问品", RequestedOn: "2021-08-01"})
		if _, err := e.M.Reject(ctx, com, small.ID, "自己拒绝", "2021-08-02"); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("requester refuses own request: %v", err)
		}
		if small, err = e.M.Reject(ctx, sec, small.ID, "超出年度预算", "2021-08-02"); err != nil || small.Status != ExpRejected {
			t.Fatalf("refused: %v %+v", err, small)
		}
		if _, err := e.M.Sign(ctx, sec, small.ID, SignInput{Kind: SignApprove, SignedOn: "2021-08-03"}); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("approving a refused request: %v", err)
		}
		// Signatures are append-only.
		if _, err := e.DB.W.ExecContext(ctx, e.DB.Rebind(`DELETE FROM village_expenditure_signs WHERE expenditure_id = ?`), x.ID); err == nil {
			t.Fatal("signatures deleted")
		}
	})
}

func TestRulesConfigStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		vs := dxVillages(t, e)
		com, sec := e.principal(t, "committee"), e.principal(t, "village_secretary")
		if _, err := e.M.SetRules(ctx, sec, vs[0].ID, RulesChange{ValidFrom: "2021-01-01", Reason: "自行调整", Rules: json.RawMessage(`{"tier1_max_fen":500000}`)}); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("secretary sets rules: %v", err)
		}
		// Zone default from March, village override from June.
		if _, err := e.M.SetRules(ctx, com, 0, RulesChange{ValidFrom: "2021-03-01", Reason: "全区统一调整", Rules: json.RawMessage(`{"tier1_max_fen":200000}`)}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.SetRules(ctx, com, vs[0].ID, RulesChange{ValidFrom: "2021-06-01", Reason: "本村调整", Rules: json.RawMessage(`{"tier2_max_fen":2000000}`)}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			village      int64
			day          string
			tier1, tier2 int64
		}{{vs[0].ID, "2021-02-28", 100_000, 1_000_000}, {vs[0].ID, "2021-03-01", 200_000, 1_000_000}, {vs[0].ID, "2021-06-01", 200_000, 2_000_000}, {vs[1].ID, "2021-06-01", 200_000, 1_000_000}} {
			rv, err := e.M.Rules(ctx, c.village, c.day)
			if err != nil || rv.Tier1MaxFen != c.tier1 || rv.Tier2MaxFen != c.tier2 {
				t.Fatalf("%d on %s: %v %d/%d", c.village, c.day, err, rv.Tier1MaxFen, rv.Tier2MaxFen)
			}
		}
		// A later zone version keeps the earlier change (versions are complete).
		if _, err := e.M.SetRules(ctx, com, 0, RulesChange{ValidFrom: "2021-09-01", Reason: "公示期延长", Rules: json.RawMessage(`{"posting_days":10}`)}); err != nil {
			t.Fatal(err)
		}
		if rv, _ := e.M.Rules(ctx, vs[1].ID, "2021-09-01"); rv.Tier1MaxFen != 200_000 || rv.PostingDays != 10 {
			t.Fatalf("zone v2: %+v", rv.Rules)
		}
		// Nonsense is refused; the same day twice is a conflict.
		for _, bad := range []string{`{"party_quorum_num":1,"party_quorum_den":2}`, `{"tier1_max_fen":5000000}`, `{"no_such":1}`, `{"review_department":"NOPE"}`, `{}`} {
			if _, err := e.M.SetRules(ctx, com, 0, RulesChange{ValidFrom: "2021-10-01", Reason: "测试", Rules: json.RawMessage(bad)}); errs.KindOf(err) != errs.Invalid && !isList(err) {
				t.Fatalf("%s: %v", bad, err)
			}
		}
		if _, err := e.M.SetRules(ctx, com, 0, RulesChange{ValidFrom: "2021-09-01", Reason: "重复", Rules: json.RawMessage(`{"posting_days":8}`)}); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("same day: %v", err)
		}
		// Defaults are untouched by overrides.
		if DefaultRules.Tier1MaxFen != 100_000 || len(DefaultRules.Tier3Signs) != 3 || DefaultRules.ReviewDepartment != "SOC" {
			t.Fatalf("defaults changed: %+v", DefaultRules)
		}
		info, err := e.M.RulesOf(ctx, sec, vs[0].ID, "2021-12-20")
		if err != nil || len(info.Versions) != 1 || len(info.Zone) != 2 {
			t.Fatalf("rules info: %v %+v", err, info)
		}
		if _, err := e.M.RulesOf(ctx, sec, vs[1].ID, ""); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("other village's rules: %v", err)
		}
	})
}
