package village

// Outside checks of issue 5 (rules and store level), built from RULES.md
// rather than from the code: quorum and majority edges, step order, merged
// steps, posting periods, numbers that do not add up, tier boundaries under
// per-village and dated rules, the decision gate and separation of duties
// of expenditures, and the land-compensation audit checks on a fixed
// dataset.

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/ident"
)

// vcProc is a procedure whose listed steps have already passed (counted),
// all dated 2021-03-01, under the default rules.
func vcProc(oneShoulder bool, category string, done ...string) procedure {
	p := procedure{Category: category, OneShoulder: oneShoulder, Rules: DefaultRules}
	for _, s := range done {
		p.Steps = append(p.Steps, StepRecord{Step: s, Date: "2021-03-01", Counted: true, Outcome: OutcomePassed})
	}
	return p
}

// vcUpTo lists the steps before step on the representatives' path.
func vcUpTo(step string) []string {
	order := []string{StepProposal, StepConsultation, StepPartyReview, StepRepresentatives, StepResolutionDisclosure, StepResultDisclosure}
	if step == StepVillagers {
		step = StepRepresentatives
	}
	return order[:slices.Index(order, step)]
}

// vcMeet is a meeting step input on 2021-03-10.
func vcMeet(step string, expected, present, yes, no, abstain int) StepInput {
	return StepInput{Step: step, Date: "2021-03-10", Expected: expected, Present: present, For: yes, Against: no, Abstain: abstain}
}

