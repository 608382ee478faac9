package village

import (
	"testing"
)

func TestParsePeriod(t *testing.T) {
	for _, c := range []struct {
		in, code, from, to string
		months             int
		bad                bool
	}{
		{in: "2021-11", code: "2021-11", from: "2021-11-01", to: "2021-11-30", months: 1},
		{in: "2021-02", code: "2021-02", from: "2021-02-01", to: "2021-02-28", months: 1},
		{in: "2020-02", code: "2020-02", from: "2020-02-01", to: "2020-02-29", months: 1},
		{in: "2021-Q4", code: "2021-Q4", from: "2021-10-01", to: "2021-12-31", months: 3},
		{in: "2021-Q1", code: "2021-Q1", from: "2021-01-01", to: "2021-03-31", months: 3},
		{in: "2021-H2", code: "2021-H2", from: "2021-07-01", to: "2021-12-31", months: 6},
		{in: "2021", code: "2021", from: "2021-01-01", to: "2021-12-31", months: 12},
		{in: "2021-13", bad: true}, {in: "2021-00", bad: true}, {in: "2021-Q5", bad: true}, {in: "2021-H3", bad: true},
		{in: "21-Q1", bad: true}, {in: "", bad: true}, {in: "2021-q1", bad: true},
	} {
		p, err := ParsePeriod(c.in)
		if c.bad {
			if err == nil {
				t.Errorf("%q accepted", c.in)
			}
			continue
		}
		if err != nil || p.Code != c.code || p.From != c.from || p.To != c.to || p.Months != c.months {
			t.Errorf("%q: %+v %v", c.in, p, err)
		}
	}
	if p, _ := PeriodContaining("2021-12-20", 3); p.Code != "2021-Q4" || p.Next().Code != "2022-Q1" {
		t.Errorf("containing: %+v next %+v", p, p.Next())
	}
}

// RULES.md §3: the disclosure of a period is due by the 10th (QuarterDay)
// of the month after it; on the day is on time, the day after is late.
func TestDueDayRULES3(t *testing.T) {
	for _, c := range []struct {
		period string
		day    int
		want   string
	}{
		{"2021-Q3", 10, "2021-10-10"}, // RULES.md §3 quarterly disclosure day
		{"2021-Q4", 10, "2022-01-10"},
		{"2021-11", 10, "2021-12-10"},
		{"2021-H1", 10, "2021-07-10"},
		{"2021-02", 31, "2021-03-28"}, // clamped
	} {
		p, _ := ParsePeriod(c.period)
		if got := DueDay(p, c.day); got != c.want {
			t.Errorf("%s day %d: %s, want %s", c.period, c.day, got, c.want)
		}
	}
}

func TestFrequencyRULES3(t *testing.T) {
	r := DefaultRules
	for _, c := range []struct {
		kind  string
		heavy bool
		want  int
	}{
		{KindVillage, false, 3}, {KindVillage, true, 3}, // 村务 at least quarterly
		{KindFinance, false, 3}, {KindFinance, true, 1}, // 财务 monthly where heavy, else quarterly
		{KindParty, false, 6}, // 党务 half-yearly
	} {
		if got := FrequencyMonths(r, c.kind, c.heavy); got != c.want {
			t.Errorf("%s heavy=%v: %d, want %d", c.kind, c.heavy, got, c.want)
		}
	}
}

func TestDueFlagsRULES3(t *testing.T) {
	type pub = PublishedPeriod
	cases := []struct {
		name   string
		months int
		pubs   []pub
		from   string
		today  string
		want   map[string]string // period → status
	}{
		{"quarterly on the due day is on time", 3, []pub{{"2021-Q3", "2021-10-10"}}, "2021-07-01", "2021-12-20",
			map[string]string{"2021-Q3": DueOK, "2021-Q4": DuePending}},
		{"quarterly a day after the due day is late", 3, []pub{{"2021-Q3", "2021-10-11"}}, "2021-07-01", "2021-12-20",
			map[string]string{"2021-Q3": DueLate}},
		{"nothing published and today is the due day: pending", 3, nil, "2021-07-01", "2021-10-10",
			map[string]string{"2021-Q3": DuePending, "2021-Q4": DuePending}},
		{"nothing published and today is the day after: overdue", 3, nil, "2021-07-01", "2021-10-11",
			map[string]string{"2021-Q3": DueOverdue}},
		{"published during the period counts", 3, []pub{{"2021-Q3", "2021-09-28"}}, "2021-07-01", "2021-10-20",
			map[string]string{"2021-Q3": DueOK}},
		{"monthly finance: a quarterly disclosure covers the months but late for the first two", 1, []pub{{"2021-Q3", "2021-10-08"}}, "2021-07-01", "2021-10-20",
			map[string]string{"2021-07": DueLate, "2021-08": DueLate, "2021-09": DueOK, "2021-10": DuePending}},
		{"a monthly disclosure does not cover a quarter", 3, []pub{{"2021-07", "2021-08-01"}}, "2021-07-01", "2021-10-20",
			map[string]string{"2021-Q3": DueOverdue}},
		{"half-yearly party affairs", 6, []pub{{"2021-H1", "2021-07-02"}}, "2021-01-01", "2021-12-20",
			map[string]string{"2021-H1": DueOK, "2021-H2": DuePending}},
		{"the earliest of two covering disclosures decides", 3, []pub{{"2021-Q2", "2021-07-20"}, {"2021-Q2", "2021-07-05"}}, "2021-04-01", "2021-08-01",
			map[string]string{"2021-Q2": DueOK}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs, err := DueFlags(KindVillage, c.months, 10, c.pubs, c.from, c.today)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, f := range fs {
				got[f.Period] = f.Status
			}
			for p, want := range c.want {
				if got[p] != want {
					t.Errorf("%s: %q, want %q (all: %v)", p, got[p], want, got)
				}
			}
		})
	}
	fs, _ := DueFlags(KindVillage, 3, 10, nil, "2021-07-01", "2021-10-15")
	if fs[0].DaysLate != 5 || !fs[0].Flagged() {
		t.Errorf("overdue days: %+v", fs[0])
	}
	if _, err := DueFlags(KindVillage, 5, 10, nil, "2021-01-01", "2021-12-01"); err == nil {
		t.Error("a 5-month frequency accepted")
	}
}

func TestMaskPayee(t *testing.T) {
	for in, want := range map[string]string{"张三": "张*", "欧阳小明": "欧***", "沧州市政建设有限公司": "沧州市政建设有限公司", "东王村股份经济合作社": "东王村股份经济合作社", "": ""} {
		if got := maskPayee(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
