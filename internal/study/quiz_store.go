package study

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// SQL of the monthly quiz.

const quizColumns = `q.id, q.month, q.title, q.time_limit_min, q.opens_on, q.closes_on, q.makeup_from, q.makeup_to, q.blank_points,
	q.published, q.published_at, q.created_at,
	(SELECT COUNT(*) FROM study_quiz_questions qq WHERE qq.quiz_id = q.id),
	(SELECT COALESCE(SUM(qq.points), 0) FROM study_quiz_questions qq WHERE qq.quiz_id = q.id),
	(SELECT COUNT(*) FROM study_quiz_attempts a WHERE a.quiz_id = q.id)`

func quizScan(r interface{ Scan(...any) error }) (*Quiz, error) {
	var q Quiz
	var pub sql.NullTime
	if err := r.Scan(&q.ID, &q.Month, &q.Title, &q.TimeLimitMin, &q.OpensOn, &q.ClosesOn, &q.MakeupFrom, &q.MakeupTo, &q.BlankPoints,
		&q.Published, &pub, &q.CreatedAt, &q.Questions, &q.MaxScore, &q.Attempts); err != nil {
		return nil, err
	}
	if pub.Valid {
		t := pub.Time.UTC()
		q.PublishedAt = &t
	}
	q.CreatedAt = q.CreatedAt.UTC()
	return &q, nil
}

