package express

import (
	"fmt"
	"testing"
)

// RULES.md §8: a visit earns 2, capped at 8 a month per enterprise.
func TestCappedRULES8VisitCap(t *testing.T) {
	for _, c := range []struct{ points, cap, earned, want int }{
		{2, 8, 0, 2},  // 1st visit
		{2, 8, 6, 2},  // 4th visit reaches the cap exactly
		{2, 8, 8, 0},  // 5th visit: capped, earns 0
		{2, 8, 7, 1},  // after a partial reversal: only the remainder
		{2, 8, 10, 0}, // over the cap (a rule change lowered it): nothing
		{2, 0, 100, 2},
		{0, 8, 0, 0},
		{-3, 0, 0, 0},
	} {
		if got := Capped(c.points, c.cap, c.earned); got != c.want {
			t.Errorf("Capped(%d, cap %d, earned %d) = %d, want %d", c.points, c.cap, c.earned, got, c.want)
		}
	}
	// The sequence: four visits earn 8, the fifth 0.
	earned := 0
	var got []int
	for i := 0; i < 5; i++ {
		n := Capped(2, 8, earned)
		got = append(got, n)
		earned += n
	}
	if fmt.Sprint(got) != "[2 2 2 2 0]" {
		t.Fatalf("five visits earned %v", got)
	}
}

func TestParsePeriod(t *testing.T) {
	for _, c := range []struct{ in, key, kind, from, to string }{
		{"2021", "2021", "year", "2021-01-01", "2021-12-31"},
		{"2021-Q4", "2021-Q4", "quarter", "2021-10-01", "2021-12-31"},
		{"2021-q1", "2021-Q1", "quarter", "2021-01-01", "2021-03-31"},
		{"2020-Q1", "2020-Q1", "quarter", "2020-01-01", "2020-03-31"},
		{"2021-02", "2021-02", "month", "2021-02-01", "2021-02-28"},
		{"2020-02", "2020-02", "month", "2020-02-01", "2020-02-29"},
		{"2021-12", "2021-12", "month", "2021-12-01", "2021-12-31"},
	} {
		p, err := ParsePeriod(c.in)
		if err != nil || p.Key != c.key || p.Kind != c.kind || p.From != c.from || p.To != c.to {
			t.Errorf("ParsePeriod(%q) = %+v, %v", c.in, p, err)
		}
	}
	for _, bad := range []string{"", "21", "2021-Q5", "2021-Q0", "2021-13", "2021-1", "abcd", "2021/12", "1999"} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", bad)
		}
	}
}

// Liaisons appointed 2021-08-01 served 5 months of 2021, 3 of Q4, none of Q2.
func TestMonthsServed(t *testing.T) {
	for _, c := range []struct {
		from, to, since string
		want            int
	}{
		{"2021-01-01", "2021-12-31", "2021-08-01", 5},
		{"2021-10-01", "2021-12-31", "2021-08-01", 3},
		{"2021-04-01", "2021-06-30", "2021-08-01", 0},
		{"2021-08-01", "2021-08-31", "2021-08-01", 1},
		{"2021-08-01", "2021-08-31", "2021-08-31", 1},
		{"2021-01-01", "2021-12-31", "", 12},
		{"2021-12-01", "2022-01-31", "2020-01-01", 2},
	} {
		if got := MonthsServed(c.from, c.to, c.since); got != c.want {
			t.Errorf("MonthsServed(%s, %s, since %s) = %d, want %d", c.from, c.to, c.since, got, c.want)
		}
	}
}

// RULES.md §8 tie rule: total, then resolved demands, then the earlier
// last-earned day; equal on all three share a rank.
func TestRankRULES8Ties(t *testing.T) {
	ss := []Standing{
		{PersonID: 1, Total: 20, Resolved: 1, LastEarned: "2021-12-10"},
		{PersonID: 2, Total: 20, Resolved: 2, LastEarned: "2021-12-15"}, // more resolved beats 1
		{PersonID: 3, Total: 20, Resolved: 1, LastEarned: "2021-12-05"}, // earlier last day beats 1
		{PersonID: 4, Total: 25, Resolved: 0, LastEarned: "2021-12-18"},
		{PersonID: 5, Total: 20, Resolved: 1, LastEarned: "2021-12-10"}, // a true tie with 1
		{PersonID: 6, Total: 0},
		{PersonID: 7, Total: 0, LastEarned: "2021-12-01"}, // earned then reversed: ahead of never
	}
	got := Rank(ss)
	var order, ranks string
	for _, s := range got {
		order += fmt.Sprint(s.PersonID)
		ranks += fmt.Sprint(s.Rank)
	}
	if order != "4231576" || ranks != "1234467" {
		t.Fatalf("order %s ranks %s", order, ranks)
	}
}

