// Package jobs is Zhongshu's scheduled and background work: cron schedules
// declared by each module and fired exactly once per slot across any number
// of `serve` replicas (SQLite or one PostgreSQL), and a database-backed job
// queue with retries, a dead-letter state and transactional enqueue (an
// outbox).
//
// We write the queue on our own tables instead of using River because
//   - the whole platform runs on an injectable clock and the checks step a
//     clock through 30 days: every time comparison here takes the injected
//     clock's Now() as a parameter, never SQL now() or CURRENT_TIMESTAMP;
//   - enqueueing must join the db.Tx carried in the context;
//   - schedule slots with a catch-up window are not something River offers.
//
// Nothing that matters lives in process memory: a slot is claimed by a
// unique row in schedule_runs and a job by an UPDATE only one replica can
// win, so replicas can come and go.
package jobs

import (
	"database/sql"
	"embed"
	"encoding/json"
	"io/fs"
	"strings"
	"time"

	"zhongshu/internal/platform/db"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Source is the package's migrations (tables jobs and schedule_runs).
func Source() db.Source {
	sub, _ := fs.Sub(migrations, "migrations")
	return db.Source{Module: "jobs", FS: sub}
}

// Job states, as stored in jobs.state.
const (
	StateAvailable = "available" // waiting for run_at (new, snoozed or retried by an admin)
	StateRunning   = "running"   // claimed by a worker until locked_until
	StateRetryable = "retryable" // failed; runs again at run_at (backoff)
	StateCompleted = "completed" // done
	StateDead      = "dead"      // dead-letter: out of attempts or failed permanently; an admin may Retry
)

// States lists the job states in the order the admin page shows them.
var States = []string{StateAvailable, StateRunning, StateRetryable, StateCompleted, StateDead}

// Job is one unit of background work.
type Job struct {
	ID                   int64
	Kind                 string
	Args                 json.RawMessage
	State                string // "available", "running", "retryable", "completed", "dead"
	Attempt              int    // attempts made so far (1 during the first run)
	MaxAttempts          int
	RunAt                time.Time
	LastError            string
	UniqueKey            string
	CreatedAt, UpdatedAt time.Time
}

const jobCols = `id, kind, args, state, attempt, max_attempts, run_at, last_error, unique_key, created_at, updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanJob(r scanner) (*Job, error) {
	var j Job
	var args string
	var key sql.NullString
	if err := r.Scan(&j.ID, &j.Kind, &args, &j.State, &j.Attempt, &j.MaxAttempts, &j.RunAt, &j.LastError, &key, &j.CreatedAt, &j.UpdatedAt); err != nil {
		return nil, err
	}
	j.Args = json.RawMessage(args)
	j.UniqueKey = key.String
	j.RunAt, j.CreatedAt, j.UpdatedAt = j.RunAt.UTC(), j.CreatedAt.UTC(), j.UpdatedAt.UTC()
	return &j, nil
}

// ts is the form every instant is stored in: UTC, truncated to microseconds
// because PostgreSQL keeps no more — so that a value read back compares
// equal to the one written (slots are looked up by equality).
func ts(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// clip bounds an error text kept in a row and shown on the admin page, and
// drops what PostgreSQL's TEXT refuses (NUL, invalid UTF-8) so that writing
// the outcome of a failure cannot itself fail.
func clip(s string, max int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "?"), "\x00", "")
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}
