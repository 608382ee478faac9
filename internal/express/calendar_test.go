package express

import "testing"

// testCal2021 is the part of the 2021 calendar the tests cross: 国庆节
// 10.1–10.7 with 9.26 (Sunday) and 10.9 (Saturday) worked, 中秋节 9.19–9.21
// with 9.18 (Saturday) worked.
var testCal2021 = Calendar{
	"2021-09-18": calWorkday, "2021-09-19": calHoliday, "2021-09-20": calHoliday, "2021-09-21": calHoliday,
	"2021-09-26": calWorkday, "2021-10-01": calHoliday, "2021-10-02": calHoliday, "2021-10-03": calHoliday,
	"2021-10-04": calHoliday, "2021-10-05": calHoliday, "2021-10-06": calHoliday, "2021-10-07": calHoliday,
	"2021-10-09": calWorkday,
}

// RULES.md §9: "within N working days" counts working days after the day
// of the event, skipping the holiday calendar.
func TestAddWorkingDaysRules9(t *testing.T) {
	for _, c := range []struct {
		name, day string
		n         int
		want      string
	}{
		{"same week, Monday + 1", "2021-12-20", 1, "2021-12-21"},
		{"Thursday + 2 crosses the weekend", "2021-12-16", 2, "2021-12-20"},
		{"Friday + 1 is Monday", "2021-12-17", 1, "2021-12-20"},
		{"Saturday event: + 1 is Monday", "2021-12-18", 1, "2021-12-20"},
		{"Friday + 5 is next Friday", "2021-12-17", 5, "2021-12-24"},
		{"zero days is the day itself", "2021-12-18", 0, "2021-12-18"},
		{"Thursday 9.30 + 1 skips 国庆 10.1–7: Friday 10.8", "2021-09-30", 1, "2021-10-08"},
		{"9.30 + 2 is the worked Saturday 10.9", "2021-09-30", 2, "2021-10-09"},
		{"9.30 + 3 skips Sunday 10.10", "2021-09-30", 3, "2021-10-11"},
		{"Friday 9.24 + 1 is the worked Sunday 9.26", "2021-09-24", 1, "2021-09-26"},
		{"9.17 Friday + 1 is the worked Saturday 9.18", "2021-09-17", 1, "2021-09-18"},
		{"9.17 + 2 skips 中秋 9.19–21 and lands on 9.22", "2021-09-17", 2, "2021-09-22"},
		{"complex: 9.28 + 10 crosses 国庆", "2021-09-28", 10, "2021-10-18"},
	} {
		got, err := addWorkingDays(c.day, c.n, testCal2021)
		if err != nil || got != c.want {
			t.Errorf("%s: addWorkingDays(%s, %d) = %s, %v; want %s", c.name, c.day, c.n, got, err, c.want)
		}
	}
	if _, err := addWorkingDays("2021-13-01", 1, nil); err == nil {
		t.Error("a bad day must be refused")
	}
}

// The migration's calendar holds the 2021 notice (国庆 7 days, 2 worked
// weekend days) on both stores.
func TestCalendarSeedStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		cal, err := e.M.loadCalendar(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for day, kind := range testCal2021 {
			if cal[day] != kind {
				t.Errorf("%s: %q, want %q", day, cal[day], kind)
			}
		}
		h, w := 0, 0
		for d, k := range cal {
			if d[:4] == "2021" {
				if k == calHoliday {
					h++
				} else {
					w++
				}
			}
		}
		// 2021: 3+7+3+5+3+3+7 = 31 holiday days; 2+2+1+2 = 7 worked weekend days.
		if h != 31 || w != 7 {
			t.Errorf("2021: %d holiday days, %d worked weekend days; want 31, 7", h, w)
		}
		got, _ := addWorkingDays("2026-09-30", 1, cal)
		if got != "2026-10-08" {
			t.Errorf("2026 国庆: 9.30 + 1 = %s, want 2026-10-08", got)
		}
	})
}
