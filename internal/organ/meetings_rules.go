package organ

import (
	"fmt"
	"time"
)

// Meeting kinds (三会一课 and 主题党日).
const (
	KindGeneral   = "general"   // 支部党员大会
	KindCommittee = "committee" // 支委会
	KindGroup     = "group"     // 党小组会
	KindLecture   = "lecture"   // 党课
	KindThemeDay  = "theme_day" // 主题党日
)

// MeetingKinds in display order.
var MeetingKinds = []string{KindGeneral, KindCommittee, KindGroup, KindLecture, KindThemeDay}

// Frequency is how often a kind must be held: at least Min per period,
// the period a month or a quarter.
type Frequency struct {
	Quarterly bool
	Min       int
}

// Frequencies are RULES.md §5 (支部工作条例 2018): 支部党员大会 at least
// quarterly; 支委会 at least monthly; 党小组会 at least monthly; 党课 at least
// quarterly; 主题党日 one fixed day a month.
var Frequencies = map[string]Frequency{
	KindGeneral:   {Quarterly: true, Min: 1},
	KindCommittee: {Min: 1},
	KindGroup:     {Min: 1},
	KindLecture:   {Quarterly: true, Min: 1},
	KindThemeDay:  {Min: 1},
}

// Quorate reports whether a committee meeting may decide: more than half
// of the committee present (支部工作条例 art. 12; RULES.md §5).
func Quorate(present, committee int) bool { return present*2 > committee }

// MeetingFact is what the frequency check needs of a meeting.
type MeetingFact struct {
	Kind     string
	HeldOn   string // zone day YYYY-MM-DD
	Expected int
	Present  int
}

// Cell is one branch's record for one kind in one period.
type Cell struct {
	Kind      string `json:"kind"`
	Period    string `json:"period"` // "2021-03" or "2021-Q3"
	From      string `json:"from"`
	To        string `json:"to"` // last day of the period
	Held      int    `json:"held"`
	Required  int    `json:"required"`
	Ended     bool   `json:"ended"`     // the period is over (only then is it judged)
	Short     bool   `json:"short"`     // ended with fewer than required: flagged
	Inquorate int    `json:"inquorate"` // committee meetings below quorum, flagged
}

// Flagged reports whether the cell needs attention.
func (c Cell) Flagged() bool { return c.Short || c.Inquorate > 0 }

// Periods lists the periods of a year for a kind.
func Periods(year int, kind string) []Cell {
	f := Frequencies[kind]
	var out []Cell
	if f.Quarterly {
		for q := 0; q < 4; q++ {
			from := time.Date(year, time.Month(3*q+1), 1, 0, 0, 0, 0, time.UTC)
			to := from.AddDate(0, 3, -1)
			out = append(out, Cell{Kind: kind, Period: fmt.Sprintf("%d-Q%d", year, q+1), From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Required: f.Min})
		}
		return out
	}
	for mo := 1; mo <= 12; mo++ {
		from := time.Date(year, time.Month(mo), 1, 0, 0, 0, 0, time.UTC)
		to := from.AddDate(0, 1, -1)
		out = append(out, Cell{Kind: kind, Period: from.Format("2006-01"), From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Required: f.Min})
	}
	return out
}

// CheckFrequency judges one branch's meetings of a year as of today (a zone
// day): per kind, a cell per month or quarter. A period is judged only once
// it has ended (its last day is before today): periods in the future and
// the current one are never short. Inquorate committee meetings are
// flagged whenever they happened.
func CheckFrequency(year int, today string, ms []MeetingFact) map[string][]Cell {
	out := map[string][]Cell{}
	for _, k := range MeetingKinds {
		cells := Periods(year, k)
		for i := range cells {
			c := &cells[i]
			for _, mf := range ms {
				if mf.Kind != k || mf.HeldOn < c.From || mf.HeldOn > c.To {
					continue
				}
				c.Held++
				if k == KindCommittee && !Quorate(mf.Present, mf.Expected) {
					c.Inquorate++
				}
			}
			c.Ended = c.To < today
			c.Short = c.Ended && c.Held < c.Required
		}
		out[k] = cells
	}
	return out
}
