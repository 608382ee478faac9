package app

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// Issue 6 item 5: a visit "十问、七找、一宣讲" recorded by a liaison for an
// assigned enterprise only (404 otherwise), earning 企业走访 and 政策宣讲
// points in the same request; a finding becomes a demand in one step, once.
func TestExpressVisitsHTTP(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		com, lia, lia2, ent, dept := e.as("committee"), e.as("liaison"), e.as("liaison_2"), e.as("enterprise"), e.as("dept_staff")
		me := xpPerson(t, e, "liaison")
		mine, theirs := xpScope(t, e, "liaison"), xpScope(t, e, "liaison_2")
		entID := xpScope(t, e, "enterprise")[0]

		var items struct {
			Questions []struct{ Code string } `json:"questions"`
			Findings  []struct{ Code string } `json:"findings"`
		}
		if st := lia.json("GET", "/api/v1/express/visit-items", "", &items); st != 200 || len(items.Questions) != 10 || len(items.Findings) != 7 {
			t.Fatalf("items: %d %d %d", st, len(items.Questions), len(items.Findings))
		}

		visit := func(ent int64) string {
			return fmt.Sprintf(`{"enterprise_id":%d,"visited_on":"2021-12-17","leader":"党工委书记 柴强晨","participants":"联络员、经发局",
				"answers":[{"code":"q01","answer":"订单饱满"},{"code":"q02","answer":"用地指标紧张"}],
				"findings":[{"code":"f3","body":"企业二期项目需新增用地 20 亩"}],"briefing":"宣讲技术改造专项资金政策"}`, ent)
		}
		before := xpSum(t, e, me)
		if st, _ := lia.do("POST", "/api/v1/express/visits", visit(theirs[0])); st != 404 {
			t.Fatalf("unassigned enterprise: %d", st)
		}
		if st, _ := dept.do("POST", "/api/v1/express/visits", visit(mine[0])); st != 403 {
			t.Fatalf("dept_staff: %d", st)
		}
		if st, b := lia.do("POST", "/api/v1/express/visits", strings.Replace(visit(mine[0]), "2021-12-17", "2021-12-25", 1)); st != 422 || !strings.Contains(b, "visited_on") {
			t.Fatalf("future visit: %d %s", st, b)
		}
		if xpSum(t, e, me) != before {
			t.Fatal("refused visits earned points")
		}
		// a December visit to the liaison's last enterprise (no demo visit that month to it is assumed capped)
		target := mine[len(mine)-1]
		var v struct {
			ID           int64 `json:"id"`
			EnterpriseID int64 `json:"enterprise_id"`
			LiaisonID    int64 `json:"liaison_id"`
			Answered     int   `json:"answered"`
			Findings     []struct {
				ID       int64 `json:"id"`
				DemandID int64 `json:"demand_id"`
			} `json:"findings"`
		}
		if st := lia.json("POST", "/api/v1/express/visits", visit(target), &v); st != 201 || v.LiaisonID != me || v.Answered != 2 || len(v.Findings) != 1 {
			t.Fatalf("visit: %d %+v", st, v)
		}
		var earned int
		if err := e.App.DB.Q(t.Context()).QueryRowContext(t.Context(), `SELECT COALESCE(SUM(points), 0) FROM express_points WHERE ref_type = 'visit' AND ref_id = ?`, v.ID).Scan(&earned); err != nil {
			t.Fatal(err)
		}
		if earned < 2 || xpSum(t, e, me) != before+earned {
			t.Fatalf("visit earned %d (sum %d → %d)", earned, before, xpSum(t, e, me))
		}

		// Reading: the enterprise sees visits to itself only; another liaison 404.
		var list struct {
			Items []struct {
				EnterpriseID int64 `json:"enterprise_id"`
			} `json:"items"`
		}
		if st := ent.json("GET", "/api/v1/express/visits", "", &list); st != 200 || len(list.Items) == 0 {
			t.Fatalf("contact list: %d", st)
		}
		for _, x := range list.Items {
			if x.EnterpriseID != entID {
				t.Fatalf("contact sees enterprise %d", x.EnterpriseID)
			}
		}
		if st, _ := lia2.do("GET", fmt.Sprintf("/api/v1/express/visits/%d", v.ID), ""); st != 404 {
			t.Fatalf("other liaison: %d", st)
		}

		// The finding becomes a demand in one step.
		fid := v.Findings[0].ID
		if st, _ := lia2.do("POST", fmt.Sprintf("/api/v1/express/visit-findings/%d/demand", fid), `{"category":"production"}`); st != 404 {
			t.Fatalf("other liaison converted: %d", st)
		}
		if st, b := lia.do("POST", fmt.Sprintf("/api/v1/express/visit-findings/%d/demand", fid), `{"category":"money"}`); st != 422 || !strings.Contains(b, "category") {
			t.Fatalf("bad category: %d %s", st, b)
		}
		var made struct {
			DemandID int64 `json:"demand_id"`
		}
		if st := lia.json("POST", fmt.Sprintf("/api/v1/express/visit-findings/%d/demand", fid), `{"category":"production"}`, &made); st != 201 || made.DemandID == 0 {
			t.Fatalf("to demand: %d", st)
		}
		var d struct {
			Source     string `json:"source"`
			SourceID   int64  `json:"source_id"`
			Enterprise int64  `json:"enterprise_id"`
		}
		if st := com.json("GET", fmt.Sprintf("/api/v1/demands/%d", made.DemandID), "", &d); st != 200 || d.Source != "visit" || d.SourceID != v.ID || d.Enterprise != target {
			t.Fatalf("demand: %d %+v", st, d)
		}
		if st, _ := lia.do("POST", fmt.Sprintf("/api/v1/express/visit-findings/%d/demand", fid), `{"category":"production"}`); st != 409 {
			t.Fatalf("twice: %d", st)
		}

		// Pages: the form without JavaScript; errors re-shown; the record.
		if st, b := lia.do("GET", "/express/visits/new", ""); st != 200 || !strings.Contains(b, "q_q10") || !strings.Contains(b, "f_f7") {
			t.Fatalf("form: %d", st)
		}
		form := url.Values{"enterprise_id": {fmt.Sprint(target)}, "visited_on": {"2021-12-16"}, "leader": {"机关党委书记 林梅"},
			"q_q01": {"生产平稳"}, "f_f1": {"厂区道路照明不足\n职工通勤不便"}, "briefing": {"宣讲稳岗返还政策"}}
		st, _, loc := lia.form("/express/visits", form)
		if st != 303 || !strings.HasPrefix(loc, "/express/visits/") {
			t.Fatalf("form post: %d %s", st, loc)
		}
		if st, b := lia.do("GET", strings.TrimSuffix(loc, "?ok=saved"), ""); st != 200 || !strings.Contains(b, "职工通勤不便") || !strings.Contains(b, "转为诉求") {
			t.Fatalf("record page: %d", st)
		}
		form.Set("leader", "")
		if st, b := lia.form2("/express/visits", form); st != 422 || !strings.Contains(b, "field-error") || !strings.Contains(b, "生产平稳") {
			t.Fatalf("bad form: %d", st)
		}
		if st, b := ent.do("GET", "/express/visits", ""); st != 200 || strings.Contains(b, "/express/visits/new") {
			t.Fatalf("contact's list page: %d", st)
		}
		if st, b := com.do("GET", "/express/visits/1", ""); st != 200 || !strings.Contains(b, "十问") {
			t.Fatalf("visit 1: %d", st)
		}
		en := e.as("committee")
		en.lang = "en"
		if st, b := en.do("GET", "/express/visits/1", ""); st != 200 || !strings.Contains(b, "The ten questions") || !strings.Contains(b, "Difficulties:") {
			t.Fatalf("visit 1 in English: %d", st)
		}
	})
}
