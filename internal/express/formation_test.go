package express

import (
	"context"
	"testing"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/errs"
)

// TestFormationKindRule: 党章 第三十条 — 3 full party members or more may
// form on their own; fewer join a joint organisation.
func TestFormationKindRule(t *testing.T) {
	cases := []struct {
		kind    string
		members int
		ok      bool
	}{
		{OrgSingle, 3, true}, // exactly at the threshold
		{OrgSingle, 2, false},
		{OrgSingle, 0, false},
		{OrgSingle, 40, true},
		{OrgJoint, 0, true},
		{OrgJoint, 2, true},
		{OrgJoint, 5, true},
		{"branch", 5, false},
	}
	for _, c := range cases {
		if err := FormationKindRule(c.kind, c.members); (err == nil) != c.ok {
			t.Errorf("%s with %d: %v, want ok=%v", c.kind, c.members, err, c.ok)
		}
	}
}

func TestFormationLeadNext(t *testing.T) {
	cases := []struct {
		from, to string
		ok       bool
	}{
		{LeadOpen, LeadFormed, true}, {LeadOpen, LeadClosed, true}, {LeadClosed, LeadOpen, true},
		{LeadOpen, LeadOpen, false}, {LeadClosed, LeadFormed, false}, {LeadClosed, LeadClosed, false},
		{LeadFormed, LeadOpen, false}, {LeadFormed, LeadClosed, false}, {LeadOpen, "gone", false},
	}
	for _, c := range cases {
		if err := FormationLeadNext(c.from, c.to); (err == nil) != c.ok {
			t.Errorf("%s → %s: %v, want ok=%v", c.from, c.to, err, c.ok)
		}
	}
}

