package study

// Activities that earn study points (RULES.md §6, modelled on 学习强国).
const (
	ActSentenceRead   = "sentence_read"   // 1, cap 1 a day
	ActSentenceRecite = "sentence_recite" // 2, cap 2 a day
	ActArticleRead    = "article_read"    // 1 after the minimum reading time, cap 6 a day
	ActQuizFull       = "quiz_full"       // 10 for full marks
	ActQuizPass       = "quiz_pass"       // 8 for a pass (≥ 60%)
	ActChallenge5     = "challenge_5"     // 3 for ≥ 5 correct, cap 6 a day
	ActChallenge10    = "challenge_10"    // 6 for ≥ 10 correct, cap 6 a day
	ActReflection     = "reflection"      // 2 when accepted, cap 2 a day
)

// PointRule is one activity's points and daily cap, valid from a day.
type PointRule struct {
	Activity  string `json:"activity"`
	ValidFrom string `json:"valid_from"`
	Points    int    `json:"points"`
	DailyCap  int    `json:"daily_cap"`
}

// capGroup names activities that share one daily cap: the two challenge
// awards count against the same 6 a day, the two quiz awards against the
// quiz's 10 (RULES.md §6: "challenge … cap 6"; "monthly quiz … per quiz").
func capGroup(activity string) []string {
	switch activity {
	case ActChallenge5, ActChallenge10:
		return []string{ActChallenge5, ActChallenge10}
	case ActQuizFull, ActQuizPass:
		return []string{ActQuizFull, ActQuizPass}
	}
	return []string{activity}
}

// Capped returns the points to award when earnedToday points of the same
// cap group were already earned that day: never more than the cap allows,
// never negative. A cap of 0 means "no daily cap".
func Capped(points, dailyCap, earnedToday int) int {
	if points <= 0 {
		return 0
	}
	if dailyCap == 0 {
		return points
	}
	if room := dailyCap - earnedToday; room < points {
		if room < 0 {
			return 0
		}
		return room
	}
	return points
}
