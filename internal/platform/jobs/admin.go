package jobs

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// List returns up to limit jobs in state ("" for any), newest first, for the
// admin page — above all the dead-letter list the issue asks admins to see.
func (q *Queue) List(ctx context.Context, state string, limit int) ([]Job, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	where, args := "", []any{}
	if state != "" {
		where, args = " WHERE state = ?", append(args, state)
	}
	rows, err := q.DB.Q(ctx).QueryContext(ctx, `SELECT `+jobCols+` FROM jobs`+where+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *j)
	}
	return out, rows.Err()
}

// Get returns one job.
func (q *Queue) Get(ctx context.Context, id int64) (*Job, error) {
	j, err := scanJob(q.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("job")
	}
	return j, err
}

// Counts returns how many jobs are in each state; every state is present,
// zero or not, so the admin page can show a fixed row of figures.
func (q *Queue) Counts(ctx context.Context) (map[string]int, error) {
	out := make(map[string]int, len(States))
	for _, s := range States {
		out[s] = 0
	}
	rows, err := q.DB.Q(ctx).QueryContext(ctx, `SELECT state, COUNT(*) FROM jobs GROUP BY state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// Retry brings a dead job back to available with its attempts reset, after
// an admin fixed the cause. The last error is kept for the record until the
// next attempt replaces it. Only a dead job can be retried: anything else is
// still in the queue's hands.
func (q *Queue) Retry(ctx context.Context, id int64) error {
	now := ts(q.Clock.Now())
	return q.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'available', attempt = 0, run_at = ?, locked_until = NULL, updated_at = ?
			WHERE id = ? AND state = 'dead'`, now, now, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			if err == nil {
				tx.AfterCommit(q.poke)
			}
			return err
		}
		var state string
		if err := tx.QueryRowContext(ctx, `SELECT state FROM jobs WHERE id = ?`, id).Scan(&state); errors.Is(err, sql.ErrNoRows) {
			return errs.NotFoundf("job")
		} else if err != nil {
			return err
		}
		return errs.New(errs.Conflict, "只有已进入死信状态的任务可以重试（当前状态："+state+"）",
			"only a dead job can be retried (state: "+state+")")
	})
}

// Prune deletes completed jobs last touched before the given time. Their
// unique keys carry the day or occasion they were for, so a key freed after
// a month cannot collide with new work.
func (q *Queue) Prune(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := q.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE state = 'completed' AND updated_at < ?`, ts(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