// TestChecksMeetingEdges: RULES.md 1.3–1.7 and 1.11 at their edges. Each
// case names the rule; a refusal must state the rule and the numbers.
func TestChecksMeetingEdges(t *testing.T) {
	half := DefaultRules
	half.PartyQuorumNum, half.PartyQuorumDen = 1, 2
	villagers := func(in StepInput, basis, notice string, emergency bool) StepInput {
		in.Basis, in.NoticeOn, in.Emergency = basis, notice, emergency
		return in
	}
	for _, c := range []struct {
		name  string
		rules *Rules
		in    StepInput
		ok    bool
		want  []string // in the refusal: the rule and the numbers
	}{
		// 1.3 两委商议: > 1/2 of present; exactly half fails.
		{"1.3 exactly half of present fails", nil, vcMeet(StepConsultation, 7, 6, 3, 2, 1), false, []string{"1.3", "3", "6"}},
		{"1.3 half+1 passes", nil, vcMeet(StepConsultation, 7, 6, 4, 1, 1), true, nil},
		{"1.3 odd present, one short of majority", nil, vcMeet(StepConsultation, 7, 7, 3, 4, 0), false, []string{"1.3", "7"}},
		// 1.4 党员大会 attendance ≥ 2/3 (default).
		{"1.4 exactly 2/3 attends", nil, vcMeet(StepPartyReview, 30, 20, 16, 4, 0), true, nil},
		{"1.4 one below 2/3", nil, vcMeet(StepPartyReview, 30, 19, 19, 0, 0), false, []string{"1.4", "19", "30"}},
		{"1.4 2/3 of 31 is 20.67: 20 fails", nil, vcMeet(StepPartyReview, 31, 20, 20, 0, 0), false, []string{"1.4", "20", "31"}},
		{"1.4 2/3 of 31: 21 passes", nil, vcMeet(StepPartyReview, 31, 21, 16, 5, 0), true, nil},
		// 1.4 a configured 1/2 quorum still needs > 1/2.
		{"1.4 quorum 1/2: exactly half fails", &half, vcMeet(StepPartyReview, 30, 15, 15, 0, 0), false, []string{"1.4", "15", "30"}},
		{"1.4 quorum 1/2: half+1 sits", &half, vcMeet(StepPartyReview, 30, 16, 16, 0, 0), true, nil},
		// 1.5 yes > 1/2 of EXPECTED, not of present.
		{"1.5 exactly half of expected fails though a majority of present", nil, vcMeet(StepPartyReview, 30, 24, 15, 5, 4), false, []string{"1.5", "15", "30"}},
		{"1.5 half of expected + 1 passes", nil, vcMeet(StepPartyReview, 30, 24, 16, 8, 0), true, nil},
		// 1.6 村民代表会议: ≥ 2/3 present; > 1/2 of present.
		{"1.6 exactly 2/3 present sits and passes", nil, vcMeet(StepRepresentatives, 15, 10, 6, 4, 0), true, nil},
		{"1.6 one below 2/3", nil, vcMeet(StepRepresentatives, 15, 9, 9, 0, 0), false, []string{"1.6", "9", "15"}},
		{"1.6 2/3 of 16 is 10.67: 10 fails", nil, vcMeet(StepRepresentatives, 16, 10, 10, 0, 0), false, []string{"1.6", "10", "16"}},
		{"1.6 exactly half of present fails", nil, vcMeet(StepRepresentatives, 15, 12, 6, 6, 0), false, []string{"1.6", "6", "12"}},
		{"1.6 half of present + 1 passes", nil, vcMeet(StepRepresentatives, 15, 12, 7, 5, 0), true, nil},
		// 1.7 村民会议: > 1/2 of adults, or ≥ 2/3 of households; > 1/2 of attendees.
		{"1.7 adults: exactly half attends fails", nil, villagers(vcMeet(StepVillagers, 100, 50, 50, 0, 0), "adults", "", false), false, []string{"1.7", "50", "100"}},
		{"1.7 adults: half+1 sits", nil, villagers(vcMeet(StepVillagers, 100, 51, 26, 25, 0), "adults", "", false), true, nil},
		{"1.7 adults: exactly half of attendees fails", nil, villagers(vcMeet(StepVillagers, 100, 60, 30, 30, 0), "adults", "", false), false, []string{"1.7", "30", "60"}},
		{"1.7 households: exactly 2/3 sits", nil, villagers(vcMeet(StepVillagers, 30, 20, 11, 9, 0), "households", "", false), true, nil},
		{"1.7 households: one below 2/3", nil, villagers(vcMeet(StepVillagers, 30, 19, 19, 0, 0), "households", "", false), false, []string{"1.7", "19", "30"}},
		{"1.7 unknown basis", nil, villagers(vcMeet(StepVillagers, 30, 20, 11, 9, 0), "everyone", "", false), false, []string{"1.7"}},
		// 1.7 notice ≥ 10 days unless an emergency.
		{"1.7 notice exactly 10 days", nil, villagers(vcMeet(StepVillagers, 100, 60, 40, 20, 0), "adults", "2021-02-28", false), true, nil},
		{"1.7 notice 9 days", nil, villagers(vcMeet(StepVillagers, 100, 60, 40, 20, 0), "adults", "2021-03-01", false), false, []string{"1.7", "9", "10"}},
		{"1.7 notice 9 days, emergency", nil, villagers(vcMeet(StepVillagers, 100, 60, 40, 20, 0), "adults", "2021-03-01", true), true, nil},
		// 1.11 numbers add up.
		{"1.11 for+against+abstain > present", nil, vcMeet(StepConsultation, 7, 6, 4, 2, 1), false, []string{"1.11", "7", "6"}},
		{"1.11 present > expected", nil, vcMeet(StepConsultation, 7, 8, 5, 0, 0), false, []string{"1.11", "8", "7"}},
		{"1.11 negative for", nil, vcMeet(StepConsultation, 7, 6, -1, 0, 0), false, []string{"1.11"}},
		{"1.11 negative against", nil, vcMeet(StepConsultation, 7, 6, 4, -1, 0), false, []string{"1.11"}},
		{"1.11 negative abstain", nil, vcMeet(StepConsultation, 7, 6, 4, 0, -2), false, []string{"1.11"}},
		{"1.11 negative present", nil, vcMeet(StepConsultation, 7, -6, 0, 0, 0), false, []string{"1.11"}},
		{"1.11 negative expected", nil, vcMeet(StepConsultation, -7, 0, 0, 0, 0), false, []string{"1.11"}},
		{"1.11 numbers add up in a party meeting too", nil, vcMeet(StepPartyReview, 30, 25, 20, 5, 1), false, []string{"1.11"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := vcProc(true, "village_rules", vcUpTo(c.in.Step)...)
			if c.in.Step == StepVillagers {
				p.Category = "project" // a matter for the villagers (1.8)
			}
			if c.rules != nil {
				p.Rules = *c.rules
			}
			_, bad := judgeStep(p, c.in)
			if c.ok {
				if bad != nil {
					t.Fatalf("refused: %v", bad)
				}
				return
			}
			if bad == nil {
				t.Fatalf("accepted %+v", c.in)
			}
			if bad.Kind != errs.Invalid {
				t.Fatalf("kind %s, want invalid (422)", bad.Kind)
			}
			for _, w := range c.want {
				if !strings.Contains(bad.Zh, w) || !strings.Contains(bad.En, w) {
					t.Errorf("refusal does not state %q: %s / %s", w, bad.Zh, bad.En)
				}
			}
		})
	}
}

