package app

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// Issue 7 items 8–9 over HTTP: the demo visit (28 party workers), the
// guidance list and its per-branch filter, and who may do what.
func TestOrganVisitsHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		com, mem := e.as("committee"), e.as("member")
		var v struct {
			Title        string `json:"title"`
			Participants []struct {
				PersonID int64 `json:"person_id"`
			} `json:"participants"`
			Count   int `json:"participant_count"`
			Actions []struct {
				Status string `json:"status"`
			} `json:"actions"`
		}
		if st := mem.json("GET", "/api/v1/organ/visits/1", "", &v); st != 200 || v.Count != 28 || len(v.Participants) != 28 || len(v.Actions) != 2 {
			t.Fatalf("demo visit: %d %+v", st, v)
		}
		if !strings.Contains(v.Title, "28名党务工作者到税务局") {
			t.Fatalf("title %q", v.Title)
		}
		if st, body := mem.do("GET", "/organ/visits", ""); st != 200 || !strings.Contains(body, "税务局学习机关党建工作先进经验") || strings.Contains(body, `action="/organ/visits"`) {
			t.Fatalf("list page: %d", st)
		}
		if st, body := mem.do("GET", "/organ/visits/1", ""); st != 200 || !strings.Contains(body, "以党建促业务") {
			t.Fatalf("detail page: %d", st)
		}
		// Recording is the committee's.
		if st, _ := mem.do("POST", "/api/v1/organ/visits", `{"visited_on":"2021-12-01","host":"财政局","title":"交流学习"}`); st != 403 {
			t.Fatalf("member created a visit: %d", st)
		}
		st, _, loc := com.form("/organ/visits", url.Values{"visited_on": {"2021-12-10"}, "host": {"财政局"}, "title": {"学习预算绩效管理党建经验"}, "topics": {"党建与业务融合"}, "party_workers": {"1"}})
		if st != 303 || !strings.HasPrefix(loc, "/organ/visits/") {
			t.Fatalf("form: %d %s", st, loc)
		}
		if st := com.json("GET", "/api/v1"+strings.TrimSuffix(loc, "?ok=saved"), "", &v); st != 200 || v.Count != 28 {
			t.Fatalf("new visit: %d %d", st, v.Count)
		}
		if st, _ := com.do("POST", "/api/v1/organ/visits", `{"visited_on":"2021-12-01","host":"","title":"交流学习"}`); st != 422 {
			t.Fatalf("empty host: %d", st)
		}
		if st := com.json("POST", "/api/v1/organ/visit-actions/2", `{"status":"done"}`, &v); st != 200 || v.Actions[1].Status != "done" {
			t.Fatalf("action done: %d %+v", st, v.Actions)
		}

		// Guidance: the list with open problems; the per-branch filter.
		var gl struct {
			Items []struct {
				ID       int64 `json:"id"`
				BranchID int64 `json:"branch_id"`
			} `json:"items"`
			Open int `json:"open_problems"`
		}
		if st := mem.json("GET", "/api/v1/organ/guidance", "", &gl); st != 200 || len(gl.Items) < 10 || len(gl.Items) > 12 || gl.Open == 0 {
			t.Fatalf("guidance: %d %d items, %d open", st, len(gl.Items), gl.Open)
		}
		if st, body := mem.do("GET", "/organ/guidance", ""); st != 200 || !strings.Contains(body, "badge-warn") {
			t.Fatalf("guidance page: %d", st)
		}
		b0 := gl.Items[0].BranchID
		if st := mem.json("GET", fmt.Sprintf("/api/v1/organ/guidance?branch=%d", b0), "", &gl); st != 200 || len(gl.Items) == 0 || gl.Items[0].BranchID != b0 {
			t.Fatalf("filter: %d %+v", st, gl.Items)
		}

		// member_2's branch and another one.
		ctx := context.Background()
		var own, other int64
		q := e.App.DB.Q(ctx)
		if err := q.QueryRowContext(ctx, `SELECT p.branch_id FROM users u JOIN people p ON p.id = u.person_id WHERE u.username = 'member_2'`).Scan(&own); err != nil {
			t.Fatal(err)
		}
		if err := q.QueryRowContext(ctx, `SELECT MIN(id) FROM branches WHERE kind = 'organ_branch' AND id <> ?`, own).Scan(&other); err != nil {
			t.Fatal(err)
		}
		var created struct {
			ID int64 `json:"id"`
		}
		if st := com.json("POST", "/api/v1/organ/guidance", fmt.Sprintf(`{"branch_id":%d,"guided_on":"2021-12-15","method":"review","summary":"查看台账","problems":["签到缺失"]}`, own), &created); st != 201 {
			t.Fatalf("create guidance: %d", st)
		}
		var g struct {
			Problems []struct {
				ID     int64  `json:"id"`
				Status string `json:"status"`
				Note   string `json:"note"`
			} `json:"problems"`
		}
		com.json("GET", fmt.Sprintf("/api/v1/organ/guidance/%d", created.ID), "", &g)
		pOwn := g.Problems[0].ID
		if st := com.json("POST", "/api/v1/organ/guidance", fmt.Sprintf(`{"branch_id":%d,"guided_on":"2021-12-16","method":"talk","summary":"座谈交流","problems":["计划不细"]}`, other), &created); st != 201 {
			t.Fatalf("create guidance: %d", st)
		}
		com.json("GET", fmt.Sprintf("/api/v1/organ/guidance/%d", created.ID), "", &g)
		pOther := g.Problems[0].ID

		// No post yet: 403, audited.
		sec := e.as("member_2")
		if st, _ := sec.do("POST", fmt.Sprintf("/api/v1/organ/guidance-problems/%d/note", pOwn), `{"note":"已补齐签到"}`); st != 403 {
			t.Fatalf("no post: %d", st)
		}
		var denied int
		_ = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE result = 'denied' AND action = 'organ.guidance.problem_note'`).Scan(&denied)
		if denied == 0 {
			t.Fatal("denial not audited")
		}
		stdSecretary(t, e)
		if st, _, _ := sec.form(fmt.Sprintf("/organ/guidance-problems/%d/note", pOwn), url.Values{"note": {"已补齐签到"}}); st != 303 {
			t.Fatalf("own branch note: %d", st)
		}
		if st, _ := sec.do("POST", fmt.Sprintf("/api/v1/organ/guidance-problems/%d/note", pOther), `{"note":"已补齐签到"}`); st != 404 {
			t.Fatalf("other branch: %d", st)
		}
		if st, _ := sec.do("POST", fmt.Sprintf("/api/v1/organ/guidance-problems/%d/close", pOwn), ""); st != 403 {
			t.Fatalf("secretary closed: %d", st)
		}
		if st := com.json("POST", fmt.Sprintf("/api/v1/organ/guidance-problems/%d/close", pOwn), "", &g); st != 200 || g.Problems[0].Status != "closed" || g.Problems[0].Note != "已补齐签到" {
			t.Fatalf("close: %d %+v", st, g.Problems)
		}
	})
}
