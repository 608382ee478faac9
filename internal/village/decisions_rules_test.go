package village

import (
	"slices"
	"strings"
	"testing"
)

// proc builds a procedure with counted steps named in order.
func proc(category string, oneShoulder bool, steps ...string) procedure {
	p := procedure{Category: category, OneShoulder: oneShoulder, Rules: DefaultRules}
	for i, s := range steps {
		rec := StepRecord{Step: s, Date: "2021-03-0" + string(rune('1'+i)), Counted: true, Outcome: OutcomePassed}
		if s == "merged" {
			rec.Step, rec.Merged = StepProposal, true
		}
		p.Steps = append(p.Steps, rec)
	}
	return p
}

// unauthorised turns RULES.md 1.8's authorisation off, as a village whose
// 村民会议 has not authorised its representatives does in its rules.
func unauthorised(p procedure) procedure {
	p.Rules.RepresentativesMay = false
	return p
}

func TestDecisionRules(t *testing.T) {
	upToParty := []string{StepProposal, StepConsultation}
	upToResolution := []string{StepProposal, StepConsultation, StepPartyReview}
	cases := []struct {
		name    string
		p       procedure
		in      StepInput
		outcome string // "" = refused, nothing kept; else the kept outcome
		err     string // part of the refusal ("" = accepted)
	}{
		// RULES.md 1.1 order
		{"1.1 first step is the proposal", proc("project", false), StepInput{Step: StepConsultation, Date: "2021-03-01", Expected: 5, Present: 5, For: 5}, "", "RULES.md 1.1"},
		{"1.1 party review before consultation refused", proc("project", false, StepProposal), StepInput{Step: StepPartyReview, Date: "2021-03-09", Expected: 30, Present: 30, For: 30}, "", "RULES.md 1.1"},
		{"1.1 disclosure before resolution refused", proc("project", false, upToResolution...), StepInput{Step: StepResolutionDisclosure, Date: "2021-03-10", Days: 7}, "", "RULES.md 1.1"},
		{"1.1 date before previous step refused", proc("project", false, StepProposal), StepInput{Step: StepConsultation, Date: "2021-02-01", Expected: 5, Present: 5, For: 5}, "", "RULES.md 1.1"},
		{"1.1 unknown step", proc("project", false), StepInput{Step: "vote", Date: "2021-03-01"}, "", "proposal"},
		// RULES.md 1.2 merge
		{"1.2 merge in a one-shoulder village", proc("project", true), StepInput{Step: StepConsultation, Merged: true, Date: "2021-03-01", Expected: 6, Present: 6, For: 4}, OutcomePassed, ""},
		{"1.2 merge refused outside one-shoulder", proc("project", false), StepInput{Step: StepConsultation, Merged: true, Date: "2021-03-01", Expected: 6, Present: 6, For: 6}, "", "RULES.md 1.2"},
		{"1.2 merge refused on party review", proc("project", true, upToParty...), StepInput{Step: StepPartyReview, Merged: true, Date: "2021-03-09", Expected: 30, Present: 30, For: 30}, "", "RULES.md 1.2"},
		{"1.2 merge refused after a separate proposal", proc("project", true, StepProposal), StepInput{Step: StepConsultation, Merged: true, Date: "2021-03-05", Expected: 6, Present: 6, For: 6}, "", "RULES.md 1.2"},
		// RULES.md 1.3 two committees: > 1/2 of present
		{"1.3 exactly half fails", proc("project", false, StepProposal), StepInput{Step: StepConsultation, Date: "2021-03-05", Expected: 6, Present: 6, For: 3, Against: 3}, OutcomeVoteFailed, "RULES.md 1.3"},
		{"1.3 more than half passes", proc("project", false, StepProposal), StepInput{Step: StepConsultation, Date: "2021-03-05", Expected: 6, Present: 5, For: 3, Against: 2}, OutcomePassed, ""},
		// RULES.md 1.11 numbers
		{"1.11 present above expected", proc("project", false, StepProposal), StepInput{Step: StepConsultation, Date: "2021-03-05", Expected: 6, Present: 7, For: 5}, "", "RULES.md 1.11"},
		{"1.11 votes above present", proc("project", false, StepProposal), StepInput{Step: StepConsultation, Date: "2021-03-05", Expected: 6, Present: 5, For: 4, Against: 1, Abstain: 1}, "", "RULES.md 1.11"},
		{"1.11 negative", proc("project", false, StepProposal), StepInput{Step: StepConsultation, Date: "2021-03-05", Expected: 6, Present: 5, For: 4, Against: -1}, "", "RULES.md 1.11"},
		{"1.11 votes equal present ok", proc("project", false, StepProposal), StepInput{Step: StepConsultation, Date: "2021-03-05", Expected: 6, Present: 5, For: 3, Against: 1, Abstain: 1}, OutcomePassed, ""},
		// RULES.md 1.4 party meeting attendance ≥ 2/3 (30 members: 20 is exactly 2/3)
		{"1.4 exactly two thirds sits", proc("project", false, upToParty...), StepInput{Step: StepPartyReview, Date: "2021-03-09", Expected: 30, Present: 20, For: 16}, OutcomePassed, ""},
		{"1.4 one below two thirds stops", proc("project", false, upToParty...), StepInput{Step: StepPartyReview, Date: "2021-03-09", Expected: 30, Present: 19, For: 19}, OutcomeNoQuorum, "RULES.md 1.4"},
		// RULES.md 1.5 yes > 1/2 of expected, not of present
		{"1.5 half of expected fails", proc("project", false, upToParty...), StepInput{Step: StepPartyReview, Date: "2021-03-09", Expected: 30, Present: 24, For: 15, Against: 9}, OutcomeVoteFailed, "RULES.md 1.5"},
		{"1.5 majority of present but not of expected fails", proc("project", false, upToParty...), StepInput{Step: StepPartyReview, Date: "2021-03-09", Expected: 30, Present: 20, For: 14, Against: 6}, OutcomeVoteFailed, "RULES.md 1.5"},
		{"1.5 sixteen of thirty passes", proc("project", false, upToParty...), StepInput{Step: StepPartyReview, Date: "2021-03-09", Expected: 30, Present: 20, For: 16, Against: 4}, OutcomePassed, ""},
		{"1.5 plan sent exactly 3 days before", proc("project", false, upToParty...), StepInput{Step: StepPartyReview, Date: "2021-03-09", PlanSentOn: "2021-03-06", Expected: 30, Present: 30, For: 30}, OutcomePassed, ""},
		{"1.5 plan sent 2 days before refused", proc("project", false, upToParty...), StepInput{Step: StepPartyReview, Date: "2021-03-09", PlanSentOn: "2021-03-07", Expected: 30, Present: 30, For: 30}, "", "RULES.md 1.5"},
		// RULES.md 1.6 representatives: ≥ 2/3 present, > 1/2 of present
		{"1.6 exactly two thirds sits", proc("land", false, upToResolution...), StepInput{Step: StepRepresentatives, Date: "2021-03-20", Expected: 15, Present: 10, For: 6}, OutcomePassed, ""},
		{"1.6 nine of fifteen stops", proc("land", false, upToResolution...), StepInput{Step: StepRepresentatives, Date: "2021-03-20", Expected: 15, Present: 9, For: 9}, OutcomeNoQuorum, "RULES.md 1.6"},
		{"1.6 exactly half of present fails", proc("land", false, upToResolution...), StepInput{Step: StepRepresentatives, Date: "2021-03-20", Expected: 15, Present: 12, For: 6, Against: 6}, OutcomeVoteFailed, "RULES.md 1.6"},
		// RULES.md 1.7 villagers
		{"1.7 adults exactly half stops", proc("project", false, upToResolution...), StepInput{Step: StepVillagers, Date: "2021-03-20", Basis: "adults", Expected: 800, Present: 400, For: 300}, OutcomeNoQuorum, "RULES.md 1.7"},
		{"1.7 adults more than half sits", proc("project", false, upToResolution...), StepInput{Step: StepVillagers, Date: "2021-03-20", Basis: "adults", Expected: 800, Present: 401, For: 201}, OutcomePassed, ""},
		{"1.7 households two thirds sits", proc("project", false, upToResolution...), StepInput{Step: StepVillagers, Date: "2021-03-20", Basis: "households", Expected: 300, Present: 200, For: 101}, OutcomePassed, ""},
		{"1.7 households below two thirds stops", proc("project", false, upToResolution...), StepInput{Step: StepVillagers, Date: "2021-03-20", Basis: "households", Expected: 300, Present: 199, For: 150}, OutcomeNoQuorum, "RULES.md 1.7"},
		{"1.7 exactly half of attendees fails", proc("project", false, upToResolution...), StepInput{Step: StepVillagers, Date: "2021-03-20", Basis: "households", Expected: 300, Present: 200, For: 100, Against: 100}, OutcomeVoteFailed, "RULES.md 1.7"},
		{"1.7 notice 10 days ok", proc("project", false, upToResolution...), StepInput{Step: StepVillagers, Date: "2021-03-20", NoticeOn: "2021-03-10", Expected: 800, Present: 500, For: 300}, OutcomePassed, ""},
		{"1.7 notice 9 days refused", proc("project", false, upToResolution...), StepInput{Step: StepVillagers, Date: "2021-03-20", NoticeOn: "2021-03-11", Expected: 800, Present: 500, For: 300}, "", "RULES.md 1.7"},
		{"1.7 emergency waives notice", proc("project", false, upToResolution...), StepInput{Step: StepVillagers, Date: "2021-03-20", NoticeOn: "2021-03-19", Emergency: true, Expected: 800, Present: 500, For: 300}, OutcomePassed, ""},
		{"1.7 bad basis", proc("project", false, upToResolution...), StepInput{Step: StepVillagers, Date: "2021-03-20", Basis: "people", Expected: 800, Present: 500, For: 300}, "", "RULES.md 1.7"},
		// RULES.md 1.8 (in a village whose 村民会议 has not authorised its representatives)
		{"1.8 representatives may not decide a villagers' matter", unauthorised(proc("project", false, upToResolution...)), StepInput{Step: StepRepresentatives, Date: "2021-03-20", Expected: 15, Present: 15, For: 15}, "", "RULES.md 1.8"},
		{"1.8 authorised representatives decide a villagers' matter (default)", proc("project", false, upToResolution...), StepInput{Step: StepRepresentatives, Date: "2021-03-20", Expected: 15, Present: 15, For: 15}, OutcomePassed, ""},
		// RULES.md 5 branch committee proposal (a written proposal has no numbers)
		{"5 proposal without a meeting", proc("project", false), StepInput{Step: StepProposal, Date: "2021-03-01"}, OutcomePassed, ""},
		{"1.11 merged meeting needs numbers", proc("project", true), StepInput{Step: StepProposal, Merged: true, Date: "2021-03-01"}, "", "RULES.md 1.11"},
		{"5 proposal with half the committee stops", proc("project", false), StepInput{Step: StepProposal, Date: "2021-03-01", Expected: 6, Present: 3, For: 3}, OutcomeNoQuorum, "RULES.md 5"},
		// RULES.md 1.10 postings
		{"1.10 seven days passes", proc("project", false, StepProposal, StepConsultation, StepPartyReview, StepVillagers), StepInput{Step: StepResolutionDisclosure, Date: "2021-03-22", PostedTo: "2021-03-28", Channel: "website"}, OutcomePosted, ""},
		{"1.10 six days refused", proc("project", false, StepProposal, StepConsultation, StepPartyReview, StepVillagers), StepInput{Step: StepResolutionDisclosure, Date: "2021-03-22", PostedTo: "2021-03-27", Channel: "website"}, "", "RULES.md 1.10"},
		{"1.10 days field six refused", proc("project", false, StepProposal, StepConsultation, StepPartyReview, StepVillagers), StepInput{Step: StepResolutionDisclosure, Date: "2021-03-22", Days: 6}, "", "RULES.md 1.10"},
		{"1.10 no period refused", proc("project", false, StepProposal, StepConsultation, StepPartyReview, StepVillagers), StepInput{Step: StepResolutionDisclosure, Date: "2021-03-22"}, "", "RULES.md 1.10"},
		{"1.10 unknown channel", proc("project", false, StepProposal, StepConsultation, StepPartyReview, StepVillagers), StepInput{Step: StepResolutionDisclosure, Date: "2021-03-22", Days: 7, Channel: "radio"}, "", "RULES.md 1.10"},
		{"1.10 result needs carried_out_on", proc("project", false, StepProposal, StepConsultation, StepPartyReview, StepVillagers, StepResolutionDisclosure), StepInput{Step: StepResultDisclosure, Date: "2021-09-01", Days: 7}, "", "RULES.md 1.10"},
		{"1.10 result before carried out refused", proc("project", false, StepProposal, StepConsultation, StepPartyReview, StepVillagers, StepResolutionDisclosure), StepInput{Step: StepResultDisclosure, Date: "2021-09-01", CarriedOutOn: "2021-09-02", Days: 7}, "", "RULES.md 1.10"},
		{"1.10 result after carried out", proc("project", false, StepProposal, StepConsultation, StepPartyReview, StepVillagers, StepResolutionDisclosure), StepInput{Step: StepResultDisclosure, Date: "2021-09-02", CarriedOutOn: "2021-09-01", Days: 7}, OutcomePosted, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec, err := judgeStep(c.p, c.in)
			if c.err == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
			} else {
				if err == nil {
					t.Fatalf("accepted, want a refusal citing %q", c.err)
				}
				if !strings.Contains(err.Zh+err.En, c.err) {
					t.Fatalf("refusal %q / %q does not cite %q", err.Zh, err.En, c.err)
				}
			}
			if rec.Outcome != c.outcome {
				t.Fatalf("outcome %q, want %q", rec.Outcome, c.outcome)
			}
			if (rec.Outcome == OutcomePassed || rec.Outcome == OutcomePosted) != rec.Counted {
				t.Fatalf("counted %v with outcome %q", rec.Counted, rec.Outcome)
			}
		})
	}
}

