package app

import (
	"net/url"
	"strings"
	"testing"
)

func TestVillageRules(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		com, sec := e.as("committee"), e.as("village_secretary")
		// Only the committee configures (PermConfig).
		if st, _ := sec.do("POST", "/api/v1/villages/1/rules", `{"valid_from":"2022-01-01","reason":"自定","rules":{"tier1_max_fen":500000}}`); st != 403 {
			t.Fatalf("secretary sets rules: %d", st)
		}
		if st, b := com.do("POST", "/api/v1/village/rules", `{"valid_from":"2022-01-01","reason":"全区统一提高第一档限额","rules":{"tier1_max_fen":200000}}`); st != 201 {
			t.Fatalf("zone rules: %d %s", st, b)
		}
		if st, b := com.do("POST", "/api/v1/villages/1/rules", `{"valid_from":"2022-01-01","reason":"本村财务活动频繁","rules":{"tier2_max_fen":2000000}}`); st != 201 {
			t.Fatalf("village rules: %d %s", st, b)
		}
		if st, b := com.do("POST", "/api/v1/villages/1/rules", `{"valid_from":"2022-02-01","reason":"错误","rules":{"party_quorum_num":1,"party_quorum_den":2}}`); st != 422 || !strings.Contains(b, "RULES.md 1.4") {
			t.Fatalf("half quorum: %d %s", st, b)
		}
		var info struct {
			Effective struct {
				Tier1 int64 `json:"tier1_max_fen"`
				Tier2 int64 `json:"tier2_max_fen"`
			} `json:"effective"`
			Versions []struct{ ID int64 } `json:"versions"`
		}
		if st := sec.json("GET", "/api/v1/villages/1/rules?day=2022-01-01", "", &info); st != 200 || info.Effective.Tier1 != 200000 || info.Effective.Tier2 != 2000000 || len(info.Versions) != 1 {
			t.Fatalf("village 1 rules in 2022: %d %+v", st, info)
		}
		if st := sec.json("GET", "/api/v1/villages/1/rules", "", &info); st != 200 || info.Effective.Tier1 != 100000 {
			t.Fatalf("village 1 rules today: %d %+v", st, info)
		}
		if st, _ := sec.do("GET", "/api/v1/villages/2/rules", ""); st != 404 {
			t.Fatalf("other village's rules: %d", st)
		}
		// The page and its form: a change of one field becomes a version.
		st, b := com.do("GET", "/villages/2/rules", "")
		if st != 200 || !strings.Contains(b, "tier1_max_fen") {
			t.Fatalf("rules page: %d", st)
		}
		v := url.Values{"valid_from": {"2022-03-01"}, "reason": {"延长公示期"}}
		for _, f := range []string{"party_quorum_num", "party_quorum_den", "plan_notice_days", "villager_notice_days", "tier1_max_fen", "tier2_max_fen",
			"village_affairs_months", "finance_months", "finance_heavy_months", "party_months", "major_matter_days", "quarter_day", "objection_days"} {
			v.Set("f_"+f, strings.Split(strings.Split(b, `name="f_`+f+`" value="`)[1], `"`)[0])
		}
		for _, f := range []string{"procedure_matters", "villager_matters", "tier1_signs", "tier2_signs", "tier3_signs"} {
			v.Set("f_"+f, strings.Split(strings.Split(b, `name="f_`+f+`" rows="2">`)[1], `<`)[0])
		}
		v.Set("f_review_department", "SOC")
		// Check boxes as the page shows them (merge_allowed and, since
		// RULES.md 1.8's default, representatives_may are on).
		for _, f := range []string{"merge_allowed", "representatives_may", "committee_sees_leads"} {
			if strings.Contains(b, `name="f_`+f+`" checked`) {
				v.Set("f_"+f, "on")
			}
		}
		if v.Get("f_merge_allowed") != "on" || v.Get("f_representatives_may") != "on" {
			t.Fatalf("rules page check boxes: %v", v)
		}
		v.Set("f_posting_days", "10")
		st, body, loc := com.form("/villages/2/rules", v)
		if st != 303 || loc != "/villages/2/rules?ok=1" {
			t.Fatalf("rules form: %d %s", st, body)
		}
		var info2 struct {
			Versions []struct {
				Body map[string]any `json:"rules"`
			} `json:"versions"`
		}
		com.json("GET", "/api/v1/villages/2/rules", "", &info2)
		if len(info2.Versions) != 1 || len(info2.Versions[0].Body) != 1 || info2.Versions[0].Body["posting_days"] != float64(10) {
			t.Fatalf("form version: %+v", info2.Versions)
		}
	})
}
