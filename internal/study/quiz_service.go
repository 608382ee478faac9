package study

import (
	"context"
	"fmt"
	"time"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// The monthly quiz's service: every call authorizes its principal, and
// every write is one transaction.

var errQuizNoPerson = errs.New(errs.Forbidden, "该账号未关联人员档案，不能参加月问答", "this account is linked to no person, so it cannot take quizzes")

// quizLearner checks PermLearn; with needPerson, a principal without a
// person (who has no attempt to keep) is refused with a clear 403.
func (m *Module) quizLearner(ctx context.Context, p *auth.Principal, id int64, needPerson bool) error {
	if err := m.Auth.Authorize(ctx, p, PermLearn, auth.Anything, "study_quiz", quizIDStr(id)); err != nil {
		return err
	}
	if needPerson && p.PersonID == 0 {
		return errQuizNoPerson
	}
	return nil
}

func quizIDStr(id int64) string {
	if id == 0 {
		return ""
	}
	return fmt.Sprint(id)
}

// quizEditor reports whether p may edit quizzes (without auditing a denial).
func quizEditor(p *auth.Principal) bool { return auth.Can(p, PermEdit, auth.Anything) }

// visibleQuiz loads a quiz the caller may see: drafts only for editors
// (others get the same 404 as for a missing quiz).
func (m *Module) visibleQuiz(ctx context.Context, p *auth.Principal, id int64) (*Quiz, error) {
	q, err := quizGet(ctx, m.DB.Q(ctx), id)
	if err != nil {
		return nil, err
	}
	if !q.Published && !quizEditor(p) {
		return nil, errs.NotFoundf("quiz draft")
	}
	q.Phase = quizPhase(q, m.quizToday())
	return q, nil
}

func (m *Module) quizToday() string { return clock.Day(m.Clock.Now()) }

// QuizListItem is a quiz with the caller's own attempt.
type QuizListItem struct {
	Quiz
	Own *QuizAttempt `json:"own,omitempty"`
}

// Quizzes lists the quizzes (drafts too for editors), newest month first,
// each with the caller's attempt.
func (m *Module) Quizzes(ctx context.Context, p *auth.Principal) ([]QuizListItem, error) {
	if err := m.quizLearner(ctx, p, 0, false); err != nil {
		return nil, err
	}
	qs, err := quizList(ctx, m.DB.Q(ctx), quizEditor(p))
	if err != nil {
		return nil, err
	}
	own := map[int64]*QuizAttempt{}
	if p.PersonID != 0 {
		if own, err = quizAttemptsByPerson(ctx, m.DB.Q(ctx), p.PersonID); err != nil {
			return nil, err
		}
	}
	now, day := m.Clock.Now(), m.quizToday()
	out := make([]QuizListItem, 0, len(qs))
	for _, q := range qs {
		q.Phase = quizPhase(&q, day)
		it := QuizListItem{Quiz: q}
		if a := own[q.ID]; a != nil {
			m.quizFillAttempt(a, now)
			a.Marks = nil
			it.Own = a
		}
		out = append(out, it)
	}
	return out, nil
}

// quizFillAttempt computes the derived fields of an attempt at now.
func (m *Module) quizFillAttempt(a *QuizAttempt, now time.Time) {
	a.State = quizAttemptState(a, now)
	if a.State == AttemptInProgress {
		a.RemainingSeconds = int(quizRemaining(a.DeadlineAt, now) / time.Second)
	}
	a.Passed = a.State != AttemptInProgress && quizPassed(a.Score, a.MaxScore)
}

// CreateQuiz creates a month's quiz as a draft, its blanks built from the
// month's sentences.
func (m *Module) CreateQuiz(ctx context.Context, p *auth.Principal, in QuizInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermEdit, auth.Anything, "study_quiz", ""); err != nil {
		return 0, err
	}
	in, l := quizValidate(in)
	if len(l) > 0 {
		return 0, l
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM study_quizzes WHERE month = ?`, in.Month).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &errs.Error{Kind: errs.Conflict, Field: "month", Zh: in.Month + " 已有月问答，每月一期", En: "there is already a quiz for " + in.Month + " (one a month)"}
		}
		var err error
		if id, err = quizInsert(ctx, tx, in, p.UserID, m.Clock.Now()); err != nil {
			return err
		}
		blanks, err := quizReplaceBlanks(ctx, tx, id, in.Month, in.BlankPoints)
		if err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.quiz.create", ObjectType: "study_quiz", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("%s %s: %d blanks, %d min, open %s–%s, make-up %s–%s", in.Month, in.Title, blanks, in.TimeLimitMin, in.OpensOn, in.ClosesOn, in.MakeupFrom, in.MakeupTo)})
	})
	return id, err
}

// QuizEdit is the editor's view of a quiz: every question with its key,
// and the month's articles for the choice form.
type QuizEdit struct {
	Quiz      Quiz           `json:"quiz"`
	Questions []QuizQuestion `json:"questions"`
	Articles  []QuizArticle  `json:"articles"`
	Editable  bool           `json:"editable"`
	Sentences int            `json:"sentences"` // the month's sentences now (blanks are rebuilt on publishing)
}

// QuizForEdit returns a quiz for its editors.
func (m *Module) QuizForEdit(ctx context.Context, p *auth.Principal, id int64) (*QuizEdit, error) {
	if err := m.Auth.Authorize(ctx, p, PermEdit, auth.Anything, "study_quiz", quizIDStr(id)); err != nil {
		return nil, err
	}
	q, err := m.visibleQuiz(ctx, p, id)
	if err != nil {
		return nil, err
	}
	qs, err := quizQuestions(ctx, m.DB.Q(ctx), id)
	if err != nil {
		return nil, err
	}
	arts, err := quizMonthArticles(ctx, m.DB.Q(ctx), q.Month)
	if err != nil {
		return nil, err
	}
	sents, err := quizMonthSentences(ctx, m.DB.Q(ctx), q.Month)
	if err != nil {
		return nil, err
	}
	if qs == nil {
		qs = []QuizQuestion{}
	}
	if arts == nil {
		arts = []QuizArticle{}
	}
	return &QuizEdit{Quiz: *q, Questions: qs, Articles: arts, Editable: quizEditable(q, m.quizToday()), Sentences: len(sents)}, nil
}

// quizEditable: questions change only before anyone has attempted and
// before the open window begins (a paper does not change under a member).
func quizEditable(q *Quiz, today string) bool {
	return q.Attempts == 0 && (!q.Published || today < q.OpensOn)
}

var errQuizFrozen = errs.New(errs.Conflict, "本期月问答已开放或已有人作答，题目不能再修改", "the quiz has opened or been attempted: its questions can no longer change")

// AddQuizChoice adds a choice question to a quiz not yet open.
func (m *Module) AddQuizChoice(ctx context.Context, p *auth.Principal, id int64, in QuizChoiceInput) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermEdit, auth.Anything, "study_quiz", quizIDStr(id)); err != nil {
		return 0, err
	}
	in, l := quizValidateChoice(in)
	if len(l) > 0 {
		return 0, l
	}
	var qid int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		q, err := quizGet(ctx, tx, id)
		if err != nil {
			return err
		}
		if !quizEditable(q, m.quizToday()) {
			return errQuizFrozen
		}
		if in.ArticleID != 0 {
			ok, err := quizArticleExists(ctx, tx, in.ArticleID)
			if err != nil {
				return err
			}
			if !ok {
				return errs.Field("article_id", "所选文章不存在", "the chosen article does not exist")
			}
		}
		seq, err := quizNextChoiceSeq(ctx, tx, id)
		if err != nil {
			return err
		}
		if qid, err = quizInsertQuestion(ctx, tx, id, QuizQuestion{Seq: seq, Kind: in.Kind, Prompt: in.Prompt, Options: in.Options,
			Correct: in.Correct, Points: in.Points, ArticleID: in.ArticleID}); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.quiz.question.add", ObjectType: "study_quiz", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("question %d (%s, %d points): %s", qid, in.Kind, in.Points, quizClip(in.Prompt, 80))})
	})
	return qid, err
}

// RemoveQuizQuestion removes a choice question from a quiz not yet open
// (blanks follow the sentences: change the sentence instead).
func (m *Module) RemoveQuizQuestion(ctx context.Context, p *auth.Principal, id, qid int64) error {
	if err := m.Auth.Authorize(ctx, p, PermEdit, auth.Anything, "study_quiz", quizIDStr(id)); err != nil {
		return err
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		q, err := quizGet(ctx, tx, id)
		if err != nil {
			return err
		}
		if !quizEditable(q, m.quizToday()) {
			return errQuizFrozen
		}
		var kind, prompt string
		if err := tx.QueryRowContext(ctx, `SELECT kind, prompt FROM study_quiz_questions WHERE id = ? AND quiz_id = ?`, qid, id).Scan(&kind, &prompt); err != nil {
			return errs.Field("question", "本期月问答没有这道题", "this quiz has no such question")
		}
		if kind == QuizBlank {
			return errs.Field("question", "填空题由当月金句生成，请修改金句后重新发布", "blanks come from the month's sentences: change the sentence instead")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM study_quiz_questions WHERE id = ?`, qid); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.quiz.question.remove", ObjectType: "study_quiz", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("question %d: %s", qid, quizClip(prompt, 80))})
	})
}