func quizGet(ctx context.Context, q db.Querier, id int64) (*Quiz, error) {
	z, err := quizScan(q.QueryRowContext(ctx, `SELECT `+quizColumns+` FROM study_quizzes q WHERE q.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("quiz")
	}
	return z, err
}

func quizList(ctx context.Context, q db.Querier, drafts bool) ([]Quiz, error) {
	where := ` WHERE q.published = TRUE`
	if drafts {
		where = ``
	}
	rows, err := q.QueryContext(ctx, `SELECT `+quizColumns+` FROM study_quizzes q`+where+` ORDER BY q.month DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Quiz
	for rows.Next() {
		z, err := quizScan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *z)
	}
	return out, rows.Err()
}

func quizInsert(ctx context.Context, tx *db.Tx, in QuizInput, by int64, now time.Time) (int64, error) {
	return tx.InsertID(ctx, `INSERT INTO study_quizzes (month, title, time_limit_min, opens_on, closes_on, makeup_from, makeup_to, blank_points, published, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?, ?)`,
		in.Month, in.Title, in.TimeLimitMin, in.OpensOn, in.ClosesOn, in.MakeupFrom, in.MakeupTo, in.BlankPoints, by, now)
}

// quizQuestions lists a quiz's questions in paper order, with their keys.
func quizQuestions(ctx context.Context, q db.Querier, quizID int64) ([]QuizQuestion, error) {
	rows, err := q.QueryContext(ctx, `SELECT qq.id, qq.seq, qq.kind, qq.prompt, qq.options, qq.answer, qq.points, qq.source_day,
		COALESCE(qq.article_id, 0), COALESCE(ar.title, '')
		FROM study_quiz_questions qq LEFT JOIN study_articles ar ON ar.id = qq.article_id
		WHERE qq.quiz_id = ? ORDER BY qq.seq, qq.id`, quizID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []QuizQuestion
	for rows.Next() {
		var x QuizQuestion
		var opts, answer string
		if err := rows.Scan(&x.ID, &x.Seq, &x.Kind, &x.Prompt, &opts, &answer, &x.Points, &x.SourceDay, &x.ArticleID, &x.ArticleTitle); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(opts), &x.Options)
		if x.Kind == QuizBlank {
			x.Phrase = answer
		} else {
			_ = json.Unmarshal([]byte(answer), &x.Correct)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

func quizInsertQuestion(ctx context.Context, tx *db.Tx, quizID int64, x QuizQuestion) (int64, error) {
	opts, _ := json.Marshal(x.Options)
	if x.Options == nil {
		opts = []byte("[]")
	}
	answer := x.Phrase
	if x.Kind != QuizBlank {
		b, _ := json.Marshal(quizNormChoices(x.Correct))
		answer = string(b)
	}
	var art any
	if x.ArticleID != 0 {
		art = x.ArticleID
	}
	return tx.InsertID(ctx, `INSERT INTO study_quiz_questions (quiz_id, seq, kind, prompt, options, answer, points, source_day, article_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, quizID, x.Seq, x.Kind, x.Prompt, string(opts), answer, x.Points, x.SourceDay, art)
}

// quizReplaceBlanks rebuilds a quiz's fill-in-the-blanks from the month's
// sentences as they stand now; the choices stay.
func quizReplaceBlanks(ctx context.Context, tx *db.Tx, quizID int64, month string, points int) (int, error) {
	sents, err := quizMonthSentences(ctx, tx, month)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM study_quiz_questions WHERE quiz_id = ? AND kind = 'blank'`, quizID); err != nil {
		return 0, err
	}
	blanks := quizBuildBlanks(sents, points)
	for i, b := range blanks {
		b.Seq = i + 1
		if _, err := quizInsertQuestion(ctx, tx, quizID, b); err != nil {
			return 0, err
		}
	}
	return len(blanks), nil
}

// quizMonthSentences reads the month's daily sentences (the daily part's
// table) in day order.
func quizMonthSentences(ctx context.Context, q db.Querier, month string) ([]quizSentence, error) {
	first, last, err := quizMonthDays(month)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT day, text, key_phrases FROM study_sentences WHERE day >= ? AND day <= ? ORDER BY day`, first, last)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []quizSentence
	for rows.Next() {
		var s quizSentence
		var kp string
		if err := rows.Scan(&s.Day, &s.Text, &kp); err != nil {
			return nil, err
		}
		s.Phrases = quizParsePhrases(kp)
		out = append(out, s)
	}
	return out, rows.Err()
}

func quizNextChoiceSeq(ctx context.Context, q db.Querier, quizID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 999) FROM study_quiz_questions WHERE quiz_id = ? AND kind <> 'blank'`, quizID).Scan(&n)
	return n + 1, err
}

const quizAttemptCols = `id, quiz_id, person_id, sitting, started_at, deadline_at, submitted_at, score, max_score, marks`

func quizScanAttempt(r interface{ Scan(...any) error }) (*QuizAttempt, error) {
	var a QuizAttempt
	var sub sql.NullTime
	var marks string
	if err := r.Scan(&a.ID, &a.QuizID, &a.PersonID, &a.Sitting, &a.StartedAt, &a.DeadlineAt, &sub, &a.Score, &a.MaxScore, &marks); err != nil {
		return nil, err
	}
	a.StartedAt, a.DeadlineAt = a.StartedAt.UTC(), a.DeadlineAt.UTC()
	if sub.Valid {
		t := sub.Time.UTC()
		a.SubmittedAt = &t
	}
	_ = json.Unmarshal([]byte(marks), &a.Marks)
	return &a, nil
}

// quizAttemptOf returns a member's attempt, or nil.
func quizAttemptOf(ctx context.Context, q db.Querier, quizID, personID int64) (*QuizAttempt, error) {
	a, err := quizScanAttempt(q.QueryRowContext(ctx, `SELECT `+quizAttemptCols+` FROM study_quiz_attempts WHERE quiz_id = ? AND person_id = ?`, quizID, personID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return a, err
}

// quizAttemptsOf returns every attempt at a quiz by person.
func quizAttemptsOf(ctx context.Context, q db.Querier, quizID int64) (map[int64]*QuizAttempt, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+quizAttemptCols+` FROM study_quiz_attempts WHERE quiz_id = ?`, quizID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]*QuizAttempt{}
	for rows.Next() {
		a, err := quizScanAttempt(rows)
		if err != nil {
			return nil, err
		}
		out[a.PersonID] = a
	}
	return out, rows.Err()
}

// quizAttemptsByPerson returns a person's attempts by quiz.
func quizAttemptsByPerson(ctx context.Context, q db.Querier, personID int64) (map[int64]*QuizAttempt, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+quizAttemptCols+` FROM study_quiz_attempts WHERE person_id = ?`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]*QuizAttempt{}
	for rows.Next() {
		a, err := quizScanAttempt(rows)
		if err != nil {
			return nil, err
		}
		out[a.QuizID] = a
	}
	return out, rows.Err()
}

// quizInsertAttempt starts an attempt; a concurrent start of the same member
// finds the first (ON CONFLICT … DO NOTHING keeps a PostgreSQL
// transaction usable).
func quizInsertAttempt(ctx context.Context, tx *db.Tx, a *QuizAttempt) (bool, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO study_quiz_attempts (quiz_id, person_id, sitting, started_at, deadline_at, score, max_score, marks)
		VALUES (?, ?, ?, ?, ?, 0, ?, '[]') ON CONFLICT (quiz_id, person_id) DO NOTHING RETURNING id`,
		a.QuizID, a.PersonID, a.Sitting, a.StartedAt, a.DeadlineAt, a.MaxScore).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	a.ID = id
	return err == nil, err
}

// quizFinishAttempt records the graded answers once; false when the attempt
// was already submitted.
func quizFinishAttempt(ctx context.Context, tx *db.Tx, a *QuizAttempt) (bool, error) {
	marks, _ := json.Marshal(a.Marks)
	res, err := tx.ExecContext(ctx, `UPDATE study_quiz_attempts SET submitted_at = ?, score = ?, max_score = ?, marks = ?
		WHERE id = ? AND submitted_at IS NULL`, a.SubmittedAt, a.Score, a.MaxScore, string(marks), a.ID)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// quizRoster lists the party members of every branch, branch by branch.
func quizRoster(ctx context.Context, q db.Querier) ([]quizRosterEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.name, b.id, b.name, b.kind FROM people p JOIN branches b ON b.id = p.branch_id
		WHERE p.party_member = TRUE ORDER BY b.sort, b.id, p.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []quizRosterEntry
	for rows.Next() {
		var e quizRosterEntry
		if err := rows.Scan(&e.PersonID, &e.Name, &e.BranchID, &e.BranchName, &e.BranchKind); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// quizzesHeldSQL counts published quizzes whose last day to start lies in
// [?, ?] and before today (?).
const quizzesHeldSQL = `SELECT COUNT(*) FROM study_quizzes WHERE published = TRUE
		AND (CASE WHEN makeup_to <> '' THEN makeup_to ELSE closes_on END) >= ?
		AND (CASE WHEN makeup_to <> '' THEN makeup_to ELSE closes_on END) <= ?
		AND (CASE WHEN makeup_to <> '' THEN makeup_to ELSE closes_on END) < ?`

// quizArticleExists checks a choice's article (the column part's table).
func quizArticleExists(ctx context.Context, q db.Querier, id int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM study_articles WHERE id = ?`, id).Scan(&n)
	return n > 0, err
}

// quizMonthArticles lists the articles published in a month (for the choice
// form's article picker).
func quizMonthArticles(ctx context.Context, q db.Querier, month string) ([]QuizArticle, error) {
	first, last, err := quizMonthDays(month)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT id, title, publish_day FROM study_articles WHERE draft = FALSE AND publish_day >= ? AND publish_day <= ?
		ORDER BY publish_at, id`, first, last)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []QuizArticle
	for rows.Next() {
		var a QuizArticle
		if err := rows.Scan(&a.ID, &a.Title, &a.Day); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// QuizArticle names an article in a picker.
type QuizArticle struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	Day   string `json:"day"`
}
