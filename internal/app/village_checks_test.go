package app

// Outside checks of issue 5 over HTTP, built from RULES.md and the issue's
// "Fixed handles" rather than from the code: the minimal bodies a checker
// sends, 422 problem+json that state the rule and the numbers, tier
// boundaries, IDOR across villages by URL and by JSON body (404 with the
// body of an absent id), and every route to a lead for its subject, the
// committee and the three admins.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// vcProblem is a problem+json document without its per-request fields.
type vcProblem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// vcRaw sends a request and returns status, content type and body.
func vcRaw(c *client, method, path, body string) (int, string, string) {
	c.e.t.Helper()
	req, _ := http.NewRequest(method, c.e.Srv.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), b.String()
}

// vcRefused sends a step and requires a 422 problem+json whose detail
// states every string of want.
func vcRefused(t *testing.T, c *client, path, body string, want ...string) vcProblem {
	t.Helper()
	st, ct, b := vcRaw(c, "POST", path, body)
	var p vcProblem
	_ = json.Unmarshal([]byte(b), &p)
	if st != 422 || !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("%s %s: %d %s %s, want 422 problem+json", path, body, st, ct, b)
	}
	for _, w := range want {
		if !strings.Contains(p.Detail, w) {
			t.Errorf("%s: the detail does not state %q: %s", body, w, p.Detail)
		}
	}
	return p
}

// vcDecision is the decision as GET /api/v1/decisions/{id} answers it.
type vcDecision struct {
	ID        int64    `json:"id"`
	Status    string   `json:"status"`
	Merged    bool     `json:"merged"`
	NextSteps []string `json:"next_steps"`
	Steps     []struct {
		Step         string `json:"step"`
		Merged       bool   `json:"merged"`
		PostedFrom   string `json:"posted_from"`
		PostedTo     string `json:"posted_to"`
		CarriedOutOn string `json:"carried_out_on"`
	} `json:"steps"`
	Attempts []struct {
		Step    string `json:"step"`
		Outcome string `json:"outcome"`
	} `json:"attempts"`
}

// vcStep is a step body with exactly the fields.
func vcStep(step, date string, expected, present, yes, no, abstain int, merged bool) string {
	return fmt.Sprintf(`{"step":%q,"date":%q,"expected":%d,"present":%d,"for":%d,"against":%d,"abstain":%d,"merged":%v}`,
		step, date, expected, present, yes, no, abstain, merged)
}

