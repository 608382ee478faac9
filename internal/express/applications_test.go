package express

import (
	"context"
	"testing"

	"zhongshu/internal/platform/errs"
)

// TestApplNext is the applications' state table: preparing → submitted →
// approved / rejected, outcomes final.
func TestApplNext(t *testing.T) {
	cases := []struct {
		from, to string
		ok       bool
		kind     errs.Kind
	}{
		{ApplPreparing, ApplSubmitted, true, ""},
		{ApplSubmitted, ApplApproved, true, ""},
		{ApplSubmitted, ApplRejected, true, ""},
		{ApplPreparing, ApplApproved, false, errs.Conflict},
		{ApplPreparing, ApplRejected, false, errs.Conflict},
		{ApplPreparing, ApplPreparing, false, errs.Conflict},
		{ApplSubmitted, ApplSubmitted, false, errs.Conflict},
		{ApplSubmitted, ApplPreparing, false, errs.Conflict},
		{ApplApproved, ApplRejected, false, errs.Conflict},
		{ApplApproved, ApplSubmitted, false, errs.Conflict},
		{ApplRejected, ApplApproved, false, errs.Conflict},
		{ApplRejected, ApplSubmitted, false, errs.Conflict},
		{ApplPreparing, "granted", false, errs.Invalid},
	}
	for _, c := range cases {
		err := ApplNext(c.from, c.to)
		if (err == nil) != c.ok {
			t.Errorf("%s → %s: err %v, want ok=%v", c.from, c.to, err, c.ok)
		}
		if err != nil && errs.KindOf(err) != c.kind && !(c.kind == errs.Invalid && invalid(err)) {
			t.Errorf("%s → %s: kind %s, want %s", c.from, c.to, errs.KindOf(err), c.kind)
		}
	}
}

func TestApplParseYuan(t *testing.T) {
	cases := []struct {
		in   string
		fen  int64
		fail bool
	}{
		{"", 0, false}, {"0", 0, false}, {"12.5", 1250, false}, {"12.05", 1205, false}, {"3,000,000", 300000000, false},
		{".5", 50, false}, {"1.234", 0, true}, {"-1", 0, true}, {"abc", 0, true}, {".", 0, true},
	}
	for _, c := range cases {
		got, err := ApplParseYuan(c.in)
		if (err != nil) != c.fail || got != c.fen {
			t.Errorf("ApplParseYuan(%q) = %d, %v; want %d, fail=%v", c.in, got, err, c.fen, c.fail)
		}
	}
	if s := FenYuan(900000000); s != "9000000.00" {
		t.Errorf("FenYuan = %s", s)
	}
}

