package express

import (
	"context"
	"math"
	"testing"

	"zhongshu/internal/platform/auth"
)

// rateFixture is one department's demands, counted by hand for November
// 2021 below (today 2021-12-20).
var rateFixture = []rateDemand{
	// 1: routed 11-01, signed on its respond-by day, resolved on its resolve-by day, 满意 11-10
	{RoutedOn: "2021-11-01", RespondBy: "2021-11-03", RespondedOn: "2021-11-03", ResolveBy: "2021-11-08", ResolvedOn: "2021-11-08", Rating: "satisfied", RatedOn: "2021-11-10"},
	// 2: signed a day late, resolved late, 基本满意 11-16
	{RoutedOn: "2021-11-05", RespondBy: "2021-11-09", RespondedOn: "2021-11-10", ResolveBy: "2021-11-12", ResolvedOn: "2021-11-15", Rating: "basically", RatedOn: "2021-11-16"},
	// 3: never signed, never resolved (due 11-26)
	{RoutedOn: "2021-11-20", RespondBy: "2021-11-23", ResolveBy: "2021-11-26"},
	// 4: routed in October, due 11-04 and resolved in time, rated in December
	{RoutedOn: "2021-10-28", RespondBy: "2021-11-01", RespondedOn: "2021-10-29", ResolveBy: "2021-11-04", ResolvedOn: "2021-11-03", Rating: "unsatisfied", RatedOn: "2021-12-01"},
	// 5: routed 11-29, signed in time 11-30, due in December
	{RoutedOn: "2021-11-29", RespondBy: "2021-12-01", RespondedOn: "2021-11-30", ResolveBy: "2021-12-06", ResolvedOn: "2021-12-02", Rating: "satisfied", RatedOn: "2021-12-03"},
	// 6: routed 11-30, not signed yet (respond-by in December)
	{RoutedOn: "2021-11-30", RespondBy: "2021-12-02", ResolveBy: "2021-12-07"},
	// 7: an October demand rated 不满意 in November
	{RoutedOn: "2021-10-10", RespondBy: "2021-10-12", RespondedOn: "2021-10-11", ResolveBy: "2021-10-15", ResolvedOn: "2021-10-14", Rating: "unsatisfied", RatedOn: "2021-11-02"},
}

func rateNear(a *float64, b float64) bool { return a != nil && math.Abs(*a-b) < 1e-9 }

// RULES.md §7 three rates against a hand count: routed in November 1, 2,
// 3, 5, 6 (5), signed by their respond-by day 1 and 5 (2) → 40%; due in
// November 1, 2, 3, 4 (4), resolved 1, 2 (late) and 4 (3) → 75% ("resolved
// ÷ due"; by the deadline only 1 and 4); rated in November 1 满意, 2 基本满意,
// 7 不满意 → 2/3. Weighted 30/35/35: 12 + 26.25 + 23.33 = 61.58.
func TestComputeRatesHandCountRules7(t *testing.T) {
	r := computeRates(rateFixture, "2021-11-01", "2021-11-30", "2021-12-20")
	if r.Routed != 5 || r.RespondedInTime != 2 || !rateNear(r.ResponseRate, 0.4) {
		t.Errorf("response: %d/%d %v", r.RespondedInTime, r.Routed, r.ResponseRate)
	}
	if r.Due != 4 || r.Resolved != 3 || r.ResolvedInTime != 2 || !rateNear(r.ResolutionRate, 0.75) {
		t.Errorf("resolution: %d (%d in time)/%d", r.Resolved, r.ResolvedInTime, r.Due)
	}
	if r.Rated != 3 || r.Satisfied != 1 || r.Basically != 1 || r.Unsatisfied != 1 || !rateNear(r.SatisfactionRate, 2.0/3) {
		t.Errorf("satisfaction: %+v", r)
	}
	if s := scoreRates(r, RateWeights{30, 35, 35}); !rateNear(s, 61.58) {
		t.Errorf("score %v, want 61.58", *s)
	}
	// December so far (today 12-20): due 5 (12-06) and 6 (12-07); 5 in time.
	r = computeRates(rateFixture, "2021-12-01", "2021-12-31", "2021-12-20")
	if r.Routed != 0 || r.ResponseRate != nil || r.Due != 2 || r.ResolvedInTime != 1 || r.Rated != 2 {
		t.Errorf("December: %+v", r)
	}
	// A deadline not reached yet is not due; one reached today is not due
	// until tomorrow; resolved early, it is due and in time.
	r = computeRates([]rateDemand{
		{RoutedOn: "2021-12-17", RespondBy: "2021-12-21", ResolveBy: "2021-12-24"},
		{RoutedOn: "2021-12-13", RespondBy: "2021-12-15", RespondedOn: "2021-12-14", ResolveBy: "2021-12-20"},
		{RoutedOn: "2021-12-15", RespondBy: "2021-12-17", RespondedOn: "2021-12-16", ResolveBy: "2021-12-22", ResolvedOn: "2021-12-18"},
	}, "2021-12-01", "2021-12-31", "2021-12-20")
	if r.Due != 1 || r.ResolvedInTime != 1 || r.Routed != 3 || r.RespondedInTime != 2 {
		t.Errorf("not yet due: %+v", r)
	}
	// Without a rated demand the score uses the two other rates, weights scaled to 65: (⅔·30 + 1·35)/65.
	if s := scoreRates(r, RateWeights{30, 35, 35}); s == nil || math.Abs(*s-(2.0/3*30+35)/65*100) > 0.01 {
		t.Errorf("score without satisfaction: %v", s)
	}
	if s := scoreRates(DeptRates{}, RateWeights{30, 35, 35}); s != nil {
		t.Error("no rate, no score")
	}
}