// TestVillageChecksFixedHandles: issue 5 "Fixed handles", with the minimal
// bodies a checker sends.
func TestVillageChecksFixedHandles(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		sec := e.as("village_secretary")
		ctx := context.Background()
		newDecision := func(village int, category string) (int64, string) {
			t.Helper()
			var d vcDecision
			st := sec.json("POST", fmt.Sprintf("/api/v1/villages/%d/decisions", village), `{"title":"村内排水沟清淤","category":"`+category+`","amount_fen":1500000}`, &d)
			if st != 201 || d.ID == 0 || d.Status != "in_progress" {
				t.Fatalf("create decision: %d %+v", st, d)
			}
			return d.ID, fmt.Sprintf("/api/v1/decisions/%d/steps", d.ID)
		}
		get := func(id int64) vcDecision {
			t.Helper()
			var d vcDecision
			if st := sec.json("GET", fmt.Sprintf("/api/v1/decisions/%d", id), "", &d); st != 200 {
				t.Fatalf("get decision %d: %d", id, st)
			}
			return d
		}
		post := func(path, body string) {
			t.Helper()
			if st, ct, b := vcRaw(sec, "POST", path, body); st != 201 || !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("%s: %d %s", body, st, b)
			}
		}

		// The whole procedure (a 村规民约 revision goes to the representatives).
		id, path := newDecision(1, "village_rules")
		post(path, vcStep("proposal", "2021-11-01", 5, 5, 5, 0, 0, false))
		vcRefused(t, sec, path, vcStep("consultation", "2021-11-02", 7, 6, 3, 2, 1, false), "RULES.md 1.3", "3", "6")
		post(path, vcStep("consultation", "2021-11-02", 7, 6, 4, 1, 1, false))
		vcRefused(t, sec, path, vcStep("party_review", "2021-11-05", 30, 19, 19, 0, 0, false), "RULES.md 1.4", "19", "30")
		if d := get(id); d.Status != "stopped" || len(d.Attempts) != 2 || d.Attempts[1].Outcome != "no_quorum" {
			t.Fatalf("below quorum: %+v", d)
		}
		vcRefused(t, sec, path, vcStep("party_review", "2021-11-06", 30, 24, 15, 5, 4, false), "RULES.md 1.5", "15", "30")
		post(path, vcStep("party_review", "2021-11-07", 30, 20, 16, 4, 0, false))
		vcRefused(t, sec, path, vcStep("representative_resolution", "2021-11-10", 15, 9, 9, 0, 0, false), "RULES.md 1.6", "9", "15")
		vcRefused(t, sec, path, vcStep("representative_resolution", "2021-11-11", 15, 12, 6, 6, 0, false), "RULES.md 1.6", "6", "12")
		post(path, vcStep("representative_resolution", "2021-11-12", 15, 10, 6, 4, 0, false))
		if d := get(id); d.Status != "passed" {
			t.Fatalf("after ④: %+v", d)
		}
		// ⑤ with only the listed fields: the 422 names the posting period.
		p := vcRefused(t, sec, path, vcStep("resolution_disclosure", "2021-11-13", 0, 0, 0, 0, 0, false), "RULES.md 1.10", "7")
		if len(p.Errors) == 0 || (p.Errors[0].Field != "posted_to" && p.Errors[0].Field != "days") {
			t.Errorf("⑤ minimal: the problem does not name the missing field: %+v", p)
		}
		// Posting days sent under the names a checker may use.
		for _, f := range []string{`"days":6`, `"posting_days":6`, `"posted_to":"2021-11-18"`} {
			b := strings.TrimSuffix(vcStep("resolution_disclosure", "2021-11-13", 0, 0, 0, 0, 0, false), "}") + "," + f + "}"
			vcRefused(t, sec, path, b, "RULES.md 1.10", "6", "7")
		}
		post(path, strings.TrimSuffix(vcStep("resolution_disclosure", "2021-11-13", 0, 0, 0, 0, 0, false), "}")+`,"posting_days":7}`)
		// ⑥ with only the listed fields: the 422 names carried_out_on.
		p = vcRefused(t, sec, path, vcStep("result_disclosure", "2021-12-01", 0, 0, 0, 0, 0, false), "RULES.md 1.10")
		if len(p.Errors) == 0 || p.Errors[0].Field != "carried_out_on" {
			t.Errorf("⑥ minimal: %+v", p)
		}
		vcRefused(t, sec, path, strings.TrimSuffix(vcStep("result_disclosure", "2021-12-01", 0, 0, 0, 0, 0, false), "}")+`,"days":7,"carried_out_on":"2021-12-05"}`, "RULES.md 1.10")
		vcRefused(t, sec, path, strings.TrimSuffix(vcStep("result_disclosure", "2021-12-01", 0, 0, 0, 0, 0, false), "}")+`,"days":7,"carried_out":false}`, "RULES.md 1.10")
		post(path, strings.TrimSuffix(vcStep("result_disclosure", "2021-12-01", 0, 0, 0, 0, 0, false), "}")+`,"days":7,"carried_out_on":"2021-11-30"}`)
		if d := get(id); d.Status != "completed" || len(d.Steps) != 6 || len(d.NextSteps) != 0 {
			t.Fatalf("completed: %+v", d)
		}
		vcRefused(t, sec, path, strings.TrimSuffix(vcStep("result_disclosure", "2021-12-10", 0, 0, 0, 0, 0, false), "}")+`,"days":7,"carried_out_on":"2021-11-30"}`, "RULES.md 1.1")

		// Merged ①+② in the 一肩挑 东王村, recorded; refused where the
		// village is not 一肩挑.
		id, path = newDecision(1, "village_rules")
		post(path, vcStep("consultation", "2021-11-01", 7, 7, 6, 1, 0, true))
		if d := get(id); !d.Merged || len(d.Steps) != 1 || !d.Steps[0].Merged || len(d.NextSteps) != 1 || d.NextSteps[0] != "party_review" {
			t.Fatalf("merged: %+v", d)
		}
		if _, err := e.App.DB.Q(ctx).ExecContext(ctx, `UPDATE villages SET one_shoulder = FALSE WHERE id = 1`); err != nil {
			t.Fatal(err)
		}
		_, path = newDecision(1, "village_rules")
		vcRefused(t, sec, path, vcStep("consultation", "2021-11-01", 7, 7, 6, 1, 0, true), "RULES.md 1.2")
		vcRefused(t, sec, path, vcStep("proposal", "2021-11-01", 7, 7, 6, 1, 0, true), "RULES.md 1.2")
		// Every out-of-order step first is refused, naming the next one.
		for _, s := range []string{"consultation", "party_review", "representative_resolution", "villager_resolution", "resolution_disclosure", "result_disclosure"} {
			vcRefused(t, sec, path, vcStep(s, "2021-11-01", 7, 7, 7, 0, 0, false), "RULES.md 1.1")
		}
		post(path, vcStep("proposal", "2021-11-01", 5, 5, 5, 0, 0, false))
		vcRefused(t, sec, path, vcStep("proposal", "2021-11-01", 5, 5, 5, 0, 0, false), "RULES.md 1.1")
		// Numbers that do not add up (1.11).
		vcRefused(t, sec, path, vcStep("consultation", "2021-11-02", 7, 6, 4, 2, 1, false), "RULES.md 1.11", "7", "6")
		vcRefused(t, sec, path, vcStep("consultation", "2021-11-02", 7, 8, 5, 0, 0, false), "RULES.md 1.11", "8", "7")
		vcRefused(t, sec, path, vcStep("consultation", "2021-11-02", 7, 6, -1, 0, 0, false), "RULES.md 1.11")
		// 1.7: the villagers' meeting on both bases, its notice and the
		// emergency flag (a project is a matter for the villagers, 1.8).
		_, path = newDecision(1, "project")
		post(path, vcStep("proposal", "2021-11-01", 5, 5, 5, 0, 0, false))
		post(path, vcStep("consultation", "2021-11-02", 7, 7, 7, 0, 0, false))
		post(path, vcStep("party_review", "2021-11-07", 30, 30, 30, 0, 0, false))
		vm := func(basis string, e, n, f int, extra string) string {
			return strings.TrimSuffix(vcStep("villager_resolution", "2021-11-20", e, n, f, n-f, 0, false), "}") + `,"basis":"` + basis + `"` + extra + "}"
		}
		vcRefused(t, sec, path, vm("adults", 100, 50, 40, ""), "RULES.md 1.7", "50", "100")
		vcRefused(t, sec, path, vm("households", 30, 19, 19, ""), "RULES.md 1.7", "19", "30")
		vcRefused(t, sec, path, vm("adults", 100, 60, 30, ""), "RULES.md 1.7", "30", "60")
		vcRefused(t, sec, path, vm("households", 30, 20, 15, `,"notice_on":"2021-11-11"`), "RULES.md 1.7", "9", "10")
		post(path, vm("households", 30, 20, 11, `,"notice_on":"2021-11-11","emergency":true`))

		// A category written as words is its code.
		var pw struct {
			Category string `json:"category"`
		}
		if st := sec.json("POST", "/api/v1/villages/1/decisions", `{"title":"村民健身广场","category":"Public-Welfare","amount_fen":0}`, &pw); st != 201 || pw.Category != "public_welfare" {
			t.Errorf("category Public-Welfare: %d %+v", st, pw)
		}
		// …and so is its Chinese name; an unknown category is refused,
		// naming the categories that exist.
		for name, code := range map[string]string{"征地补偿": "compensation", "工程项目": "project", "村规民约": "village_rules", "举债": "borrowing", "其他": "other"} {
			pw.Category = ""
			if st := sec.json("POST", "/api/v1/villages/1/decisions", `{"title":"村民健身广场","category":"`+name+`","amount_fen":0}`, &pw); st != 201 || pw.Category != code {
				t.Errorf("category %s: %d %+v", name, st, pw)
			}
		}
		for _, bad := range []string{"修路", "roads"} {
			if st, _, b := vcRaw(sec, "POST", "/api/v1/villages/1/decisions", `{"title":"村民健身广场","category":"`+bad+`","amount_fen":0}`); st != 422 ||
				!strings.Contains(b, `"field":"category"`) || !strings.Contains(b, bad) || !strings.Contains(b, "compensation") || !strings.Contains(b, "village_rules") {
				t.Errorf("unknown category %s: %d %s", bad, st, b)
			}
		}

		// Expenditures answer their tier at exactly the thresholds (§2).
		for _, c := range []struct {
			fen  int64
			tier int
		}{{100000, 1}, {100001, 2}, {1000000, 2}, {1000001, 3}} {
			var x struct {
				Tier int `json:"tier"`
			}
			if st := sec.json("POST", "/api/v1/villages/1/expenditures", fmt.Sprintf(`{"amount_fen":%d,"purpose":"村委会办公用品"}`, c.fen), &x); st != 201 || x.Tier != c.tier {
				t.Errorf("%d fen: %d tier %d, want 201 tier %d", c.fen, st, x.Tier, c.tier)
			}
		}
		if p := vcRefused(t, sec, "/api/v1/villages/1/expenditures", `{"amount_fen":0,"purpose":"村委会办公用品"}`); len(p.Errors) == 0 || p.Errors[0].Field != "amount_fen" {
			t.Errorf("amount 0: %+v", p)
		}
		// The tier comes from the village's override (config item 12): 西马庄村
		// lowers tier 1 to 500 元 from today; 东王村 keeps the zone default.
		com := e.as("committee")
		if st, b := com.do("POST", "/api/v1/villages/2/rules", `{"valid_from":"2021-12-20","reason":"本村资金规模小","rules":{"tier1_max_fen":50000}}`); st >= 300 {
			t.Fatalf("village rules: %d %s", st, b)
		}
		for _, c := range []struct {
			village, fen int64
			tier         int
		}{{2, 50000, 1}, {2, 50001, 2}, {1, 50001, 1}, {1, 100000, 1}} {
			var x struct {
				Tier int `json:"tier"`
			}
			if st := com.json("POST", fmt.Sprintf("/api/v1/villages/%d/expenditures", c.village), fmt.Sprintf(`{"amount_fen":%d,"purpose":"村委会办公用品"}`, c.fen), &x); st != 201 || x.Tier != c.tier {
				t.Errorf("village %d, %d fen: %d tier %d, want tier %d", c.village, c.fen, st, x.Tier, c.tier)
			}
		}
	})
}

