package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"zhongshu/internal/platform/db"
)

type permanentError struct{ err error }

func (e *permanentError) Error() string { return "permanent: " + e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks a handler's error as one that retrying cannot fix (bad
// arguments, a recipient that no longer exists): the job goes straight to
// the dead-letter state.
func Permanent(err error) error {
	if err == nil {
		err = errors.New("permanent failure")
	}
	return &permanentError{err}
}

type snoozeError struct{ d time.Duration }

func (e *snoozeError) Error() string { return fmt.Sprintf("snoozed for %s", e.d) }

// minSnooze keeps a Snooze(0) from making the job due again at once, which
// would spin RunDue on a stepped clock.
const minSnooze = time.Second

// Snooze asks for the job to run again after d without counting this
// attempt, for a rate limit or a channel that asks us to come back later.
func Snooze(d time.Duration) error {
	if d < minSnooze {
		d = minSnooze
	}
	return &snoozeError{d}
}

// RunDue claims and runs due jobs one at a time until none is due, and
// returns how many ran. Only kinds with a handler in this process are
// claimed. Handlers run outside the claim transaction (a handler may do
// network I/O); the outcome is written in a second short transaction.
func (q *Queue) RunDue(ctx context.Context) (int, error) {
	kinds := q.kinds()
	if len(kinds) == 0 {
		return 0, nil
	}
	n := 0
	for ctx.Err() == nil {
		j, err := q.claim(ctx, kinds)
		if err != nil {
			return n, err
		}
		if j == nil {
			return n, nil
		}
		q.run(ctx, j)
		n++
	}
	return n, ctx.Err()
}

// claim takes the next due job for one of kinds, or returns nil. First it
// buries jobs whose worker died on their last allowed attempt, so that a job
// that kills its worker every time ends in the dead-letter state instead of
// crashing replicas forever.
//
// The claim is one UPDATE … RETURNING that only one replica can win. On
// SQLite the write transaction is exclusive (BEGIN IMMEDIATE). On PostgreSQL
// the subquery locks the candidate row FOR UPDATE SKIP LOCKED, so replicas
// take different rows instead of queueing on one, and the outer WHERE checks
// the state again in case the row changed between the snapshot and the lock.
func (q *Queue) claim(ctx context.Context, kinds []string) (*Job, error) {
	now := ts(q.Clock.Now())
	lockFor := q.LockFor
	if lockFor <= 0 {
		lockFor = 5 * time.Minute
	}
	in, kindArgs := db.In(kinds)
	var j *Job
	err := q.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		j = nil
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'dead', locked_until = NULL, updated_at = ?,
				last_error = 'worker lost during the last allowed attempt (lock expired)'
			WHERE state = 'running' AND locked_until <= ? AND attempt >= max_attempts`, now, now); err != nil {
			return err
		}
		skipLocked := ""
		if tx.Dialect == db.Postgres {
			skipLocked = " FOR UPDATE SKIP LOCKED"
		}
		const due = `((state IN ('available', 'retryable') AND run_at <= ?) OR (state = 'running' AND locked_until <= ?))`
		args := []any{ts(now.Add(lockFor)), now, now, now}
		args = append(args, kindArgs...)
		args = append(args, now, now)
		row := tx.QueryRowContext(ctx, `UPDATE jobs SET state = 'running', attempt = attempt + 1, locked_until = ?, updated_at = ?
			WHERE id = (SELECT id FROM jobs WHERE `+due+` AND kind IN (`+in+`) ORDER BY run_at, id LIMIT 1`+skipLocked+`)
			AND `+due+`
			RETURNING `+jobCols, args...)
		got, err := scanJob(row)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		j = got
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: claim: %w", err)
	}
	return j, nil
}

// run calls the job's handler and records the outcome.
func (q *Queue) run(ctx context.Context, j *Job) {
	h, _ := q.handler(j.Kind)
	lockFor := q.LockFor
	if lockFor <= 0 {
		lockFor = 5 * time.Minute
	}
	// The lock is measured on the injected clock, this timeout on the real
	// one; in production they agree, and a handler that overruns its lock
	// is stopped before another replica may claim the job.
	hctx, cancel := context.WithTimeout(ctx, lockFor)
	err := safeCall(hctx, h.fn, j)
	cancel()
	q.finish(ctx, j, err)
}

func safeCall(ctx context.Context, fn Handler, j *Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return fn(ctx, j)
}

// finish writes the outcome of attempt j.Attempt in its own transaction. The
// WHERE on state and attempt makes it a no-op when this worker lost the job
// (its lock ran out and another replica claimed it meanwhile).
func (q *Queue) finish(ctx context.Context, j *Job, herr error) {
	now := ts(q.Clock.Now())
	state, attempt, runAt, lastErr := StateCompleted, j.Attempt, j.RunAt, j.LastError
	var snooze *snoozeError
	var perm *permanentError
	switch {
	case herr == nil:
	case errors.As(herr, &snooze):
		state, attempt, runAt = StateAvailable, j.Attempt-1, ts(now.Add(snooze.d))
	case ctx.Err() != nil:
		// Shutdown interrupted the handler: hand the job back uncounted so
		// the next replica (or this one, restarted) runs it without delay.
		state, attempt, runAt = StateAvailable, j.Attempt-1, now
	case errors.As(herr, &perm):
		state, lastErr = StateDead, clip(herr.Error(), 2000)
	case j.Attempt >= j.MaxAttempts:
		state, lastErr = StateDead, clip(herr.Error(), 2000)
	default:
		backoff := q.Backoff
		if backoff == nil {
			backoff = DefaultBackoff
		}
		state, lastErr, runAt = StateRetryable, clip(herr.Error(), 2000), ts(now.Add(backoff(j.Attempt)))
	}
	log := q.Log.With("job", j.ID, "kind", j.Kind, "attempt", j.Attempt)
	switch state {
	case StateDead:
		log.Error("job dead", "error", herr)
	case StateRetryable:
		log.Warn("job failed; will retry", "error", herr, "run_at", runAt)
	}
	// The outcome must be written even when shutdown cancelled ctx.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	var n int64
	err := q.DB.InTx(wctx, func(ctx context.Context, tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET state = ?, attempt = ?, run_at = ?, last_error = ?, locked_until = NULL, updated_at = ?
			WHERE id = ? AND state = 'running' AND attempt = ?`,
			state, attempt, runAt, lastErr, now, j.ID, j.Attempt)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	switch {
	case err != nil:
		// The lock will lapse and the job run again: at-least-once.
		log.Error("job outcome not recorded", "error", err)
	case n == 0:
		log.Warn("job outcome dropped: the lock ran out and another worker took the job")
	}
}

// Work polls RunDue every poll interval until ctx ends (used by `serve`),
// and sooner when this process enqueues a job.
func (q *Queue) Work(ctx context.Context, poll time.Duration) {
	if poll <= 0 {
		poll = time.Second
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, err := q.RunDue(ctx); err != nil && ctx.Err() == nil {
			q.Log.Error("jobs: run due", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-q.wake:
		}
	}
}
