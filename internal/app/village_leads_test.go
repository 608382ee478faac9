package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhongshu/internal/platform/db"
)

// leadsAudits counts the audit rows of an action.
func leadsAudits(t *testing.T, e *env, action string) int {
	t.Helper()
	var n int
	ctx := context.Background()
	if err := e.App.DB.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = ?`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// leadsUpload posts a multipart form with one file, as a browser does.
func leadsUpload(c *client, path string, fields map[string]string, name string, data []byte) (int, string, string) {
	c.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("files", name)
		_, _ = fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.Srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Accept", "text/html")
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

// leadsZoneRule adds a zone rules row (village_id 0) from a day.
func leadsZoneRule(t *testing.T, e *env, day, body string) {
	t.Helper()
	err := e.App.DB.InTx(context.Background(), func(ctx context.Context, tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO village_rules (village_id, valid_from, body, created_at) VALUES (0, ?, ?, ?)`, day, body, time.Now().UTC())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

type leadsListJSON struct {
	Items []struct {
		ID          int64  `json:"id"`
		Description string `json:"description"`
		Status      string `json:"status"`
		Overdue     bool   `json:"overdue"`
	} `json:"items"`
	Total    int            `json:"total"`
	ByStatus map[string]int `json:"by_status"`
	Overdue  int            `json:"overdue"`
}

var leadPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