// Equal scores share a rank; no score ranks last, unranked; ties are
// listed by more demands routed.
func TestRankRatesRules7(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	rs := []DeptRates{
		{Department: "甲", ResponseRate: f(0.5)},
		{Department: "乙"},
		{Department: "丙", ResponseRate: f(0.8), Routed: 5},
		{Department: "丁", ResponseRate: f(0.8), Routed: 9},
	}
	rankRates(rs, RateWeights{30, 35, 35})
	got := ""
	for _, r := range rs {
		got += r.Department
		got += string(rune('0' + r.Rank))
	}
	if got != "丁1丙1甲3乙0" {
		t.Errorf("ranking %s", got)
	}
}

// The rates read from the store: the dept_staff account's department
// after one demand routed, signed in time, resolved and rated; its staff
// read their own department (another: 404), a liaison may not (403).
func TestRatesStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		com, dept, ent, lia, dept2 := e.principal(t, "committee"), e.principal(t, "dept_staff"), e.principal(t, "enterprise"), e.principal(t, "liaison"), e.principal(t, "dept_staff_2")
		depID := dmScope(t, dept, auth.DeptStaff, auth.ScopeDepartment)
		dep2ID := dmScope(t, dept2, auth.DeptStaff, auth.ScopeDepartment)
		entID := dmScope(t, ent, auth.Enterprise, auth.ScopeEnterprise)
		id, err := e.M.CreateDemand(ctx, ent, DemandInput{EnterpriseID: entID, Category: "policy", Description: "咨询高新技术企业认定条件"})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []struct {
			p  *auth.Principal
			in TransitionInput
		}{{com, TransitionInput{To: TrRouted, DepartmentID: depID}}, {dept, TransitionInput{To: TrAccepted}},
			{dept, TransitionInput{To: TrResolved, Reason: "已电话解答并寄送政策汇编"}}, {ent, TransitionInput{To: TrRated, Rating: "basically"}}} {
			if _, err := e.M.Transition(ctx, s.p, id, s.in); err != nil {
				t.Fatal(err)
			}
		}
		r, err := e.M.DepartmentRates(ctx, dept, depID, "2021-12-01", "2021-12-31")
		if err != nil {
			t.Fatal(err)
		}
		if r.Routed != 1 || r.RespondedInTime != 1 || r.Due != 1 || r.ResolvedInTime != 1 || r.Rated != 1 || !rateNear(r.SatisfactionRate, 1) || r.Rank != 1 || !rateNear(r.Score, 100) {
			t.Fatalf("rates: %+v", r)
		}
		if _, err := e.M.DepartmentRates(ctx, dept, dep2ID, "2021-12-01", "2021-12-31"); dmKind(err) != "not_found" {
			t.Fatalf("another department's rates: %v", err)
		}
		if _, err := e.M.DepartmentRates(ctx, lia, depID, "", ""); dmKind(err) != "forbidden" {
			t.Fatalf("liaison read rates: %v", err)
		}
		if _, err := e.M.DepartmentRates(ctx, com, depID, "2021-12-31", "2021-12-01"); dmKind(err) != "invalid" {
			t.Fatalf("reversed period: %v", err)
		}
		all, _, err := e.M.Ranking(ctx, com, "2021-12-01", "2021-12-31")
		if err != nil || len(all) != 10 || all[0].DepartmentID != depID {
			t.Fatalf("ranking: %d %v", len(all), err)
		}
		own, _, _ := e.M.Ranking(ctx, dept, "2021-12-01", "2021-12-31")
		if len(own) != 1 || own[0].DepartmentID != depID {
			t.Fatalf("dept_staff ranking: %+v", own)
		}
		if err := e.M.SetRateWeights(ctx, com, RateWeights{30, 30, 30}); dmKind(err) != "invalid" {
			t.Fatalf("weights summing to 90: %v", err)
		}
		if err := e.M.SetRateWeights(ctx, dept, RateWeights{40, 30, 30}); dmKind(err) != "forbidden" {
			t.Fatalf("dept set weights: %v", err)
		}
		if err := e.M.SetRateWeights(ctx, com, RateWeights{40, 30, 30}); err != nil {
			t.Fatal(err)
		}
	})
}
