package express

import (
	"slices"
	"testing"

	"zhongshu/internal/platform/errs"
)

// The state machine of issue 6 item 1 (RULES.md §7), every role × state ×
// transition: the expected answer is "" (allowed), "403" (the role may
// never), "409" (not from this state, or a once-only rule).
func TestCheckTransitionRoleStateRules7(t *testing.T) {
	roles := map[string]actorRoles{
		"office":  {Office: true},
		"lead":    {Lead: true},
		"helper":  {Helper: true},
		"contact": {Contact: true},
		"liaison": {Liaison: true},
	}
	// allowed[transition] = role → from-states it may use.
	allowed := map[string]map[string][]string{
		TrRouted:     {"office": {StNew}},
		TrAccepted:   {"lead": {StRouted}},
		TrInProgress: {"lead": {StAccepted}},
		TrResolved:   {"lead": {StAccepted, StInProgress}},
		TrReturned:   {"lead": {StRouted, StAccepted}},
		TrRated:      {"contact": {StResolved}},
		TrReopened:   {"contact": {StRated}, "office": {StRated}},
		TrExtended:   {"office": {StAccepted, StInProgress}},
	}
	n := 0
	for _, to := range demandTransitions {
		for rn, a := range roles {
			for _, st := range demandStates {
				// facts under which the once-only rules pass
				f := demandFacts{State: st, Complex: true, Rating: "unsatisfied"}
				err := checkTransition(a, f, to)
				froms, roleMay := allowed[to][rn]
				want := errs.Kind("")
				switch {
				case !roleMay:
					want = errs.Forbidden
				case !slices.Contains(froms, st):
					want = errs.Conflict
				}
				if got := errs.KindOf(err); (err == nil && want != "") || (err != nil && got != want) {
					t.Errorf("%s by %s from %s: %v, want %q", to, rn, st, err, want)
				}
				n++
			}
		}
	}
	if n != len(demandTransitions)*5*6 {
		t.Fatalf("covered %d cases", n)
	}
	// The once-only rules (RULES.md §7).
	for _, c := range []struct {
		name string
		a    actorRoles
		f    demandFacts
		to   string
		want errs.Kind
	}{
		{"reopen after 满意 is refused", actorRoles{Contact: true}, demandFacts{State: StRated, Rating: "satisfied"}, TrReopened, errs.Conflict},
		{"reopen after 基本满意 is refused", actorRoles{Contact: true}, demandFacts{State: StRated, Rating: "basically"}, TrReopened, errs.Conflict},
		{"reopen after 不满意 once", actorRoles{Contact: true}, demandFacts{State: StRated, Rating: "unsatisfied"}, TrReopened, ""},
		{"a second reopen is refused", actorRoles{Contact: true}, demandFacts{State: StRated, Rating: "unsatisfied", Reopened: true}, TrReopened, errs.Conflict},
		{"extend a general demand is refused", actorRoles{Office: true}, demandFacts{State: StInProgress}, TrExtended, errs.Conflict},
		{"extend a complex demand once", actorRoles{Office: true}, demandFacts{State: StInProgress, Complex: true}, TrExtended, ""},
		{"a second extension is refused", actorRoles{Office: true}, demandFacts{State: StInProgress, Complex: true, Extended: true}, TrExtended, errs.Conflict},
		{"unknown transition is bad input", actorRoles{Office: true}, demandFacts{State: StNew}, "closed", errs.Invalid},
		{"a helper department may not resolve", actorRoles{Helper: true}, demandFacts{State: StInProgress}, TrResolved, errs.Forbidden},
		{"the liaison may not rate for the enterprise", actorRoles{Liaison: true}, demandFacts{State: StResolved}, TrRated, errs.Forbidden},
		{"office and lead in one person: lead acts", actorRoles{Office: true, Lead: true}, demandFacts{State: StRouted}, TrAccepted, ""},
	} {
		err := checkTransition(c.a, c.f, c.to)
		if errs.KindOf(err) != c.want && !(c.want == "" && err == nil) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// A deadline met on its day is in time; one day later is overdue; an
// unmet deadline turns overdue the day after it.
func TestDeadlineOverdueRules7(t *testing.T) {
	for _, c := range []struct {
		due, met, today string
		want            bool
	}{
		{"", "", "2021-12-20", false},
		{"2021-12-20", "", "2021-12-20", false},
		{"2021-12-20", "", "2021-12-21", true},
		{"2021-12-20", "2021-12-20", "2021-12-30", false},
		{"2021-12-20", "2021-12-21", "2021-12-21", true},
		{"2021-12-20", "2021-12-17", "2021-12-30", false},
	} {
		if got := deadlineOverdue(c.due, c.met, c.today); got != c.want {
			t.Errorf("due %s met %s today %s: %v, want %v", c.due, c.met, c.today, got, c.want)
		}
	}
}

// mayTransition answers as checkTransition does (nil ⇔ true) for every
// combination of the actor's roles, the demand's facts and the transition,
// known or not.
func TestMayTransitionMatchesCheck(t *testing.T) {
	n := 0
	for roles := 0; roles < 1<<5; roles++ {
		a := actorRoles{Office: roles&1 != 0, Lead: roles&2 != 0, Helper: roles&4 != 0, Contact: roles&8 != 0, Liaison: roles&16 != 0}
		for _, st := range append(slices.Clone(demandStates), "unknown") {
			for flags := 0; flags < 1<<3; flags++ {
				for _, rating := range []string{"", "satisfied", "basically", "unsatisfied"} {
					f := demandFacts{State: st, Complex: flags&1 != 0, Extended: flags&2 != 0, Reopened: flags&4 != 0, Rating: rating}
					for _, to := range append(slices.Clone(demandTransitions), "raised", "bogus") {
						if got, want := mayTransition(a, f, to), checkTransition(a, f, to) == nil; got != want {
							t.Errorf("%s by %+v on %+v: mayTransition %t, checkTransition allows %t", to, a, f, got, want)
						}
						n++
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no case")
	}
}