// TestChecksStepOrder: RULES.md 1.1 — from every point of the procedure,
// every step other than the next one is refused, and so is a step twice.
func TestChecksStepOrder(t *testing.T) {
	path := []string{StepProposal, StepConsultation, StepPartyReview, StepRepresentatives, StepResolutionDisclosure, StepResultDisclosure}
	inputs := map[string]StepInput{
		StepProposal:             vcMeet(StepProposal, 5, 5, 5, 0, 0),
		StepConsultation:         vcMeet(StepConsultation, 7, 7, 7, 0, 0),
		StepPartyReview:          vcMeet(StepPartyReview, 30, 30, 30, 0, 0),
		StepRepresentatives:      vcMeet(StepRepresentatives, 15, 15, 15, 0, 0),
		StepVillagers:            {Step: StepVillagers, Date: "2021-03-10", Expected: 100, Present: 100, For: 100, Basis: "adults"},
		StepResolutionDisclosure: {Step: StepResolutionDisclosure, Date: "2021-03-10", Days: 7},
		StepResultDisclosure:     {Step: StepResultDisclosure, Date: "2021-03-20", Days: 7, CarriedOutOn: "2021-03-19"},
	}
	for i := 0; i <= len(path); i++ {
		done := path[:i]
		p := vcProc(true, "village_rules", done...)
		for _, s := range DecisionSteps {
			next := i < len(path) && (s == path[i] || (path[i] == StepRepresentatives && s == StepVillagers))
			_, bad := judgeStep(p, inputs[s])
			if next && bad != nil {
				t.Errorf("after %v: next step %s refused: %v", done, s, bad)
			}
			if !next && (bad == nil || !strings.Contains(bad.En, "RULES.md 1.")) {
				t.Errorf("after %v: step %s out of order not refused with its rule: %v", done, s, bad)
			}
			if !next && bad != nil && bad.Field != "step" && slices.Contains(done, s) {
				t.Errorf("after %v: %s twice: refused on %q, want the step", done, s, bad.Field)
			}
		}
	}
	// A 村民会议 matter cannot be decided by the representatives where the
	// 村民会议 has not authorised them (1.8; the default authorises them).
	p := vcProc(true, "project", StepProposal, StepConsultation, StepPartyReview)
	if _, bad := judgeStep(p, inputs[StepRepresentatives]); bad != nil {
		t.Errorf("authorised representatives deciding a villagers' matter: %v", bad)
	}
	p.Rules.RepresentativesMay = false
	if _, bad := judgeStep(p, inputs[StepRepresentatives]); bad == nil || !strings.Contains(bad.En, "1.8") {
		t.Errorf("representatives deciding a villagers' matter: %v", bad)
	}
}

// TestChecksMergedAndPostings: RULES.md 1.2 (merge only in a 一肩挑
// village, recorded), 1.10 (posting ≥ 7 days; ⑥ after the matter was
// carried out).
func TestChecksMergedAndPostings(t *testing.T) {
	merged := vcMeet(StepConsultation, 7, 6, 4, 1, 1)
	merged.Merged = true
	rec, bad := judgeStep(vcProc(true, "village_rules"), merged)
	if bad != nil || !rec.Merged || !rec.Counted {
		t.Fatalf("merged ①+② in a 一肩挑 village: %+v %v", rec, bad)
	}
	mp := merged
	mp.Step = StepProposal
	if rec, bad := judgeStep(vcProc(true, "village_rules"), mp); bad != nil || !rec.Merged {
		t.Fatalf("merged sent as the proposal: %+v %v", rec, bad)
	}
	if _, bad := judgeStep(vcProc(false, "village_rules"), merged); bad == nil || !strings.Contains(bad.En, "1.2") {
		t.Fatalf("merge in a village that is not 一肩挑: %v", bad)
	}
	if _, bad := judgeStep(vcProc(true, "village_rules", StepProposal), merged); bad == nil || !strings.Contains(bad.En, "1.2") {
		t.Fatalf("merge after ① alone: %v", bad)
	}
	// After the merged record the next step is ③.
	p := vcProc(true, "village_rules")
	p.Steps = append(p.Steps, StepRecord{Step: StepConsultation, Date: "2021-03-01", Counted: true, Outcome: OutcomePassed, Merged: true})
	if n := p.Next(); !slices.Equal(n, []string{StepPartyReview}) {
		t.Fatalf("after merged ①+②: next %v", n)
	}

	done := vcUpTo(StepResolutionDisclosure)
	for _, c := range []struct {
		name string
		in   StepInput
		ok   bool
		want []string
	}{
		{"1.10 6 days", StepInput{Step: StepResolutionDisclosure, Date: "2021-03-10", Days: 6}, false, []string{"1.10", "6", "7"}},
		{"1.10 exactly 7 days", StepInput{Step: StepResolutionDisclosure, Date: "2021-03-10", Days: 7}, true, nil},
		{"1.10 posted_to 6 days inclusive", StepInput{Step: StepResolutionDisclosure, Date: "2021-03-10", PostedTo: "2021-03-15"}, false, []string{"1.10", "6", "7"}},
		{"1.10 posted_to 7 days inclusive", StepInput{Step: StepResolutionDisclosure, Date: "2021-03-10", PostedTo: "2021-03-16"}, true, nil},
		{"1.10 no period", StepInput{Step: StepResolutionDisclosure, Date: "2021-03-10"}, false, []string{"1.10", "7"}},
		{"1.10 unknown channel", StepInput{Step: StepResolutionDisclosure, Date: "2021-03-10", Days: 7, Channel: "radio"}, false, []string{"1.10"}},
	} {
		_, bad := judgeStep(vcProc(true, "village_rules", done...), c.in)
		if c.ok != (bad == nil) {
			t.Errorf("%s: refusal %v", c.name, bad)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(bad.Zh, w) || !strings.Contains(bad.En, w) {
				t.Errorf("%s: refusal does not state %q: %s", c.name, w, bad.En)
			}
		}
	}
	done = vcUpTo(StepResultDisclosure)
	for _, c := range []struct {
		name string
		in   StepInput
		ok   bool
	}{
		{"⑥ without the day it was carried out", StepInput{Step: StepResultDisclosure, Date: "2021-03-20", Days: 7}, false},
		{"⑥ posted before it was carried out", StepInput{Step: StepResultDisclosure, Date: "2021-03-20", Days: 7, CarriedOutOn: "2021-03-25"}, false},
		{"⑥ carried out before the resolution was posted", StepInput{Step: StepResultDisclosure, Date: "2021-03-20", Days: 7, CarriedOutOn: "2021-02-25"}, false},
		{"⑥ posted the day it was carried out", StepInput{Step: StepResultDisclosure, Date: "2021-03-20", Days: 7, CarriedOutOn: "2021-03-20"}, true},
		{"⑥ 6 days", StepInput{Step: StepResultDisclosure, Date: "2021-03-20", Days: 6, CarriedOutOn: "2021-03-19"}, false},
	} {
		if _, bad := judgeStep(vcProc(true, "village_rules", done...), c.in); c.ok != (bad == nil) || (bad != nil && !strings.Contains(bad.En, "1.10")) {
			t.Errorf("%s: refusal %v", c.name, bad)
		}
	}
}

