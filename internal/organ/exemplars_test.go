package organ

import (
	"context"
	"testing"
	"time"
)

// Periods follow one another: nominations, voting from the next day,
// publicity from the day after voting closes (issue 7 item 7).
func TestRoundStatus(t *testing.T) {
	for _, c := range []struct{ today, want string }{
		{"2021-10-31", RoundScheduled}, {"2021-11-01", RoundNominating}, {"2021-11-30", RoundNominating},
		{"2021-12-01", RoundVoting}, {"2021-12-14", RoundVoting}, {"2021-12-15", RoundPublicity},
		{"2021-12-24", RoundPublicity}, {"2021-12-25", RoundFinal},
	} {
		if got := RoundStatus(c.today, "2021-11-01", "2021-11-30", "2021-12-14", "2021-12-24"); got != c.want {
			t.Errorf("%s: %s, want %s", c.today, got, c.want)
		}
	}
}

// Publicity lasts at least MinPublicityDays (5, the usual 公示期 rule).
func TestValidateRound(t *testing.T) {
	ok := RoundInput{Title: "2021年度机关标兵选树", Year: 2021, Quota: 5, NominateFrom: "2021-11-01", NominateTo: "2021-11-30", VoteTo: "2021-12-14", PublicityTo: "2021-12-19"}
	if err := ValidateRound(&ok); err != nil {
		t.Fatalf("5 days: %v", err)
	}
	for name, mut := range map[string]func(*RoundInput){
		"4 days publicity":   func(r *RoundInput) { r.PublicityTo = "2021-12-18" },
		"quota 0":            func(r *RoundInput) { r.Quota = 0 },
		"voting before noms": func(r *RoundInput) { r.VoteTo = "2021-11-30" },
		"bad day":            func(r *RoundInput) { r.NominateFrom = "2021-13-01" },
		"title short":        func(r *RoundInput) { r.Title = "a" },
	} {
		in := ok
		mut(&in)
		if ValidateRound(&in) == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

// Ties go to the earlier nomination; a removed nominee is not replaced.
func TestRankNominees(t *testing.T) {
	v := func(n int) *int { return &n }
	ns := []Nomination{{ID: 3, Votes: v(5)}, {ID: 1, Votes: v(5)}, {ID: 2, Votes: v(9), Removed: true}, {ID: 4, Votes: v(1)}}
	RankNominees(ns, 2)
	if ns[0].ID != 2 || ns[1].ID != 1 || ns[2].ID != 3 || ns[0].Selected || !ns[1].Selected || ns[2].Selected {
		t.Fatalf("%+v", ns)
	}
}

// The demo loads fast and lands in publicity at the demo clock.
func TestExemplarsDemo(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		start := time.Now()
		if err := loadExemplarsDemo(e.M, context.Background()); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Errorf("demo took %v", d)
		}
		r, err := e.M.RoundDetail(context.Background(), e.principal(t, "committee"), 1)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != RoundPublicity || len(r.Selected()) != r.Quota || r.Ballots == 0 {
			t.Fatalf("%+v", r)
		}
		t.Logf("demo: %v, %d nominees, %d ballots of %d eligible", time.Since(start), len(r.Nominees), r.Ballots, r.Eligible)
	})
}
