package study

import (
	"testing"
	"time"
)

// Ranking of a challenge (issue 3 item 7: "scoring by correctness then
// time"; ties broken by the earlier finish; equal on all three share a
// rank).
func TestRankChallenge(t *testing.T) {
	at := func(s int) time.Time { return time.Date(2021, 11, 25, 6, 0, s, 0, time.UTC) }
	type want struct {
		id   int64
		rank int
	}
	for _, tc := range []struct {
		name string
		in   []ChallengeEntry
		want []want
	}{
		{"empty", nil, nil},
		{"more correct beats faster", []ChallengeEntry{
			{PersonID: 1, Correct: 9, TimeMS: 10_000, Finished: at(10)},
			{PersonID: 2, Correct: 10, TimeMS: 90_000, Finished: at(50)},
		}, []want{{2, 1}, {1, 2}}},
		{"same correct: less time wins", []ChallengeEntry{
			{PersonID: 1, Correct: 12, TimeMS: 95_000, Finished: at(5)},
			{PersonID: 2, Correct: 12, TimeMS: 94_999, Finished: at(40)},
		}, []want{{2, 1}, {1, 2}}},
		{"same correct and time: earlier finish wins", []ChallengeEntry{
			{PersonID: 1, Correct: 8, TimeMS: 60_000, Finished: at(30)},
			{PersonID: 2, Correct: 8, TimeMS: 60_000, Finished: at(20)},
		}, []want{{2, 1}, {1, 2}}},
		{"never answered finishes last among equals", []ChallengeEntry{
			{PersonID: 1, Correct: 0, TimeMS: 210_000},
			{PersonID: 2, Correct: 0, TimeMS: 210_000, Finished: at(59)},
		}, []want{{2, 1}, {1, 2}}},
		{"full tie shares the rank, next rank skips (1, 2, 2, 4)", []ChallengeEntry{
			{PersonID: 4, Correct: 5, TimeMS: 50_000, Finished: at(9)},
			{PersonID: 3, Correct: 7, TimeMS: 70_000, Finished: at(8)},
			{PersonID: 2, Correct: 7, TimeMS: 70_000, Finished: at(8)},
			{PersonID: 1, Correct: 15, TimeMS: 99_000, Finished: at(7)},
		}, []want{{1, 1}, {2, 2}, {3, 2}, {4, 4}}},
		{"all tied without answers", []ChallengeEntry{
			{PersonID: 2, TimeMS: 1000}, {PersonID: 1, TimeMS: 1000},
		}, []want{{1, 1}, {2, 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := RankChallenge(tc.in)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d standings, want %d", len(got), len(tc.want))
			}
			for i, w := range tc.want {
				if got[i].PersonID != w.id || got[i].Rank != w.rank {
					t.Errorf("#%d: person %d rank %d, want person %d rank %d", i, got[i].PersonID, got[i].Rank, w.id, w.rank)
				}
			}
		})
	}
}

// A round's time in the total: the last answer's time when every question
// was answered in time, else the whole limit.
func TestRoundTime(t *testing.T) {
	for _, tc := range []struct {
		limit      int64
		qs, inTime int
		last, want int64
		why        string
	}{
		{60_000, 5, 5, 41_200, 41_200, "all answered in time"},
		{60_000, 5, 5, 60_000, 60_000, "last answer exactly at the limit"},
		{60_000, 5, 4, 30_000, 60_000, "one question left out"},
		{60_000, 5, 4, 64_000, 60_000, "one answer late"},
		{60_000, 5, 0, 0, 60_000, "nothing answered"},
		{60_000, 0, 0, 0, 60_000, "a round without questions"},
	} {
		if got := RoundTime(tc.limit, tc.qs, tc.inTime, tc.last); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.why, got, tc.want)
		}
	}
	if !InTime(60_000, 60) || InTime(60_001, 60) {
		t.Error("InTime: the limit itself counts, a millisecond more does not")
	}
	if s := (ChallengeEntry{TimeMS: 165_349}).TimeText(); s != "2:45.3" {
		t.Errorf("TimeText = %q", s)
	}
}

func TestNormalizeChoice(t *testing.T) {
	for in, want := range map[string]string{"A": "A", " b ": "B", "Ｃ": "C", "ｄ": "D", "": "", "E": "", "AB": "", "甲": "", "a\u0301": ""} {
		got, ok := normalizeChoice(in)
		if got != want || ok != (want != "") {
			t.Errorf("normalizeChoice(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
}

func FuzzNormalizeChoice(f *testing.F) {
	for _, s := range []string{"A", "ｂ", " C ", "", "DD", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := normalizeChoice(s)
		if ok != (got != "") {
			t.Fatalf("%q: ok=%v got=%q", s, ok, got)
		}
		if ok && (len(got) != 1 || got[0] < 'A' || got[0] > 'D') {
			t.Fatalf("%q normalised to %q", s, got)
		}
	})
}
