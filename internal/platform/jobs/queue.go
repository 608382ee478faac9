package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
)

// Handler does a job. A nil error completes it; an error schedules a retry
// after Backoff(attempt) until MaxAttempts, then the job is dead
// (dead-letter); Permanent(err) kills it at once; Snooze(d) reschedules it
// after d without counting the attempt (for rate limits).
//
// A handler runs outside any transaction (it may do network I/O) and, after
// a crash, may run again: make its effect idempotent, or key it by job id.
type Handler func(ctx context.Context, j *Job) error

// Queue is the database-backed job queue. Build it with NewQueue, register
// handlers with Handle at start-up, then Enqueue from anywhere.
type Queue struct {
	DB    *db.DB
	Clock clock.Clock
	Log   *slog.Logger
	// Backoff is the wait before attempt+1 after attempt failed.
	Backoff func(attempt int) time.Duration
	// LockFor is how long a claimed job belongs to its worker: a job whose
	// worker died becomes claimable again after this (default 5 min). A
	// handler's context is cancelled when it runs out, so that no two
	// workers run one job at the same time.
	LockFor time.Duration

	mu       sync.RWMutex
	handlers map[string]handler
	wake     chan struct{}
}

type handler struct {
	fn          Handler
	maxAttempts int
}

// NewQueue returns a queue on d with the default backoff (DefaultBackoff)
// and a five-minute lock.
func NewQueue(d *db.DB, clk clock.Clock, log *slog.Logger) *Queue {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Queue{
		DB: d, Clock: clk, Log: log,
		Backoff:  DefaultBackoff,
		LockFor:  5 * time.Minute,
		handlers: map[string]handler{},
		wake:     make(chan struct{}, 1),
	}
}

// DefaultBackoff waits 30 s·2^(attempt-1), capped at 6 h: 30 s, 1 min,
// 2 min … With no randomness, because tests step the clock by exactly
// this much; replicas need no jitter since only one of them claims a job.
func DefaultBackoff(attempt int) time.Duration {
	const base, max = 30 * time.Second, 6 * time.Hour
	if attempt < 1 {
		attempt = 1
	}
	d := base
	for i := 1; i < attempt; i++ {
		d *= 2
		if d >= max {
			return max
		}
	}
	return d
}

// Handle registers the handler for kind, with its default maximum number of
// attempts. It panics on a duplicate or empty kind, a nil handler or
// maxAttempts < 1: those are wiring mistakes to catch at start-up.
func (q *Queue) Handle(kind string, maxAttempts int, h Handler) {
	if kind == "" || h == nil || maxAttempts < 1 {
		panic(fmt.Sprintf("jobs: Handle(%q, %d, …): need a kind, a handler and maxAttempts ≥ 1", kind, maxAttempts))
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.handlers == nil {
		q.handlers = map[string]handler{}
	}
	if _, dup := q.handlers[kind]; dup {
		panic("jobs: duplicate handler for kind " + kind)
	}
	q.handlers[kind] = handler{fn: h, maxAttempts: maxAttempts}
}

func (q *Queue) handler(kind string) (handler, bool) {
	q.mu.RLock()
	defer q.mu.RUnlock()
	h, ok := q.handlers[kind]
	return h, ok
}

func (q *Queue) kinds() []string {
	q.mu.RLock()
	defer q.mu.RUnlock()
	ks := make([]string, 0, len(q.handlers))
	for k := range q.handlers {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Option adjusts one Enqueue.
type Option func(*enqueueOpts)

type enqueueOpts struct {
	uniqueKey   string
	runAt       time.Time
	maxAttempts int
}

// UniqueKey makes Enqueue a no-op, returning the first job's id, when a job
// with key k already exists in any state: two replicas reacting to the same
// event enqueue one job. Keys are kept forever, so put the occasion in them
// ("study.push:branch 12:2022-01-05").
func UniqueKey(k string) Option { return func(o *enqueueOpts) { o.uniqueKey = k } }

// RunAt delays the job until t.
func RunAt(t time.Time) Option { return func(o *enqueueOpts) { o.runAt = t } }

// MaxAttempts overrides the handler's default number of attempts.
func MaxAttempts(n int) Option { return func(o *enqueueOpts) { o.maxAttempts = n } }

// Enqueue inserts a job of kind with args marshalled to JSON. It joins the
// transaction in ctx (db.InTx), so the job is part of the business change
// that causes it — the outbox rule of the issue: if that transaction rolls
// back the job never existed, and once it commits the job will run.
// Enqueueing a kind with no registered handler is an error, so that a typo
// fails at once instead of leaving a job nobody claims.
func (q *Queue) Enqueue(ctx context.Context, kind string, args any, opts ...Option) (int64, error) {
	h, ok := q.handler(kind)
	if !ok {
		return 0, fmt.Errorf("jobs: enqueue %q: no handler registered for this kind", kind)
	}
	var o enqueueOpts
	for _, opt := range opts {
		opt(&o)
	}
	if o.maxAttempts == 0 {
		o.maxAttempts = h.maxAttempts
	}
	if o.maxAttempts < 1 {
		return 0, fmt.Errorf("jobs: enqueue %q: MaxAttempts(%d) must be ≥ 1", kind, o.maxAttempts)
	}
	body := "{}"
	if args != nil {
		b, err := json.Marshal(args)
		if err != nil {
			return 0, fmt.Errorf("jobs: enqueue %q: args: %w", kind, err)
		}
		body = string(b)
	}
	now := ts(q.Clock.Now())
	runAt := now
	if !o.runAt.IsZero() {
		runAt = ts(o.runAt)
	}
	var key any // NULL unless given: UNIQUE allows many NULLs
	if o.uniqueKey != "" {
		key = o.uniqueKey
	}
	var id int64
	err := q.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		// ON CONFLICT … DO NOTHING rather than catching a unique violation:
		// on PostgreSQL a failed statement would abort the caller's whole
		// business transaction. A concurrent uncommitted insert of the same
		// key makes this wait for it, then do nothing or insert.
		err := tx.QueryRowContext(ctx, `INSERT INTO jobs (kind, args, state, attempt, max_attempts, run_at, unique_key, created_at, updated_at)
			VALUES (?, ?, 'available', 0, ?, ?, ?, ?, ?)
			ON CONFLICT (unique_key) DO NOTHING RETURNING id`,
			kind, body, o.maxAttempts, runAt, key, now, now).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			err = tx.QueryRowContext(ctx, `SELECT id FROM jobs WHERE unique_key = ?`, o.uniqueKey).Scan(&id)
		} else if err == nil {
			tx.AfterCommit(q.poke)
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("jobs: enqueue %q: %w", kind, err)
	}
	return id, nil
}

// poke wakes this process's Work loop after a commit, so a job enqueued by a
// request starts without waiting for the next poll. Other replicas still
// find it by polling.
func (q *Queue) poke() {
	if q.wake == nil {
		return
	}
	select {
	case q.wake <- struct{}{}:
	default:
	}
}
