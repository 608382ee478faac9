package app

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

type columnList struct {
	Items []struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
		State string `json:"state"`
	} `json:"items"`
	Total    int `json:"total"`
	Pushed   int `json:"pushed"`
	ReadByMe int `json:"read_by_me"`
}

// The column at the demo clock: 98 articles pushed (the seed's figure, on
// the page, in the API and in the study figures), scheduled articles for
// editors only, and the read rule — 422 with the seconds to go before the
// minimum reading time, then counted once with its point.
func TestStudyColumn(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		committee, member := e.as("committee"), e.as("member")
		var l columnList
		if st := member.json("GET", "/api/v1/articles", "", &l); st != 200 || l.Total != 98 || l.Pushed != 98 || len(l.Items) != 20 {
			t.Fatalf("member list %d total %d pushed %d items %d", st, l.Total, l.Pushed, len(l.Items))
		}
		if !strings.HasPrefix(l.Items[0].Title, "2021年11月") {
			t.Errorf("newest first: %s", l.Items[0].Title)
		}
		if st, page := member.do("GET", "/column", ""); st != 200 || !strings.Contains(page, "已推送学习资料") || !strings.Contains(page, ">98<") {
			t.Errorf("column page %d", st)
		}
		var figs struct {
			Figures []struct {
				Key   string `json:"key"`
				Value int    `json:"value"`
			} `json:"figures"`
		}
		if st := member.json("GET", "/api/v1/study/figures?from=2021-01-01&to=2021-12-20", "", &figs); st != 200 {
			t.Fatalf("figures %d", st)
		}
		got := map[string]int{}
		for _, f := range figs.Figures {
			got[f.Key] = f.Value
		}
		if got["articles_pushed"] != 98 || got["quizzes_held"] != 1 {
			t.Errorf("figures %v", got)
		}

		// Scheduled articles: the editors'.
		if st, _ := member.do("GET", "/api/v1/articles?view=scheduled", ""); st != 403 {
			t.Errorf("member asks for scheduled: %d", st)
		}
		var sch columnList
		if st := committee.json("GET", "/api/v1/articles?view=scheduled", "", &sch); st != 200 || sch.Total != 10 || sch.Items[0].State != "scheduled" {
			t.Fatalf("scheduled %d %+v", st, sch)
		}
		next := sch.Items[0].ID
		if st, _ := member.do("GET", fmt.Sprintf("/api/v1/articles/%d", next), ""); st != 404 {
			t.Errorf("member reads a scheduled article: %d", st)
		}
		if st, _ := member.do("GET", fmt.Sprintf("/column/%d", next), ""); st != 404 {
			t.Errorf("member opens a scheduled article: %d", st)
		}
		if st, _ := committee.do("GET", fmt.Sprintf("/column/%d", next), ""); st != 200 {
			t.Errorf("editor opens a scheduled article: %d", st)
		}

		// An editor writes one; the body is sanitised.
		var created struct {
			ID int64 `json:"id"`
		}
		if st := committee.json("POST", "/api/v1/articles", `{"title":"测试文章","author":"机关党委","publish_at":"2021-12-20T08:30",
			"body":"<p>正文<script>alert(1)</script></p><img src=\"https://evil.example/x.png\"><a href=\"javascript:alert(1)\">链接</a>"}`, &created); st != 201 {
			t.Fatalf("create %d", st)
		}
		if st, page := member.do("GET", fmt.Sprintf("/column/%d", created.ID), ""); st != 200 || strings.Contains(page, "alert(1)") || strings.Contains(page, "evil.example") ||
			!strings.Contains(page, "<p>正文</p>") || !strings.Contains(page, "我已读完") {
			t.Fatalf("article page %d", st)
		}
		// The page is served under the CSP the body's images must obey.
		req, _ := http.NewRequest("GET", e.Srv.URL+fmt.Sprintf("/api/v1/articles/%d", created.ID), nil)
		if resp, err := member.http.Do(req); err == nil {
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data:") {
				t.Errorf("CSP %q", csp)
			}
			resp.Body.Close()
		}

		// The read: opened at the fixed clock, "read" at once is too early.
		path := fmt.Sprintf("/api/v1/articles/%d/read", created.ID)
		st, body := member.do("POST", path, "{}")
		if st != 422 || !strings.Contains(body, `"seconds_remaining":60`) || !strings.Contains(body, "阅读时间不足") {
			t.Fatalf("too early: %d %s", st, body)
		}
		e.Clock.Advance(45 * time.Second)
		if st, page, _ := member.form(fmt.Sprintf("/column/%d/read", created.ID), url.Values{}); st != 422 || !strings.Contains(page, "15 秒") {
			t.Fatalf("form too early: %d", st)
		}
		e.Clock.Advance(15 * time.Second)
		var res struct {
			Counted bool `json:"counted"`
			Already bool `json:"already"`
			Points  int  `json:"points"`
		}
		if st := member.json("POST", path, "{}", &res); st != 201 || !res.Counted || res.Already || res.Points != 1 {
			t.Fatalf("count %d %+v", st, res)
		}
		if st := member.json("POST", path, "{}", &res); st != 200 || !res.Already {
			t.Fatalf("count twice %d %+v", st, res)
		}
		if st, _, loc := member.form(fmt.Sprintf("/column/%d/read", created.ID), url.Values{}); st != 303 || !strings.HasSuffix(loc, "?ok=read") {
			t.Fatalf("form after counting: %d %s", st, loc)
		}
		if st, page := member.do("GET", fmt.Sprintf("/column/%d", created.ID), ""); st != 200 || !strings.Contains(page, "已读完，计入学习记录") {
			t.Fatalf("counted page %d", st)
		}

		// The editor's form.
		if st, page := committee.do("GET", "/column/new", ""); st != 200 || !strings.Contains(page, `type="datetime-local"`) {
			t.Fatalf("new form %d", st)
		}
		if st, page, _ := committee.form("/column", url.Values{"title": {""}, "publish_at": {"2021-12-21T07:00"}, "body": {"<p>x</p>"}}); st != 422 || !strings.Contains(page, "请填写标题") {
			t.Fatalf("form without title %d", st)
		}
		st, _, loc := committee.form("/column", url.Values{"title": {"草稿一篇"}, "publish_at": {"2021-12-19T07:00"}, "draft": {"1"}, "body": {"<p>草稿</p>"}})
		if st != 303 {
			t.Fatalf("form draft %d", st)
		}
		draftPath := strings.TrimSuffix(loc, "?ok=saved")
		if st, _ := member.do("GET", draftPath, ""); st != 404 {
			t.Errorf("member opens a draft: %d", st)
		}
		if st, page := committee.do("GET", draftPath+"/edit", ""); st != 200 || !strings.Contains(page, "草稿一篇") {
			t.Errorf("edit form %d", st)
		}
	})
}
