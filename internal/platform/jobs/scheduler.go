package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
)

// Schedule is a cron schedule declared by a module.
type Schedule struct {
	Name string // unique, e.g. "study.morning_sentence"
	Spec string // standard 5-field cron in the zone, e.g. "0 7 * * *"
	Doc  string // what it does (shown on the admin page), Chinese
	// Fire runs inside the transaction that claims the slot (ctx carries
	// it), so what it enqueues commits with the claim or not at all. It
	// usually Enqueues jobs, and should do nothing slow: on SQLite the
	// claim holds the only writer. slot is given in the Scheduler's Zone.
	Fire func(ctx context.Context, slot time.Time) error
}

// Slot states, as stored in schedule_runs.state.
const (
	RunDone   = "done"   // Fire committed with the claim
	RunFailed = "failed" // Fire returned an error; retried by later ticks while inside the window
	RunMissed = "missed" // nobody was up within the catch-up window; not run
)

// MaxSlotsPerTick bounds the slots one Tick examines per schedule, so that a
// long outage (an every-minute schedule down for a month) cannot keep a Tick
// looping; the next Tick carries on from the last recorded slot.
const MaxSlotsPerTick = 10000

// Scheduler fires the schedules declared by modules, exactly once per slot
// across replicas. It keeps no state in memory beyond the declarations:
// where each schedule stands is read from schedule_runs on every Tick.
type Scheduler struct {
	DB    *db.DB
	Clock clock.Clock
	// Zone is where cron specs are read: "0 7 * * *" is 07:00 in the
	// development zone, not on the server (default clock.Zone).
	Zone *time.Location
	// CatchUp is how late a slot may still run: a process that was down at
	// the slot and comes back within it runs the missed slot once; older
	// slots are recorded as missed, not run (the issue; default 2 h).
	CatchUp time.Duration
	Log     *slog.Logger

	mu      sync.Mutex
	entries []entry
}

type entry struct {
	Schedule
	cron cron.Schedule
}

// NewScheduler returns a scheduler in clock.Zone with a two-hour catch-up
// window.
func NewScheduler(d *db.DB, clk clock.Clock, log *slog.Logger) *Scheduler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{DB: d, Clock: clk, Zone: clock.Zone, CatchUp: 2 * time.Hour, Log: log}
}

// Add declares a schedule. Spec is parsed with robfig/cron's ParseStandard
// (5 fields, or a descriptor such as "@daily") and evaluated in Zone. It is
// an error to give a bad spec, "@every", no name, no Fire, or a name
// already added.
func (s *Scheduler) Add(sc Schedule) error {
	if sc.Name == "" || sc.Fire == nil {
		return fmt.Errorf("jobs: schedule %q: need a name and a Fire func", sc.Name)
	}
	c, err := cron.ParseStandard(sc.Spec)
	if err != nil {
		return fmt.Errorf("jobs: schedule %q: spec %q: %w", sc.Name, sc.Spec, err)
	}
	// "@every d" counts from whenever it is asked, so two replicas would
	// compute different slots and both fire; slots must sit on the calendar
	// for the (name, slot) key to make them exactly once.
	if _, drifting := c.(cron.ConstantDelaySchedule); drifting {
		return fmt.Errorf("jobs: schedule %q: spec %q: @every is not calendar-aligned; write it as cron fields (e.g. \"*/10 * * * *\")", sc.Name, sc.Spec)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.entries {
		if e.Name == sc.Name {
			return fmt.Errorf("jobs: schedule %q declared twice", sc.Name)
		}
	}
	s.entries = append(s.entries, entry{Schedule: sc, cron: c})
	return nil
}

func (s *Scheduler) list() []entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]entry(nil), s.entries...)
}

func (s *Scheduler) zone() *time.Location {
	if s.Zone == nil {
		return clock.Zone
	}
	return s.Zone
}

func (s *Scheduler) catchUp() time.Duration {
	if s.CatchUp < 0 {
		return 0
	}
	return s.CatchUp
}

// next is the first slot strictly after t, in the zone; zero if none
// within cron's five-year horizon (e.g. "0 0 30 2 *").
func (s *Scheduler) next(e entry, t time.Time) time.Time {
	return e.cron.Next(t.In(s.zone()))
}

// Tick brings every schedule up to now. For each schedule it first retries
// its failed slots still inside the catch-up window, then walks the slots
// after its last recorded slot (or, for a schedule never seen, after now
// minus the window) up to now: a slot no older than CatchUp is claimed and
// fired, an older one is recorded missed and not run. One schedule's
// trouble does not stop the others; all errors are returned joined.
func (s *Scheduler) Tick(ctx context.Context) error {
	now := ts(s.Clock.Now())
	var all []error
	for _, e := range s.list() {
		if err := s.tickOne(ctx, e, now); err != nil {
			all = append(all, fmt.Errorf("schedule %s: %w", e.Name, err))
		}
	}
	return errors.Join(all...)
}

