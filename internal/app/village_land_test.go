package app

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhongshu/internal/platform/ident"
)

// landValidID builds a valid synthetic 身份证号 for the tests.
func landValidID(t *testing.T, body17 string) string {
	t.Helper()
	c, err := ident.IDCheckChar(body17)
	if err != nil {
		t.Fatal(err)
	}
	return body17 + string(c)
}

type landFindingJSON struct {
	Kind      string  `json:"kind"`
	ProjectID int64   `json:"project_id"`
	Payments  []int64 `json:"payment_ids"`
	DiffFen   int64   `json:"diff_fen"`
}

// Issue 5 item 11 over HTTP: the demo's audit findings, a project built
// through the forms (元 amounts, quantities), field errors, scope between
// villages, masked ID numbers on every page and in JSON.
func TestVillageLandHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		com, sec, sec2, sup := e.as("committee"), e.as("village_secretary"), e.as("village_secretary_2"), e.as("village_supervisor")

		var checks struct {
			Items []landFindingJSON `json:"items"`
		}
		if st := sup.json("GET", "/api/v1/land/checks", "", &checks); st != 200 {
			t.Fatalf("checks: %d", st)
		}
		var kinds []string
		for _, f := range checks.Items {
			kinds = append(kinds, fmt.Sprintf("%d:%s", f.ProjectID, f.Kind))
		}
		// The supervisor of 东王村 sees 东王村's project only.
		if fmt.Sprint(kinds) != "[1:no_decision 1:above_standard 1:paid_twice 1:funds_over]" {
			t.Fatalf("supervisor's findings: %v", kinds)
		}
		if st := com.json("GET", "/api/v1/land/checks", "", &checks); st != 200 || len(checks.Items) != 5 {
			t.Fatalf("committee's findings: %d %d", st, len(checks.Items))
		}
		if st, body := sup.do("GET", "/land/checks", ""); st != 200 || !strings.Contains(body, "超标准支付") || !strings.Contains(body, "重复领取") || !strings.Contains(body, "超出补偿资金") {
			t.Fatalf("checks page: %d", st)
		}
		st, body := sec.do("GET", "/land/projects/1", "")
		if st != 200 || !strings.Contains(body, "130903********") || !strings.Contains(body, "王志强") {
			t.Fatalf("project page: %d", st)
		}
		// No ID number in clear anywhere on the page or in JSON.
		for _, s := range []string{body, func() string { _, b := com.do("GET", "/api/v1/land/projects/1", ""); return b }()} {
			for _, id := range ident18(s) {
				if _, err := ident.IDNumber(id, time.Now()); err == nil {
					t.Fatalf("an ID number in clear: %s", id)
				}
			}
		}
		if st, _ := sec2.do("GET", "/api/v1/land/projects/1", ""); st != 404 {
			t.Fatalf("another village's secretary: %d", st)
		}
		if st, _ := e.as("discipline_2").do("GET", "/land/projects/1", ""); st != 404 {
			t.Fatalf("discipline_2 on village 1: %d", st)
		}
		if st, _ := sup.do("POST", "/api/v1/land/projects/1/payments", `{}`); st != 403 {
			t.Fatalf("supervisor writes: %d", st)
		}

		// A project through the HTML forms.
		st, _, loc := sec.form("/land/projects", url.Values{"village_id": {"1"}, "name": {"2021年东王村污水管网征地补偿"}, "funds": {"12,345.60"}, "decision_id": {"3"}})
		if st != 303 || !strings.HasPrefix(loc, "/land/projects/") {
			t.Fatalf("create: %d %s", st, loc)
		}
		pid := strings.TrimSuffix(strings.TrimPrefix(loc, "/land/projects/"), "?ok=saved")
		if st, _, _ := sec.form("/land/projects/"+pid+"/standards", url.Values{"code": {"land"}, "name": {"土地补偿费"}, "unit": {"亩"}, "yuan_per_unit": {"30000"}}); st != 303 {
			t.Fatalf("standard: %d", st)
		}
		if st, body, _ := sec.form("/land/projects/"+pid+"/standards", url.Values{"code": {"crops"}, "name": {"青苗补偿费"}, "unit": {"亩"}, "yuan_per_unit": {"1500.123"}}); st != 422 || !strings.Contains(body, "最多两位小数") {
			t.Fatalf("three decimals: %d", st)
		}
		head := landValidID(t, "13090319800101123")
		if st, body, _ := sec.form("/land/projects/"+pid+"/households", url.Values{"head_name": {"周国华"}, "id_number": {head[:17] + "Y"}, "qty_land": {"0.41"}}); st != 422 || !strings.Contains(body, "身份证号") {
			t.Fatalf("bad ID: %d", st)
		}
		if st, _, _ := sec.form("/land/projects/"+pid+"/households", url.Values{"head_name": {"周国华"}, "id_number": {head}, "qty_land": {"0.41"}}); st != 303 {
			t.Fatalf("household: %d", st)
		}
		var p struct {
			ID          int64 `json:"id"`
			FundsFen    int64 `json:"funds_fen"`
			EntitledFen int64 `json:"entitled_fen"`
			Households  []struct {
				ID     int64  `json:"id"`
				IDMask string `json:"id_number_mask"`
			} `json:"households"`
			Findings []landFindingJSON `json:"findings"`
			Status   string            `json:"status"`
		}
		if st := sec.json("GET", "/api/v1/land/projects/"+pid, "", &p); st != 200 || p.FundsFen != 1_234_560 || p.EntitledFen != 1_230_000 || len(p.Households) != 1 || p.Households[0].IDMask != "130903********123"+head[17:] {
			t.Fatalf("project: %d %+v", st, p)
		}
		if st, body, _ := sec.form("/land/projects/"+pid+"/payments", url.Values{"household_id": {fmt.Sprint(p.Households[0].ID)}, "item": {"land"}, "amount": {"12300"},
			"paid_on": {"2021-12-18"}, "payee_name": {"周国华"}, "payee_id_number": {head}}); st != 303 {
			t.Fatalf("payment: %d %.300s", st, body)
		}
		if st, body := sec.do("POST", "/api/v1/land/projects/"+pid+"/payments", fmt.Sprintf(`{"household_id":%d,"item":"land","amount_fen":1230001,"paid_on":"2021-12-19","payee_name":"周国华","payee_id_number":"%s"}`, p.Households[0].ID, head)); st != 200 {
			t.Fatalf("API payment: %d %s", st, body)
		}
		if st := sec.json("POST", "/api/v1/land/projects/"+pid+"/post", "", &p); st != 200 || p.Status != "posted" {
			t.Fatalf("post: %d %+v", st, p)
		}
		var got []string
		for _, f := range p.Findings {
			got = append(got, fmt.Sprintf("%s:%d", f.Kind, f.DiffFen))
		}
		// 0.41 亩 × 30,000.00 = 12,300.00; the second payment is 1 fen above
		// it and repeats the item; together 24,600.01 against 12,345.60.
		if fmt.Sprint(got) != "[above_standard:1 paid_twice:1230001 funds_over:1225441]" {
			t.Fatalf("findings: %v", got)
		}
		if st, body := sec.do("POST", "/api/v1/land/projects/"+pid+"/standards", `{"code":"trees","name":"树木","unit":"棵","fen_per_unit":8000}`); st != 409 || !strings.Contains(body, "张榜公布") {
			t.Fatalf("standard after posting: %d %s", st, body)
		}
		if st, body := sec.do("POST", "/api/v1/land/projects", `{"village_id":2,"name":"越权","funds_fen":100}`); st != 404 {
			t.Fatalf("secretary creates in village 2: %d %s", st, body)
		}
		if st, body := sec.do("POST", "/api/v1/land/projects", `{"village_id":1,"name":"x","funds_fen":0}`); st != 422 || !strings.Contains(body, "funds_fen") || !strings.Contains(body, `"name"`) {
			t.Fatalf("bad project: %d %s", st, body)
		}
		if st, body := sec.do("GET", "/land", ""); st != 200 || !strings.Contains(body, "2021年东王村污水管网征地补偿") || strings.Contains(body, "小赵庄村") {
			t.Fatalf("list: %d", st)
		}
		if st, body := sec.do("GET", "/villages/1", ""); st != 200 || !strings.Contains(body, "/land?village=1") {
			t.Fatalf("desk link: %d", st)
		}

		// The public posting, without an account (the portal assembles the
		// block; see village_portal.txt): masked names and ID numbers only,
		// the draft-free list of posted projects.
		anon := e.client()
		for _, path := range []string{"/public/villages/1", "/api/v1/public/villages/1", "/public/villages/1/screen"} {
			st, body := anon.do("GET", path, "")
			if st == 404 {
				t.Logf("%s is not served yet", path)
				continue
			}
			if st != 200 || !strings.Contains(body, "谭*国") || !strings.Contains(body, "130903********") {
				t.Fatalf("public %s: %d", path, st)
			}
			for _, secret := range []string{"谭建国", "王志强", "周国华", head} {
				if strings.Contains(body, secret) {
					t.Fatalf("public %s shows %s", path, secret)
				}
			}
			for _, id := range ident18(body) {
				if _, err := ident.IDNumber(id, time.Now()); err == nil {
					t.Fatalf("public %s shows an ID number: %s", path, id)
				}
			}
		}
	})
}

// ident18 finds 18-character runs of digits, X or * in s (candidates for
// an ID number; a valid one in clear fails the tests).
func ident18(s string) []string {
	var out []string
	run := []rune{}
	flush := func() {
		if len(run) == 18 {
			out = append(out, string(run))
		}
		run = run[:0]
	}
	for _, r := range s {
		if (r >= '0' && r <= '9') || r == 'X' || r == '*' {
			run = append(run, r)
			continue
		}
		flush()
	}
	flush()
	return out
}