// vcSame requires the answer for a foreign object to equal the answer for
// an absent one (status and problem), both 404 unless the role may never
// do it at all (then both are the same 403).
func vcSame(t *testing.T, c *client, who, method, tpl string, foreign, absent int64, body, secret string) {
	t.Helper()
	pf, pa := strings.ReplaceAll(tpl, "{id}", fmt.Sprint(foreign)), strings.ReplaceAll(tpl, "{id}", fmt.Sprint(absent))
	bf, ba := strings.ReplaceAll(body, "{id}", fmt.Sprint(foreign)), strings.ReplaceAll(body, "{id}", fmt.Sprint(absent))
	sf, ctf, rf := vcRaw(c, method, pf, bf)
	sa, _, ra := vcRaw(c, method, pa, ba)
	if secret != "" && strings.Contains(rf, secret) {
		t.Errorf("%s %s %s leaks %q", who, method, pf, secret)
	}
	if sf != sa || (sf != 404 && sf != 403) {
		t.Errorf("%s %s %s: %d (absent id: %d), want the same 404", who, method, pf, sf, sa)
		return
	}
	if strings.HasPrefix(ctf, "application/problem+json") {
		var a, b vcProblem
		_ = json.Unmarshal([]byte(rf), &a)
		_ = json.Unmarshal([]byte(ra), &b)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Errorf("%s %s %s: body %s differs from an absent id's %s", who, method, pf, ja, jb)
		}
	}
}

