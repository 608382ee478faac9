package study

import (
	"fmt"
	"sort"
	"time"
)

// ChallengeEntry is one player's result as the ranking needs it.
type ChallengeEntry struct {
	PersonID int64     `json:"person_id"`
	Name     string    `json:"name"`
	Branch   string    `json:"branch,omitempty"`
	Correct  int       `json:"correct"`  // answers that were right and in time
	Answered int       `json:"answered"` // answers given, right or wrong
	TimeMS   int64     `json:"time_ms"`  // total time, see RoundTime
	Finished time.Time `json:"finished_at"`
}

// ChallengeStanding is a ranked entry. Rank is shared by entries equal on
// every criterion (competition ranking: 1, 2, 2, 4).
type ChallengeStanding struct {
	Rank int `json:"rank"`
	ChallengeEntry
}

// RankChallenge orders the players of a challenge: correctness first (more
// correct answers rank higher), then total time (less is better), then the
// earlier finish (a player who never answered finishes last) — issue 3
// item 7: "scoring by correctness then time". The person id only makes the
// order of full ties stable; it does not split their rank.
func RankChallenge(entries []ChallengeEntry) []ChallengeStanding {
	out := make([]ChallengeStanding, len(entries))
	for i, e := range entries {
		out[i] = ChallengeStanding{ChallengeEntry: e}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if c := compareEntries(a.ChallengeEntry, b.ChallengeEntry); c != 0 {
			return c < 0
		}
		return a.PersonID < b.PersonID
	})
	for i := range out {
		if i > 0 && compareEntries(out[i-1].ChallengeEntry, out[i].ChallengeEntry) == 0 {
			out[i].Rank = out[i-1].Rank
		} else {
			out[i].Rank = i + 1
		}
	}
	return out
}

// compareEntries is negative when a ranks above b, zero on a full tie.
func compareEntries(a, b ChallengeEntry) int {
	switch {
	case a.Correct != b.Correct:
		if a.Correct > b.Correct {
			return -1
		}
		return 1
	case a.TimeMS != b.TimeMS:
		if a.TimeMS < b.TimeMS {
			return -1
		}
		return 1
	case !a.Finished.Equal(b.Finished):
		switch {
		case a.Finished.IsZero():
			return 1
		case b.Finished.IsZero():
			return -1
		case a.Finished.Before(b.Finished):
			return -1
		}
		return 1
	}
	return 0
}

// RoundTime is the time a round counts for in the total: the moment of the
// last answer after the round's start, when every question was answered
// within the limit; otherwise the whole limit — a round skipped, left
// unfinished or overrun costs its full time, so leaving questions out never
// makes a player faster.
func RoundTime(limitMS int64, questions, answeredInTime int, lastElapsedMS int64) int64 {
	if questions > 0 && answeredInTime >= questions && lastElapsedMS <= limitMS {
		return lastElapsedMS
	}
	return limitMS
}

// InTime reports whether an answer given elapsedMS after the round's start
// is within its limit (the limit itself still counts).
func InTime(elapsedMS int64, limitS int) bool { return elapsedMS <= int64(limitS)*1000 }

// TimeText shows a total time as minutes:seconds with tenths ("2:45.3"),
// the way a stopwatch does in either language.
func (e ChallengeEntry) TimeText() string {
	tenths := (e.TimeMS + 50) / 100
	return fmt.Sprintf("%d:%02d.%d", tenths/600, tenths/10%60, tenths%10)
}
