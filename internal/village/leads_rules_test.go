package village

import (
	"testing"

	"zhongshu/internal/platform/errs"
)

// RULES.md §4 "Problem-lead disposal": verification first, then exactly one
// outcome; nothing moves a final lead.
func TestLeadNextRULES4(t *testing.T) {
	cases := []struct {
		status, action, outcome string
		want                    string
		kind                    errs.Kind
	}{
		{LeadReceived, LeadActVerify, "", LeadVerifying, ""},
		{LeadVerifying, LeadActVerify, "", "", errs.Conflict},
		{LeadClosed, LeadActVerify, "", "", errs.Conflict},
		{LeadVerifying, LeadActDispose, LeadClosed, LeadClosed, ""},
		{LeadVerifying, LeadActDispose, LeadTalk, LeadTalk, ""},
		{LeadVerifying, LeadActDispose, LeadInquiry, LeadInquiry, ""},
		{LeadVerifying, LeadActDispose, LeadTransferred, LeadTransferred, ""},
		{LeadReceived, LeadActDispose, LeadClosed, "", errs.Conflict}, // no outcome without 初核
		{LeadTalk, LeadActDispose, LeadClosed, "", errs.Conflict},     // exactly one outcome
		{LeadTransferred, LeadActDispose, LeadTransferred, "", errs.Conflict},
		{LeadVerifying, LeadActDispose, LeadVerifying, "", errs.Invalid}, // not an outcome
		{LeadVerifying, LeadActDispose, LeadReceived, "", errs.Invalid},
		{LeadVerifying, LeadActDispose, "", "", errs.Invalid},
		{LeadVerifying, LeadActDispose, "shelved", "", errs.Invalid},
		{LeadReceived, "close", "", "", errs.Invalid},
	}
	for _, c := range cases {
		got, err := LeadNext(c.status, c.action, c.outcome)
		if c.kind == "" {
			if err != nil || got != c.want {
				t.Errorf("%s %s %s: got %q %v, want %q", c.status, c.action, c.outcome, got, err, c.want)
			}
			continue
		}
		if err == nil || errs.KindOf(err) != c.kind {
			t.Errorf("%s %s %s: got %q %v, want a %s error", c.status, c.action, c.outcome, got, err, c.kind)
		}
	}
}

// The 初核 deadline: due = received + N days; the due day itself is in
// time, the next day is overdue; final leads are never overdue.
func TestLeadDeadline(t *testing.T) {
	cases := []struct {
		status, received string
		days             int
		today            string
		due              string
		overdue          bool
		left             int
	}{
		{LeadReceived, "2021-11-02", 30, "2021-12-02", "2021-12-02", false, 0},
		{LeadReceived, "2021-11-02", 30, "2021-12-03", "2021-12-02", true, -1},
		{LeadVerifying, "2021-11-02", 30, "2021-12-20", "2021-12-02", true, -18},
		{LeadVerifying, "2021-11-02", 30, "2021-11-02", "2021-12-02", false, 30},
		{LeadTalk, "2021-01-01", 30, "2021-12-20", "2021-01-31", false, -323},
		{LeadReceived, "2021-02-01", 28, "2021-03-01", "2021-03-01", false, 0}, // February
		{LeadReceived, "2021-12-20", 15, "2021-12-20", "2022-01-04", false, 15},
		{LeadReceived, "2021-12-20", 1, "2021-12-22", "2021-12-21", true, -1},
	}
	for _, c := range cases {
		if got := LeadDue(c.received, c.days); got != c.due {
			t.Errorf("due(%s, %d) = %s, want %s", c.received, c.days, got, c.due)
		}
		if got := LeadOverdue(c.status, c.received, c.days, c.today); got != c.overdue {
			t.Errorf("overdue(%s, %s, %d, %s) = %v, want %v", c.status, c.received, c.days, c.today, got, c.overdue)
		}
		if got := LeadDaysLeft(c.received, c.days, c.today); got != c.left {
			t.Errorf("left(%s, %d, %s) = %d, want %d", c.received, c.days, c.today, got, c.left)
		}
	}
	if LeadDue("2021-13-01", 30) != "" || LeadOverdue(LeadReceived, "bad", 30, "2021-12-20") {
		t.Error("a bad day has no due day and is not overdue")
	}
}

func TestLeadStepDay(t *testing.T) {
	cases := []struct {
		day, after, today string
		ok                bool
	}{
		{"2021-12-20", "2021-12-01", "2021-12-20", true},
		{"2021-12-01", "2021-12-01", "2021-12-20", true}, // same day as the previous step
		{"2021-11-30", "2021-12-01", "2021-12-20", false},
		{"2021-12-21", "", "2021-12-20", false}, // future
		{"2021-02-29", "", "2021-12-20", false}, // not a day
		{"20211201", "", "2021-12-20", false},
	}
	for _, c := range cases {
		err := leadCheckStepDay("day", c.day, c.after, c.today)
		if (err == nil) != c.ok {
			t.Errorf("%s after %s today %s: %v", c.day, c.after, c.today, err)
		}
	}
}
