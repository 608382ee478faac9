package app

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// dxDecision is the decision JSON as the API answers it.
type dxDecision struct {
	ID           int64  `json:"id"`
	VillageID    int64  `json:"village_id"`
	Status       string `json:"status"`
	Merged       bool   `json:"merged"`
	PassedOn     string `json:"passed_on"`
	RulesVersion struct {
		ZoneRulesID    int64  `json:"zone_rules_id"`
		VillageRulesID int64  `json:"village_rules_id"`
		ValidOn        string `json:"valid_on"`
	} `json:"rules_version"`
	Steps []struct {
		Step     string `json:"step"`
		Merged   bool   `json:"merged"`
		Expected int    `json:"expected"`
		Present  int    `json:"present"`
		For      int    `json:"for"`
	} `json:"steps"`
	Attempts []struct {
		Step    string `json:"step"`
		Outcome string `json:"outcome"`
		Refusal string `json:"refusal"`
	} `json:"attempts"`
	NextSteps []string `json:"next_steps"`
}

// dxVillage2Draft is 西马庄村's demo decision (a draft village_secretary must
// not see).
func dxVillage2Draft(t *testing.T, e *env) int64 {
	t.Helper()
	var id int64
	ctx := context.Background()
	if err := e.App.DB.Q(ctx).QueryRowContext(ctx, `SELECT d.id FROM village_decisions d JOIN villages v ON v.id = d.village_id WHERE v.code = 'V02'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestVillageDecisions(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		sec := e.as("village_secretary")
		// RULES.md 1.8: representatives are authorised by default; this
		// village's 村民会议 has not authorised them.
		if st, b := e.as("committee").do("POST", "/api/v1/villages/1/rules", `{"valid_from":"2021-12-01","reason":"本村村民会议未授权村民代表会议（RULES.md 1.8）","rules":{"representatives_may":false}}`); st != 201 {
			t.Fatalf("rules: %d %s", st, b)
		}
		var d dxDecision
		if st := sec.json("POST", "/api/v1/villages/1/decisions", `{"title":"村民文化广场建设","category":"project","amount_fen":5000000}`, &d); st != 201 {
			t.Fatalf("create: %d", st)
		}
		if d.Status != "in_progress" || len(d.NextSteps) != 1 || d.NextSteps[0] != "proposal" {
			t.Fatalf("new decision: %+v", d)
		}
		path := fmt.Sprintf("/api/v1/decisions/%d/steps", d.ID)
		refused := func(body, want string) {
			t.Helper()
			st, b := sec.do("POST", path, body)
			if st != 422 || !strings.Contains(b, want) {
				t.Fatalf("%s: %d %s (want 422 citing %s)", body, st, b, want)
			}
		}
		// RULES.md 1.1: out of order; 1.11: numbers; 1.2 merge on ③.
		refused(`{"step":"party_review","date":"2021-12-01","expected":30,"present":30,"for":30,"against":0,"abstain":0}`, "RULES.md 1.1")
		refused(`{"step":"proposal","date":"2021-12-01","expected":5,"present":5,"for":4,"against":1,"abstain":1}`, "RULES.md 1.11")
		// ①+② merged in a 一肩挑 village.
		if st := sec.json("POST", path, `{"step":"consultation","date":"2021-12-01","expected":6,"present":6,"for":5,"against":1,"abstain":0,"merged":true}`, &d); st != 201 {
			t.Fatalf("merged: %d", st)
		}
		if !d.Merged || len(d.Steps) != 1 || !d.Steps[0].Merged || d.NextSteps[0] != "party_review" {
			t.Fatalf("after merge: %+v", d)
		}
		// RULES.md 1.4: 19 of 30 is below two thirds — 422, kept as an attempt, stopped.
		st, b := sec.do("POST", path, `{"step":"party_review","date":"2021-12-08","expected":30,"present":19,"for":19,"against":0,"abstain":0}`)
		if st != 422 || !strings.Contains(b, "RULES.md 1.4") || !strings.Contains(b, "19") || !strings.Contains(b, "application/problem+json") && !strings.Contains(b, "detail") {
			t.Fatalf("below quorum: %d %s", st, b)
		}
		sec.json("GET", fmt.Sprintf("/api/v1/decisions/%d", d.ID), "", &d)
		if d.Status != "stopped" || len(d.Attempts) != 1 || d.Attempts[0].Outcome != "no_quorum" || len(d.Steps) != 1 {
			t.Fatalf("stopped: %+v", d)
		}
		// RULES.md 1.5: 15 of 30 expected is not a majority of those who should attend.
		refused(`{"step":"party_review","date":"2021-12-09","expected":30,"present":24,"for":15,"against":9,"abstain":0}`, "RULES.md 1.5")
		sec.json("GET", fmt.Sprintf("/api/v1/decisions/%d", d.ID), "", &d)
		if d.Status != "rejected" || len(d.Attempts) != 2 {
			t.Fatalf("rejected: %+v", d)
		}
		// Reconvened: 20 of 30 (exactly 2/3), 16 for.
		if st := sec.json("POST", path, `{"step":"party_review","date":"2021-12-10","expected":30,"present":20,"for":16,"against":4,"abstain":0,"plan_sent_on":"2021-12-07"}`, &d); st != 201 {
			t.Fatalf("party review: %d", st)
		}
		// RULES.md 1.8: a project needs the villagers' meeting (where the
		// representatives are not authorised).
		refused(`{"step":"representative_resolution","date":"2021-12-12","expected":15,"present":15,"for":15,"against":0,"abstain":0}`, "RULES.md 1.8")
		// RULES.md 1.7: exactly half of the adults is no quorum.
		refused(`{"step":"villager_resolution","date":"2021-12-12","expected":800,"present":400,"for":300,"against":0,"abstain":0,"basis":"adults"}`, "RULES.md 1.7")
		if st := sec.json("POST", path, `{"step":"villager_resolution","date":"2021-12-13","expected":300,"present":200,"for":150,"against":30,"abstain":20,"basis":"households","emergency":true}`, &d); st != 201 || d.Status != "passed" {
			t.Fatalf("villagers: %d %+v", st, d)
		}
		// RULES.md 1.10: six days is short of seven.
		refused(`{"step":"resolution_disclosure","date":"2021-12-14","posted_from":"2021-12-14","posted_to":"2021-12-19","channel":"bulletin_board"}`, "RULES.md 1.10")
		if st := sec.json("POST", path, `{"step":"resolution_disclosure","date":"2021-12-14","posted_from":"2021-12-14","posted_to":"2021-12-20","channel":"website","minutes":"决议：建设文化广场。"}`, &d); st != 201 {
			t.Fatalf("disclosure: %d", st)
		}
		refused(`{"step":"result_disclosure","date":"2021-12-20","days":7,"channel":"screen"}`, "carried_out_on")

		// Another village's draft: 404 by URL and through the API.
		other := dxVillage2Draft(t, e)
		for _, p := range []string{fmt.Sprintf("/api/v1/decisions/%d", other), fmt.Sprintf("/decisions/%d", other), "/api/v1/villages/2/decisions", "/villages/2/decisions"} {
			if st, _ := sec.do("GET", p, ""); st != 404 {
				t.Fatalf("%s: %d", p, st)
			}
		}
		if st, _ := sec.do("POST", fmt.Sprintf("/api/v1/decisions/%d/steps", other), `{"step":"consultation","date":"2021-12-15","expected":5,"present":5,"for":5,"against":0,"abstain":0}`); st != 404 {
			t.Fatalf("step on other village: %d", st)
		}
		if st, _ := sec.do("POST", "/api/v1/villages/2/decisions", `{"title":"越权","category":"project","amount_fen":0}`); st != 404 {
			t.Fatalf("create in other village: %d", st)
		}
		// The supervisor reads but never writes.
		sup := e.as("village_supervisor")
		if st, _ := sup.do("GET", fmt.Sprintf("/api/v1/decisions/%d", d.ID), ""); st != 200 {
			t.Fatalf("supervisor reads: %d", st)
		}
		if st, _ := sup.do("POST", path, `{"step":"result_disclosure","date":"2021-12-20","days":7,"carried_out_on":"2021-12-20"}`); st != 403 {
			t.Fatalf("supervisor writes: %d", st)
		}

		// Pages: the list, the detail with the stopped demo decision, a form post.
		if st, b := sec.do("GET", "/villages/1/decisions", ""); st != 200 || !strings.Contains(b, "修订村规民约") || !strings.Contains(b, "村民文化广场建设") {
			t.Fatalf("list page: %d", st)
		}
		st, body, loc := sec.form("/villages/1/decisions", url.Values{"title": {"村内排水沟清淤"}, "category": {"public_welfare"}, "amount": {"8,000.50"}})
		if st != 303 || !strings.HasPrefix(loc, "/decisions/") {
			t.Fatalf("form create: %d %s", st, body)
		}
		var nd dxDecision
		sec.json("GET", "/api/v1"+loc, "", &nd)
		st, body, _ = sec.form(loc+"/steps", url.Values{"step": {"party_review"}, "date": {"2021-12-20"}, "expected": {"30"}, "present": {"30"}, "for": {"30"}})
		if st != 422 || !strings.Contains(body, "RULES.md 1.1") {
			t.Fatalf("form refusal: %d", st)
		}
		st, _, loc2 := sec.form(loc+"/steps", url.Values{"step": {"consultation"}, "merged": {"on"}, "date": {"2021-12-20"}, "expected": {"6"}, "present": {"6"}, "for": {"6"}})
		if st != 303 || !strings.Contains(loc2, "ok=1") {
			t.Fatalf("form step: %d", st)
		}
		if st, b := sec.do("GET", loc, ""); st != 200 || !strings.Contains(b, "①②") {
			t.Fatalf("detail page: %d", st)
		}
		// In English, the stopped demo decision names the rule in English.
		var stopped int64
		if err := e.App.DB.Q(context.Background()).QueryRowContext(context.Background(), `SELECT id FROM village_decisions WHERE status = 'stopped' AND village_id = 1`).Scan(&stopped); err != nil {
			t.Fatal(err)
		}
		sec.lang = "en"
		if st, b := sec.do("GET", fmt.Sprintf("/decisions/%d", stopped), ""); st != 200 || !strings.Contains(b, "Stopped (no quorum)") || !strings.Contains(b, "below 2/3") {
			t.Fatalf("English detail page: %d", st)
		}
		for _, p := range []string{"/villages/1/expenditures", "/villages/1/rules", "/villages/1/decisions"} {
			if st, _ := sec.do("GET", p, ""); st != 200 {
				t.Fatalf("English %s: %d", p, st)
			}
		}
	})
}

// TestVillageDecisionsPortal: the public page shows passed, posted
// decisions only — not the stopped one, nor 西马庄村's draft, nor minutes.
func TestVillageDecisionsPortal(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		anon := e.client()
		st, b := anon.do("GET", "/public/villages/1", "")
		if st != 200 {
			t.Fatalf("portal: %d", st)
		}
		if !strings.Contains(b, "村内主街道硬化工程") || !strings.Contains(b, "实施结果公开") || strings.Contains(b, "修订村规民约") || strings.Contains(b, "党员大会审议，与会党员") {
			t.Fatalf("portal decisions block wrong")
		}
		if _, b := anon.do("GET", "/public/villages/2", ""); strings.Contains(b, "村委会办公用房维修") {
			t.Fatal("a draft decision is public")
		}
	})
}