// PublishQuiz rebuilds the blanks from the month's sentences as they are
// now and makes the quiz visible to members.
func (m *Module) PublishQuiz(ctx context.Context, p *auth.Principal, id int64) error {
	if err := m.Auth.Authorize(ctx, p, PermEdit, auth.Anything, "study_quiz", quizIDStr(id)); err != nil {
		return err
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		q, err := quizGet(ctx, tx, id)
		if err != nil {
			return err
		}
		if q.Published {
			return errs.New(errs.Conflict, "本期月问答已发布", "this quiz is already published")
		}
		if last := quizLastDay(q); last < m.quizToday() {
			return errs.New(errs.Conflict, fmt.Sprintf("作答时间已于 %s 结束，不能再发布", last), fmt.Sprintf("its windows ended on %s: it can no longer be published", last))
		}
		blanks, err := quizReplaceBlanks(ctx, tx, id, q.Month, q.BlankPoints)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM study_quiz_questions WHERE quiz_id = ?`, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errs.New(errs.Conflict, "本期月问答还没有题目：当月没有带关键词的金句，也没有选择题", "the quiz has no question: the month has no sentence with key phrases and no choice was written")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE study_quizzes SET published = TRUE, published_at = ? WHERE id = ?`, m.Clock.Now(), id); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.quiz.publish", ObjectType: "study_quiz", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("%s: %d questions (%d blanks)", q.Month, n, blanks)})
	})
}