// TestFormationStore: leads from a department and a liaison, visits, the
// organisation formed (branch created in the directory), the points the
// liaison earns through the ledger, and the funnel, on both stores.
func TestFormationStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		m := e.M
		q := m.DB.Q(ctx)
		office := e.principal(t, "committee")
		liaison := e.principal(t, "liaison")
		dept := e.principal(t, "dept_staff")
		ents, _ := m.Dir.LiaisonEnterprises(ctx, liaison.PersonID)
		var mine, other, jfj, union int64
		// an assigned enterprise without a party organisation
		for _, id := range ents {
			var n int
			if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM branches WHERE enterprise_id = ?`, id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				mine = id
				break
			}
		}
		if mine == 0 {
			t.Fatal("no assigned enterprise without a branch")
		}
		if err := q.QueryRowContext(ctx, `SELECT MIN(id) FROM enterprises WHERE id NOT IN (SELECT enterprise_id FROM liaison_assignments WHERE person_id = ?)
			AND id NOT IN (SELECT enterprise_id FROM branches WHERE enterprise_id IS NOT NULL)`, liaison.PersonID).Scan(&other); err != nil {
			t.Fatal(err)
		}
		if err := q.QueryRowContext(ctx, `SELECT id FROM departments WHERE name = '经发局'`).Scan(&jfj); err != nil {
			t.Fatal(err)
		}
		if err := q.QueryRowContext(ctx, `SELECT id FROM departments WHERE name = '工会'`).Scan(&union); err != nil {
			t.Fatal(err)
		}

		// 经发局's staff report for their own department, not for 工会.
		if _, err := m.CreateLead(ctx, dept, LeadInput{EnterpriseID: other, DepartmentID: union, ReportedOn: "2021-11-01", PartyMembers: 2}); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("dept for another department: %v", err)
		}
		deptLead, err := m.CreateLead(ctx, dept, LeadInput{EnterpriseID: other, ReportedOn: "2021-11-01", PartyMembers: 2})
		if err != nil {
			t.Fatal(err)
		}
		// A liaison reports for an assigned enterprise, not another.
		if _, err := m.CreateLead(ctx, liaison, LeadInput{EnterpriseID: other, DepartmentID: union, ReportedOn: "2021-11-02", PartyMembers: 4}); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("liaison other: %v", err)
		}
		lead, err := m.CreateLead(ctx, liaison, LeadInput{EnterpriseID: mine, DepartmentID: union, ReportedOn: "2021-11-02", PartyMembers: 4, Notes: "企业有党员 4 名"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.CreateLead(ctx, liaison, LeadInput{EnterpriseID: mine, DepartmentID: union, ReportedOn: "2021-11-03"}); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("second open lead: %v", err)
		}
		// Bad input.
		if _, err := m.CreateLead(ctx, office, LeadInput{ReportedOn: "2021-13-01", PartyMembers: -1}); !invalid(err) {
			t.Fatalf("bad lead: %v", err)
		}
		l, err := m.Lead(ctx, liaison, lead)
		if err != nil || l.LiaisonID != liaison.PersonID || l.DepartmentID == 0 {
			t.Fatalf("%+v %v", l, err)
		}
		// Scope: the liaison does not see 经发局's lead; 经发局 does not see
		// the liaison's, reported for 工会.
		if _, err := m.Lead(ctx, liaison, deptLead); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("liaison reads other lead: %v", err)
		}
		if _, err := m.Lead(ctx, dept, lead); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("dept reads 工会's lead: %v", err)
		}

		// Forming before any visit is refused; so is a visit before the report.
		if _, err := m.FormOrg(ctx, office, lead, OrgInput{FormedOn: "2021-12-01", Name: "测试党支部", Kind: OrgSingle, PartyMembers: 4}); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("form without visit: %v", err)
		}
		if _, err := m.AddLeadVisit(ctx, liaison, lead, LeadVisitInput{VisitedOn: "2021-11-01", Visitors: "戴利兴"}); !invalid(err) {
			t.Fatalf("visit before report: %v", err)
		}
		if _, err := m.AddLeadVisit(ctx, dept, lead, LeadVisitInput{VisitedOn: "2021-11-10", Visitors: "x x"}); errs.KindOf(err) != errs.Forbidden && errs.KindOf(err) != errs.NotFound {
			t.Fatalf("dept visits: %v", err)
		}
		if _, err := m.AddLeadVisit(ctx, liaison, lead, LeadVisitInput{VisitedOn: "2021-11-10", Visitors: "戴利兴、组织部", Notes: "讲解组建程序"}); err != nil {
			t.Fatal(err)
		}
		// A liaison may not record the formation; single with 2 members is refused.
		if _, err := m.FormOrg(ctx, liaison, lead, OrgInput{FormedOn: "2021-12-01", Name: "测试党支部", Kind: OrgSingle, PartyMembers: 4}); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("liaison forms: %v", err)
		}
		if _, err := m.FormOrg(ctx, office, lead, OrgInput{FormedOn: "2021-12-01", Name: "测试党支部", Kind: OrgSingle, PartyMembers: 2}); !invalid(err) {
			t.Fatalf("single with 2: %v", err)
		}
		var branches int
		_ = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM branches`).Scan(&branches)
		if _, err := m.FormOrg(ctx, office, lead, OrgInput{FormedOn: "2021-12-01", Name: "测试企业党支部", Kind: OrgSingle, PartyMembers: 4, CreateBranch: true}); err != nil {
			t.Fatal(err)
		}
		l, _ = m.Lead(ctx, office, lead)
		if l.Status != LeadFormed || l.Org == nil || l.Org.BranchID == 0 {
			t.Fatalf("formed: %+v", l)
		}
		var kind string
		var bent int64
		if err := q.QueryRowContext(ctx, `SELECT kind, enterprise_id FROM branches WHERE id = ?`, l.Org.BranchID).Scan(&kind, &bent); err != nil || kind != directory.KindEnterprise || bent != mine {
			t.Fatalf("branch: %s %d %v", kind, bent, err)
		}
		if _, err := m.FormOrg(ctx, office, lead, OrgInput{FormedOn: "2021-12-02", Name: "再次", Kind: OrgJoint}); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("form twice: %v", err)
		}

		// Points: 3 for the lead, 10 for the organisation, through the ledger.
		var pts int
		if err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(points), 0) FROM express_points WHERE person_id = ? AND ref_type IN ('formation_lead', 'formation_org')`, liaison.PersonID).Scan(&pts); err != nil {
			t.Fatal(err)
		}
		var want int
		if err := q.QueryRowContext(ctx, `SELECT SUM(points) FROM express_point_rules WHERE kind IN (?, ?) AND valid_from <= '2021-11-02'`, KindPartyLead, KindPartyFormed).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if pts != want || want != 13 {
			t.Errorf("points %d, want %d (RULES.md §8: 3 + 10)", pts, want)
		}

		// Close and reopen the department's lead; a formed one stays.
		if err := m.SetLeadStatus(ctx, office, deptLead, LeadStatusInput{Status: LeadClosed}); !invalid(err) {
			t.Fatalf("close without reason: %v", err)
		}
		if err := m.SetLeadStatus(ctx, office, deptLead, LeadStatusInput{Status: LeadClosed, Reason: "企业暂无意愿"}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.AddLeadVisit(ctx, office, deptLead, LeadVisitInput{VisitedOn: "2021-12-01", Visitors: "组织部"}); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("visit closed: %v", err)
		}
		if err := m.SetLeadStatus(ctx, office, deptLead, LeadStatusInput{Status: LeadOpen}); err != nil {
			t.Fatal(err)
		}
		if err := m.SetLeadStatus(ctx, office, lead, LeadStatusInput{Status: LeadClosed, Reason: "x x"}); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("close formed: %v", err)
		}

		// Linking another enterprise's branch is refused.
		if _, err := m.AddLeadVisit(ctx, office, deptLead, LeadVisitInput{VisitedOn: "2021-12-02", Visitors: "组织部"}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.FormOrg(ctx, office, deptLead, OrgInput{FormedOn: "2021-12-03", Name: "联合党支部", Kind: OrgJoint, PartyMembers: 2, BranchID: l.Org.BranchID}); !invalid(err) {
			t.Fatalf("another enterprise's branch: %v", err)
		}

		f, err := m.FormationFunnel(ctx, office, 2021)
		if err != nil {
			t.Fatal(err)
		}
		if f.Leads != 2 || f.Visited != 2 || f.LeadsFormed != 1 || f.Formed != 1 || f.Open != 1 {
			t.Errorf("funnel %+v", f)
		}
		if f, _ := m.FormationFunnel(ctx, dept, 2021); f.Leads < 1 {
			t.Errorf("dept funnel %+v", f)
		}
	})
}
