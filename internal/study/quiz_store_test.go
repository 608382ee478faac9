package study

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/errs"
)

func quizKindIs(t *testing.T, what string, err error, k errs.Kind) {
	t.Helper()
	var l errs.List
	if k == errs.Invalid && errors.As(err, &l) {
		return
	}
	if err == nil || errs.KindOf(err) != k {
		t.Fatalf("%s: %v, want %s", what, err, k)
	}
}

func quizAt(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, clock.Zone)
}

// insertSentences writes daily sentences the way the daily part stores
// them (its table, its columns).
func quizInsertSentences(t *testing.T, e *testEnv, rows ...[3]string) {
	t.Helper()
	for _, r := range rows {
		if _, err := e.DB.W.ExecContext(context.Background(), e.DB.Rebind(`INSERT INTO study_sentences (day, text, source, key_phrases, created_at, updated_at)
			VALUES (?, ?, '测试', ?, ?, ?)`), r[0], r[1], r[2], demoNow, demoNow); err != nil {
			t.Fatal(err)
		}
	}
}

// The monthly quiz from creation to results, on both stores: built from
// the month's sentences, editable until it opens, one timed attempt per
// member, a make-up only for those who did not attempt, auto-graded with
// points, results per branch in scope.
func TestQuizLifecycle(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		editor := e.principal(t, "committee")
		member := e.principal(t, "member")    // 经发局党支部
		member2 := e.principal(t, "member_2") // 组织部党支部
		member3 := e.principal(t, "member_3") // 税务局党支部
		quizInsertSentences(t, e,
			[3]string{"2021-12-01", "不忘初心，方得始终。", `["初心","始终"]`},
			[3]string{"2021-12-02", "为人民服务。", `["人民"]`},
			[3]string{"2021-12-03", "没有关键词。", `[]`},
			[3]string{"2021-11-30", "别的月份。", `["月份"]`},
		)

		if _, err := e.M.CreateQuiz(ctx, member, QuizInput{Month: "2021-12"}); err == nil || errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("a member created a quiz: %v", err)
		}
		_, err := e.M.CreateQuiz(ctx, editor, QuizInput{Month: "2021-12", TimeLimitMin: 181})
		quizKindIs(t, "bad limit", err, errs.Invalid)
		id, err := e.M.CreateQuiz(ctx, editor, QuizInput{Month: "2021-12"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.M.CreateQuiz(ctx, editor, QuizInput{Month: "2021-12"})
		quizKindIs(t, "second quiz for the month", err, errs.Conflict)

		// A draft is the editors' only.
		_, err = e.M.QuizView(ctx, member, id)
		quizKindIs(t, "member sees a draft", err, errs.NotFound)
		ed, err := e.M.QuizForEdit(ctx, editor, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(ed.Questions) != 2 || ed.Questions[0].Phrase != "始终" || ed.Questions[1].Phrase != "人民" || ed.Sentences != 3 || !ed.Editable {
			t.Fatalf("blanks %+v", ed)
		}
		_, err = e.M.QuizForEdit(ctx, member, id)
		quizKindIs(t, "member edits", err, errs.Forbidden)

		_, err = e.M.AddQuizChoice(ctx, editor, id, QuizChoiceInput{Kind: QuizSingle, Prompt: "?", Options: []string{"a"}, Correct: []int{0}})
		quizKindIs(t, "one option", err, errs.Invalid)
		cid, err := e.M.AddQuizChoice(ctx, editor, id, QuizChoiceInput{Kind: QuizMultiple, Prompt: "哪些是新发展理念？", Options: []string{"创新", "协调", "守旧"}, Correct: []int{0, 1}, Points: 6})
		if err != nil {
			t.Fatal(err)
		}
		spare, err := e.M.AddQuizChoice(ctx, editor, id, QuizChoiceInput{Kind: QuizSingle, Prompt: "多余的题", Options: []string{"甲", "乙"}, Correct: []int{0}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.M.RemoveQuizQuestion(ctx, editor, id, spare); err != nil {
			t.Fatal(err)
		}
		quizKindIs(t, "remove a blank", e.M.RemoveQuizQuestion(ctx, editor, id, ed.Questions[0].ID), errs.Invalid)
		if err := e.M.PublishQuiz(ctx, editor, id); err != nil {
			t.Fatal(err)
		}
		quizKindIs(t, "publish twice", e.M.PublishQuiz(ctx, editor, id), errs.Conflict)

		// Published, not yet open (demo clock 2021-12-20).
		v, err := e.M.QuizView(ctx, member, id)
		if err != nil {
			t.Fatal(err)
		}
		if v.Quiz.Phase != QuizPhaseUpcoming || v.CanStart || v.Quiz.MaxScore != 10 || v.Quiz.Questions != 3 {
			t.Fatalf("upcoming %+v", v)
		}
		_, _, err = e.M.StartQuiz(ctx, member, id)
		quizKindIs(t, "start before opening", err, errs.Conflict)

		// Opening day: the paper is frozen.
		e.Clock.Set(quizAt(2021, 12, 29, 10, 0))
		_, err = e.M.AddQuizChoice(ctx, editor, id, QuizChoiceInput{Kind: QuizSingle, Prompt: "迟到的题", Options: []string{"甲", "乙"}, Correct: []int{0}})
		quizKindIs(t, "add after opening", err, errs.Conflict)

		v, started, err := e.M.StartQuiz(ctx, member, id)
		if err != nil || !started || v.Attempt.Sitting != SittingMain || v.Attempt.RemainingSeconds != 20*60 || len(v.Questions) != 3 {
			t.Fatalf("start: %v %v %+v", err, started, v)
		}
		for _, q := range v.Questions {
			if q.Phrase != "" || q.Correct != nil {
				t.Fatalf("a running paper shows its key: %+v", q)
			}
		}
		e.Clock.Advance(5 * time.Minute)
		v, started, err = e.M.StartQuiz(ctx, member, id)
		if err != nil || started || v.Attempt.RemainingSeconds != 15*60 {
			t.Fatalf("resume: %v %v %+v", err, started, v.Attempt)
		}
		blanks := v.Questions
		a, err := e.M.SubmitQuiz(ctx, member, id, []QuizAnswer{
			{Question: blanks[0].ID, Text: "始 终"}, {Question: blanks[1].ID, Text: "人民"}, {Question: cid, Choices: []int{1, 0}}})
		if err != nil {
			t.Fatal(err)
		}
		if a.Score != 10 || a.MaxScore != 10 || !a.Passed || a.Points != 10 || a.State != AttemptSubmitted {
			t.Fatalf("full marks: %+v", a)
		}
		if n, _ := e.M.PointsOf(ctx, member.PersonID, "2021-12-29", "2021-12-29"); n != 10 {
			t.Fatalf("points %d", n)
		}
		_, err = e.M.SubmitQuiz(ctx, member, id, nil)
		quizKindIs(t, "submit twice", err, errs.Conflict)
		_, _, err = e.M.StartQuiz(ctx, member, id)
		quizKindIs(t, "start again", err, errs.Conflict)

		// member_2 runs out of time: 20 min + 30 s grace, then refused.
		if _, _, err := e.M.StartQuiz(ctx, member2, id); err != nil {
			t.Fatal(err)
		}
		e.Clock.Advance(20*time.Minute + 30*time.Second)
		e.Clock.Advance(time.Second)
		_, err = e.M.SubmitQuiz(ctx, member2, id, []QuizAnswer{{Question: blanks[1].ID, Text: "人民"}})
		quizKindIs(t, "late answers", err, errs.Conflict)
		if !strings.Contains(errs.As(err).Zh, "已超过答题时限") || !strings.Contains(errs.As(err).En, "30 s") {
			t.Fatalf("late message: %v", err)
		}
		v, _ = e.M.QuizView(ctx, member2, id)
		if v.Attempt == nil || v.Attempt.State != AttemptExpired || v.CanStart {
			t.Fatalf("expired %+v", v)
		}

		// The make-up: only for those who did not attempt.
		e.Clock.Set(quizAt(2022, 1, 2, 9, 0))
		_, _, err = e.M.StartQuiz(ctx, member2, id)
		quizKindIs(t, "make-up after an attempt", err, errs.Conflict)
		v, _, err = e.M.StartQuiz(ctx, member3, id)
		if err != nil || v.Attempt.Sitting != SittingMakeup {
			t.Fatalf("make-up: %v %+v", err, v)
		}
		a, err = e.M.SubmitQuiz(ctx, member3, id, []QuizAnswer{{Question: blanks[0].ID, Text: "始终"}, {Question: cid, Choices: []int{0, 1}}})
		if err != nil || a.Score != 8 || !a.Passed || a.Points != 8 {
			t.Fatalf("make-up pass: %v %+v", err, a)
		}

		// Closed: nobody starts; the answers are shown.
		e.Clock.Set(quizAt(2022, 1, 4, 9, 0))
		_, _, err = e.M.StartQuiz(ctx, editor, id)
		quizKindIs(t, "start after the make-up", err, errs.Conflict)
		v, _ = e.M.QuizView(ctx, member, id)
		if v.Quiz.Phase != QuizPhaseClosed || v.Questions[0].Phrase != "始终" || len(v.Attempt.Marks) != 3 {
			t.Fatalf("closed view %+v", v)
		}

		// Results: the committee sees every branch; a member their own.
		memberBranch, _ := e.M.Dir.BranchOf(ctx, member.PersonID)
		otherBranch, _ := e.M.Dir.BranchOf(ctx, member2.PersonID)
		r, err := e.M.QuizResults(ctx, editor, id, 0)
		if err != nil {
			t.Fatal(err)
		}
		if r.Zone == nil || r.Zone.Participants != 3 || len(r.Branches) < 16 || r.Members != nil {
			t.Fatalf("committee results: zone %+v, %d branches", r.Zone, len(r.Branches))
		}
		for _, b := range r.Branches {
			if b.BranchID == memberBranch && (b.Participants != 1 || b.Average != 10 || b.Full != 1) {
				t.Fatalf("member's branch %+v", b)
			}
			if b.BranchID == otherBranch && (b.Participants != 1 || b.Average != 0 || b.Passed != 0) {
				t.Fatalf("expired attempt's branch %+v", b)
			}
		}
		r, err = e.M.QuizResults(ctx, editor, id, memberBranch)
		if err != nil || len(r.Members) < 8 {
			t.Fatalf("committee, one branch: %v %d", err, len(r.Members))
		}
		absent := 0
		for _, mr := range r.Members {
			if mr.PersonID == member.PersonID && (mr.Score != 10 || mr.State != AttemptSubmitted) {
				t.Fatalf("member line %+v", mr)
			}
			if mr.State == AttemptAbsent {
				absent++
			}
		}
		if absent != len(r.Members)-1 {
			t.Fatalf("%d absent of %d", absent, len(r.Members))
		}
		r, err = e.M.QuizResults(ctx, member, id, 0)
		if err != nil || r.Zone != nil || r.Members != nil || len(r.Branches) != 1 || r.Branches[0].BranchID != memberBranch || r.Own.Score != 10 {
			t.Fatalf("member results: %v %+v", err, r)
		}
		_, err = e.M.QuizResults(ctx, member, id, otherBranch)
		quizKindIs(t, "member asks for another branch", err, errs.NotFound)
		if _, err := e.M.QuizResults(ctx, member, id, memberBranch); err != nil {
			t.Fatalf("member asks for their own branch: %v", err)
		}
		vs := e.principal(t, "village_secretary")
		r, err = e.M.QuizResults(ctx, vs, id, 0)
		if err != nil || len(r.Branches) != 0 || r.Own != nil {
			t.Fatalf("a learner without branch rights: %v %+v", err, r)
		}

		// No person, no attempt.
		nobody := &auth.Principal{UserID: 999999, Username: "x", Grants: []auth.Grant{{Role: auth.Committee, ScopeKind: auth.ScopeZone}}}
		_, _, err = e.M.StartQuiz(ctx, nobody, id)
		quizKindIs(t, "no person", err, errs.Forbidden)

		// The figure: quizzes whose last day has passed.
		fs, err := e.M.Figures(ctx, "2021-01-01", "2022-01-31")
		if err != nil {
			t.Fatal(err)
		}
		if got := quizFigure(fs, "quizzes_held"); got != 1 {
			t.Fatalf("quizzes_held %d", got)
		}
		e.Clock.Set(quizAt(2022, 1, 3, 12, 0))
		fs, _ = e.M.Figures(ctx, "2021-01-01", "2022-01-31")
		if got := quizFigure(fs, "quizzes_held"); got != 0 {
			t.Fatalf("quizzes_held while the make-up runs: %d", got)
		}
	})
}

func quizFigure(fs []Figure, key string) int {
	for _, f := range fs {
		if f.Key == key {
			return f.Value
		}
	}
	return -1
}

// A quiz whose month has no sentence and no choice cannot be published.
func TestQuizPublishEmpty(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		editor := e.principal(t, "committee")
		id, err := e.M.CreateQuiz(ctx, editor, QuizInput{Month: "2022-01"})
		if err != nil {
			t.Fatal(err)
		}
		quizKindIs(t, "empty quiz", e.M.PublishQuiz(ctx, editor, id), errs.Conflict)
		old, err := e.M.CreateQuiz(ctx, editor, QuizInput{Month: "2021-10"})
		if err != nil {
			t.Fatal(err)
		}
		quizKindIs(t, "past quiz", e.M.PublishQuiz(ctx, editor, old), errs.Conflict)
	})
}