// TestVillageChecksIDOR: SECURITY.md §7 check 3 — 东王村's secretary and
// supervisor on 西马庄村's draft decision, expenditure, matter, report and
// land project, by page, API and ids in JSON bodies.
func TestVillageChecksIDOR(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		com, sec2 := e.as("committee"), e.as("village_secretary_2")
		id := func(st int, v struct {
			ID int64 `json:"id"`
		}, what string) int64 {
			t.Helper()
			if st != 201 || v.ID == 0 {
				t.Fatalf("create %s in 西马庄村: %d", what, st)
			}
			return v.ID
		}
		var v struct {
			ID int64 `json:"id"`
		}
		dec := id(com.json("POST", "/api/v1/villages/2/decisions", `{"title":"西马庄村秘密草案","category":"village_rules","amount_fen":0}`, &v), v, "decision")
		v.ID = 0
		exp := id(com.json("POST", "/api/v1/villages/2/expenditures", `{"amount_fen":50000,"purpose":"西马庄村秘密支出"}`, &v), v, "expenditure")
		v.ID = 0
		mat := id(com.json("POST", "/api/v1/villages/2/matters", `{"title":"西马庄村秘密事项","description":"排水","raised_by":"村民","raised_on":"2021-12-01","solution":"清淤","responsible_name":"岳振跃","deadline":"2022-01-31"}`, &v), v, "matter")
		v.ID = 0
		var rep int64
		if st := sec2.json("POST", "/api/v1/villages/2/reports", `{"year":2020,"duty_text":"西马庄村秘密述职","integrity_text":"廉洁"}`, &v); st == 201 {
			rep = v.ID
		} else if err := e.App.DB.Q(ctx).QueryRowContext(ctx, `SELECT MIN(id) FROM reports WHERE village_id = 2`).Scan(&rep); err != nil || rep == 0 {
			t.Fatalf("a report of 西马庄村: %d %v", st, err)
		}
		v.ID = 0
		land := id(com.json("POST", "/api/v1/land/projects", `{"village_id":2,"name":"西马庄村秘密征地","funds_fen":1000000}`, &v), v, "land project")
		const absent = 999999

		for _, who := range []string{"village_secretary", "village_supervisor"} {
			c := e.as(who)
			for _, r := range []struct {
				method, tpl string
				id          int64
				body        string
				secret      string
			}{
				{"GET", "/api/v1/decisions/{id}", dec, "", "秘密草案"},
				{"GET", "/decisions/{id}", dec, "", "秘密草案"},
				{"POST", "/api/v1/decisions/{id}/steps", dec, vcStep("proposal", "2021-12-20", 5, 5, 5, 0, 0, false), "秘密草案"},
				{"GET", "/api/v1/expenditures/{id}", exp, "", "秘密支出"},
				{"GET", "/expenditures/{id}", exp, "", "秘密支出"},
				{"POST", "/api/v1/expenditures/{id}/signs", exp, `{"kind":"approve"}`, "秘密支出"},
				{"POST", "/api/v1/expenditures/{id}/signs", exp, `{"kind":"supervisor"}`, "秘密支出"},
				{"POST", "/api/v1/expenditures/{id}/payment", exp, `{"paid_on":"2021-12-20","voucher":"1"}`, "秘密支出"},
				{"POST", "/api/v1/expenditures/{id}/rejection", exp, `{"reason":"不同意此项支出","day":"2021-12-20"}`, "秘密支出"},
				{"POST", "/api/v1/expenditures/{id}/decision", exp, `{"decision_id":1}`, "秘密支出"},
				{"GET", "/api/v1/matters/{id}", mat, "", "秘密事项"},
				{"GET", "/matters/{id}", mat, "", "秘密事项"},
				{"POST", "/api/v1/matters/{id}/progress", mat, `{"body":"已清淤一半","day":"2021-12-20"}`, "秘密事项"},
				{"POST", "/api/v1/matters/{id}/request-close", mat, `{"body":"已全部完成清淤","day":"2021-12-20"}`, "秘密事项"},
				{"POST", "/api/v1/matters/{id}/verify", mat, `{"body":"现场验收合格","day":"2021-12-20","passed":true,"evaluation":"satisfied"}`, "秘密事项"},
				{"GET", "/api/v1/reports/{id}", rep, "", "秘密述职"},
				{"GET", "/reports/{id}", rep, "", "秘密述职"},
				{"PUT", "/api/v1/reports/{id}", rep, `{"year":2020,"duty_text":"改写","integrity_text":"改写"}`, "秘密述职"},
				{"POST", "/api/v1/reports/{id}/submit", rep, `{}`, "秘密述职"},
				{"POST", "/api/v1/reports/{id}/review", rep, `{"comments":"好"}`, "秘密述职"},
				{"POST", "/api/v1/reports/{id}/publish", rep, `{}`, "秘密述职"},
				{"GET", "/api/v1/land/projects/{id}", land, "", "秘密征地"},
				{"GET", "/land/projects/{id}", land, "", "秘密征地"},
				{"POST", "/api/v1/land/projects/{id}/standards", land, `{"code":"land","name":"土地","unit":"亩","fen_per_unit":100}`, "秘密征地"},
				{"POST", "/api/v1/land/projects/{id}/households", land, `{"head_name":"张三","id_number":"110105194912310029","items":{"land":"1"}}`, "秘密征地"},
				{"POST", "/api/v1/land/projects/{id}/payments", land, `{"household_id":1,"item":"land","amount_fen":1,"paid_on":"2021-12-20","payee_name":"张三","payee_id_number":"110105194912310029"}`, "秘密征地"},
				{"POST", "/api/v1/land/projects/{id}/post", land, `{}`, "秘密征地"},
			} {
				vcSame(t, c, who, r.method, r.tpl, r.id, absent, r.body, r.secret)
			}
			// The same by HTML form (a browser without JavaScript).
			for _, r := range []struct {
				tpl string
				id  int64
				v   url.Values
			}{
				{"/decisions/{id}/steps", dec, url.Values{"step": {"proposal"}, "date": {"2021-12-20"}}},
				{"/expenditures/{id}/signs", exp, url.Values{"kind": {"approve"}}},
				{"/expenditures/{id}/payment", exp, url.Values{"paid_on": {"2021-12-20"}, "voucher": {"1"}}},
				{"/expenditures/{id}/rejection", exp, url.Values{"reason": {"不同意此项支出"}}},
				{"/expenditures/{id}/decision", exp, url.Values{"decision_id": {"1"}}},
				{"/matters/{id}/progress", mat, url.Values{"day": {"2021-12-20"}, "body": {"已清淤一半"}}},
				{"/matters/{id}/verify", mat, url.Values{"day": {"2021-12-20"}, "body": {"验收合格"}, "passed": {"1"}}},
				{"/reports/{id}", rep, url.Values{"year": {"2020"}, "duty_text": {"改写"}, "integrity_text": {"改写"}}},
				{"/reports/{id}/submit", rep, url.Values{}},
				{"/reports/{id}/publish", rep, url.Values{}},
				{"/land/projects/{id}/standards", land, url.Values{"code": {"land"}, "name": {"土地"}, "unit": {"亩"}, "fen_per_unit": {"100"}}},
				{"/land/projects/{id}/post", land, url.Values{}},
			} {
				sf, bf := c.form2(strings.ReplaceAll(r.tpl, "{id}", fmt.Sprint(r.id)), r.v)
				sa, _ := c.form2(strings.ReplaceAll(r.tpl, "{id}", fmt.Sprint(absent)), r.v)
				if sf != sa || (sf != 404 && sf != 403) || strings.Contains(bf, "秘密") {
					t.Errorf("%s form %s: %d (absent id: %d), want the same 404", who, r.tpl, sf, sa)
				}
			}
			// Village-level routes of 西马庄村 answer like an absent village.
			for _, r := range []struct{ method, tpl, body string }{
				{"GET", "/api/v1/villages/{id}/decisions", ""},
				{"POST", "/api/v1/villages/{id}/decisions", `{"title":"越权决策","category":"project","amount_fen":1}`},
				{"GET", "/api/v1/villages/{id}/expenditures", ""},
				{"POST", "/api/v1/villages/{id}/expenditures", `{"amount_fen":1,"purpose":"越权支出"}`},
				{"GET", "/api/v1/villages/{id}/matters", ""},
				{"GET", "/api/v1/villages/{id}/reports", ""},
				{"GET", "/villages/{id}/decisions", ""},
				{"GET", "/villages/{id}/expenditures", ""},
			} {
				vcSame(t, c, who, r.method, r.tpl, 2, absent, r.body, "秘密")
			}
			// Lists never show the other village's objects.
			for _, p := range []string{"/api/v1/land/projects", "/land", "/api/v1/land/checks", "/land/checks", "/api/v1/land/projects?village=2", "/land?village=2"} {
				if _, _, b := vcRaw(c, "GET", p, ""); strings.Contains(b, "秘密") {
					t.Errorf("%s GET %s shows 西马庄村's project", who, p)
				}
			}
		}

		// Ids of the other village inside JSON bodies (village_secretary).
		sec := e.as("village_secretary")
		// A foreign id is audited as a denial.
		for _, p := range []string{fmt.Sprintf("/api/v1/decisions/%d", dec), fmt.Sprintf("/api/v1/expenditures/%d", exp), fmt.Sprintf("/api/v1/land/projects/%d", land)} {
			before := leadsAudits(t, e, "access.denied")
			vcRaw(sec, "GET", p, "")
			if leadsAudits(t, e, "access.denied") != before+1 {
				t.Errorf("GET %s by 东王村's secretary: the denial is not audited", p)
			}
		}
		var x struct {
			ID int64 `json:"id"`
		}
		if st := sec.json("POST", "/api/v1/villages/1/expenditures", `{"amount_fen":2000000,"purpose":"村道硬化"}`, &x); st != 201 {
			t.Fatalf("tier-3 request: %d", st)
		}
		sameBodyID := func(dec int64, method, path, bodyTpl string) {
			t.Helper()
			sf, _, rf := vcRaw(sec, method, path, strings.ReplaceAll(bodyTpl, "{id}", fmt.Sprint(dec)))
			sa, _, ra := vcRaw(sec, method, path, strings.ReplaceAll(bodyTpl, "{id}", fmt.Sprint(absent)))
			var a, b vcProblem
			_ = json.Unmarshal([]byte(rf), &a)
			_ = json.Unmarshal([]byte(ra), &b)
			a.Detail = strings.ReplaceAll(a.Detail, fmt.Sprint(dec), "N")
			b.Detail = strings.ReplaceAll(b.Detail, fmt.Sprint(absent), "N")
			for i := range a.Errors {
				a.Errors[i].Message = strings.ReplaceAll(a.Errors[i].Message, fmt.Sprint(dec), "N")
			}
			for i := range b.Errors {
				b.Errors[i].Message = strings.ReplaceAll(b.Errors[i].Message, fmt.Sprint(absent), "N")
			}
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			if sf < 400 || sf != sa || string(ja) != string(jb) || strings.Contains(rf, "秘密草案") {
				t.Errorf("%s %s with 西马庄村's id %d: %d %s; absent: %d %s", method, path, dec, sf, rf, sa, ra)
			}
		}
		sameBody := func(method, path, bodyTpl string) { t.Helper(); sameBodyID(dec, method, path, bodyTpl) }
		sameBody("POST", fmt.Sprintf("/api/v1/expenditures/%d/decision", x.ID), `{"decision_id":{id}}`)
		// 西马庄村's secretary named as the responsible person of a matter.
		var p2 int64
		if err := e.App.DB.Q(ctx).QueryRowContext(ctx, `SELECT MIN(person_id) FROM positions WHERE village_id = 2 AND title = 'village_secretary'`).Scan(&p2); err != nil {
			t.Fatal(err)
		}
		sameBodyID(p2, "POST", "/api/v1/villages/1/matters", `{"title":"排水沟清淤","raised_by":"村民","raised_on":"2021-12-01","solution":"清淤","responsible_person_id":{id},"deadline":"2022-01-31"}`)
		var name2 string
		_ = e.App.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM people WHERE id = ?`, p2).Scan(&name2)
		if _, _, b := vcRaw(sec, "POST", "/api/v1/villages/1/matters", fmt.Sprintf(`{"title":"排水沟清淤","raised_by":"村民","raised_on":"2021-12-01","solution":"清淤","responsible_person_id":%d,"deadline":"2022-01-31"}`, p2)); name2 == "" || strings.Contains(b, name2) {
			t.Errorf("a person id of another village answers with the name %q: %s", name2, b)
		}
		sameBody("POST", "/api/v1/villages/1/expenditures", `{"amount_fen":2000000,"purpose":"村道硬化","decision_id":{id}}`)
		sameBody("POST", "/api/v1/land/projects", `{"village_id":1,"name":"东王村跨村征地","funds_fen":100,"decision_id":{id}}`)
		// A project of 西马庄村 created by naming it in the body.
		if st, _, b := vcRaw(sec, "POST", "/api/v1/land/projects", `{"village_id":2,"name":"越权征地","funds_fen":100}`); st != 404 {
			t.Errorf("land project in 西马庄村 by body: %d %s", st, b)
		}
		// Nothing of 西马庄村 changed.
		var n int
		if err := e.App.DB.Q(ctx).QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM village_decision_steps WHERE decision_id = ?) +
			(SELECT COUNT(*) FROM village_expenditure_signs WHERE expenditure_id = ?) + (SELECT COUNT(*) FROM land_standards WHERE project_id = ?)
			+ (SELECT COUNT(*) FROM land_projects WHERE name IN ('越权征地', '东王村跨村征地'))`, dec, exp, land).Scan(&n); err != nil || n != 0 {
			t.Fatalf("foreign objects changed: %d %v", n, err)
		}
	})
}

