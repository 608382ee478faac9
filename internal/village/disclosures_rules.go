package village

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"zhongshu/internal/platform/clock"
)

// Disclosure kinds (三务): 党务, 村务, 财务 (RULES.md §3).
const (
	KindParty   = "party"
	KindVillage = "village"
	KindFinance = "finance"
)

// DisclosureKinds lists the kinds in the order pages show them.
var DisclosureKinds = []string{KindParty, KindVillage, KindFinance}

// Channels a disclosure is posted on (公开载体: 官网、公开栏、电子屏、微信;
// the seed's 三务公开 paragraph).
var DisclosureChannels = []string{"website", "bulletin_board", "screen", "wechat"}

// DefaultDisclosureChannel is the channel of a disclosure written without
// one: the 公开栏 every village has (the decisions engine posts ⑤⑥ there
// by default too).
const DefaultDisclosureChannel = "bulletin_board"

// Period is the span a disclosure covers: a month "2021-11", a quarter
// "2021-Q4", a half-year "2021-H2" or a year "2021". From and To are zone
// days, inclusive.
type Period struct {
	Code   string `json:"code"`
	From   string `json:"from"`
	To     string `json:"to"`
	Months int    `json:"months"`
}

var periodRe = regexp.MustCompile(`^(\d{4})(?:-(\d{2})|-Q([1-4])|-H([12]))?$`)

// ParsePeriod reads a period code; the error says which forms are allowed.
func ParsePeriod(s string) (Period, error) {
	m := periodRe.FindStringSubmatch(s)
	if m == nil {
		return Period{}, fmt.Errorf("bad period %q", s)
	}
	y, _ := strconv.Atoi(m[1])
	if y < 2000 || y > 2999 {
		return Period{}, fmt.Errorf("bad period year %q", s)
	}
	startMonth, months := 1, 12
	switch {
	case m[2] != "":
		mo, _ := strconv.Atoi(m[2])
		if mo < 1 || mo > 12 {
			return Period{}, fmt.Errorf("bad period month %q", s)
		}
		startMonth, months = mo, 1
	case m[3] != "":
		q, _ := strconv.Atoi(m[3])
		startMonth, months = (q-1)*3+1, 3
	case m[4] != "":
		h, _ := strconv.Atoi(m[4])
		startMonth, months = (h-1)*6+1, 6
	}
	return periodOf(y, startMonth, months), nil
}

func periodOf(y, startMonth, months int) Period {
	from := time.Date(y, time.Month(startMonth), 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, months, -1)
	p := Period{From: from.Format("2006-01-02"), To: to.Format("2006-01-02"), Months: months}
	switch months {
	case 1:
		p.Code = from.Format("2006-01")
	case 3:
		p.Code = fmt.Sprintf("%d-Q%d", y, (startMonth-1)/3+1)
	case 6:
		p.Code = fmt.Sprintf("%d-H%d", y, (startMonth-1)/6+1)
	default:
		p.Code = fmt.Sprintf("%d", y)
	}
	return p
}

// PeriodContaining returns the period of the given length (1, 3, 6 or 12
// months) that contains a zone day.
func PeriodContaining(day string, months int) (Period, error) {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return Period{}, err
	}
	switch months {
	case 1, 3, 6, 12:
	default:
		return Period{}, fmt.Errorf("a disclosure frequency of %d months is not supported (1, 3, 6 or 12)", months)
	}
	m0 := (int(t.Month())-1)/months*months + 1
	return periodOf(t.Year(), m0, months), nil
}

// Next returns the period of the same length that follows p.
func (p Period) Next() Period {
	t, _ := time.Parse("2006-01-02", p.From)
	t = t.AddDate(0, p.Months, 0)
	return periodOf(t.Year(), int(t.Month()), p.Months)
}

// Covers reports whether p spans all of q.
func (p Period) Covers(q Period) bool { return p.From <= q.From && p.To >= q.To }

