package organ

import (
	"context"
	"strings"
	"testing"

	"zhongshu/internal/platform/errs"
)

func stdLoad(t *testing.T, e *testEnv) {
	t.Helper()
	if err := loadStandardsDemo(e.M, context.Background()); err != nil {
		t.Fatal(err)
	}
}

// secretaryAccount finds a demo member account holding branch_secretary or
// branch_committee in an organ branch, with that branch.
func secretaryAccount(t *testing.T, e *testEnv) (string, int64) {
	t.Helper()
	var u string
	var b int64
	var pid int64
	ctx := context.Background()
	// No demo member account holds a branch position: make member_2 a
	// committee member of their own organ branch.
	u = "member_2"
	if err := e.DB.Q(ctx).QueryRowContext(ctx, `SELECT p.id, p.branch_id FROM users u JOIN people p ON p.id = u.person_id WHERE u.username = ?`, u).Scan(&pid, &b); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB.Q(ctx).ExecContext(ctx, `INSERT INTO positions (person_id, title, branch_id, started_on) VALUES (?, 'branch_committee', ?, '2021-01-01')`, pid, b); err != nil {
		t.Fatal(err)
	}
	return u, b
}

func TestStandardsStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		stdLoad(t, e)
		com := e.principal(t, "committee")
		rk, err := e.M.StdRanking(ctx, com, 2021)
		if err != nil {
			t.Fatal(err)
		}
		if len(rk.Scores) != 16 {
			t.Fatalf("%d branches ranked, want 16", len(rk.Scores))
		}
		for i, s := range rk.Scores {
			if s.Score < 78 || s.Score > 98 {
				t.Errorf("%s scores %d, want 78–98", s.Branch, s.Score)
			}
			if i > 0 && s.Score > rk.Scores[i-1].Score {
				t.Errorf("ranking not ordered at %d", i)
			}
		}
		b := rk.Scores[0].BranchID
		v, err := e.M.StdBranch(ctx, com, b, 2021)
		if err != nil {
			t.Fatal(err)
		}
		if v.Score != rk.Scores[0].Score || len(v.Lines) != 21 {
			t.Errorf("branch view score %d lines %d, want %d and 21", v.Score, len(v.Lines), rk.Scores[0].Score)
		}
		it := v.Lines[0]
		// Out of range and reasonless deductions change nothing.
		for _, in := range []AssessInput{{Year: 2021, ItemID: it.ID, Deducted: it.MaxPoints + 1, Reason: "x"}, {Year: 2021, ItemID: it.ID, Deducted: 1}, {Year: 2021, ItemID: 0}} {
			if err := e.M.Assess(ctx, com, b, in); !stdInvalid(err) {
				t.Errorf("Assess(%+v) = %v, want invalid", in, err)
			}
		}
		if err := e.M.Assess(ctx, com, b, AssessInput{Year: 2021, ItemID: it.ID, Deducted: it.MaxPoints, Reason: "未见年度计划"}); err != nil {
			t.Fatal(err)
		}
		s, ok, err := e.M.StdBranchScore(ctx, b, 2021)
		prev := 0
		if it.Assessment != nil {
			prev = it.Assessment.Deducted
		}
		if err != nil || !ok || s != v.Score+prev-it.MaxPoints {
			t.Errorf("score after assessing = %d %v %v, want %d", s, ok, err, v.Score+prev-it.MaxPoints)
		}
		// A member cannot assess; a member without a position cannot add evidence.
		mem := e.principal(t, "member")
		if err := e.M.Assess(ctx, mem, b, AssessInput{Year: 2021, ItemID: it.ID}); err == nil {
			t.Error("member assessed")
		}
		if _, err := e.M.AddEvidence(ctx, mem, b, EvidenceInput{Year: 2021, ItemID: it.ID, Note: "x"}, nil); err == nil {
			t.Error("member added evidence to a branch")
		}
		u, own := secretaryAccount(t, e)
		sec := e.principal(t, u)
		if _, err := e.M.AddEvidence(ctx, sec, own, EvidenceInput{Year: 2021, ItemID: it.ID, Note: "会议记录"}, []Upload{{Name: "a.pdf", ContentType: "application/pdf", Data: demoPDF("a")}}); err != nil {
			t.Fatalf("secretary evidence for own branch: %v", err)
		}
		other := rk.Scores[0].BranchID
		if other == own {
			other = rk.Scores[1].BranchID
		}
		if _, err := e.M.AddEvidence(ctx, sec, other, EvidenceInput{Year: 2021, ItemID: it.ID, Note: "x"}, nil); err == nil {
			t.Error("secretary added evidence to another branch")
		}
		if s, ok, _ := e.M.StdBranchScore(ctx, b, 2020); ok || s != 100 {
			t.Errorf("2020 score %d %v, want 100 unassessed", s, ok)
		}
	})
}

func TestDocumentsStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		stdLoad(t, e)
		com, mem := e.principal(t, "committee"), e.principal(t, "member")
		all, err := e.M.Documents(ctx, mem, DocFilter{})
		if err != nil || len(all) != 4 {
			t.Fatalf("documents %d %v, want the seed's 4", len(all), err)
		}
		for q, want := range map[string]int{"指导意见": 1, "开机党〔2021〕5号": 1, "责任": 2, "100%_": 0, "": 4} {
			got, err := e.M.Documents(ctx, mem, DocFilter{Q: q})
			if err != nil || len(got) != want {
				t.Errorf("search %q: %d %v, want %d", q, len(got), err, want)
			}
		}
		if _, err := e.M.SaveDocument(ctx, com, all[0].ID, DocumentInput{Title: "改"}, nil); errs.KindOf(err) != errs.Conflict {
			t.Errorf("editing an issued document: %v, want conflict", err)
		}
		if _, err := e.M.SaveDocument(ctx, com, 0, DocumentInput{Title: " "}, nil); !stdInvalid(err) {
			t.Errorf("empty title: %v", err)
		}
		id, err := e.M.SaveDocument(ctx, com, 0, DocumentInput{Title: "草稿", Body: "第一段\n\n第二段"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.M.SetDocumentStatus(ctx, com, id, DocIssued); !stdInvalid(err) {
			t.Errorf("issuing without a number: %v", err)
		}
		if _, err := e.M.Document(ctx, mem, id); errs.KindOf(err) != errs.NotFound {
			t.Errorf("member reads a draft: %v", err)
		}
		if _, err := e.M.SaveDocument(ctx, com, id, DocumentInput{Title: "草稿", Number: "开机党〔2021〕9号", IssuedOn: "2021-12-20", Body: "正文"}, nil); err != nil {
			t.Fatal(err)
		}
		if err := e.M.SetDocumentStatus(ctx, com, id, DocIssued); err != nil {
			t.Fatal(err)
		}
		if err := e.M.SetDocumentStatus(ctx, com, id, DocRepealed); err != nil {
			t.Fatal(err)
		}
		d, _ := e.M.Document(ctx, mem, id)
		if d.Status != DocRepealed || strings.Join(d.Paragraphs(), "|") != "正文" {
			t.Errorf("document %+v", d)
		}
		if _, err := e.M.SaveDocument(ctx, mem, 0, DocumentInput{Title: "x"}, nil); err == nil {
			t.Error("member created a document")
		}
	})
}

func TestTrainingStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		stdLoad(t, e)
		com, mem := e.principal(t, "committee"), e.principal(t, "member")
		tp, err := e.M.Training(ctx, com, 2021)
		if err != nil {
			t.Fatal(err)
		}
		if len(tp.Courses) != 8 || len(tp.Branches) != 16 || len(tp.Members) == 0 {
			t.Fatalf("courses %d branches %d members %d", len(tp.Courses), len(tp.Branches), len(tp.Members))
		}
		held := 0
		for _, c := range tp.Courses {
			if c.Held {
				held++
			}
		}
		if held != 5 {
			t.Errorf("%d courses held by the demo clock, want 5", held)
		}
		mt, err := e.M.Training(ctx, mem, 2021)
		if err != nil {
			t.Fatal(err)
		}
		if mt.Mine == nil || mt.Mine.Expected < 3 || mt.Members != nil || mt.Branches != nil {
			t.Errorf("member's view: mine %+v, members %d", mt.Mine, len(mt.Members))
		}
		// Attendance: only after the course, only its audience.
		var future, past Course
		for _, c := range tp.Courses {
			if c.Held && c.Audience == "all" {
				past = c
			}
			if !c.Held && future.ID == 0 {
				future = c
			}
		}
		if err := e.M.RecordAttendance(ctx, com, future.ID, nil); errs.KindOf(err) != errs.Conflict {
			t.Errorf("attendance of a future course: %v", err)
		}
		if err := e.M.RecordAttendance(ctx, com, past.ID, []int64{999999}); !stdInvalid(err) {
			t.Errorf("attendance of an outsider: %v", err)
		}
		if err := e.M.RecordAttendance(ctx, com, past.ID, []int64{mt.Mine.PersonID}); err != nil {
			t.Fatal(err)
		}
		cv, _ := e.M.CourseDetail(ctx, com, past.ID)
		if cv.Present != 1 {
			t.Errorf("present %d, want 1", cv.Present)
		}
		if err := e.M.RecordAttendance(ctx, mem, past.ID, nil); err == nil {
			t.Error("member recorded attendance")
		}
		if _, err := e.M.SaveCourse(ctx, com, CourseInput{Title: "x", StartsOn: "2021-12-25", EndsOn: "2021-12-24", Audience: "all", Hours: 2}); !stdInvalid(err) {
			t.Errorf("course ending before it starts: %v", err)
		}
		if _, err := e.M.SaveCourse(ctx, com, CourseInput{Title: "x", StartsOn: "2021-12-25", Audience: "all", Hours: 2}); err != nil {
			t.Error(err)
		}
	})
}
