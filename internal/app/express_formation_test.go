package app

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// Issue 6 item 8 over HTTP: the demo's funnel (意愿信息10余条 → 成立7个),
// department scope, reporting a lead, a visit and the organisation formed
// (with its branch created in the directory), and who may do what.
func TestExpressFormationHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		com, dept, li := e.as("committee"), e.as("dept_staff"), e.as("liaison")
		type lead struct {
			ID           int64  `json:"id"`
			Department   string `json:"department"`
			Status       string `json:"status"`
			VisitCount   int    `json:"visit_count"`
			Organisation *struct {
				BranchID int64  `json:"branch_id"`
				Kind     string `json:"kind"`
			} `json:"organisation"`
		}
		var d struct {
			Funnel struct {
				Leads, Visited, Formed, Departments int
				LeadsFormed                         int `json:"leads_formed"`
			} `json:"funnel"`
			Items []lead `json:"items"`
		}
		if st := com.json("GET", "/api/v1/express/formation?year=2021", "", &d); st != 200 {
			t.Fatalf("funnel: %d", st)
		}
		if f := d.Funnel; f.Leads <= 10 || f.Leads >= 20 || f.Formed != 7 || f.LeadsFormed != 7 || f.Visited < 7 || f.Departments != 3 {
			t.Errorf("funnel %+v (seed: 意愿信息10余条 → 成立7个)", f)
		}
		for _, l := range d.Items {
			if l.Status == "formed" && (l.Organisation == nil || l.Organisation.BranchID == 0 || l.VisitCount == 0) {
				t.Errorf("formed lead %d: %+v", l.ID, l)
			}
		}
		all := len(d.Items)
		// 经发局's staff see 经发局's leads only.
		if st := dept.json("GET", "/api/v1/express/formation?year=2021", "", &d); st != 200 || len(d.Items) == 0 || len(d.Items) >= all {
			t.Fatalf("dept: %d %d of %d", st, len(d.Items), all)
		}
		for _, l := range d.Items {
			if l.Department != "经发局" {
				t.Errorf("dept sees %s's lead", l.Department)
			}
		}
		if st, body := com.do("GET", "/express/formation", ""); st != 200 || !strings.Contains(body, "意愿信息") {
			t.Errorf("page: %d", st)
		}
		if st, body := com.do("GET", "/express/formation/leads/1", ""); st != 200 || !strings.Contains(body, "党支部") {
			t.Errorf("lead page: %d", st)
		}

		// 经发局's staff report a lead by form; the liaison reports by API.
		ctx := context.Background()
		q := e.App.DB.Q(ctx)
		var free, mine int64
		if err := q.QueryRowContext(ctx, `SELECT MAX(id) FROM enterprises e WHERE NOT EXISTS (SELECT 1 FROM branches b WHERE b.enterprise_id = e.id)
			AND NOT EXISTS (SELECT 1 FROM fmn_leads l WHERE l.enterprise_id = e.id)`).Scan(&free); err != nil {
			t.Fatal(err)
		}
		if err := q.QueryRowContext(ctx, `SELECT MIN(la.enterprise_id) FROM liaison_assignments la JOIN users u ON u.person_id = la.person_id WHERE u.username = 'liaison'
			AND NOT EXISTS (SELECT 1 FROM branches b WHERE b.enterprise_id = la.enterprise_id) AND NOT EXISTS (SELECT 1 FROM fmn_leads l WHERE l.enterprise_id = la.enterprise_id AND l.status = 'open')`).Scan(&mine); err != nil {
			t.Fatal(err)
		}
		st, body, loc := dept.form("/express/formation/leads", url.Values{"enterprise_id": {fmt.Sprint(free)}, "reported_on": {"2021-12-01"}, "party_members": {"5"}, "notes": {"企业有党员 5 名"}})
		if st != 303 || !strings.HasPrefix(loc, "/express/formation/leads/") {
			t.Fatalf("dept form: %d %s %s", st, loc, body)
		}
		leadPath := strings.TrimSuffix(loc, "?ok=saved")
		var l lead
		if st := li.json("POST", "/api/v1/express/formation/leads", fmt.Sprintf(`{"enterprise_id":%d,"department_id":1,"reported_on":"2021-12-02","party_members":2}`, mine), &l); st != 201 || l.Status != "open" {
			t.Fatalf("liaison lead: %d %+v", st, l)
		}
		if st, _ := li.do("POST", "/api/v1/express/formation/leads", fmt.Sprintf(`{"enterprise_id":%d,"department_id":1}`, free)); st != 404 {
			t.Errorf("liaison for another enterprise: %d", st)
		}
		if st, _ := li.do("POST", "/api/v1"+leadPath+"/organisation", `{"name":"x党支部","kind":"single","party_members":5}`); st != 403 {
			t.Errorf("liaison forms: %d", st)
		}
		// The office: forming before a visit is refused; visit; form with a new branch.
		if st, _ := com.do("POST", "/api/v1"+leadPath+"/organisation", `{"name":"测试党支部","kind":"single","party_members":5,"formed_on":"2021-12-10"}`); st != 409 {
			t.Errorf("form before visit: %d", st)
		}
		if st, _, _ := com.form(leadPath+"/visits", url.Values{"visited_on": {"2021-12-05"}, "visitors": {"组织部、经发局"}, "notes": {"讲解组建程序"}}); st != 303 {
			t.Fatalf("visit form: %d", st)
		}
		var branches int
		_ = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM branches`).Scan(&branches)
		if st, b, _ := com.form(leadPath+"/organisation", url.Values{"name": {"测试精密党支部"}, "formed_on": {"2021-12-10"}, "kind": {"single"}, "party_members": {"2"}, "branch": {"new"}}); st != 422 {
			t.Errorf("single with 2 members: %d %s", st, b)
		}
		if st, _, _ := com.form(leadPath+"/organisation", url.Values{"name": {"测试精密党支部"}, "formed_on": {"2021-12-10"}, "kind": {"single"}, "party_members": {"5"}, "branch": {"new"}}); st != 303 {
			t.Fatalf("form org: %d", st)
		}
		var after int
		_ = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM branches`).Scan(&after)
		if after != branches+1 {
			t.Errorf("branches %d → %d", branches, after)
		}
		if st := com.json("GET", "/api/v1"+leadPath, "", &l); st != 200 || l.Status != "formed" || l.Organisation == nil || l.Organisation.BranchID == 0 {
			t.Fatalf("formed: %d %+v", st, l)
		}
		if st := com.json("GET", "/api/v1/express/formation?year=2021", "", &d); st != 200 || d.Funnel.Formed != 8 {
			t.Errorf("funnel after: %+v", d.Funnel)
		}
		if st, _ := com.do("POST", "/api/v1"+leadPath+"/status", `{"status":"closed","reason":"x x"}`); st != 409 {
			t.Errorf("close formed: %d", st)
		}
	})
}