// TestVillageChecksLeads: SECURITY.md §7 check 4 — the subject of a lead
// (discipline_2, lead 3 in 后屯村) tries every route; the committee without
// the configuration and the three admins get 403 on every lead route; every
// discipline read is audited.
func TestVillageChecksLeads(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		var secret string
		if err := e.App.DB.Q(ctx).QueryRowContext(ctx, `SELECT description FROM village_leads WHERE id = 3`).Scan(&secret); err != nil {
			t.Fatal(err)
		}
		secret = string([]rune(secret)[:12])
		subj := e.as("discipline_2")
		for _, r := range []struct{ method, path, body string }{
			{"GET", "/leads/3", ""},
			{"GET", "/api/v1/leads/3", ""},
			{"POST", "/api/v1/leads/3/verify", `{"day":"2021-12-20","note":"核实"}`},
			{"POST", "/api/v1/leads/3/dispose", `{"day":"2021-12-20","outcome":"closed","note":"了结"}`},
		} {
			vcSame(t, subj, "subject", r.method, strings.Replace(r.path, "3", "{id}", 1), 3, 999999, r.body, secret)
		}
		q := url.QueryEscape(string([]rune(secret)[:4]))
		for _, p := range []string{"/api/v1/leads", "/api/v1/leads?q=" + q, "/api/v1/leads?village=5", "/api/v1/leads?source=daily",
			"/api/v1/leads?status=received", "/api/v1/leads?overdue=1", "/api/v1/leads?limit=1000", "/api/v1/leads?offset=0&limit=100",
			"/leads", "/leads?q=" + q, "/leads?village=5&source=daily", "/leads?format=csv", "/leads?export=xlsx", "/api/v1/leads?format=csv",
			"/", "/villages/5", "/api/v1/villages/5/desk", "/api/v1/me", "/api/v1/nav"} {
			st, _, b := vcRaw(subj, "GET", p, "")
			if strings.Contains(b, secret) || strings.Contains(b, `"id":3,`) || strings.Contains(b, `/leads/3"`) {
				t.Errorf("subject GET %s (%d) leaks lead 3", p, st)
			}
			if strings.HasPrefix(p, "/api/v1/leads") && st == 200 {
				var l struct {
					Total    int            `json:"total"`
					ByStatus map[string]int `json:"by_status"`
				}
				_ = json.Unmarshal([]byte(b), &l)
				if l.ByStatus["received"] != 0 {
					t.Errorf("subject GET %s counts lead 3: %+v", p, l)
				}
			}
		}
		// The committee without the configuration, and the three admins.
		for _, who := range []string{"committee", "sysadmin", "secadmin", "auditor", "village_secretary", "village_supervisor", "member", "enterprise"} {
			c := e.as(who)
			for _, p := range []string{"/leads", "/leads/1", "/leads/new", "/api/v1/leads", "/api/v1/leads/1", "/api/v1/leads?q=" + q, "/leads/files/1"} {
				if st, _, b := vcRaw(c, "GET", p, ""); (st != 403 && st != 404) || strings.Contains(b, secret) || strings.Contains(b, "优亲厚友") {
					t.Errorf("%s GET %s: %d", who, p, st)
				}
			}
			if st, _, _ := vcRaw(c, "POST", "/api/v1/leads/1/verify", `{"day":"2021-12-20"}`); st != 403 && st != 404 {
				t.Errorf("%s verifies lead 1: %d", who, st)
			}
			if st, _, b := vcRaw(c, "GET", "/", ""); strings.Contains(b, `href="/leads"`) {
				t.Errorf("%s home (%d) links to the leads", who, st)
			}
			if who == "sysadmin" || who == "secadmin" || who == "auditor" || who == "committee" {
				if st, _, _ := vcRaw(c, "GET", "/api/v1/leads", ""); st != 403 {
					t.Errorf("%s lists leads: %d, want 403", who, st)
				}
			}
		}
		// Every discipline read is audited (list, detail, page).
		dis := e.as("discipline")
		count := func() int {
			var n int
			if err := e.App.DB.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'village.lead.%'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, p := range []string{"/api/v1/leads", "/api/v1/leads/3", "/leads/3", "/leads", "/api/v1/leads?q=" + q} {
			before := count()
			if st, _, _ := vcRaw(dis, "GET", p, ""); st != 200 {
				t.Errorf("discipline GET %s: %d", p, st)
			}
			if count() != before+1 {
				t.Errorf("discipline GET %s not audited", p)
			}
		}
	})
}

