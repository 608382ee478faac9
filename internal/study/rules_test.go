package study

import "testing"

// RULES.md §6: points per activity with daily caps.
func TestCapped(t *testing.T) {
	for _, c := range []struct {
		name                string
		points, cap, earned int
		want                int
	}{
		{"sentence read, first of the day", 1, 1, 0, 1},
		{"sentence read, second of the day", 1, 1, 1, 0},
		{"article 6th read", 1, 6, 5, 1},
		{"article 7th read", 1, 6, 6, 0},
		{"challenge 6 after 3 (cap 6)", 6, 6, 3, 3},
		{"challenge 3 after 6", 3, 6, 6, 0},
		{"no cap", 10, 0, 100, 10},
		{"over-earned never negative", 2, 2, 5, 0},
		{"zero points", 0, 5, 0, 0},
	} {
		if got := Capped(c.points, c.cap, c.earned); got != c.want {
			t.Errorf("%s: Capped(%d, %d, %d) = %d, want %d", c.name, c.points, c.cap, c.earned, got, c.want)
		}
	}
}

func TestCapGroups(t *testing.T) {
	if g := capGroup(ActChallenge10); len(g) != 2 {
		t.Fatalf("challenge cap group %v", g)
	}
	if g := capGroup(ActSentenceRead); len(g) != 1 || g[0] != ActSentenceRead {
		t.Fatalf("sentence cap group %v", g)
	}
}