func TestDecisionNextAndStatus(t *testing.T) {
	if got := proc("project", false).Next(); len(got) != 1 || got[0] != StepProposal {
		t.Fatalf("start: %v", got)
	}
	if got := proc("project", true, "merged").Next(); len(got) != 1 || got[0] != StepPartyReview {
		t.Fatalf("after merged ①+②: %v", got)
	}
	// RULES.md 1.8: with representatives authorised (the default), either
	// meeting may resolve; where the 村民会议 has not authorised them, only
	// the villagers' meeting.
	p := proc("project", false, StepProposal, StepConsultation, StepPartyReview)
	if !DefaultRules.RepresentativesMay {
		t.Fatal("RULES.md 1.8: representatives are authorised by default")
	}
	if got := p.Next(); len(got) != 2 {
		t.Fatalf("authorised representatives: %v", got)
	}
	p = unauthorised(p)
	if got := p.Next(); len(got) != 1 || got[0] != StepVillagers {
		t.Fatalf("villagers' matter, representatives not authorised: %v", got)
	}
	// A matter outside the procedure list passes with the two committees.
	if s := proc("other", false, StepProposal, StepConsultation).Status(); s != DecisionPassed {
		t.Fatalf("other matter after ②: %s", s)
	}
	if s := proc("project", false, StepProposal, StepConsultation).Status(); s != DecisionInProgress {
		t.Fatalf("procedure matter after ②: %s", s)
	}
	// An attempt below quorum stops it; a later passing meeting resumes.
	p = proc("project", false, StepProposal, StepConsultation)
	p.Steps = append(p.Steps, StepRecord{Step: StepPartyReview, Date: "2021-03-09", Outcome: OutcomeNoQuorum})
	if s := p.Status(); s != DecisionStopped {
		t.Fatalf("after no quorum: %s", s)
	}
	if got := p.Next(); len(got) != 1 || got[0] != StepPartyReview {
		t.Fatalf("after no quorum next: %v", got)
	}
	p.Steps = append(p.Steps, StepRecord{Step: StepPartyReview, Date: "2021-03-19", Outcome: OutcomeVoteFailed})
	if s := p.Status(); s != DecisionRejected {
		t.Fatalf("after a failed vote: %s", s)
	}
	p.Steps = append(p.Steps, StepRecord{Step: StepPartyReview, Date: "2021-03-29", Counted: true, Outcome: OutcomePassed})
	if s := p.Status(); s != DecisionInProgress {
		t.Fatalf("after a passing meeting: %s", s)
	}
}