// Issue 5 item 8 and SECURITY.md §7 check 4 over HTTP: only discipline
// reads leads; a discipline inspector scoped to villages 5–7 gets 404 on
// village 1's lead; the subject of a lead gets 404 on every route to it
// (page, API, attachment, handling), never finds it by search, filter or
// count, and sees no trace of it on the desk or in the navigation; every
// read is audited; the committee reads only with the zone rule on.
func TestVillageLeadsHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		dis, dis2 := e.as("discipline"), e.as("discipline_2")
		sec, com := e.as("village_secretary"), e.as("committee")

		// Every read by discipline is audited: list, page, detail, file.
		var all leadsListJSON
		reads := leadsAudits(t, e, "village.lead.list")
		if st := dis.json("GET", "/api/v1/leads", "", &all); st != 200 || all.Total != 6 || all.Overdue != 1 {
			t.Fatalf("discipline list: %d %+v", st, all)
		}
		if st, body := dis.do("GET", "/leads", ""); st != 200 || !strings.Contains(body, "优亲厚友") || !strings.Contains(body, "签字确认") {
			t.Fatalf("list page: %d %s", st, body)
		}
		if n := leadsAudits(t, e, "village.lead.list"); n != reads+2 {
			t.Fatalf("list reads audited %d, want %d", n, reads+2)
		}
		var one struct {
			ID    int64 `json:"id"`
			Files []struct {
				ID int64 `json:"id"`
			} `json:"files"`
		}
		if st := dis.json("GET", "/api/v1/leads/1", "", &one); st != 200 || len(one.Files) != 1 {
			t.Fatalf("lead 1: %d %+v", st, one)
		}
		if st, body := dis.do("GET", "/leads/1", ""); st != 200 || !strings.Contains(body, "群众来信.pdf") || !strings.Contains(body, "badge-red") {
			t.Fatalf("lead page: %d", st)
		}
		if n := leadsAudits(t, e, "village.lead.read"); n != 2 {
			t.Fatalf("detail reads audited %d, want 2", n)
		}
		req, _ := http.NewRequest("GET", e.Srv.URL+fmt.Sprintf("/leads/files/%d", one.Files[0].ID), nil)
		resp, err := dis.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.HasPrefix(b, []byte("%PDF")) || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("download: %d %v", resp.StatusCode, resp.Header)
		}
		if n := leadsAudits(t, e, "village.lead.file_read"); n != 1 {
			t.Fatalf("file reads audited %d", n)
		}

		// discipline_2 (villages 5–7) and village 1's lead: 404, the body
		// of an absent id.
		absentSt, absent := dis2.do("GET", "/api/v1/leads/999999", "")
		problem := func(s string) string {
			var p struct{ Title, Detail, Type string }
			_ = json.Unmarshal([]byte(s), &p)
			return p.Type + "|" + p.Title + "|" + p.Detail
		}
		if st, body := dis2.do("GET", "/api/v1/leads/1", ""); st != 404 || absentSt != 404 || problem(body) != problem(absent) {
			t.Fatalf("discipline_2 reads lead 1: %d %s / %s", st, body, absent)
		}

		// Lead 3 is about discipline_2 herself (village 5, in her scope).
		// A file on it, added by the zone inspector.
		st, _, loc := leadsUpload(dis, "/leads/3/files", nil, "补充材料.pdf", leadPDF)
		if st != 303 || loc != "/leads/3?ok=saved" {
			t.Fatalf("upload: %d %s", st, loc)
		}
		var l3 struct {
			Files []struct {
				ID int64 `json:"id"`
			} `json:"files"`
		}
		if st := dis.json("GET", "/api/v1/leads/3", "", &l3); st != 200 || len(l3.Files) != 1 {
			t.Fatalf("lead 3: %d", st)
		}
		subjectRoutes := []struct{ method, path, body string }{
			{"GET", "/leads/3", ""},
			{"GET", "/api/v1/leads/3", ""},
			{"GET", fmt.Sprintf("/leads/files/%d", l3.Files[0].ID), ""},
			{"POST", "/leads/3/verify", `{}`},
			{"POST", "/leads/3/dispose", `{}`},
			{"POST", "/leads/3/files", `{}`},
			{"POST", "/api/v1/leads/3/verify", `{"day":"2021-12-20"}`},
			{"POST", "/api/v1/leads/3/dispose", `{"day":"2021-12-20","outcome":"closed","note":"自行了结此线索"}`},
		}
		denied := leadsAudits(t, e, "access.denied")
		for _, r := range subjectRoutes {
			if st, body := dis2.do(r.method, r.path, r.body); st != 404 {
				t.Errorf("subject %s %s: %d %.200s", r.method, r.path, st, body)
			} else if strings.HasPrefix(r.path, "/api/") && problem(body) != problem(absent) {
				t.Errorf("subject %s %s: body differs from an absent id: %s", r.method, r.path, body)
			}
		}
		if n := leadsAudits(t, e, "access.denied"); n < denied+len(subjectRoutes) {
			t.Fatalf("subject's attempts audited %d, want ≥ %d", n-denied, len(subjectRoutes))
		}
		var l2 leadsListJSON
		for _, q := range []string{"", "?q=%E7%BA%AA%E6%A3%80%E5%A7%94%E5%91%98", "?village=5", "?status=received", "?source=daily", "?overdue=1", "?page=2"} {
			if st := dis2.json("GET", "/api/v1/leads"+q, "", &l2); st != 200 {
				t.Fatalf("discipline_2 list %s: %d", q, st)
			}
			for _, it := range l2.Items {
				if it.ID == 3 {
					t.Fatalf("list %s shows lead 3", q)
				}
			}
			if l2.ByStatus["received"] != 0 {
				t.Fatalf("list %s counts lead 3: %v", q, l2.ByStatus)
			}
		}
		if st, body := dis2.do("GET", "/leads?village=5", ""); st != 200 || strings.Contains(body, "签字确认") || strings.Contains(body, "/leads/3\"") {
			t.Fatalf("discipline_2 page shows lead 3: %d", st)
		}
		for _, p := range []string{"/villages/5", "/api/v1/villages/5/desk", "/"} {
			if st, body := dis2.do("GET", p, ""); st != 200 || strings.Contains(body, "签字确认") || strings.Contains(body, "/leads/3") {
				t.Fatalf("%s leaks lead 3: %d", p, st)
			}
		}

		// The village secretary is the subject of lead 1 and holds no
		// lead permission: 403 everywhere, no link, no count.
		for _, p := range []string{"/leads", "/leads/1", "/api/v1/leads", "/api/v1/leads/1", "/api/v1/leads?q=%E4%BC%98%E4%BA%B2", fmt.Sprintf("/leads/files/%d", one.Files[0].ID)} {
			if st, _ := sec.do("GET", p, ""); st != 403 {
				t.Fatalf("secretary %s: %d", p, st)
			}
		}
		for _, p := range []string{"/villages/1", "/api/v1/villages/1/desk", "/village", "/"} {
			if st, body := sec.do("GET", p, ""); st >= 400 && st != 404 || strings.Contains(body, `href="/leads`) || strings.Contains(body, "问题线索") || strings.Contains(body, "优亲厚友") {
				t.Fatalf("secretary %s shows leads: %d", p, st)
			}
		}

		// Recording and handling (discipline): a form with a file, then
		// verify and dispose over the API.
		var subject int64
		ctx := context.Background()
		if err := e.App.DB.Q(ctx).QueryRowContext(ctx, `SELECT MIN(person_id) FROM positions WHERE village_id = 2 AND title = 'village_committee'`).Scan(&subject); err != nil {
			t.Fatal(err)
		}
		st, body, loc := leadsUpload(dis, "/leads", map[string]string{"village_id": "2", "subject_person_id": fmt.Sprint(subject), "source": "audit",
			"received_on": "2021-12-15", "description": "审计发现村集体资金存在白条入账"}, "审计报告.pdf", leadPDF)
		if st != 303 || !strings.HasPrefix(loc, "/leads/") {
			t.Fatalf("record: %d %s %.300s", st, loc, body)
		}
		id := strings.TrimSuffix(strings.TrimPrefix(loc, "/leads/"), "?ok=saved")
		if st, _, _ := leadsUpload(dis, "/leads", map[string]string{"village_id": "2", "subject_person_id": fmt.Sprint(subject), "source": "audit",
			"received_on": "2021-12-15", "description": "审计发现问题"}, "evil.pdf", []byte("<html><script>alert(1)</script>")); st != 422 {
			t.Fatalf("an HTML file named .pdf: %d", st)
		}
		if st, body := dis.do("POST", "/api/v1/leads/"+id+"/dispose", `{"day":"2021-12-20","outcome":"closed","note":"经核实不属实"}`); st != 409 || !strings.Contains(body, "RULES.md §4") {
			t.Fatalf("dispose before verify: %d %s", st, body)
		}
		if st, _ := dis.do("POST", "/api/v1/leads/"+id+"/verify", `{"day":"2021-12-16","note":"调阅凭证"}`); st != 200 {
			t.Fatalf("verify: %d", st)
		}
		if st, body := dis.do("POST", "/api/v1/leads/"+id+"/dispose", `{"day":"2021-12-20","outcome":"warning","note":"经核实不属实"}`); st != 422 || !strings.Contains(body, "outcome") {
			t.Fatalf("bad outcome: %d %s", st, body)
		}
		var done struct{ Status string }
		if st := dis.json("POST", "/api/v1/leads/"+id+"/dispose", `{"day":"2021-12-20","outcome":"talk","note":"白条入账属实但金额较小，谈话提醒"}`, &done); st != 200 || done.Status != "talk" {
			t.Fatalf("dispose: %d %+v", st, done)
		}
		if st, _ := dis2.do("GET", "/api/v1/leads/"+id, ""); st != 404 {
			t.Fatalf("discipline_2 reads a village 2 lead: %d", st)
		}

		// The committee: 403 by default (nothing counted), 200 with the
		// zone rule on — writes stay the discipline inspector's.
		if st, _ := com.do("GET", "/api/v1/leads", ""); st != 403 {
			t.Fatalf("committee without the rule: %d", st)
		}
		if st, _ := com.do("GET", "/leads/1", ""); st != 403 {
			t.Fatalf("committee page without the rule: %d", st)
		}
		leadsZoneRule(t, e, "2021-01-01", `{"committee_sees_leads": true}`)
		var cl leadsListJSON
		if st := com.json("GET", "/api/v1/leads", "", &cl); st != 200 || cl.Total != 7 {
			t.Fatalf("committee with the rule: %d %d", st, cl.Total)
		}
		if st, _ := com.do("GET", "/api/v1/leads/1", ""); st != 200 {
			t.Fatalf("committee reads lead 1 with the rule: %d", st)
		}
		if st, _ := com.do("POST", "/api/v1/leads/1/verify", `{"day":"2021-12-20"}`); st != 403 {
			t.Fatalf("committee handles a lead: %d", st)
		}
		if st, _ := e.as("village_supervisor").do("GET", "/api/v1/leads", ""); st != 403 {
			t.Fatalf("supervisor with the committee rule on: %d", st)
		}
	})
}
