package organ

import (
	"context"
	"testing"
	"time"

	"zhongshu/internal/directory"
	"zhongshu/internal/platform/errs"
)

// Issue 7 items 8–9: a visit with participants and follow-ups; guidance
// with problems the committee closes and the branch's own secretary or
// committee member annotates (another branch: 404; no post: 403).
func TestVisitsStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		start := time.Now()
		if err := loadVisitsDemo(e.M, ctx); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > 200*time.Millisecond {
			t.Errorf("demo took %v", d)
		}
		com, mem := e.principal(t, "committee"), e.principal(t, "member")
		v, err := e.M.Visit(ctx, mem, 1)
		if err != nil {
			t.Fatal(err)
		}
		if v.Participants != 28 || len(v.Actions) != 2 || v.OpenActions != 1 || v.VisitedOn != "2021-11-18" {
			t.Fatalf("demo visit: %d participants, %d actions, %d open", v.Participants, len(v.Actions), v.OpenActions)
		}
		gs, err := e.M.GuidanceList(ctx, mem, 0)
		if err != nil || len(gs) < 10 || len(gs) > 12 {
			t.Fatalf("guidance: %d %v", len(gs), err)
		}

		// Create: the committee only; bad input changes nothing.
		if _, err := e.M.CreateVisit(ctx, mem, VisitInput{VisitedOn: "2021-12-01", Host: "财政局", Title: "交流学习"}, nil); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("member created a visit: %v", err)
		}
		if _, err := e.M.CreateVisit(ctx, com, VisitInput{VisitedOn: "2021-13-01", Host: "财政局", Title: "交流学习"}, nil); err == nil {
			t.Fatal("bad date accepted")
		}
		vid, err := e.M.CreateVisit(ctx, com, VisitInput{VisitedOn: "2021-12-01", Host: "财政局", Title: "交流学习", Participants: []int64{v.People[0].PersonID, v.People[0].PersonID}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		aid, err := e.M.AddVisitAction(ctx, com, vid, ActionInput{Body: "整理学习心得", Owner: "张三"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.SetActionStatus(ctx, com, aid, "done"); err != nil {
			t.Fatal(err)
		}
		if v2, _ := e.M.Visit(ctx, com, vid); v2.Participants != 1 || v2.OpenActions != 0 {
			t.Fatalf("new visit: %+v", v2)
		}

		// Guidance for member_2's branch, and for another organ branch.
		u, own := secretaryAccount(t, e)
		sec := e.principal(t, u)
		bs, _ := e.M.Dir.BranchList(ctx, directory.KindOrganBranch)
		var other int64
		for _, b := range bs {
			if b.ID != own {
				other = b.ID
				break
			}
		}
		if _, err := e.M.CreateGuidance(ctx, com, GuidanceInput{BranchID: own, GuidedOn: "2021-12-15", Method: "bogus", Summary: "查看台账"}); err == nil {
			t.Fatal("bad method accepted")
		}
		g1, err := e.M.CreateGuidance(ctx, com, GuidanceInput{BranchID: own, GuidedOn: "2021-12-15", Method: "review", Summary: "查看台账", Problems: []string{"记录不全", " ", "签到缺失"}})
		if err != nil {
			t.Fatal(err)
		}
		g2, err := e.M.CreateGuidance(ctx, com, GuidanceInput{BranchID: other, GuidedOn: "2021-12-16", Method: "talk", Summary: "座谈交流", Problems: []string{"计划不细"}})
		if err != nil {
			t.Fatal(err)
		}
		d1, _ := e.M.GuidanceDetail(ctx, com, g1)
		d2, _ := e.M.GuidanceDetail(ctx, com, g2)
		if len(d1.Problems) != 2 || d1.OpenProblems != 2 {
			t.Fatalf("problems: %+v", d1.Problems)
		}
		p1, p2 := d1.Problems[0].ID, d2.Problems[0].ID
		// The branch's committee member notes their own branch's problem.
		if _, err := e.M.RectifyProblem(ctx, sec, p1, "已补齐记录"); err != nil {
			t.Fatal(err)
		}
		// Another branch: out of scope (404).
		if _, err := e.M.RectifyProblem(ctx, sec, p2, "已补齐记录"); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("other branch: %v", err)
		}
		// A member of the branch without a post: 403.
		if _, err := e.M.RectifyProblem(ctx, mem, p1, "已补齐记录"); err == nil {
			t.Fatal("a plain member noted a problem")
		}
		// Closing: the committee only, once.
		if _, err := e.M.CloseProblem(ctx, sec, p1); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("secretary closed: %v", err)
		}
		if _, err := e.M.CloseProblem(ctx, com, p1); err != nil {
			t.Fatal(err)
		}
		if _, err := e.M.CloseProblem(ctx, com, p1); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("closed twice: %v", err)
		}
		if _, err := e.M.RectifyProblem(ctx, sec, p1, "再补充"); errs.KindOf(err) != errs.Conflict {
			t.Fatalf("note on closed: %v", err)
		}
		d1, _ = e.M.GuidanceDetail(ctx, com, g1)
		if pr := d1.Problems[0]; pr.Status != "closed" || pr.ClosedOn != "2021-12-20" || pr.Note != "已补齐记录" || d1.OpenProblems != 1 {
			t.Fatalf("closed problem: %+v", d1)
		}
		filtered, _ := e.M.GuidanceList(ctx, mem, own)
		for _, g := range filtered {
			if g.BranchID != own {
				t.Fatalf("branch filter: %+v", g)
			}
		}
		if len(filtered) == 0 {
			t.Fatal("branch filter: none")
		}
	})
}
