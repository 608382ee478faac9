package app

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Issue 6 item 7 over HTTP: the demo's applications by scope, totals by
// programme and year (the 900万元), recording and moving an application
// through forms and the API, illegal moves, and the Excel export.
func TestExpressApplicationsHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		com, ent, li, dept := e.as("committee"), e.as("enterprise"), e.as("liaison"), e.as("dept_staff")
		type item struct {
			ID            int64  `json:"id"`
			Programme     string `json:"programme"`
			Applicant     string `json:"applicant"`
			EnterpriseID  int64  `json:"enterprise_id"`
			Status        string `json:"status"`
			AmountApplied int64  `json:"amount_applied"`
			AmountGranted int64  `json:"amount_granted"`
			History       []struct {
				From, To string
			} `json:"history"`
		}
		type total struct {
			Programme     string `json:"programme"`
			Helped        int    `json:"helped"`
			Approved      int    `json:"approved"`
			AmountApplied int64  `json:"amount_applied"`
		}
		var list struct {
			Year   int     `json:"year"`
			Items  []item  `json:"items"`
			Totals []total `json:"totals"`
		}
		// The enterprise contact sees 天成药业's two applications only.
		if st := ent.json("GET", "/api/v1/express/applications?year=2021", "", &list); st != 200 || len(list.Items) != 2 {
			t.Fatalf("enterprise list: %d %+v", st, list.Items)
		}
		for _, it := range list.Items {
			if !strings.HasPrefix(it.Applicant, "天成药业") {
				t.Errorf("enterprise sees %s", it.Applicant)
			}
		}
		// The office: every programme; 技术改造专项基金 3 enterprises, 900万元 (RULES: fen).
		if st := com.json("GET", "/api/v1/express/applications?year=2021", "", &list); st != 200 || list.Year != 2021 {
			t.Fatalf("office list: %d", st)
		}
		byProg := map[string]total{}
		for _, x := range list.Totals {
			byProg[x.Programme] = x
		}
		if x := byProg["tech_reform"]; x.Helped != 3 || x.AmountApplied != 900_0000_00 {
			t.Errorf("tech_reform %+v", x)
		}
		if x := byProg["specialized"]; x.Approved != 11 {
			t.Errorf("specialized %+v", x)
		}
		var tot struct {
			Totals []total `json:"totals"`
		}
		if st := dept.json("GET", "/api/v1/express/applications/totals?year=2021", "", &tot); st != 200 || len(tot.Totals) == 0 {
			t.Fatalf("dept totals: %d", st)
		}
		if st, _ := com.do("GET", "/api/v1/express/applications?year=20x1", ""); st != 422 {
			t.Errorf("bad year: %d", st)
		}

		// The liaison records for an assigned enterprise by form, then moves it.
		ctx := context.Background()
		q := e.App.DB.Q(ctx)
		var mine, other, jfj int64
		if err := q.QueryRowContext(ctx, `SELECT MIN(la.enterprise_id) FROM liaison_assignments la JOIN users u ON u.person_id = la.person_id WHERE u.username = 'liaison'`).Scan(&mine); err != nil {
			t.Fatal(err)
		}
		if err := q.QueryRowContext(ctx, `SELECT MIN(id) FROM enterprises WHERE id NOT IN (SELECT la.enterprise_id FROM liaison_assignments la JOIN users u ON u.person_id = la.person_id WHERE u.username = 'liaison')`).Scan(&other); err != nil {
			t.Fatal(err)
		}
		if err := q.QueryRowContext(ctx, `SELECT id FROM departments WHERE name = '经发局'`).Scan(&jfj); err != nil {
			t.Fatal(err)
		}
		st, body, loc := li.form("/express/applications", url.Values{"programme": {"high_tech"}, "year": {"2021"}, "enterprise_id": {fmt.Sprint(mine)},
			"amount_applied": {"12.50"}, "help_notes": {"协助准备高新技术企业认定材料"}})
		if st != 303 || !strings.HasPrefix(loc, "/express/applications/") {
			t.Fatalf("form: %d %s %s", st, loc, body)
		}
		path := "/api/v1" + strings.TrimSuffix(loc, "?ok=saved")
		var a item
		if st := li.json("GET", path, "", &a); st != 200 || a.Status != "preparing" || a.AmountApplied != 1250 {
			t.Fatalf("created: %d %+v", st, a)
		}
		if st, body := li.do("GET", strings.TrimSuffix(loc, "?ok=saved"), ""); st != 200 || !strings.Contains(body, "高新技术企业认定") {
			t.Fatalf("detail page: %d", st)
		}
		if st, _ := li.do("POST", "/api/v1/express/applications", fmt.Sprintf(`{"programme":"high_tech","year":2021,"enterprise_id":%d}`, other)); st != 404 {
			t.Errorf("liaison for another enterprise: %d", st)
		}
		if st, _ := dept.do("POST", "/api/v1/express/applications", fmt.Sprintf(`{"programme":"high_tech","year":2021,"enterprise_id":%d,"helper_department_id":%d}`, mine, jfj)); st != 403 {
			t.Errorf("dept records: %d", st)
		}
		// Illegal: preparing → approved (409), unknown state (422), a future day (422); nothing changes.
		for _, c := range []struct {
			body string
			want int
		}{{`{"to":"approved","day":"2021-12-01"}`, 409}, {`{"to":"won"}`, 422}, {`{"to":"submitted","day":"2021-12-25"}`, 422}, {`{}`, 422}} {
			if st, b := li.do("POST", path+"/transitions", c.body); st != c.want || !strings.Contains(b, "problem") && !strings.Contains(b, "detail") {
				t.Errorf("%s: %d %s", c.body, st, b)
			}
		}
		if st, _, _ := li.form(strings.TrimSuffix(loc, "?ok=saved")+"/transitions", url.Values{"to": {"submitted"}, "day": {"2021-12-15"}, "amount_applied": {"200000"}}); st != 303 {
			t.Fatalf("submit form: %d", st)
		}
		if st := com.json("POST", path+"/transitions", `{"to":"approved","day":"2021-12-18","amount_granted":10000000,"note":"认定通过"}`, &a); st != 200 ||
			a.Status != "approved" || a.AmountApplied != 20000000 || a.AmountGranted != 10000000 || len(a.History) != 2 {
			t.Fatalf("approve: %d %+v", st, a)
		}
		if st, _ := com.do("POST", path+"/transitions", `{"to":"rejected"}`); st != 409 {
			t.Errorf("approved → rejected: %d", st)
		}
		if st, _ := ent.do("POST", path+"/transitions", `{"to":"rejected"}`); st != 403 {
			t.Errorf("enterprise moves: %d", st)
		}

		// Programmes are configuration.
		if st, _ := com.do("POST", "/api/v1/express/programmes", `{"code":"green_factory","name":"绿色工厂","name_en":"Green factory"}`); st != 200 {
			t.Errorf("add programme: %d", st)
		}
		if st, _ := com.do("POST", "/api/v1/express/programmes", `{"code":"green_factory","name":"绿色工厂2"}`); st != 409 {
			t.Errorf("duplicate programme: %d", st)
		}

		// Pages and the export.
		if st, body := com.do("GET", "/express/applications?year=2021", ""); st != 200 || !strings.Contains(body, "技术改造专项基金") || !strings.Contains(body, "9000000.00") {
			t.Errorf("list page: %d", st)
		}
		st, body = com.do("GET", "/express/applications/export.xlsx?year=2021", "")
		if st != 200 {
			t.Fatalf("export: %d", st)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil || len(rows) < 9 {
			t.Fatalf("export rows: %d %v", len(rows), err)
		}
		found := false
		for _, r := range rows {
			if len(r) >= 7 && r[1] == "技术改造专项基金" && r[2] == "3" && r[6] == "9000000" {
				found = true
			}
		}
		if !found {
			t.Errorf("export totals lack 技术改造专项基金 3 / 9000000: %v", rows)
		}
		// The desk shows the part's tile.
		if st, body := ent.do("GET", "/api/v1/express", ""); st != 200 || !strings.Contains(body, "appl.tile_approved") {
			t.Errorf("desk: %d %s", st, body)
		}
	})
}