func TestExcellentQuotaRULES8(t *testing.T) {
	for _, c := range []struct{ n, pct, want int }{
		{35, 15, 5}, // 5.25 → 5
		{20, 15, 3}, // exactly 15%
		{7, 15, 1},  // 1.05
		{6, 15, 0},  // 0.9: nobody may be 优秀
		{100, 15, 15},
		{0, 15, 0},
		{10, 0, 0},
	} {
		if got := ExcellentQuota(c.n, c.pct); got != c.want {
			t.Errorf("ExcellentQuota(%d, %d%%) = %d, want %d", c.n, c.pct, got, c.want)
		}
	}
}

func TestAssignTiersRULES8(t *testing.T) {
	cfg := TierConfig{ExcellentPct: 15, CompetentPerMonth: 8, BasicPerMonth: 4}
	// 20 liaisons, 5 months served: 称职 ≥ 40, 基本称职 ≥ 20; quota 3.
	var ss []Standing
	for i := 1; i <= 20; i++ {
		ss = append(ss, Standing{PersonID: int64(i), Total: 100 - 4*i, Months: 5, LastEarned: "2021-12-01"})
	}
	ss[19].Total = 19 // 不称职 just below 20
	ss[18].Total = 20 // 基本称职 exactly at 20
	ss[17].Total = 39 // 基本称职 just below 40
	ss[16].Total = 40 // 称职 exactly at 40
	got := AssignTiers(Rank(ss), cfg)
	count := map[string]int{}
	for _, s := range got {
		count[s.Tier]++
	}
	if count[TierExcellent] != 3 || got[0].Tier != TierExcellent || got[3].Tier != TierCompetent {
		t.Fatalf("excellent: %v", count)
	}
	tier := map[int64]string{}
	for _, s := range got {
		tier[s.PersonID] = s.Tier
	}
	if tier[20] != TierUnfit || tier[19] != TierBasic || tier[18] != TierBasic || tier[17] != TierCompetent {
		t.Fatalf("thresholds: %v", tier)
	}

	// A tie straddling the quota's edge is left out whole: ranks 1, 2, 3, 3.
	ss = nil
	for i := 1; i <= 20; i++ {
		ss = append(ss, Standing{PersonID: int64(i), Total: 50, Months: 5, LastEarned: "2021-12-01"})
	}
	ss[0].Total, ss[1].Total = 90, 80
	ss[2].Total, ss[3].Total = 70, 70
	got = AssignTiers(Rank(ss), cfg)
	if got[0].Tier != TierExcellent || got[1].Tier != TierExcellent || got[2].Tier != TierCompetent || got[3].Tier != TierCompetent {
		t.Fatalf("tie at the edge: %+v", got[:4])
	}

	// The quota needs the 称职 minimum too: a low-scoring top is not 优秀.
	ss = []Standing{{PersonID: 1, Total: 10, Months: 5, LastEarned: "2021-12-01"}}
	for i := 2; i <= 10; i++ {
		ss = append(ss, Standing{PersonID: int64(i), Total: 5, Months: 5, LastEarned: "2021-12-01"})
	}
	got = AssignTiers(Rank(ss), cfg)
	if got[0].Tier != TierUnfit {
		t.Fatalf("top with 10 of 40 points: %s", got[0].Tier)
	}
}

// Coverage: an enterprise on both lists counts in each; the uncovered are
// listed with their scheduled day.
func TestCoverageFigures(t *testing.T) {
	rows := []CoverageItem{
		{EnterpriseID: 1, AboveScale: true},
		{EnterpriseID: 2, AboveScale: true, AboveQuota: true},
		{EnterpriseID: 3, AboveQuota: true, ScheduledOn: "2021-12-21"},
		{EnterpriseID: 4, AboveScale: true},
		{EnterpriseID: 5}, // on neither list: ignored
	}
	c := CoverageFigures("2021", rows, map[int64]bool{1: true, 2: true, 5: true})
	if c.AboveScale != 3 || c.AboveScaleMet != 2 || c.AboveQuota != 2 || c.AboveQuotaMet != 1 || c.Total != 4 || c.TotalMet != 2 ||
		len(c.Uncovered) != 2 || c.Uncovered[0].EnterpriseID != 3 || c.ScheduledPending != 1 {
		t.Fatalf("%+v", c)
	}
}