// TestChecksTierEdges: RULES.md §2 boundaries at exactly the threshold.
func TestChecksTierEdges(t *testing.T) {
	for _, c := range []struct {
		fen  int64
		tier int
	}{{1, 1}, {99_999, 1}, {100_000, 1}, {100_001, 2}, {1_000_000, 2}, {1_000_001, 3}, {50_000_000, 3}} {
		if got := ExpenditureTier(DefaultRules, c.fen); got != c.tier {
			t.Errorf("%d fen: tier %d, want %d", c.fen, got, c.tier)
		}
	}
}

// TestChecksStore runs the rules through the store on both databases: a
// village that is not 一肩挑 cannot merge, a 一肩挑 village's merge is
// recorded; tiers follow the village's override from its day only; a tier-3
// request waits for a passed decision; the requester never signs their own
// request; tier 2 needs the supervision chair.
func TestChecksStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		com, sec, sup := e.principal(t, "committee"), e.principal(t, "village_secretary"), e.principal(t, "village_supervisor")
		vs := dxVillages(t, e)
		v1, v2, v3, v4 := vs[0].ID, vs[1].ID, vs[2].ID, vs[3].ID
		if _, err := e.DB.Q(ctx).ExecContext(ctx, `UPDATE villages SET one_shoulder = FALSE WHERE id = ?`, v2); err != nil {
			t.Fatal(err)
		}

		// 1.2 merge.
		merged := StepInput{Step: StepConsultation, Date: "2021-12-01", Expected: 7, Present: 7, For: 7, Merged: true}
		d2, err := e.M.CreateDecision(ctx, com, v2, DecisionInput{Title: "村道维修", Category: "village_rules", AmountFen: 0, ProposedOn: "2021-12-01"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.RecordStep(ctx, com, d2.ID, merged); errs.As(err) == nil || errs.As(err).Kind != errs.Invalid || !strings.Contains(err.Error(), "1.2") {
			t.Fatalf("merge in a village that is not 一肩挑: %v", err)
		}
		if n := dxStepCount(t, e, d2.ID); n != 0 {
			t.Fatalf("a refused merge left %d steps", n)
		}
		d1, err := e.M.CreateDecision(ctx, sec, v1, DecisionInput{Title: "村道维修", Category: "village_rules", ProposedOn: "2021-12-01"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.M.RecordStep(ctx, sec, d1.ID, merged)
		if err != nil || !got.Merged || len(got.Steps) != 1 || !got.Steps[0].Merged || !slices.Equal(got.NextSteps, []string{StepPartyReview}) {
			t.Fatalf("merge in a 一肩挑 village: %+v %v", got, err)
		}
		// The same step twice, and an out-of-order step, change nothing.
		for _, in := range []StepInput{merged, {Step: StepConsultation, Date: "2021-12-02", Expected: 7, Present: 7, For: 7},
			{Step: StepResolutionDisclosure, Date: "2021-12-02", Days: 7}} {
			if _, err := e.M.RecordStep(ctx, sec, d1.ID, in); errs.As(err) == nil || errs.As(err).Kind != errs.Invalid {
				t.Fatalf("%s again / out of order: %v", in.Step, err)
			}
		}
		if n := dxStepCount(t, e, d1.ID); n != 1 {
			t.Fatalf("refused steps were stored: %d", n)
		}
		// A meeting below quorum is kept as a non-counting attempt and stops
		// the decision; a valid later meeting resumes it.
		if d, err := e.M.RecordStep(ctx, sec, d1.ID, StepInput{Step: StepPartyReview, Date: "2021-12-05", Expected: 30, Present: 19, For: 19}); err == nil ||
			d == nil || d.Status != DecisionStopped || len(d.Steps) != 1 {
			t.Fatalf("party meeting below 2/3: %+v %v", d, err)
		}
		if d, err := e.M.RecordStep(ctx, sec, d1.ID, StepInput{Step: StepPartyReview, Date: "2021-12-06", Expected: 30, Present: 20, For: 16}); err != nil || d.Status != DecisionInProgress {
			t.Fatalf("party meeting at 2/3: %+v %v", d, err)
		}

		// 1.4: a configured quorum may go down to 3/5, never to 1/2.
		if _, err := e.M.SetRules(ctx, com, v4, RulesChange{ValidFrom: "2021-01-01", Reason: "党员外出务工多", Rules: json.RawMessage(`{"party_quorum_num":1,"party_quorum_den":2}`)}); err == nil || !strings.Contains(err.Error(), "1.4") {
			t.Fatalf("a 1/2 party quorum was accepted: %v", err)
		}
		if _, err := e.M.SetRules(ctx, com, v4, RulesChange{ValidFrom: "2021-01-01", Reason: "党员外出务工多", Rules: json.RawMessage(`{"party_quorum_num":3,"party_quorum_den":5}`)}); err != nil {
			t.Fatal(err)
		}
		d4, err := e.M.CreateDecision(ctx, com, v4, DecisionInput{Title: "村道维修", Category: "village_rules", ProposedOn: "2021-12-01"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.RecordStep(ctx, com, d4.ID, StepInput{Step: StepProposal, Date: "2021-12-01"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.RecordStep(ctx, com, d4.ID, StepInput{Step: StepConsultation, Date: "2021-12-01", Expected: 7, Present: 7, For: 7}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.RecordStep(ctx, com, d4.ID, StepInput{Step: StepPartyReview, Date: "2021-12-05", Expected: 30, Present: 17, For: 17}); err == nil || !strings.Contains(err.Error(), "3/5") {
			t.Fatalf("17 of 30 under a 3/5 quorum: %v", err)
		}
		if _, err := e.M.RecordStep(ctx, com, d4.ID, StepInput{Step: StepPartyReview, Date: "2021-12-06", Expected: 30, Present: 18, For: 16}); err != nil {
			t.Fatalf("18 of 30 under a 3/5 quorum: %v", err)
		}

		// §2 / config item 12: village 3 lowers tier 1 to 500 元 from
		// 2021-06-01; the zone raises it to 2,000 元 from 2021-07-01.
		if _, err := e.M.SetRules(ctx, com, v3, RulesChange{ValidFrom: "2021-06-01", Reason: "本村资金规模小", Rules: json.RawMessage(`{"tier1_max_fen":50000}`)}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.SetRules(ctx, com, 0, RulesChange{ValidFrom: "2021-07-01", Reason: "全区调整", Rules: json.RawMessage(`{"tier1_max_fen":200000}`)}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			village int64
			day     string
			fen     int64
			tier    int
		}{
			{v3, "2021-05-31", 100_000, 1}, // before the village's version: default
			{v3, "2021-05-31", 100_001, 2},
			{v3, "2021-06-01", 50_000, 1}, // from its day: the override
			{v3, "2021-06-01", 50_001, 2},
			{v3, "2021-06-01", 1_000_000, 2},
			{v3, "2021-06-01", 1_000_001, 3},
			{v3, "2021-07-01", 50_001, 2},  // the village's own number still wins over the zone's
			{v4, "2021-06-01", 100_000, 1}, // elsewhere the zone's default
			{v4, "2021-06-01", 100_001, 2},
			{v4, "2021-06-30", 200_000, 2}, // the zone's version applies from its day only
			{v4, "2021-07-01", 200_000, 1},
			{v4, "2021-07-01", 200_001, 2},
		} {
			x, err := e.M.CreateExpenditure(ctx, com, c.village, ExpenditureInput{AmountFen: c.fen, Purpose: "办公用品采购", RequestedOn: c.day})
			if err != nil {
				t.Fatal(err)
			}
			if x.Tier != c.tier {
				t.Errorf("village %d on %s, %d fen: tier %d, want %d", c.village, c.day, c.fen, x.Tier, c.tier)
			}
		}

		// §2: above the threshold nothing proceeds without a passed decision.
		x, err := e.M.CreateExpenditure(ctx, sec, v1, ExpenditureInput{AmountFen: 1_000_001, Purpose: "文化广场建设", RequestedOn: "2021-12-10"})
		if err != nil || x.Tier != 3 || !x.DecisionRequired {
			t.Fatalf("tier 3 without a decision: %+v %v", x, err)
		}
		if _, err := e.M.Sign(ctx, sup, x.ID, SignInput{Kind: SignSupervisor, SignedOn: "2021-12-10"}); err == nil {
			t.Fatal("a tier-3 request was signed without a passed decision")
		}
		if _, err := e.M.Pay(ctx, com, x.ID, PayInput{PaidOn: "2021-12-11", Voucher: "记-001"}); err == nil {
			t.Fatal("a tier-3 request was paid without a passed decision")
		}
		if _, err := e.M.LinkDecision(ctx, sec, x.ID, d1.ID); err == nil {
			t.Fatal("a decision still in progress was linked")
		}
		if _, err := e.M.LinkDecision(ctx, sec, x.ID, d2.ID); err == nil {
			t.Fatal("another village's decision was linked")
		}
		// A matter outside the procedure list passes with the two
		// committees alone: not enough for tier 3 (1.9).
		other, err := e.M.CreateDecision(ctx, sec, v1, DecisionInput{Title: "办公桌椅更新", Category: "other", ProposedOn: "2021-12-01"})
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range []StepInput{{Step: StepProposal, Date: "2021-12-01"}, {Step: StepConsultation, Date: "2021-12-02", Expected: 7, Present: 7, For: 7}} {
			if _, err := e.M.RecordStep(ctx, sec, other.ID, in); err != nil {
				t.Fatal(err)
			}
		}
		if d, _ := e.M.Decision(ctx, sec, other.ID); d.Status != DecisionPassed {
			t.Fatalf("other matter after ②: %s", d.Status)
		}
		if _, err := e.M.LinkDecision(ctx, sec, x.ID, other.ID); err == nil || !strings.Contains(err.Error(), "1.9") {
			t.Fatalf("a two-committee decision linked to tier 3: %v", err)
		}
		if _, err := e.M.CreateExpenditure(ctx, sec, v1, ExpenditureInput{AmountFen: 1_000_001, Purpose: "办公桌椅更新", DecisionID: other.ID, RequestedOn: "2021-12-10"}); err == nil {
			t.Fatal("a tier-3 request filed on a two-committee decision")
		}
		if y, err := e.M.CreateExpenditure(ctx, sec, v1, ExpenditureInput{AmountFen: 150_000, Purpose: "办公桌椅更新", DecisionID: other.ID, RequestedOn: "2021-12-10"}); err != nil || y.Tier != 1 {
			t.Fatalf("a tier-1 request on a two-committee decision: %+v %v", y, err)
		}
		// The whole procedure lets it proceed.
		full, err := e.M.CreateDecision(ctx, sec, v1, DecisionInput{Title: "文化广场建设", Category: "village_rules", ProposedOn: "2021-12-01"})
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range []StepInput{{Step: StepProposal, Date: "2021-12-01"}, {Step: StepConsultation, Date: "2021-12-02", Expected: 7, Present: 7, For: 7},
			{Step: StepPartyReview, Date: "2021-12-06", Expected: 30, Present: 30, For: 30}, {Step: StepRepresentatives, Date: "2021-12-08", Expected: 15, Present: 15, For: 15}} {
			if _, err := e.M.RecordStep(ctx, sec, full.ID, in); err != nil {
				t.Fatal(err)
			}
		}
		if y, err := e.M.LinkDecision(ctx, sec, x.ID, full.ID); err != nil || y.DecisionID != full.ID {
			t.Fatalf("link the passed decision: %+v %v", y, err)
		}
		if _, err := e.M.Sign(ctx, sup, x.ID, SignInput{Kind: SignSupervisor, SignedOn: "2021-12-10"}); err != nil {
			t.Fatalf("supervisor signs after the decision: %v", err)
		}

		// Separation: the requester never approves their own request.
		x1, err := e.M.CreateExpenditure(ctx, sec, v1, ExpenditureInput{AmountFen: 100_000, Purpose: "办公用品采购", RequestedOn: "2021-12-10"})
		if err != nil || x1.Tier != 1 {
			t.Fatalf("tier 1: %+v %v", x1, err)
		}
		if _, err := e.M.Sign(ctx, sec, x1.ID, SignInput{Kind: SignApprove, SignedOn: "2021-12-10"}); err == nil || !strings.Contains(err.Error(), "§2") {
			t.Fatalf("the requester approved their own request: %v", err)
		}
		if y, err := e.M.Sign(ctx, com, x1.ID, SignInput{Kind: SignApprove, SignedOn: "2021-12-10"}); err != nil || y.Status != ExpRequested || !slices.Equal(y.MissingSigns, []string{SignCosign}) {
			t.Fatalf("approval by another: %+v %v", y, err)
		}
		// RULES.md §2: in a 一肩挑 village one more 两委 member co-signs, tier 1 too.
		var member int64
		if err := e.DB.Q(ctx).QueryRowContext(ctx, `SELECT MIN(person_id) FROM positions WHERE village_id = ? AND title = 'village_committee' AND ended_on = ''
			AND person_id <> ? AND person_id <> ?`, v1, sec.PersonID, com.PersonID).Scan(&member); err != nil {
			t.Fatal(err)
		}
		if y, err := e.M.Sign(ctx, com, x1.ID, SignInput{Kind: SignCosign, SignedOn: "2021-12-10", CosignerPersonID: member}); err != nil || y.Status != ExpApproved {
			t.Fatalf("co-signed by a 两委 member: %+v %v", y, err)
		}
		// Tier 2 needs the supervision committee chair's co-signature (the
		// zone's tier 1 reaches 2,000 元 since 2021-07-01).
		x2, err := e.M.CreateExpenditure(ctx, sec, v1, ExpenditureInput{AmountFen: 200_001, Purpose: "路灯维修", RequestedOn: "2021-12-10"})
		if err != nil || x2.Tier != 2 || !slices.Contains(x2.RequiredSigns, SignSupervisor) {
			t.Fatalf("tier 2: %+v %v", x2, err)
		}
		if y, err := e.M.Sign(ctx, sup, x2.ID, SignInput{Kind: SignSupervisor, SignedOn: "2021-12-10"}); err != nil || slices.Contains(y.MissingSigns, SignSupervisor) {
			t.Fatalf("supervisor co-sign: %+v %v", y, err)
		}
		if _, err := e.M.Sign(ctx, sup, x2.ID, SignInput{Kind: SignMeeting, SignedOn: "2021-12-10", Note: "两委会议同意"}); err == nil {
			t.Fatal("the supervisor recorded the two committees' decision")
		}
		if _, err := e.M.Pay(ctx, com, x2.ID, PayInput{PaidOn: "2021-12-11", Voucher: "记-002"}); err == nil {
			t.Fatal("a tier-2 request was paid before every signature")
		}
	})
}

// vcID makes a valid 身份证号 from a 17-digit body.
func vcID(t *testing.T, body17 string) string {
	t.Helper()
	c, err := ident.IDCheckChar(body17)
	if err != nil {
		t.Fatal(err)
	}
	return body17 + string(c)
}

// TestChecksLandFindings: issue 5 item 11 on a fixed dataset — one payment
// above its standard, one payee paid twice for the same item, one project
// over and one under its funds, one exactly on its funds.
func TestChecksLandFindings(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		sec := e.principal(t, "village_secretary")
		vs := dxVillages(t, e)
		a, b, c := vcID(t, "13090319700101123"), vcID(t, "13090319750202234"), vcID(t, "13090319800303345")
		mk := func(name string, funds int64) (int64, map[string]int64) {
			id, err := e.M.CreateLandProject(ctx, sec, LandProjectInput{VillageID: vs[0].ID, Name: name, FundsFen: funds})
			if err != nil {
				t.Fatal(err)
			}
			// 1,000 元 a 亩 of land, 200 元 a tree.
			for _, s := range []LandStandardInput{{Code: "land", Name: "土地补偿", Unit: "亩", FenPerUnit: 100_000}, {Code: "trees", Name: "林木补偿", Unit: "棵", FenPerUnit: 20_000}} {
				if err := e.M.AddLandStandard(ctx, sec, id, s); err != nil {
					t.Fatal(err)
				}
			}
			hs := map[string]int64{}
			for _, h := range []struct{ name, id, land, trees string }{{"周国华", a, "2", "5"}, {"李秀英", b, "1.5", ""}} {
				items := map[string]string{"land": h.land}
				if h.trees != "" {
					items["trees"] = h.trees
				}
				hid, err := e.M.AddLandHousehold(ctx, sec, id, LandHouseholdInput{HeadName: h.name, IDNumber: h.id, Items: items})
				if err != nil {
					t.Fatal(err)
				}
				hs[h.name] = hid
			}
			return id, hs
		}
		pay := func(pid, hid int64, item string, fen int64, payee, idn string) {
			t.Helper()
			if _, err := e.M.AddLandPayment(ctx, sec, pid, LandPaymentInput{HouseholdID: hid, Code: item, AmountFen: fen, PaidOn: "2021-12-15", PayeeName: payee, PayeeIDNumber: idn}); err != nil {
				t.Fatal(err)
			}
		}
		// Project P: entitled 周 200,000 + 100,000, 李 150,000 = 450,000.
		p, hp := mk("检查项目甲", 500_000)
		pay(p, hp["周国华"], "land", 200_000, "周国华", a)  // exactly the standard: no finding
		pay(p, hp["周国华"], "trees", 100_001, "周国华", a) // 1 fen above
		pay(p, hp["李秀英"], "land", 60_000, "李秀英", b)   // paid twice for land …
		pay(p, hp["李秀英"], "land", 60_000, "李秀英", b)   // … (120,000 ≤ 150,000)
		// paid 420,001 < funds 500,000: short by 79,999.
		q, hq := mk("检查项目乙", 300_000)
		pay(q, hq["周国华"], "land", 200_000, "周国华", a)
		pay(q, hq["李秀英"], "land", 150_000, "王小明", c) // to another payee, within the standard
		// paid 350,000 > funds 300,000: over by 50,000.
		r, hr := mk("检查项目丙", 350_000)
		pay(r, hr["周国华"], "land", 200_000, "周国华", a)
		pay(r, hr["李秀英"], "land", 150_000, "李秀英", b)
		// paid 350,000 = funds: no funds finding.
		// Project S: 周国华's land (200,000) split between him and his son,
		// 120,000 + 100,000 — no payment alone above it, together 20,000 over.
		sp, hs := mk("检查项目丁", 220_000)
		pay(sp, hs["周国华"], "land", 120_000, "周国华", a)
		pay(sp, hs["周国华"], "land", 100_000, "周小华", c)

		fs, err := e.M.LandFindings(ctx, sec)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]LandFinding{}
		for _, f := range fs {
			if f.ProjectID == p || f.ProjectID == q || f.ProjectID == r || f.ProjectID == sp {
				got[fmt.Sprint(f.ProjectID, f.Kind)] = append(got[fmt.Sprint(f.ProjectID, f.Kind)], f)
			}
		}
		one := func(pid int64, kind string, amount, limit, diff int64) {
			t.Helper()
			l := got[fmt.Sprint(pid, kind)]
			if len(l) != 1 || l[0].AmountFen != amount || l[0].LimitFen != limit || l[0].DiffFen != diff {
				t.Errorf("project %d %s: %+v, want one with %d/%d/%d", pid, kind, l, amount, limit, diff)
			}
		}
		none := func(pid int64, kind string) {
			t.Helper()
			if l := got[fmt.Sprint(pid, kind)]; len(l) != 0 {
				t.Errorf("project %d: unexpected %s %+v", pid, kind, l)
			}
		}
		one(p, LandAboveStandard, 100_001, 100_000, 1)
		one(p, LandPaidTwice, 120_000, 60_000, 60_000)
		one(p, LandFundsShort, 420_001, 500_000, 79_999)
		none(p, LandFundsOver)
		one(q, LandFundsOver, 350_000, 300_000, 50_000)
		none(q, LandAboveStandard)
		none(q, LandPaidTwice)
		none(r, LandFundsOver)
		none(r, LandFundsShort)
		none(r, LandAboveStandard)
		none(r, LandPaidTwice)
		one(sp, LandAboveStandard, 220_000, 200_000, 20_000)
		none(sp, LandPaidTwice)
		none(sp, LandFundsShort)
	})
}

// TestChecksStepAliases: a checker may send the posting period, the notice
// and the day the matter was carried out under other names; they are
// judged the same (RULES.md 1.5, 1.7, 1.10).
func TestChecksStepAliases(t *testing.T) {
	pint := func(n int) *int { return &n }
	pbool := func(b bool) *bool { return &b }
	vm := func(in StepInput) StepInput {
		in.Step, in.Date, in.Expected, in.Present, in.For = StepVillagers, "2021-03-10", 30, 20, 11
		return in
	}
	pr := func(in StepInput) StepInput {
		in.Step, in.Date, in.Expected, in.Present, in.For = StepPartyReview, "2021-03-10", 30, 20, 16
		return in
	}
	for _, c := range []struct {
		name string
		in   StepInput
		ok   bool
		rule string
	}{
		{"posting_days 6", StepInput{Step: StepResolutionDisclosure, Date: "2021-03-10", PostingDays: pint(6)}, false, "1.10"},
		{"posting_days 7", StepInput{Step: StepResolutionDisclosure, Date: "2021-03-10", PostingDays: pint(7)}, true, ""},
		{"period_days 6", StepInput{Step: StepResolutionDisclosure, Date: "2021-03-10", PeriodDays: pint(6)}, false, "1.10"},
		{"posted_until 6 days", StepInput{Step: StepResolutionDisclosure, Date: "2021-03-10", PostedUntil: "2021-03-15"}, false, "1.10"},
		{"posted_until 7 days", StepInput{Step: StepResolutionDisclosure, Date: "2021-03-10", PostedUntil: "2021-03-16"}, true, ""},
		{"households basis spelt household", vm(StepInput{Basis: "household"}), true, ""},
		{"notice_date 9 days", vm(StepInput{Basis: "households", NoticeDate: "2021-03-01"}), false, "1.7"},
		{"notice 9 days, urgent", vm(StepInput{Basis: "households", NoticeDate: "2021-03-01", Urgent: true}), true, ""},
		{"villager_notice_days 9", vm(StepInput{Basis: "households", NoticeGiven: pint(9)}), false, "1.7"},
		{"plan_notice_days 2", pr(StepInput{PlanNotice: pint(2)}), false, "1.5"},
		{"plan_sent_date 3 days", pr(StepInput{PlanSentDate: "2021-03-07"}), true, ""},
		{"plan_sent_date 2 days", pr(StepInput{PlanSentDate: "2021-03-08"}), false, "1.5"},
	} {
		done := vcUpTo(c.in.Step)
		p := vcProc(true, "project", done...)
		_, bad := judgeStep(p, c.in)
		if c.ok != (bad == nil) || (bad != nil && !strings.Contains(bad.En, c.rule)) {
			t.Errorf("%s: %v", c.name, bad)
		}
	}
	done := vcUpTo(StepResultDisclosure)
	for _, c := range []struct {
		name string
		in   StepInput
		ok   bool
	}{
		{"carried_out false", StepInput{Step: StepResultDisclosure, Date: "2021-03-20", Days: 7, CarriedOut: pbool(false)}, false},
		{"carried_out true", StepInput{Step: StepResultDisclosure, Date: "2021-03-20", Days: 7, CarriedOut: pbool(true)}, true},
		{"completed_on after the posting", StepInput{Step: StepResultDisclosure, Date: "2021-03-20", Days: 7, CompletedOn: "2021-03-21"}, false},
		{"implemented_on before the posting", StepInput{Step: StepResultDisclosure, Date: "2021-03-20", Days: 7, ImplementedOn: "2021-03-19"}, true},
	} {
		if _, bad := judgeStep(vcProc(true, "village_rules", done...), c.in); c.ok != (bad == nil) || (bad != nil && !strings.Contains(bad.En, "1.10")) {
			t.Errorf("%s: %v", c.name, bad)
		}
	}
}
