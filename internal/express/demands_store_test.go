package express

import (
	"context"
	"errors"
	"testing"
	"time"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/errs"
)

func dmScope(t *testing.T, p *auth.Principal, r auth.Role, kind string) int64 {
	t.Helper()
	ids, _ := p.ScopeIDs(r, kind)
	if len(ids) == 0 {
		t.Fatalf("%s holds no %s scope", p.Username, kind)
	}
	return ids[0]
}

// dmKind is errs.KindOf with a field list counted as bad input (422).
func dmKind(err error) errs.Kind {
	var l errs.List
	if errors.As(err, &l) {
		return errs.Invalid
	}
	return errs.KindOf(err)
}

func dmCount(t *testing.T, e *testEnv, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.DB.Q(context.Background()).QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Issue 6 items 1–2: an enterprise raises a demand, the office routes it,
// the department signs, works and resolves it, the enterprise rates it
// unsatisfied and reopens it once; deadlines in working days from the
// 2021-12-20 (Monday) clock; every illegal step changes nothing.
func TestDemandLifecycleStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		com, ent, dept, lia := e.principal(t, "committee"), e.principal(t, "enterprise"), e.principal(t, "dept_staff"), e.principal(t, "liaison")
		dept2, lia2, ent2 := e.principal(t, "dept_staff_2"), e.principal(t, "liaison_2"), e.principal(t, "enterprise_2")
		entID := dmScope(t, ent, auth.Enterprise, auth.ScopeEnterprise)
		depID := dmScope(t, dept, auth.DeptStaff, auth.ScopeDepartment)
		dep2ID := dmScope(t, dept2, auth.DeptStaff, auth.ScopeDepartment)
		ent2ID := dmScope(t, ent2, auth.Enterprise, auth.ScopeEnterprise)

		var events []DemandEvent
		saved := demandListeners
		demandListeners = append(append([]func(*Module, context.Context, DemandEvent) error{}, saved...), func(_ *Module, _ context.Context, ev DemandEvent) error {
			events = append(events, ev)
			return nil
		})
		defer func() { demandListeners = saved }()

		// Raising: bad input, wrong roles and scopes.
		if _, err := e.M.CreateDemand(ctx, ent, DemandInput{EnterpriseID: entID, Category: "money", Description: "x"}); dmKind(err) != errs.Invalid {
			t.Fatalf("bad category: %v", err)
		}
		if _, err := e.M.CreateDemand(ctx, dept, DemandInput{EnterpriseID: entID, Category: "policy", Description: "部门不能代提诉求"}); dmKind(err) != errs.Forbidden {
			t.Fatalf("dept_staff raised: %v", err)
		}
		if _, err := e.M.CreateDemand(ctx, ent, DemandInput{EnterpriseID: ent2ID, Category: "policy", Description: "别家企业的诉求"}); dmKind(err) != errs.NotFound {
			t.Fatalf("contact raised for another enterprise: %v", err)
		}
		if _, err := e.M.CreateDemand(ctx, lia2, DemandInput{EnterpriseID: entID, Category: "policy", Description: "未分联企业的诉求"}); dmKind(err) != errs.NotFound {
			t.Fatalf("unassigned liaison raised: %v", err)
		}
		if n := dmCount(t, e, `SELECT COUNT(*) FROM demands`); n != 0 || len(events) != 0 {
			t.Fatalf("refused raises left %d demands, %d events", n, len(events))
		}

		id, err := e.M.CreateDemand(ctx, ent, DemandInput{EnterpriseID: entID, Category: "production", Description: "新厂房用电增容申请迟迟未批，影响投产"})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 1 || events[0].Kind != "raised" || events[0].RaisedBy != ent.PersonID || events[0].Source != "enterprise" || events[0].Day != "2021-12-20" {
			t.Fatalf("raised event: %+v", events)
		}
		d, err := e.M.DemandDetail(ctx, lia, id)
		if err != nil {
			t.Fatal(err)
		}
		// RULES.md §7: routed within 1 working day of Monday 12-20.
		if d.State != StNew || d.Deadlines.RouteBy.Due != "2021-12-21" || d.Deadlines.RouteBy.Overdue {
			t.Fatalf("new demand: %+v", d)
		}
		// The liaison of another enterprise and an unrelated department see nothing.
		for _, p := range []*auth.Principal{lia2, dept, ent2} {
			if _, err := e.M.DemandDetail(ctx, p, id); dmKind(err) != errs.NotFound {
				t.Fatalf("%s saw the demand: %v", p.Username, err)
			}
		}

		step := func(p *auth.Principal, in TransitionInput, want errs.Kind) *Demand {
			t.Helper()
			before := dmCount(t, e, `SELECT COUNT(*) FROM demand_history WHERE demand_id = ?`, id)
			got, err := e.M.Transition(ctx, p, id, in)
			if dmKind(err) != want && !(want == "" && err == nil) {
				t.Fatalf("%s %s: %v, want %q", p.Username, in.To, err, want)
			}
			after := dmCount(t, e, `SELECT COUNT(*) FROM demand_history WHERE demand_id = ?`, id)
			if (want == "") != (after == before+1) {
				t.Fatalf("%s %s: history %d → %d", p.Username, in.To, before, after)
			}
			return got
		}
		step(ent, TransitionInput{To: TrRouted, DepartmentID: depID}, errs.Forbidden)
		step(com, TransitionInput{To: TrAccepted}, errs.Forbidden)
		step(com, TransitionInput{To: TrRouted}, errs.Invalid)
		step(com, TransitionInput{To: TrRouted, DepartmentID: depID, Helpers: []int64{depID}}, errs.Invalid)
		step(com, TransitionInput{To: TrRated, Rating: "satisfied"}, errs.Forbidden)
		step(com, TransitionInput{To: "closed"}, errs.Invalid)
		d = step(com, TransitionInput{To: TrRouted, DepartmentID: depID, Helpers: []int64{dep2ID}}, "")
		if d.State != StRouted || d.Deadlines.RespondBy.Due != "2021-12-22" || d.Deadlines.ResolveBy.Due != "2021-12-27" || len(d.Helpers) != 1 {
			t.Fatalf("routed: %+v", d)
		}
		step(com, TransitionInput{To: TrRouted, DepartmentID: depID}, errs.Conflict)
		// The helper department sees it but may not sign for it.
		step(dept2, TransitionInput{To: TrAccepted}, errs.Forbidden)
		step(dept, TransitionInput{To: TrResolved, Reason: "已办结"}, errs.Conflict)
		step(dept, TransitionInput{To: TrReturned}, errs.Invalid)

		// Two days later (Wednesday 12-22) the department signs: on time.
		e.Clock.Set(time.Date(2021, 12, 22, 2, 0, 0, 0, time.UTC))
		d = step(dept, TransitionInput{To: TrAccepted}, "")
		if d.Deadlines.RespondBy.MetOn != "2021-12-22" || d.Deadlines.RespondBy.Overdue {
			t.Fatalf("accepted: %+v", d.Deadlines)
		}
		step(com, TransitionInput{To: TrExtended, Reason: "情况复杂"}, errs.Conflict) // not complex
		step(dept, TransitionInput{To: TrInProgress}, "")
		// 12-28: the resolve-by day 12-27 passed.
		e.Clock.Set(time.Date(2021, 12, 28, 2, 0, 0, 0, time.UTC))
		d, _ = e.M.DemandDetail(ctx, com, id)
		if !d.Deadlines.ResolveBy.Overdue || !d.Overdue {
			t.Fatalf("not overdue on 12-28: %+v", d.Deadlines)
		}
		step(ent, TransitionInput{To: TrRated, Rating: "satisfied"}, errs.Conflict)
		d = step(dept, TransitionInput{To: TrResolved, Reason: "已协调供电公司完成增容"}, "")
		if len(events) != 2 || events[1].Kind != "resolved" || events[1].RaisedBy != ent.PersonID {
			t.Fatalf("resolved event: %+v", events)
		}
		if !d.Deadlines.ResolveBy.Overdue || d.Overdue {
			t.Fatalf("resolved late: the deadline stays missed, the demand no longer open-overdue: %+v", d)
		}
		step(lia, TransitionInput{To: TrRated, Rating: "satisfied"}, errs.Forbidden)
		step(ent, TransitionInput{To: TrRated, Rating: "great"}, errs.Invalid)
		d = step(ent, TransitionInput{To: TrRated, Rating: "unsatisfied", Reason: "仍未通电"}, "")
		if d.Rating != "unsatisfied" || d.RatedOn != "2021-12-28" {
			t.Fatalf("rated: %+v", d)
		}
		step(ent, TransitionInput{To: TrReopened, Rating: "satisfied"}, errs.Invalid)
		d = step(ent, TransitionInput{To: TrReopened, Reason: "要求重办"}, "")
		if d.State != StInProgress || !d.Reopened || d.Rating != "" || d.Deadlines.ResolveBy.Due != "2022-01-05" {
			t.Fatalf("reopened: %+v %+v", d, d.Deadlines)
		}
		step(dept, TransitionInput{To: TrResolved, Reason: "已通电"}, "")
		if len(events) != 2 {
			t.Fatalf("a re-resolve must not earn again: %+v", events)
		}
		step(ent, TransitionInput{To: TrRated, Rating: "unsatisfied"}, "")
		step(ent, TransitionInput{To: TrReopened, Reason: "再次重办"}, errs.Conflict)
		d, _ = e.M.DemandDetail(ctx, com, id)
		if len(d.History) != 9 || d.History[0].Transition != "raised" || d.History[1].To != StRouted {
			t.Fatalf("history: %+v", d.History)
		}
		// In-app notices: the office on raise, the departments on routing,
		// the contact on resolving.
		if n := dmCount(t, e, `SELECT COUNT(*) FROM notifications WHERE link = ?`, "/express/demands/1"); n < 4 {
			t.Fatalf("%d notifications", n)
		}
	})
}

