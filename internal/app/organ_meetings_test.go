package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestOrganMeetingsWhoRecords: a branch secretary records in their own
// branch only (issue 7: "a branch secretary unable to edit another branch").
func TestOrganMeetingsWhoRecords(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		q := e.App.DB.Q(ctx)
		var person, own int64
		if err := q.QueryRowContext(ctx, `SELECT u.person_id, r.scope_id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE u.username = 'member'`).Scan(&person, &own); err != nil {
			t.Fatal(err)
		}
		var other, otherMeeting int64
		if err := q.QueryRowContext(ctx, `SELECT MIN(branch_id) FROM organ_meetings WHERE branch_id <> ?`, own).Scan(&other); err != nil {
			t.Fatal(err)
		}
		if err := q.QueryRowContext(ctx, `SELECT MIN(id) FROM organ_meetings WHERE branch_id = ?`, other).Scan(&otherMeeting); err != nil {
			t.Fatal(err)
		}
		m := e.as("member")
		body := func(b int64) string {
			return fmt.Sprintf(`{"branch_id":%d,"kind":"lecture","held_on":"2021-12-18","topic":"专题党课","present":1,"absent":"出差","lecturer":"书记"}`, b)
		}
		// Without a position in the branch: 403 and audited.
		var holds int
		_ = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM positions WHERE person_id = ? AND branch_id = ? AND ended_on = '' AND title IN ('branch_secretary','branch_committee')`, person, own).Scan(&holds)
		if holds == 0 {
			if st, b := m.do("POST", "/api/v1/organ/meetings", body(own)); st != 403 {
				t.Fatalf("member without position: %d %s", st, b)
			}
			if _, err := q.ExecContext(ctx, `INSERT INTO positions (person_id, title, branch_id, started_on, ended_on) VALUES (?, 'branch_committee', ?, '2021-01-01', '')`, person, own); err != nil {
				t.Fatal(err)
			}
		}
		if st, b := m.do("POST", "/api/v1/organ/meetings", body(own)); st != 201 {
			t.Fatalf("own branch: %d %s", st, b)
		}
		if st, _ := m.do("POST", "/api/v1/organ/meetings", body(other)); st != 404 {
			t.Errorf("other branch create: %d", st)
		}
		if st, _ := m.do("PUT", fmt.Sprintf("/api/v1/organ/meetings/%d", otherMeeting), body(other)); st != 404 {
			t.Errorf("other branch edit: %d", st)
		}
		if st, _ := m.do("GET", fmt.Sprintf("/api/v1/organ/meetings/%d", otherMeeting), ""); st != 404 {
			t.Errorf("other branch read: %d", st)
		}
		var denied int
		_ = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE result = 'denied' AND object_type = 'organ_meeting'`).Scan(&denied)
		if denied < 3 {
			t.Errorf("denials audited: %d", denied)
		}
		// The committee edits anywhere.
		c := e.as("committee")
		if st, b := c.do("PUT", fmt.Sprintf("/api/v1/organ/meetings/%d", otherMeeting), body(other)); st != 200 {
			t.Errorf("committee edit: %d %s", st, b)
		}
		// The calendar: a member sees only their own branch.
		var cal struct {
			Meetings []struct {
				BranchID int64 `json:"branch_id"`
			} `json:"meetings"`
		}
		if st := m.json("GET", "/api/v1/organ/meetings?month=2021-11", "", &cal); st != 200 || len(cal.Meetings) == 0 {
			t.Fatalf("calendar %d %d", st, len(cal.Meetings))
		}
		for _, x := range cal.Meetings {
			if x.BranchID != own {
				t.Errorf("member sees branch %d", x.BranchID)
			}
		}
	})
}

// TestOrganComplianceDemo: the compliance API against the demo's gaps.
func TestOrganComplianceDemo(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		var c struct {
			Flags int `json:"flags"`
			Rows  []struct {
				Branch string `json:"branch"`
				Flags  int    `json:"flags"`
				Cells  map[string][]struct {
					Period    string `json:"period"`
					Short     bool   `json:"short"`
					Inquorate int    `json:"inquorate"`
				} `json:"cells"`
			} `json:"rows"`
		}
		if st := e.as("committee").json("GET", "/api/v1/organ/compliance?year=2021", "", &c); st != 200 {
			t.Fatal(st)
		}
		if len(c.Rows) != 16 || c.Flags != 3 {
			t.Fatalf("rows %d flags %d", len(c.Rows), c.Flags)
		}
		if !c.Rows[4].Cells["general"][2].Short || !c.Rows[9].Cells["theme_day"][4].Short || c.Rows[13].Cells["committee"][7].Inquorate != 1 {
			t.Errorf("demo gaps not flagged: %+v", c.Rows[4].Cells["general"])
		}
		if c.Rows[0].Cells["theme_day"][11].Short { // December has not ended on 2021-12-20
			t.Error("current month flagged")
		}
		st, body := e.as("member").do("GET", "/organ/compliance?year=2021", "")
		if st != 200 || !strings.Contains(body, "2021") {
			t.Errorf("page %d", st)
		}
	})
}
