package study

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// SQL of the column.

const columnCols = `a.id, a.title, a.author, a.source, a.publish_at, a.publish_day, a.draft, a.created_at, a.updated_at, a.pushed_at`

func columnScan(r interface{ Scan(...any) error }, body *string, extra ...any) (*Article, error) {
	var a Article
	var pushed sql.NullTime
	dest := []any{&a.ID, &a.Title, &a.Author, &a.Source, &a.PublishAt, &a.PublishDay, &a.Draft, &a.CreatedAt, &a.UpdatedAt, &pushed}
	if body != nil {
		dest = append(dest, body)
	}
	if err := r.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	a.PublishAt, a.CreatedAt, a.UpdatedAt = a.PublishAt.UTC(), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	if pushed.Valid {
		t := pushed.Time.UTC()
		a.PushedAt = &t
	}
	return &a, nil
}

// columnGet loads an article with its body.
func columnGet(ctx context.Context, q db.Querier, id int64) (*Article, error) {
	var body string
	a, err := columnScan(q.QueryRowContext(ctx, `SELECT `+columnCols+`, a.body FROM study_articles a WHERE a.id = ?`, id), &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("article")
	}
	if err != nil {
		return nil, err
	}
	a.Body = body
	return a, nil
}

// columnWhere is the filter of a list view at now.
func columnWhere(view string, now time.Time) (string, []any) {
	switch view {
	case ArticleDraft:
		return `a.draft = TRUE`, nil
	case ArticleScheduled:
		return `a.draft = FALSE AND a.publish_at > ?`, []any{now}
	}
	return `a.draft = FALSE AND a.publish_at <= ?`, []any{now}
}

// columnList lists a view's articles (published newest first; scheduled
// soonest first; drafts newest first), each with the reader's read.
func columnList(ctx context.Context, q db.Querier, view string, now time.Time, personID int64, offset, limit int) ([]Article, int, error) {
	where, args := columnWhere(view, now)
	var total int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM study_articles a WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	order := `a.publish_at DESC, a.id DESC`
	if view == ArticleScheduled {
		order = `a.publish_at, a.id`
	}
	rows, err := q.QueryContext(ctx, `SELECT `+columnCols+`, r.started_at, r.counted_at FROM study_articles a
		LEFT JOIN study_article_reads r ON r.article_id = a.id AND r.person_id = ?
		WHERE `+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(append([]any{personID}, args...), limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Article
	for rows.Next() {
		var started, counted sql.NullTime
		a, err := columnScan(rows, nil, &started, &counted)
		if err != nil {
			return nil, 0, err
		}
		a.ReadStartedAt, a.ReadCountedAt = columnTimePtr(started), columnTimePtr(counted)
		a.State = columnState(a.Draft, a.PublishAt, now)
		out = append(out, *a)
	}
	return out, total, rows.Err()
}

func columnTimePtr(n sql.NullTime) *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time.UTC()
	return &t
}

// columnPushed counts the articles published by now, with a publish day in
// [from, to] (figure articles_pushed, and the list's "已推送 N 篇").
func columnPushed(ctx context.Context, q db.Querier, from, to string, now time.Time) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, columnPushedSQL, now, from, to).Scan(&n)
	return n, err
}

// columnPushedSQL counts the articles published by now (?) with their day
// in [?, ?].
const columnPushedSQL = `SELECT COUNT(*) FROM study_articles WHERE draft = FALSE AND publish_at <= ? AND publish_day >= ? AND publish_day <= ?`

// columnReadsOf counts a person's counted reads.
func columnReadsOf(ctx context.Context, q db.Querier, personID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM study_article_reads WHERE person_id = ? AND counted_at IS NOT NULL`, personID).Scan(&n)
	return n, err
}

func columnInsert(ctx context.Context, tx *db.Tx, in ArticleInput, at time.Time, by int64, now time.Time) (int64, error) {
	return tx.InsertID(ctx, `INSERT INTO study_articles (title, author, source, publish_at, publish_day, draft, body, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.Title, in.Author, in.Source, at, clock.Day(at), in.Draft, in.Body, by, now, now)
}

func columnUpdate(ctx context.Context, tx *db.Tx, id int64, in ArticleInput, at, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE study_articles SET title = ?, author = ?, source = ?, publish_at = ?, publish_day = ?, draft = ?, body = ?, updated_at = ?
		WHERE id = ?`, in.Title, in.Author, in.Source, at, clock.Day(at), in.Draft, in.Body, now, id)
	return err
}

// columnRead returns a reader's read of an article (zero times if none).
func columnRead(ctx context.Context, q db.Querier, personID, articleID int64) (started, counted *time.Time, err error) {
	var s, c sql.NullTime
	err = q.QueryRowContext(ctx, `SELECT started_at, counted_at FROM study_article_reads WHERE person_id = ? AND article_id = ?`, personID, articleID).Scan(&s, &c)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, nil
	}
	return columnTimePtr(s), columnTimePtr(c), err
}

// columnStartRead records when a reader opened an article, once: coming
// back later keeps the first start.
func columnStartRead(ctx context.Context, tx *db.Tx, personID, articleID int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO study_article_reads (person_id, article_id, started_at) VALUES (?, ?, ?)
		ON CONFLICT (person_id, article_id) DO NOTHING`, personID, articleID, now)
	return err
}

// columnCountRead marks a read counted; false when it already was.
func columnCountRead(ctx context.Context, tx *db.Tx, personID, articleID int64, now time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE study_article_reads SET counted_at = ? WHERE person_id = ? AND article_id = ? AND counted_at IS NULL`,
		now, personID, articleID)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// columnUnpushed lists the published articles not yet pushed.
func columnUnpushed(ctx context.Context, q db.Querier, now time.Time) ([]Article, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+columnCols+` FROM study_articles a WHERE a.draft = FALSE AND a.publish_at <= ? AND a.pushed_at IS NULL
		ORDER BY a.publish_at, a.id`, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Article
	for rows.Next() {
		a, err := columnScan(rows, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}