// A liaison raises for an assigned enterprise; the office raises for any;
// a visit's finding names its record; complex demands get 10 working days,
// extended once to 25; a returned demand goes back to the office.
func TestDemandComplexReturnStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		com, dept, lia := e.principal(t, "committee"), e.principal(t, "dept_staff"), e.principal(t, "liaison")
		depID := dmScope(t, dept, auth.DeptStaff, auth.ScopeDepartment)
		entID := dmScope(t, lia, auth.Liaison, auth.ScopeEnterprise)
		id, err := e.M.CreateDemand(ctx, lia, DemandInput{EnterpriseID: entID, Category: "major", Description: "企业拟扩建二期项目，需协调用地指标"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.CreateDemand(ctx, lia, DemandInput{EnterpriseID: entID, Category: "policy", Description: "走访中提出的政策咨询", Source: "visit"}); dmKind(err) != errs.Invalid {
			t.Fatalf("visit source without its record: %v", err)
		}
		d, _ := e.M.DemandDetail(ctx, com, id)
		if d.Source != "liaison" {
			t.Fatalf("source %q", d.Source)
		}
		d, err = e.M.Transition(ctx, com, id, TransitionInput{To: TrRouted, DepartmentID: depID, Complex: true})
		if err != nil {
			t.Fatal(err)
		}
		// 12-20 + 10 working days = 2022-01-04 (元旦 1.1–1.3).
		if d.Deadlines.ResolveBy.Due != "2022-01-04" {
			t.Fatalf("complex resolve_by %s", d.Deadlines.ResolveBy.Due)
		}
		if _, err := e.M.Transition(ctx, dept, id, TransitionInput{To: TrReturned, Reason: "不属于本部门职责，应由自然资源部门办理"}); err != nil {
			t.Fatal(err)
		}
		d, _ = e.M.DemandDetail(ctx, com, id)
		if d.State != StNew || d.LeadID != 0 || d.Complex || d.Deadlines.RouteBy.Due != "2021-12-21" {
			t.Fatalf("returned: %+v", d)
		}
		if _, err := e.M.DemandDetail(ctx, dept, id); dmKind(err) != errs.NotFound {
			t.Fatalf("the returning department still sees it: %v", err)
		}
		if _, err := e.M.Transition(ctx, com, id, TransitionInput{To: TrRouted, DepartmentID: depID, Complex: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.Transition(ctx, dept, id, TransitionInput{To: TrAccepted}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.Transition(ctx, dept, id, TransitionInput{To: TrExtended, Reason: "x"}); dmKind(err) != errs.Forbidden {
			t.Fatalf("department extended: %v", err)
		}
		d, err = e.M.Transition(ctx, com, id, TransitionInput{To: TrExtended, Reason: "涉及用地审批，需延期"})
		if err != nil {
			t.Fatal(err)
		}
		// 12-20 + 25 working days: 12-21…12-31 (9), 1.4–1.7 (4), 1.10–1.14 (5), 1.17–1.21 (5), 1.24, 1.25 → 2022-01-25.
		if !d.Extended || d.Deadlines.ResolveBy.Due != "2022-01-25" {
			t.Fatalf("extended: %+v", d.Deadlines)
		}
		if _, err := e.M.Transition(ctx, com, id, TransitionInput{To: TrExtended, Reason: "再延期"}); dmKind(err) != errs.Conflict {
			t.Fatalf("second extension: %v", err)
		}
		// Lists are scoped.
		for _, c := range []struct {
			user string
			n    int
		}{{"committee", 1}, {"liaison", 1}, {"dept_staff", 1}, {"liaison_2", 0}, {"enterprise_2", 0}, {"dept_staff_2", 0}} {
			ds, err := e.M.Demands(ctx, e.principal(t, c.user), DemandFilter{})
			if err != nil || len(ds) != c.n {
				t.Errorf("%s sees %d demands (%v), want %d", c.user, len(ds), err, c.n)
			}
		}
	})
}

// Issue 6 item 2: the daily job flags a missed deadline once, notifies the
// office and the lead department, sends one digest a day, and a second run
// the same day changes nothing.
func TestDemandOverdueJobStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		com, dept, ent := e.principal(t, "committee"), e.principal(t, "dept_staff"), e.principal(t, "enterprise")
		depID := dmScope(t, dept, auth.DeptStaff, auth.ScopeDepartment)
		entID := dmScope(t, ent, auth.Enterprise, auth.ScopeEnterprise)
		// Friday 12-17: route by Monday 12-20.
		e.Clock.Set(time.Date(2021, 12, 17, 2, 0, 0, 0, time.UTC))
		a, err := e.M.CreateDemand(ctx, ent, DemandInput{EnterpriseID: entID, Category: "policy", Description: "咨询研发费用加计扣除政策"})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := e.M.CreateDemand(ctx, ent, DemandInput{EnterpriseID: entID, Category: "production", Description: "物流通道临时管控影响原料进厂"})
		if _, err := e.M.Transition(ctx, com, b, TransitionInput{To: TrRouted, DepartmentID: depID}); err != nil {
			t.Fatal(err) // respond by Tuesday 12-21
		}
		notes := func(uid int64) int {
			return dmCount(t, e, `SELECT COUNT(*) FROM notifications WHERE user_id = ?`, uid)
		}
		// Monday 12-20: nothing is overdue yet (the due day itself is in time).
		if n, err := e.M.RunOverdue(ctx, "2021-12-20"); err != nil || n != 0 {
			t.Fatalf("12-20: %d %v", n, err)
		}
		// Tuesday 12-21: a (route by 12-20) is overdue; b is due today.
		c0, d0 := notes(com.UserID), notes(dept.UserID)
		if n, err := e.M.RunOverdue(ctx, "2021-12-21"); err != nil || n != 1 {
			t.Fatalf("12-21: %d %v", n, err)
		}
		if got := notes(com.UserID) - c0; got != 2 { // the flag and the digest
			t.Fatalf("office got %d notices", got)
		}
		if notes(dept.UserID) != d0 {
			t.Fatal("the department was told about a demand not yet routed to it")
		}
		// Wednesday 12-22: b's response is overdue too; a is not announced again.
		c1, d1 := notes(com.UserID), notes(dept.UserID)
		if n, err := e.M.RunOverdue(ctx, "2021-12-22"); err != nil || n != 2 {
			t.Fatalf("12-22: %d %v", n, err)
		}
		if got := notes(com.UserID) - c1; got != 2 { // b's flag and the digest
			t.Fatalf("office got %d notices on 12-22", got)
		}
		if got := notes(dept.UserID) - d1; got != 2 { // b's flag and the department digest
			t.Fatalf("department got %d notices on 12-22", got)
		}
		c2 := notes(com.UserID)
		if n, err := e.M.RunOverdue(ctx, "2021-12-22"); err != nil || n != 0 || notes(com.UserID) != c2 {
			t.Fatalf("second run the same day: %d %v", n, err)
		}
		if k := dmCount(t, e, `SELECT COUNT(*) FROM demand_overdue WHERE demand_id = ?`, a); k != 1 {
			t.Fatalf("demand a flagged %d times", k)
		}
		e.Clock.Set(time.Date(2021, 12, 22, 2, 0, 0, 0, time.UTC))
		ds, _ := e.M.Demands(ctx, com, DemandFilter{Overdue: true})
		if len(ds) != 2 {
			t.Fatalf("overdue filter: %d", len(ds))
		}
	})
}

