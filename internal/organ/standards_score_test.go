package organ

import (
	"reflect"
	"testing"
)

// The score rule: RULES.md §5 — a 100-point base with deductions per item,
// never below 0.
func TestStandardScore(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []int
		want int
	}{
		{"nothing assessed", nil, 100},
		{"no deductions", []int{0, 0}, 100},
		{"some", []int{2, 3, 1}, 94},
		{"negative ignored", []int{-5, 2}, 98},
		{"exactly zero", []int{60, 40}, 0},
		{"never below zero", []int{60, 50}, 0},
	} {
		if got := StandardScore(c.in); got != c.want {
			t.Errorf("%s: StandardScore(%v) = %d, want %d", c.name, c.in, got, c.want)
		}
	}
}

// The ranking: score, then fewer deductions, then branch name (stated on
// the ranking page).
func TestRankScores(t *testing.T) {
	in := []BranchScore{
		{Branch: "丙", Score: 90, Deductions: 3},
		{Branch: "乙", Score: 95, Deductions: 2},
		{Branch: "甲", Score: 90, Deductions: 2},
		{Branch: "丁", Score: 90, Deductions: 3},
		{Branch: "戊", Score: 98, Deductions: 1},
	}
	got := RankScores(in)
	var names []string
	var ranks []int
	for _, s := range got {
		names = append(names, s.Branch)
		ranks = append(ranks, s.Rank)
	}
	if want := []string{"戊", "乙", "甲", "丁", "丙"}; !reflect.DeepEqual(names, want) {
		t.Errorf("order %v, want %v", names, want)
	}
	if want := []int{1, 2, 3, 4, 4}; !reflect.DeepEqual(ranks, want) {
		t.Errorf("ranks %v, want %v", ranks, want)
	}
	if in[0].Branch != "丙" {
		t.Error("RankScores changed its input")
	}
}

func TestCompletion(t *testing.T) {
	for _, c := range []struct {
		a, e int
		want float64
	}{{0, 0, 0}, {3, 4, 75}, {2, 3, 66.6}, {5, 4, 100}, {4, 4, 100}} {
		if got := Completion(c.a, c.e); got != c.want {
			t.Errorf("Completion(%d, %d) = %v, want %v", c.a, c.e, got, c.want)
		}
	}
}