func (s *Scheduler) tickOne(ctx context.Context, e entry, now time.Time) error {
	window := s.catchUp()
	oldest := now.Add(-window)
	q := s.DB.Q(ctx)
	var errs []error

	// Failed slots inside the window get another go on every tick.
	var failed []time.Time
	rows, err := q.QueryContext(ctx, `SELECT slot FROM schedule_runs WHERE name = ? AND state = 'failed' AND slot >= ? ORDER BY slot`, e.Name, oldest)
	if err != nil {
		return err
	}
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		failed = append(failed, ts(t))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, slot := range failed {
		if err := s.retry(ctx, e, slot, now); err != nil {
			errs = append(errs, err)
		}
	}

	// The cursor is the latest slot anyone recorded, in any state. Read
	// outside the claim: two replicas may both try the same slot, and the
	// primary key lets exactly one of them have it.
	var from time.Time
	err = q.QueryRowContext(ctx, `SELECT slot FROM schedule_runs WHERE name = ? ORDER BY slot DESC LIMIT 1`, e.Name).Scan(&from)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// Never seen (a new schedule, a fresh database): look back over the
		// window only. One second earlier so that a slot exactly CatchUp
		// old, which still counts as inside, is not skipped.
		from = oldest.Add(-time.Second)
	case err != nil:
		return err
	}

	var missed []time.Time
	for i := 0; i < MaxSlotsPerTick; i++ {
		slot := s.next(e, from)
		if slot.IsZero() || slot.After(now) {
			break
		}
		from = slot
		if now.Sub(slot) > window {
			missed = append(missed, ts(slot))
			continue
		}
		// Record the misses before the claim so the cursor never passes a
		// slot that has no record.
		if err := s.recordMissed(ctx, e, missed, now); err != nil {
			return err
		}
		missed = nil
		if err := s.claim(ctx, e, slot, now); err != nil {
			errs = append(errs, err)
		}
	}
	if err := s.recordMissed(ctx, e, missed, now); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// claim inserts (name, slot) as done and runs Fire in the same transaction.
// The insert is the lock: on PostgreSQL a second replica's insert waits for
// the first transaction and then does nothing if it committed (or goes ahead
// if it rolled back); on SQLite write transactions are exclusive. Either
// way the slot's Fire commits exactly once.
func (s *Scheduler) claim(ctx context.Context, e entry, slot, now time.Time) error {
	won := false
	err := s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		won = false
		res, err := tx.ExecContext(ctx, `INSERT INTO schedule_runs (name, slot, state, ran_at, error) VALUES (?, ?, 'done', ?, '')
			ON CONFLICT (name, slot) DO NOTHING`, e.Name, ts(slot), now)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // another replica has it (done, failed or missed)
		}
		won = true
		return s.fire(ctx, e, slot)
	})
	return s.settle(ctx, e, slot, now, won, err)
}

// retry runs a failed slot again: the UPDATE failed → done is the claim (a
// second replica's UPDATE waits on the row and then finds it done), and Fire
// runs in the same transaction, as for a first claim.
func (s *Scheduler) retry(ctx context.Context, e entry, slot, now time.Time) error {
	won := false
	err := s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		won = false
		res, err := tx.ExecContext(ctx, `UPDATE schedule_runs SET state = 'done', ran_at = ?, error = ''
			WHERE name = ? AND slot = ? AND state = 'failed'`, now, e.Name, ts(slot))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		won = true
		return s.fire(ctx, e, slot)
	})
	return s.settle(ctx, e, slot, now, won, err)
}

func (s *Scheduler) fire(ctx context.Context, e entry, slot time.Time) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in Fire: %v", p)
		}
	}()
	return e.Fire(ctx, slot.In(s.zone()))
}

// settle logs a claim's outcome and, when it failed, records the slot as
// failed. The claim's transaction has rolled back — Fire's effects with it
// — so the record needs its own transaction. The upsert only touches a row
// that is absent or still failed: if another replica fired the slot
// meanwhile, its "done" stands.
func (s *Scheduler) settle(ctx context.Context, e entry, slot, now time.Time, won bool, err error) error {
	log := s.Log.With("schedule", e.Name, "slot", slot.In(s.zone()).Format(time.DateTime))
	if err == nil {
		if won {
			log.Info("schedule fired")
		}
		return nil
	}
	log.Error("schedule slot failed", "error", err)
	rec := s.DB.InTx(context.WithoutCancel(ctx), func(ctx context.Context, tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO schedule_runs (name, slot, state, ran_at, error) VALUES (?, ?, 'failed', ?, ?)
			ON CONFLICT (name, slot) DO UPDATE SET ran_at = excluded.ran_at, error = excluded.error
			WHERE schedule_runs.state = 'failed'`, e.Name, ts(slot), now, clip(err.Error(), 2000))
		return err
	})
	if rec != nil {
		log.Error("schedule failure not recorded", "error", rec)
	}
	return fmt.Errorf("slot %s: %w", slot.UTC().Format(time.RFC3339), err)
}

// recordMissed records slots that nobody ran within the window, so the
// admin page shows the gap and later ticks move past it.
func (s *Scheduler) recordMissed(ctx context.Context, e entry, slots []time.Time, now time.Time) error {
	if len(slots) == 0 {
		return nil
	}
	s.Log.Warn("schedule slots missed (outside the catch-up window)", "schedule", e.Name,
		"count", len(slots), "first", slots[0], "last", slots[len(slots)-1])
	return s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		for _, slot := range slots {
			if _, err := tx.ExecContext(ctx, `INSERT INTO schedule_runs (name, slot, state, ran_at, error) VALUES (?, ?, 'missed', ?, '')
				ON CONFLICT (name, slot) DO NOTHING`, e.Name, slot, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// Run ticks at once and then every interval until ctx ends (used by
// `serve`). Slot times come from the injected clock; the interval is real
// time and only bounds how late after its slot a schedule fires.
func (s *Scheduler) Run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = 30 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("jobs: schedule tick", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