// Issue 6 item 10: the demo year loads fast, deterministically, with
// every state present, the overdue items of 2021-12-20 and a history row
// for every step.
func TestDemandsDemoStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		start := time.Now()
		if err := loadDemandsDemo(e.M, ctx); err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		if e.DB.Dialect == "sqlite" && took > 300*time.Millisecond {
			t.Errorf("demo took %v", took)
		}
		com := e.principal(t, "committee")
		ds, err := e.M.Demands(ctx, com, DemandFilter{})
		if err != nil || len(ds) != len(demandDemo) {
			t.Fatalf("%d demands, %v", len(ds), err)
		}
		states := map[string]int{}
		overdue := 0
		for _, d := range ds {
			states[d.State]++
			if d.Overdue {
				overdue++
			}
		}
		for _, s := range demandStates {
			if states[s] == 0 {
				t.Errorf("no demand in state %s: %v", s, states)
			}
		}
		// 12-20: 北京现代 complex (resolve by 12-07), the 12-06 demand
		// (resolve by 12-14), the 12-13 one not signed for (respond by
		// 12-16) and the 12-16 one not routed (route by 12-17).
		if overdue != 4 {
			t.Errorf("%d overdue, want 4", overdue)
		}
		if n := dmCount(t, e, `SELECT COUNT(*) FROM demand_history`); n < 4*len(demandDemo) {
			t.Errorf("%d history rows", n)
		}
		ent := e.principal(t, "enterprise")
		mine, _ := e.M.Demands(ctx, ent, DemandFilter{})
		if len(mine) != 4 {
			t.Errorf("天成药业 has %d demands, want 4", len(mine))
		}
		all, _, err := e.M.Ranking(ctx, com, "2021-01-01", "2021-12-20")
		if err != nil || all[0].Score == nil {
			t.Fatalf("ranking: %v", err)
		}
		t.Logf("demo: %d demands in %v; states %v; top %s %.2f", len(ds), took, states, all[0].Department, *all[0].Score)
	})
}

