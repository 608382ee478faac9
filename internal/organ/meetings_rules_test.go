package organ

import "testing"

// TestCheckFrequency: RULES.md §5 (支部工作条例 2018) and issue 7's edges.
func TestCheckFrequency(t *testing.T) {
	cases := []struct {
		name   string
		today  string
		ms     []MeetingFact
		kind   string
		period int
		short  bool
		inq    int
	}{
		{"a quarter with no general meeting is flagged", "2021-12-20", nil, KindGeneral, 2, true, 0},
		{"a quarter with one general meeting is not", "2021-12-20", []MeetingFact{{KindGeneral, "2021-08-20", 10, 9}}, KindGeneral, 2, false, 0},
		{"a month with one committee meeting is not flagged", "2021-12-20", []MeetingFact{{KindCommittee, "2021-03-05", 3, 3}}, KindCommittee, 2, false, 0},
		{"a month with none is", "2021-12-20", nil, KindCommittee, 2, true, 0},
		{"the current month is not judged before it ends", "2021-12-20", nil, KindThemeDay, 11, false, 0},
		{"the current quarter is not judged before it ends", "2021-12-20", nil, KindLecture, 3, false, 0},
		{"a future period is never flagged", "2021-05-01", nil, KindGroup, 8, false, 0},
		{"a month judged the day after it ends", "2021-12-01", nil, KindGroup, 10, true, 0},
		{"a month not judged on its last day", "2021-11-30", nil, KindGroup, 10, false, 0},
		{"committee with half present is inquorate", "2021-12-20", []MeetingFact{{KindCommittee, "2021-08-05", 4, 2}}, KindCommittee, 7, false, 1},
		{"committee with more than half present is quorate", "2021-12-20", []MeetingFact{{KindCommittee, "2021-08-05", 3, 2}}, KindCommittee, 7, false, 0},
		{"a theme day in another kind does not count", "2021-12-20", []MeetingFact{{KindGroup, "2021-05-05", 9, 9}}, KindThemeDay, 4, true, 0},
	}
	for _, c := range cases {
		cell := CheckFrequency(2021, c.today, c.ms)[c.kind][c.period]
		if cell.Short != c.short || cell.Inquorate != c.inq {
			t.Errorf("%s: %+v", c.name, cell)
		}
	}
	if n := len(Periods(2021, KindGeneral)); n != 4 {
		t.Errorf("quarters = %d", n)
	}
}