// TestApplicationsStore: recording, scope, every legal and illegal move,
// and the totals, on both stores.
func TestApplicationsStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		m := e.M
		office := e.principal(t, "committee")
		liaison := e.principal(t, "liaison")
		ent := e.principal(t, "enterprise")
		dept := e.principal(t, "dept_staff")
		ents, err := m.Dir.LiaisonEnterprises(ctx, liaison.PersonID)
		if err != nil || len(ents) == 0 {
			t.Fatal(ents, err)
		}
		mine := ents[0]
		var other int64
		if err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT MIN(id) FROM enterprises WHERE id NOT IN (SELECT enterprise_id FROM liaison_assignments WHERE person_id = ?)`, liaison.PersonID).Scan(&other); err != nil {
			t.Fatal(err)
		}
		var jfj int64 // 经发局, the dept_staff account's department
		if err := m.DB.Q(ctx).QueryRowContext(ctx, `SELECT id FROM departments WHERE name = '经发局'`).Scan(&jfj); err != nil {
			t.Fatal(err)
		}

		// A liaison records for an assigned enterprise and is the helper.
		id, err := m.CreateApplication(ctx, liaison, ApplicationInput{Programme: "specialized", Year: 2021, EnterpriseID: mine, AmountApplied: 50000000})
		if err != nil {
			t.Fatal(err)
		}
		a, err := m.Application(ctx, liaison, id)
		if err != nil || a.Status != ApplPreparing || a.HelperPersonID != liaison.PersonID {
			t.Fatalf("%+v %v", a, err)
		}
		// …but not for another enterprise: 404, and nothing is written.
		if _, err := m.CreateApplication(ctx, liaison, ApplicationInput{Programme: "specialized", Year: 2021, EnterpriseID: other}); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("other enterprise: %v", err)
		}
		// Department staff and enterprise contacts may not record.
		for _, p := range []struct {
			name string
			err  error
		}{{"dept", func() error {
			_, err := m.CreateApplication(ctx, dept, ApplicationInput{Programme: "specialized", Year: 2021, EnterpriseID: mine, HelperDepartmentID: jfj})
			return err
		}()}, {"enterprise", func() error {
			_, err := m.CreateApplication(ctx, ent, ApplicationInput{Programme: "specialized", Year: 2021, EnterpriseID: mine, HelperDepartmentID: jfj})
			return err
		}()}} {
			if errs.KindOf(p.err) != errs.Forbidden {
				t.Errorf("%s create: %v", p.name, p.err)
			}
		}
		// Bad input names its fields.
		_, err = m.CreateApplication(ctx, office, ApplicationInput{Programme: "nope", Year: 1999, EnterpriseID: mine, Applicant: "x", AmountApplied: -1})
		var l errs.List
		if !asList(err, &l) || len(l) < 4 {
			t.Fatalf("bad input: %v", err)
		}
		// The same applicant, programme and year twice: 409.
		if _, err := m.CreateApplication(ctx, office, ApplicationInput{Programme: "specialized", Year: 2021, EnterpriseID: mine, HelperDepartmentID: jfj}); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("duplicate: %v", err)
		}
		// A zone body without an enterprise: the office only.
		if _, err := m.CreateApplication(ctx, liaison, ApplicationInput{Programme: "micro_base", Year: 2021, Applicant: "开发区创业中心"}); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("liaison zone body: %v", err)
		}
		zb, err := m.CreateApplication(ctx, office, ApplicationInput{Programme: "micro_base", Year: 2021, Applicant: "开发区创业中心", HelperDepartmentID: jfj})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Application(ctx, liaison, zb); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("liaison reads zone body: %v", err)
		}
		if _, err := m.Application(ctx, dept, zb); err != nil {
			t.Fatalf("dept reads its department's help: %v", err)
		}

		// Illegal moves change nothing.
		if err := m.TransitionApplication(ctx, liaison, id, ApplTransition{To: ApplApproved, Day: "2021-09-01"}); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("preparing → approved: %v", err)
		}
		if err := m.TransitionApplication(ctx, liaison, id, ApplTransition{To: ApplSubmitted, Day: "2021-12-21"}); !invalid(err) {
			t.Fatalf("future day: %v", err)
		}
		if err := m.TransitionApplication(ctx, ent, id, ApplTransition{To: ApplSubmitted, Day: "2021-09-01"}); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("enterprise moves: %v", err)
		}
		if a, _ := m.Application(ctx, office, id); a.Status != ApplPreparing || len(a.History) != 0 {
			t.Fatalf("changed: %+v", a)
		}
		// Legal moves.
		if err := m.TransitionApplication(ctx, liaison, id, ApplTransition{To: ApplSubmitted, Day: "2021-09-01"}); err != nil {
			t.Fatal(err)
		}
		if err := m.TransitionApplication(ctx, office, id, ApplTransition{To: ApplApproved, Day: "2021-08-31"}); !invalid(err) {
			t.Fatalf("outcome before submission: %v", err)
		}
		if err := m.TransitionApplication(ctx, office, id, ApplTransition{To: ApplApproved, Day: "2021-11-30", AmountGranted: 30000000, Note: "省工信厅公示"}); err != nil {
			t.Fatal(err)
		}
		if err := m.TransitionApplication(ctx, office, id, ApplTransition{To: ApplRejected, Day: "2021-12-01"}); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("approved → rejected: %v", err)
		}
		a, _ = m.Application(ctx, ent, id) // the enterprise contact reads their own
		if a == nil || a.Status != ApplApproved || a.AmountGranted != 30000000 || len(a.History) != 2 || a.OutcomeOn != "2021-11-30" {
			t.Fatalf("after: %+v", a)
		}

		// Totals: the office sees both; the liaison only their enterprise's.
		tot, err := m.ApplicationTotals(ctx, office, 2021)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]ApplTotal{}
		for _, x := range tot {
			got[x.Programme] = x
		}
		if s := got["specialized"]; s.Helped != 1 || s.Approved != 1 || s.AmountApplied != 50000000 || s.AmountGranted != 30000000 {
			t.Errorf("specialized: %+v", s)
		}
		if mb := got["micro_base"]; mb.Helped != 0 || mb.Preparing != 1 {
			t.Errorf("micro_base (preparing, not yet helped to apply): %+v", mb)
		}
		lt, _ := m.ApplicationTotals(ctx, liaison, 2021)
		if len(lt) != 1 || lt[0].Programme != "specialized" {
			t.Errorf("liaison totals: %+v", lt)
		}
		// The enterprise contact of another company sees nothing of it.
		if _, err := m.Application(ctx, e.principal(t, "enterprise_3"), id); errs.KindOf(err) != errs.NotFound {
			t.Errorf("other contact: %v", err)
		}
	})
}

func asList(err error, l *errs.List) bool {
	x, ok := err.(errs.List)
	if ok {
		*l = x
	}
	return ok
}

// invalid reports a 422: a field error or a list of them.
func invalid(err error) bool {
	var l errs.List
	return asList(err, &l) || errs.KindOf(err) == errs.Invalid
}
