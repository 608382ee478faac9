package app

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

type coverageJSON struct {
	AboveScale    int `json:"above_scale"`
	AboveScaleMet int `json:"above_scale_met"`
	AboveQuota    int `json:"above_quota"`
	AboveQuotaMet int `json:"above_quota_met"`
	Total         int `json:"total"`
	TotalMet      int `json:"total_met"`
	Uncovered     []struct {
		EnterpriseID int64  `json:"enterprise_id"`
		ScheduledOn  string `json:"scheduled_on"`
	} `json:"uncovered"`
}

// Issue 6 item 6: breakfast meetings with 规上/限上 enterprises only; the
// coverage of those two lists from the record (the demo: 54 of 60 met by
// 2021-12-20, four scheduled, two not); holding one moves the figure; an
// issue raised becomes a demand in one step.
func TestExpressBreakfastHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		com, lia, ent := e.as("committee"), e.as("liaison"), e.as("enterprise")
		var c coverageJSON
		if st := com.json("GET", "/api/v1/express/breakfast-coverage?year=2021", "", &c); st != 200 {
			t.Fatalf("coverage: %d", st)
		}
		if c.AboveScale != 45 || c.AboveQuota != 15 || c.Total != 60 || c.TotalMet != 54 || len(c.Uncovered) != 6 {
			t.Fatalf("demo coverage: %+v", c)
		}
		// Hand count against the record.
		var met int
		if err := e.App.DB.Q(t.Context()).QueryRowContext(t.Context(), `SELECT COUNT(DISTINCT b.enterprise_id) FROM express_breakfasts b JOIN enterprises e ON e.id = b.enterprise_id
			WHERE b.status = 'held' AND b.held_on LIKE '2021-%' AND (e.above_scale = TRUE OR e.above_quota = TRUE)`).Scan(&met); err != nil || met != c.TotalMet {
			t.Fatalf("hand count %d, coverage %d (%v)", met, c.TotalMet, err)
		}
		if st, _ := lia.do("GET", "/api/v1/express/breakfast-coverage", ""); st != 403 {
			t.Fatalf("liaison coverage: %d", st)
		}
		if st, _ := com.do("GET", "/api/v1/express/breakfast-coverage?year=21", ""); st != 422 {
			t.Fatalf("bad year: %d", st)
		}

		var small int64
		if err := e.App.DB.Q(t.Context()).QueryRowContext(t.Context(), `SELECT id FROM enterprises WHERE above_scale = FALSE AND above_quota = FALSE ORDER BY id LIMIT 1`).Scan(&small); err != nil {
			t.Fatal(err)
		}
		if st, b := com.do("POST", "/api/v1/express/breakfasts", fmt.Sprintf(`{"enterprise_id":%d,"scheduled_on":"2021-12-20","leaders":"党工委书记"}`, small)); st != 422 || !strings.Contains(b, "规上") {
			t.Fatalf("small enterprise: %d %s", st, b)
		}
		// The office meets an unscheduled one today.
		var target int64
		for _, u := range c.Uncovered {
			if u.ScheduledOn == "" {
				target = u.EnterpriseID
			}
		}
		var b struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
			Issues []struct {
				ID       int64 `json:"id"`
				DemandID int64 `json:"demand_id"`
			} `json:"issues"`
		}
		if st := com.json("POST", "/api/v1/express/breakfasts", fmt.Sprintf(`{"enterprise_id":%d,"scheduled_on":"2021-12-20","leaders":"党工委书记 柴强晨"}`, target), &b); st != 201 || b.Status != "scheduled" {
			t.Fatalf("schedule: %d", st)
		}
		if st, _ := lia.do("POST", fmt.Sprintf("/api/v1/express/breakfasts/%d/held", b.ID), `{"attendees":"董事长"}`); st != 403 {
			t.Fatalf("liaison held: %d", st)
		}
		if st := com.json("POST", fmt.Sprintf("/api/v1/express/breakfasts/%d/held", b.ID), `{"attendees":"董事长、总经理","notes":"交流企业扩产计划","issues":["扩产需新增用电容量 2000 千伏安"]}`, &b); st != 200 || b.Status != "held" || len(b.Issues) != 1 {
			t.Fatalf("held: %d %+v", st, b)
		}
		if st, _ := com.do("POST", fmt.Sprintf("/api/v1/express/breakfasts/%d/held", b.ID), `{"attendees":"董事长、总经理"}`); st != 409 {
			t.Fatalf("held twice: %d", st)
		}
		var c2 coverageJSON
		com.json("GET", "/api/v1/express/breakfast-coverage?year=2021", "", &c2)
		if c2.TotalMet != 55 || len(c2.Uncovered) != 5 {
			t.Fatalf("after: %+v", c2)
		}

		// The issue becomes a demand from the page's button.
		st, _, loc := com.form(fmt.Sprintf("/express/breakfast-issues/%d/demand", b.Issues[0].ID), url.Values{"category": {"production"}})
		if st != 303 || !strings.HasPrefix(loc, "/express/demands/") {
			t.Fatalf("issue to demand: %d %s", st, loc)
		}
		if st, _ := com.do("POST", fmt.Sprintf("/api/v1/express/breakfast-issues/%d/demand", b.Issues[0].ID), `{"category":"production"}`); st != 409 {
			t.Fatalf("twice: %d", st)
		}
		var d struct {
			Source   string `json:"source"`
			SourceID int64  `json:"source_id"`
		}
		var did int64
		fmt.Sscanf(strings.TrimPrefix(loc, "/express/demands/"), "%d", &did)
		if st := com.json("GET", fmt.Sprintf("/api/v1/demands/%d", did), "", &d); st != 200 || d.Source != "breakfast" || d.SourceID != b.ID {
			t.Fatalf("demand %d: %d %+v", did, st, d)
		}

		// Reading: the contact and the liaison see breakfast 1 (天成药业); pages render.
		for _, cl := range []*client{ent, lia} {
			if st, _ := cl.do("GET", "/api/v1/express/breakfasts/1", ""); st != 200 {
				t.Fatalf("breakfast 1: %d", st)
			}
		}
		if st, _ := lia.do("GET", fmt.Sprintf("/api/v1/express/breakfasts/%d", b.ID), ""); st != 404 {
			t.Fatalf("liaison saw another enterprise's meeting: %d", st)
		}
		if st, body := com.do("GET", "/express/breakfast-coverage", ""); st != 200 || !strings.Contains(body, "55 / 60") {
			t.Fatalf("coverage page: %d", st)
		}
		if st, body := com.do("GET", fmt.Sprintf("/express/breakfasts/%d", b.ID), ""); st != 200 || !strings.Contains(body, "诉求 #") {
			t.Fatalf("meeting page: %d", st)
		}
		if st, body := com.form2("/express/breakfasts", url.Values{"enterprise_id": {fmt.Sprint(small)}, "scheduled_on": {"2021-12-27"}, "leaders": {"党工委书记"}}); st != 422 || !strings.Contains(body, "field-error") {
			t.Fatalf("form error: %d", st)
		}
		if st, body := ent.do("GET", "/express/breakfasts", ""); st != 200 || strings.Contains(body, "breakfast-coverage") {
			t.Fatalf("contact's list: %d", st)
		}
	})
}