// TestVillageChecksDisclosures: issue 5 "Fixed handles" for disclosures
// and SECURITY.md §7 check 3 on a draft disclosure of 西马庄村: minimal
// create, publish, the public page's hash and chain_ok; a draft is never
// public; another village's draft answers like an absent id.
func TestVillageChecksDisclosures(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		sec, sec2 := e.as("village_secretary"), e.as("village_secretary_2")
		var d struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		}
		if st := sec.json("POST", "/api/v1/villages/1/disclosures", `{"kind":"finance","period":"2021-11","title":"2021年11月财务公开","items":[{"title":"办公用品","amount_fen":12000}],"channels":["website"]}`, &d); st != 201 || d.ID == 0 {
			st2, b := sec.do("POST", "/api/v1/villages/1/disclosures", `{"kind":"finance","period":"2021-11","title":"2021年11月财务公开","items":[{"title":"办公用品","amount_fen":12000}],"channels":["website"]}`)
			t.Fatalf("create disclosure: %d / %d %s", st, st2, b)
		}
		if st, b := sec.do("GET", fmt.Sprintf("/api/v1/public/disclosures/%d", d.ID), ""); st != 404 {
			t.Errorf("a draft is public: %d %s", st, b)
		}
		if st, b := sec.do("POST", fmt.Sprintf("/api/v1/disclosures/%d/publish", d.ID), `{}`); st >= 300 {
			t.Fatalf("publish: %d %s", st, b)
		}
		var pub struct {
			Hash    string `json:"hash"`
			ChainOK bool   `json:"chain_ok"`
		}
		if st := e.client().json("GET", fmt.Sprintf("/api/v1/public/disclosures/%d", d.ID), "", &pub); st != 200 || len(pub.Hash) != 64 || !pub.ChainOK {
			t.Errorf("public disclosure: %d %+v", st, pub)
		}
		// 西马庄村's draft.
		var d2 struct {
			ID int64 `json:"id"`
		}
		if st := sec2.json("POST", "/api/v1/villages/2/disclosures", `{"kind":"village","period":"2020-Q4","title":"西马庄村秘密村务公开","items":[{"title":"秘密事项","body":"草稿"}],"channels":["website"]}`, &d2); st != 201 {
			t.Fatalf("create 西马庄村 disclosure: %d", st)
		}
		for _, who := range []string{"village_secretary", "village_supervisor"} {
			c := e.as(who)
			for _, r := range []struct{ method, tpl, body string }{
				{"GET", "/api/v1/disclosures/{id}", ""},
				{"GET", "/disclosures/{id}", ""},
				{"PUT", "/api/v1/disclosures/{id}", `{"kind":"village","period":"2021-Q4","title":"改写","items":[{"title":"改写","body":"改写"}]}`},
				{"POST", "/api/v1/disclosures/{id}/publish", `{}`},
				{"POST", "/api/v1/disclosures/{id}/corrections", `{"reason":"更正","title":"改写","items":[{"title":"改写","body":"改写"}]}`},
				{"GET", "/api/v1/public/disclosures/{id}", ""},
				{"GET", "/public/disclosures/{id}", ""},
			} {
				vcSame(t, c, who, r.method, r.tpl, d2.ID, 999999, r.body, "秘密")
			}
			if _, _, b := vcRaw(c, "GET", "/api/v1/villages/1/disclosures", ""); strings.Contains(b, "秘密") {
				t.Errorf("%s: village 1's list shows 西马庄村's draft", who)
			}
		}
		if st, b := e.client().do("GET", "/public/villages/2", ""); strings.Contains(b, "秘密") {
			t.Errorf("the portal (%d) shows a draft", st)
		}
	})
}
