package organ

import "sort"

// StandardBase is the checklist's base: 100 points, from which each item's
// deductions are taken (RULES.md §5, "100-point base with deductions per
// item" [local]).
const StandardBase = 100

// StandardScore is a branch's standardisation score: the base minus every
// deduction, never below 0. Negative deductions count as none.
func StandardScore(deductions []int) int {
	s := StandardBase
	for _, d := range deductions {
		if d > 0 {
			s -= d
		}
	}
	if s < 0 {
		return 0
	}
	return s
}

// BranchScore is one branch's line of the ranking.
type BranchScore struct {
	Rank       int    `json:"rank"`
	BranchID   int64  `json:"branch_id"`
	Branch     string `json:"branch"`
	Score      int    `json:"score"`
	Deducted   int    `json:"deducted"`   // total points deducted
	Deductions int    `json:"deductions"` // items with a deduction
	Assessed   int    `json:"assessed"`   // items assessed
	Evidence   int    `json:"evidence"`   // evidence records
}

// RankScores orders branches by score, highest first; ties are broken by
// fewer deductions (items with points deducted), then by branch name. Equal
// score and deductions share a rank (1, 2, 2, 4).
func RankScores(in []BranchScore) []BranchScore {
	out := append([]BranchScore(nil), in...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Deductions != b.Deductions {
			return a.Deductions < b.Deductions
		}
		return a.Branch < b.Branch
	})
	for i := range out {
		if i > 0 && out[i].Score == out[i-1].Score && out[i].Deductions == out[i-1].Deductions {
			out[i].Rank = out[i-1].Rank
		} else {
			out[i].Rank = i + 1
		}
	}
	return out
}

// Completion is attended ÷ expected as a percent with one decimal; 0 when
// nothing is expected.
func Completion(attended, expected int) float64 {
	if expected <= 0 {
		return 0
	}
	if attended > expected {
		attended = expected
	}
	return float64(attended*1000/expected) / 10
}
