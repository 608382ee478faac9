package village

import (
	"testing"

	"zhongshu/internal/platform/errs"
)

// RULES.md 4 (last row): 挂牌 → 办理中 → 申请销号 → 验收 → 销号.
func TestMatterNextRULES4(t *testing.T) {
	cases := []struct {
		from, act, want string
		kind            errs.Kind
	}{
		{MatterListed, MatterActProgress, MatterInProgress, ""},
		{MatterInProgress, MatterActProgress, MatterInProgress, ""},
		{MatterListed, MatterActCloseRequest, "", errs.Conflict}, // no progress yet
		{MatterInProgress, MatterActCloseRequest, MatterCloseRequested, ""},
		{MatterCloseRequested, MatterActProgress, "", errs.Conflict},
		{MatterCloseRequested, MatterActCloseRequest, "", errs.Conflict},
		{MatterCloseRequested, MatterActVerifyPass, MatterClosed, ""},
		{MatterCloseRequested, MatterActVerifyFail, MatterInProgress, ""},
		{MatterInProgress, MatterActVerifyPass, "", errs.Conflict}, // verification only after the request
		{MatterListed, MatterActVerifyFail, "", errs.Conflict},
		{MatterClosed, MatterActProgress, "", errs.Conflict}, // a closed matter's timeline is final
		{MatterClosed, MatterActCloseRequest, "", errs.Conflict},
		{MatterClosed, MatterActVerifyPass, "", errs.Conflict},
		{MatterListed, "delete", "", errs.Invalid},
	}
	for _, c := range cases {
		got, err := MatterNext(c.from, c.act)
		if c.kind == "" {
			if err != nil || got != c.want {
				t.Errorf("%s + %s = %q, %v; want %q", c.from, c.act, got, err, c.want)
			}
			continue
		}
		if err == nil || errs.KindOf(err) != c.kind {
			t.Errorf("%s + %s: err %v, want kind %s", c.from, c.act, err, c.kind)
		}
	}
}

// RULES.md 4: past its deadline and not closed → 逾期; the deadline day
// itself is not yet overdue; a closed matter is never overdue.
func TestMatterOverdueRULES4(t *testing.T) {
	cases := []struct {
		status, deadline, today string
		want                    bool
	}{
		{MatterInProgress, "2021-11-30", "2021-11-29", false},
		{MatterInProgress, "2021-11-30", "2021-11-30", false}, // exactly on the deadline
		{MatterInProgress, "2021-11-30", "2021-12-01", true},  // one day past
		{MatterListed, "2021-11-30", "2021-12-20", true},
		{MatterCloseRequested, "2021-11-30", "2021-12-20", true}, // asking is not closing
		{MatterClosed, "2021-11-30", "2021-12-20", false},
	}
	for _, c := range cases {
		if got := MatterOverdue(c.status, c.deadline, c.today); got != c.want {
			t.Errorf("%s deadline %s on %s: %v, want %v", c.status, c.deadline, c.today, got, c.want)
		}
	}
}

// RULES.md 4: 验收 by someone other than the responsible person.
func TestMatterVerifierRULES4(t *testing.T) {
	cases := []struct {
		respID       int64
		respName     string
		verID        int64
		verName      string
		wantRefused  bool
		whatItChecks string
	}{
		{12, "王强", 12, "王强", true, "the responsible person by id"},
		{12, "王强", 13, "王强", false, "same name, another person (id decides)"},
		{12, "王强", 0, "石武毅", false, "an account without a person"},
		{0, "王强", 13, "王强", true, "no responsible id: the name decides"},
		{0, "王强", 13, " 王强 ", true, "names are compared trimmed"},
		{0, "王强", 13, "石武毅", false, "another name"},
	}
	for _, c := range cases {
		err := MatterVerifierOK(c.respID, c.respName, c.verID, c.verName)
		if (err != nil) != c.wantRefused {
			t.Errorf("%s: err %v, want refused=%v", c.whatItChecks, err, c.wantRefused)
		}
		if err != nil && errs.KindOf(err) != errs.Conflict {
			t.Errorf("%s: kind %s", c.whatItChecks, errs.KindOf(err))
		}
	}
}

func TestSortBoardOverdueFirst(t *testing.T) {
	ms := []Matter{
		{ID: 1, Status: MatterClosed, ClosedOn: "2021-10-01", Deadline: "2021-10-31"},
		{ID: 2, Status: MatterInProgress, Deadline: "2022-01-15"},
		{ID: 3, Status: MatterInProgress, Deadline: "2021-11-30", Overdue: true},
		{ID: 4, Status: MatterClosed, ClosedOn: "2021-11-01", Deadline: "2021-11-30"},
		{ID: 5, Status: MatterListed, Deadline: "2021-12-31"},
	}
	sortMattersBoard(ms)
	want := []int64{3, 5, 2, 4, 1}
	for i, id := range want {
		if ms[i].ID != id {
			t.Fatalf("order %v, want %v", ms, want)
		}
	}
}