// TestExpenditureTier: RULES.md §2 boundaries, "≤ 1,000" includes exactly 1,000.00.
func TestExpenditureTier(t *testing.T) {
	for _, c := range []struct {
		fen  int64
		tier int
	}{{1, 1}, {99_999, 1}, {100_000, 1}, {100_001, 2}, {1_000_000, 2}, {1_000_001, 3}, {38_000_000, 3}} {
		if got := ExpenditureTier(DefaultRules, c.fen); got != c.tier {
			t.Errorf("%d fen: tier %d, want %d", c.fen, got, c.tier)
		}
	}
	if got := RequiredSigns(DefaultRules, 2, false); strings.Join(got, ",") != "meeting,supervisor" {
		t.Errorf("tier 2 outside 一肩挑: %v", got)
	}
	if got := RequiredSigns(DefaultRules, 2, true); strings.Join(got, ",") != "meeting,supervisor,cosign" {
		t.Errorf("tier 2 in a 一肩挑 village: %v", got)
	}
}

// TestRequiredSignsOneShoulder: RULES.md §2 — "in a 一肩挑 village one more
// 两委 member co-signs (联审联签)" holds for every tier, tier 1 included;
// outside 一肩挑 villages no tier takes the co-signature.
func TestRequiredSignsOneShoulder(t *testing.T) {
	for _, c := range []struct {
		name        string
		tier        int
		oneShoulder bool
		want        string
	}{
		{"§2 tier 1 in a 一肩挑 village: approve + cosign", 1, true, "approve,cosign"},
		{"§2 tier 1 outside 一肩挑: approve only", 1, false, "approve"},
		{"§2 tier 2 in a 一肩挑 village", 2, true, "meeting,supervisor,cosign"},
		{"§2 tier 2 outside 一肩挑", 2, false, "meeting,supervisor"},
		{"§2 tier 3 in a 一肩挑 village", 3, true, "supervisor,cosign,review"},
		{"§2 tier 3 outside 一肩挑", 3, false, "supervisor,review"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := strings.Join(RequiredSigns(DefaultRules, c.tier, c.oneShoulder), ","); got != c.want {
				t.Fatalf("tier %d, 一肩挑 %v: %s, want %s", c.tier, c.oneShoulder, got, c.want)
			}
		})
	}
}