// DueDay is the last day a period's disclosure is on time: day `day` of the
// month after the period ends (RULES.md §3 "quarterly disclosure day: by the
// 10th of the quarter's first month"; Zhongshu applies the same day to
// monthly and half-yearly disclosures). A day outside 1–28 is clamped.
func DueDay(p Period, day int) string {
	if day < 1 {
		day = 1
	}
	if day > 28 {
		day = 28
	}
	t, _ := time.Parse("2006-01-02", p.To)
	t = t.AddDate(0, 0, 1) // first day of the next month
	return time.Date(t.Year(), t.Month(), day, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
}

// Due statuses of one required period.
const (
	DueOK      = "ok"      // published on or before its due day
	DueLate    = "late"    // published, but after its due day
	DueOverdue = "overdue" // due day passed and nothing published
	DuePending = "pending" // not yet due and not yet published
)

// PublishedPeriod is one published disclosure of a kind, as the due check
// needs it.
type PublishedPeriod struct {
	Period      string
	PublishedOn string
}

// DueFlag is the state of one required period of one kind.
type DueFlag struct {
	Kind        string `json:"kind"`
	Period      string `json:"period"`
	Due         string `json:"due"`
	Status      string `json:"status"`
	PublishedOn string `json:"published_on,omitempty"`
	DaysLate    int    `json:"days_late,omitempty"` // overdue: days since due; late: days after due
}

// Flagged reports whether the period needs attention (late or overdue).
func (f DueFlag) Flagged() bool { return f.Status == DueLate || f.Status == DueOverdue }

// FrequencyMonths is the required disclosure frequency of a kind under
// rules r (RULES.md §3): 村务 every VillageAffairsMonth months, 财务 every
// FinanceHeavyMonths months in a heavy_finance village else FinanceMonths,
// 党务 every PartyMonths months.
func FrequencyMonths(r Rules, kind string, heavyFinance bool) int {
	switch kind {
	case KindVillage:
		return r.VillageAffairsMonth
	case KindFinance:
		if heavyFinance {
			return r.FinanceHeavyMonths
		}
		return r.FinanceMonths
	case KindParty:
		return r.PartyMonths
	}
	return 0
}

// DueFlags checks every required period of one kind — periods of `months`
// months from the one containing `from` to the one containing `today` —
// against the published disclosures: a period is satisfied by the earliest
// published disclosure whose period covers it. A pure function of its
// arguments (RULES.md §3).
func DueFlags(kind string, months, dueDay int, published []PublishedPeriod, from, today string) ([]DueFlag, error) {
	p, err := PeriodContaining(from, months)
	if err != nil {
		return nil, err
	}
	var pubs []struct {
		p  Period
		on string
	}
	for _, x := range published {
		pp, err := ParsePeriod(x.Period)
		if err != nil || x.PublishedOn == "" {
			continue
		}
		pubs = append(pubs, struct {
			p  Period
			on string
		}{pp, x.PublishedOn})
	}
	var out []DueFlag
	for ; p.From <= today; p = p.Next() {
		f := DueFlag{Kind: kind, Period: p.Code, Due: DueDay(p, dueDay)}
		for _, x := range pubs {
			if x.p.Covers(p) && (f.PublishedOn == "" || x.on < f.PublishedOn) {
				f.PublishedOn = x.on
			}
		}
		switch {
		case f.PublishedOn != "" && f.PublishedOn <= f.Due:
			f.Status = DueOK
		case f.PublishedOn != "":
			f.Status, f.DaysLate = DueLate, daysBetween(f.Due, f.PublishedOn)
		case today > f.Due:
			f.Status, f.DaysLate = DueOverdue, daysBetween(f.Due, today)
		default:
			f.Status = DuePending
		}
		out = append(out, f)
	}
	return out, nil
}

func daysBetween(a, b string) int {
	ta, err1 := clock.ParseDay(a)
	tb, err2 := clock.ParseDay(b)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(tb.Sub(ta).Hours()/24 + 0.5)
}