// The overdue check is scheduled daily at 08:30 zone time: two ticks in
// the slot enqueue one job, which writes that day's digest.
func TestDemandOverdueSchedule(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		ent := e.principal(t, "enterprise")
		entID := dmScope(t, ent, auth.Enterprise, auth.ScopeEnterprise)
		e.Clock.Set(time.Date(2021, 12, 17, 2, 0, 0, 0, time.UTC))
		if _, err := e.M.CreateDemand(ctx, ent, DemandInput{EnterpriseID: entID, Category: "other", Description: "园区门口红绿灯配时不合理"}); err != nil {
			t.Fatal(err)
		}
		// 2021-12-21 08:29 and 08:30 zone time (UTC+8).
		e.Clock.Set(time.Date(2021, 12, 21, 0, 29, 0, 0, time.UTC))
		if err := e.M.Scheduler.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(time.Date(2021, 12, 21, 0, 30, 0, 0, time.UTC))
		for i := 0; i < 2; i++ {
			if err := e.M.Scheduler.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.M.Queue.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if n := dmCount(t, e, `SELECT COUNT(*) FROM jobs WHERE kind = ?`, demandOverdueJob); n != 1 {
			t.Fatalf("%d overdue jobs", n)
		}
		if n := dmCount(t, e, `SELECT COUNT(*) FROM demand_digests WHERE day = '2021-12-21' AND overdue = 1`); n != 1 {
			t.Fatalf("digest rows: %d", n)
		}
	})
}
