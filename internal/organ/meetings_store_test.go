package organ

import (
	"context"
	"testing"
	"time"
)

func TestMeetingsDemoAndRecord(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		start := time.Now()
		if err := loadMeetingsDemo(e.M, ctx); err != nil {
			t.Fatal(err)
		}
		t.Logf("meetings demo: %v", time.Since(start))
		p := e.principal(t, "committee")
		c, err := e.M.Compliance(ctx, p, 2021)
		if err != nil {
			t.Fatal(err)
		}
		flagged := 0
		for _, r := range c.Rows {
			if r.Flags > 0 {
				flagged++
			}
		}
		if len(c.Rows) != 16 || flagged != 3 || c.Flags != 3 {
			t.Errorf("rows %d, flagged branches %d, flags %d", len(c.Rows), flagged, c.Flags)
		}
		b := c.Rows[0].BranchID
		id, err := e.M.SaveMeeting(ctx, p, 0, MeetingInput{BranchID: b, Kind: KindLecture, HeldOn: "2021-12-18", Topic: "专题党课", Present: 1, Absent: "出差", Lecturer: "书记"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		x, err := e.M.Meeting(ctx, p, id)
		if err != nil || x.Expected != c.Rows[0].Members {
			t.Fatalf("%+v %v", x, err)
		}
		if _, err := e.M.SaveMeeting(ctx, p, id, MeetingInput{Kind: KindLecture, HeldOn: "2021-12-21", Topic: "专题党课", Expected: 3, Present: 4}, nil); err == nil {
			t.Error("future day and present > expected accepted")
		}
	})
}