func TestValidateRules(t *testing.T) {
	if err := ValidateRules(DefaultRules); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	r := DefaultRules
	r.PartyQuorumNum, r.PartyQuorumDen = 1, 2 // never ≤ 1/2 (RULES.md 1.4)
	if ValidateRules(r) == nil {
		t.Fatal("1/2 quorum accepted")
	}
	r = DefaultRules
	r.Tier2MaxFen = r.Tier1MaxFen
	if ValidateRules(r) == nil {
		t.Fatal("tier 2 limit equal to tier 1 accepted")
	}
	r = DefaultRules
	r.Tier1Signs = []string{"wave"}
	if ValidateRules(r) == nil {
		t.Fatal("unknown signature accepted")
	}
}

// TestDecisionCategoryNames: a category may be written as its Chinese (or
// English) name; every category has its form name; an unknown one is named
// with the list of categories that exist.
func TestDecisionCategoryNames(t *testing.T) {
	for _, c := range DecisionCategories {
		zh, ok := decisionCategoryZh[c]
		if !ok || decisionCategoryNames[zh] != c {
			t.Errorf("%s: form name %q does not map back", c, zh)
		}
		if NormaliseDecisionCategory(c) != c {
			t.Errorf("the code %s is not kept", c)
		}
	}
	for in, want := range map[string]string{
		"征地补偿": "compensation", "工程项目": "project", "项目建设": "project", "村规民约": "village_rules", "集体资产": "collective_assets",
		"集体借款": "borrowing", "举债": "borrowing", "发展规划": "development_plan", "集体收益": "collective_income", "公益事业": "public_welfare",
		"土地承包": "land_contracting", "宅基地": "homestead", "误工补贴": "allowance", "土地": "land", "资金支出": "expenditure", "其他": "other",
		" 征地 补偿 ": "compensation", "Public-Welfare": "public_welfare", "public welfare": "public_welfare", "Land Compensation": "compensation",
		"roads": "roads", "修路": "修路",
	} {
		if got := NormaliseDecisionCategory(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
	err := unknownCategory("修路", decisionCategoriesOf(DefaultRules))
	if err.Field != "category" || !strings.Contains(err.Zh, "修路") || !strings.Contains(err.Zh, "compensation（征地补偿费使用）") ||
		!strings.Contains(err.En, "village_rules") || !strings.Contains(err.En, "other") {
		t.Errorf("unknown category message: %s / %s", err.Zh, err.En)
	}
	r := DefaultRules
	r.ProcedureMatters = append(slices.Clone(r.ProcedureMatters), "forest_rights")
	if !slices.Contains(decisionCategoriesOf(r), "forest_rights") {
		t.Error("a category the rules name is not accepted")
	}
}