// quizStripKeys hides the answers.
func quizStripKeys(qs []QuizQuestion) []QuizQuestion {
	out := make([]QuizQuestion, len(qs))
	for i, q := range qs {
		q.Phrase, q.Correct = "", nil
		out[i] = q
	}
	return out
}

// QuizView returns what the caller sees of a quiz: while their attempt
// runs, the questions without answers and the remaining time; once it is
// over, their marks (and, after the quiz has closed, the answers).
func (m *Module) QuizView(ctx context.Context, p *auth.Principal, id int64) (*QuizView, error) {
	if err := m.quizLearner(ctx, p, id, false); err != nil {
		return nil, err
	}
	q, err := m.visibleQuiz(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return m.quizView(ctx, p, q)
}

func (m *Module) quizView(ctx context.Context, p *auth.Principal, q *Quiz) (*QuizView, error) {
	v := &QuizView{Quiz: *q}
	now := m.Clock.Now()
	var a *QuizAttempt
	if p.PersonID != 0 {
		var err error
		if a, err = quizAttemptOf(ctx, m.DB.Q(ctx), q.ID, p.PersonID); err != nil {
			return nil, err
		}
	}
	if a == nil {
		if p.PersonID == 0 {
			v.reason = errQuizNoPerson
		} else if _, err := quizSitting(q, m.quizToday(), false); err != nil {
			v.reason = errs.As(err)
		} else {
			v.CanStart = true
		}
		return v, nil
	}
	m.quizFillAttempt(a, now)
	v.Attempt = a
	qs, err := quizQuestions(ctx, m.DB.Q(ctx), q.ID)
	if err != nil {
		return nil, err
	}
	switch {
	case a.State == AttemptInProgress:
		v.Questions = quizStripKeys(qs)
	case q.Phase == QuizPhaseClosed:
		v.Questions = qs
	default:
		v.Questions = quizStripKeys(qs)
	}
	return v, nil
}

// StartQuiz starts the caller's attempt (or returns the one running); the
// clock runs from now. started reports a new attempt.
func (m *Module) StartQuiz(ctx context.Context, p *auth.Principal, id int64) (v *QuizView, started bool, err error) {
	if err := m.quizLearner(ctx, p, id, true); err != nil {
		return nil, false, err
	}
	q, err := m.visibleQuiz(ctx, p, id)
	if err != nil {
		return nil, false, err
	}
	now := m.Clock.Now()
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		a, err := quizAttemptOf(ctx, tx, id, p.PersonID)
		if err != nil {
			return err
		}
		if a != nil {
			if quizAttemptState(a, now) == AttemptInProgress {
				return nil
			}
			_, err := quizSitting(q, m.quizToday(), true)
			return err
		}
		sitting, err := quizSitting(q, m.quizToday(), false)
		if err != nil {
			return err
		}
		a = &QuizAttempt{QuizID: id, PersonID: p.PersonID, Sitting: sitting, StartedAt: now.UTC().Truncate(time.Microsecond),
			DeadlineAt: now.UTC().Truncate(time.Microsecond).Add(time.Duration(q.TimeLimitMin) * time.Minute), MaxScore: q.MaxScore}
		started, err = quizInsertAttempt(ctx, tx, a)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	v, err = m.quizView(ctx, p, q)
	return v, started, err
}

// SubmitQuiz grades the caller's answers, once, if they arrive within the
// time limit plus the grace, and awards the points of the result.
func (m *Module) SubmitQuiz(ctx context.Context, p *auth.Principal, id int64, answers []QuizAnswer) (*QuizAttempt, error) {
	if err := m.quizLearner(ctx, p, id, true); err != nil {
		return nil, err
	}
	q, err := m.visibleQuiz(ctx, p, id)
	if err != nil {
		return nil, err
	}
	now := m.Clock.Now()
	var a *QuizAttempt
	err = m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		if a, err = quizAttemptOf(ctx, tx, id, p.PersonID); err != nil {
			return err
		}
		if a == nil {
			return errs.New(errs.Conflict, "请先开始作答，再交卷", "start the quiz before submitting answers")
		}
		if a.SubmittedAt != nil {
			return errs.New(errs.Conflict, fmt.Sprintf("您已交卷，成绩 %d 分，不能重复提交", a.Score), fmt.Sprintf("already submitted (score %d); answers cannot be sent twice", a.Score))
		}
		if quizLate(a.DeadlineAt, now) {
			return errs.New(errs.Conflict,
				fmt.Sprintf("已超过答题时限：限时 %d 分钟（另有 30 秒宽限），%s 开始，%s 截止，答卷未被接受",
					q.TimeLimitMin, a.StartedAt.In(clock.Zone).Format("15:04:05"), a.DeadlineAt.In(clock.Zone).Format("15:04:05")),
				fmt.Sprintf("time is up: the limit is %d minutes (plus a 30 s grace), started %s, due %s; the answers were not accepted",
					q.TimeLimitMin, a.StartedAt.In(clock.Zone).Format("15:04:05"), a.DeadlineAt.In(clock.Zone).Format("15:04:05")))
		}
		qs, err := quizQuestions(ctx, tx, id)
		if err != nil {
			return err
		}
		a.Marks, a.Score, a.MaxScore = quizGrade(qs, answers)
		t := now.UTC().Truncate(time.Microsecond)
		a.SubmittedAt = &t
		ok, err := quizFinishAttempt(ctx, tx, a)
		if err != nil {
			return err
		}
		if !ok {
			return errs.New(errs.Conflict, "您已交卷，不能重复提交", "already submitted; answers cannot be sent twice")
		}
		if act := quizAwardFor(a.Score, a.MaxScore); act != "" {
			if a.Points, err = m.Award(ctx, p.PersonID, clock.Day(now), act, 0, "quiz", id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	m.quizFillAttempt(a, now)
	return a, nil
}

// QuizResults returns a quiz's results as far as the caller may see them:
// their own attempt; for the committee every branch, the zone and, with a
// branch chosen, its members; for a member their own branch's line. Asking
// for another branch is answered 404 (out of scope, audited).
func (m *Module) QuizResults(ctx context.Context, p *auth.Principal, id, branch int64) (*QuizResults, error) {
	if err := m.quizLearner(ctx, p, id, false); err != nil {
		return nil, err
	}
	if branch != 0 {
		if err := m.Auth.Authorize(ctx, p, PermBranch, auth.Object{Branch: branch}, "study_quiz_results", fmt.Sprintf("%d/branch/%d", id, branch)); err != nil {
			return nil, err
		}
	}
	q, err := m.visibleQuiz(ctx, p, id)
	if err != nil {
		return nil, err
	}
	now := m.Clock.Now()
	res := &QuizResults{Quiz: *q, Branch: branch, Branches: []QuizBranchResult{}}
	rq := m.DB.Q(ctx)
	atts, err := quizAttemptsOf(ctx, rq, id)
	if err != nil {
		return nil, err
	}
	if p.PersonID != 0 {
		if a := atts[p.PersonID]; a != nil {
			own := *a
			m.quizFillAttempt(&own, now)
			own.Marks = nil
			res.Own = &own
		}
	}
	zoneWide := auth.Can(p, PermBranch, auth.ZoneOnly)
	ownBranch := int64(0)
	if p.PersonID != 0 {
		if ownBranch, err = m.Dir.BranchOf(ctx, p.PersonID); err != nil {
			return nil, err
		}
	}
	if !zoneWide && (ownBranch == 0 || !auth.Can(p, PermBranch, auth.Object{Branch: ownBranch})) {
		return res, nil // a learner without branch rights sees their own result only
	}
	roster, err := quizRoster(ctx, rq)
	if err != nil {
		return nil, err
	}
	lines, zone := quizSummarize(roster, atts, now)
	found := branch == 0
	for _, l := range lines {
		if l.BranchID == branch {
			found = true
		}
		if zoneWide || l.BranchID == ownBranch {
			res.Branches = append(res.Branches, l)
		}
	}
	if !zoneWide && len(res.Branches) == 0 {
		// The member's branch is not among the listed ones (e.g. a
		// village branch nobody of which took part): show it anyway.
		for _, l := range quizSummarizeOne(roster, atts, now, ownBranch) {
			res.Branches = append(res.Branches, l)
		}
	}
	if zoneWide {
		res.Zone = &zone
		if branch != 0 {
			if !found {
				res.Branches = append(res.Branches, quizSummarizeOne(roster, atts, now, branch)...)
			}
			for _, r := range roster {
				if r.BranchID != branch {
					continue
				}
				res.BranchName = r.BranchName
				mr := QuizMemberResult{PersonID: r.PersonID, Name: r.Name, BranchID: r.BranchID, State: AttemptAbsent}
				if a := atts[r.PersonID]; a != nil {
					mr.State, mr.Sitting, mr.Score, mr.MaxScore = quizAttemptState(a, now), a.Sitting, a.Score, a.MaxScore
					mr.SubmittedAt = a.SubmittedAt
					mr.Passed = mr.State != AttemptInProgress && quizPassed(a.Score, a.MaxScore)
				}
				res.Members = append(res.Members, mr)
			}
		}
	}
	return res, nil
}

// quizSummarizeOne is the line of one branch, whatever its kind.
func quizSummarizeOne(roster []quizRosterEntry, atts map[int64]*QuizAttempt, now time.Time, branch int64) []QuizBranchResult {
	var rs []quizRosterEntry
	for _, r := range roster {
		if r.BranchID == branch {
			r.BranchKind = "organ_branch" // listed whatever its kind
			rs = append(rs, r)
		}
	}
	lines, _ := quizSummarize(rs, atts, now)
	return lines
}
