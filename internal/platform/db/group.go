package db

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Group commit for the hot writes (the morning burst of check-ins).
//
// One commit on SQLite with synchronous=FULL costs an fsync; one commit per
// request caps the store at a few thousand writes a second whatever the CPU.
// InGroupTx lets many requests share one transaction and so one fsync,
// without giving up "acknowledged means committed": a caller's InGroupTx
// returns only after the transaction holding its work has committed, and a
// batch whose commit fails fails every caller in it. Each caller's work runs
// inside its own SAVEPOINT, so one caller's error (a wrong recitation, a
// constraint) rolls back only its own statements and the rest of the batch
// commits. On SQLite the batch is answered after the log syncer's fsync
// (durable.go), so the writer runs the next batch while this one is made
// durable.

// GroupMax and GroupWindow bound a batch: at most GroupMax callers, and
// the writer waits at most GroupWindow after the first caller for others —
// unless GroupEnough were already queued when it looked, then it starts at
// once. Since the log's fsync left the writer (durable.go), a long window
// only idled it: on the 64-client burst a 1 ms window kept the two cores
// about 135 % busy, 100–300 µs with GroupEnough 4 about 170 %, for
// 1.2–1.3× the check-ins (in-process runs, alternated).
const (
	GroupMax    = 256
	GroupWindow = 200 * time.Microsecond
	GroupEnough = 4
)

// ErrGroupClosed answers callers after the store was closed.
var ErrGroupClosed = errors.New("db: store closed")

type groupCall struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *Tx) error
	done chan error
	// after holds the AfterCommit callbacks this caller registered.
	after []func()
}

type grouper struct {
	d      *DB
	in     chan *groupCall
	stop   chan struct{}
	wg     sync.WaitGroup
	mu     sync.RWMutex // held for reading while queueing, for writing to close
	closed bool
	// batchers are the store's Batchers by key (batch.go), stopped with it.
	batchers sync.Map
}

func (d *DB) groupWriter() *grouper {
	d.groupOnce.Do(func() {
		g := &grouper{d: d, in: make(chan *groupCall, 4*GroupMax), stop: make(chan struct{})}
		g.wg.Add(1)
		go g.run()
		d.group = g
	})
	return d.group
}

// InGroupTx runs fn inside a transaction shared with other concurrent
// callers and returns once that transaction has committed (nil) or failed
// (its error). fn's own error rolls back only fn's statements (a savepoint)
// and is returned to this caller alone. fn must not keep state across calls:
// if the batch's commit fails, the caller gets the error and nothing fn did
// is stored. When ctx already carries a transaction, fn joins it, as InTx
// does. fn runs on the writer goroutine with ctx's values but not its
// cancellation: once queued, work is not torn out of a shared transaction.
func (d *DB) InGroupTx(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	if t := TxFrom(ctx); t != nil {
		return fn(ctx, t)
	}
	if d.Dialect != SQLite {
		// PostgreSQL flushes the WAL of concurrent commits together by
		// itself, over many connections; one grouping connection would
		// serialise every statement's round trip instead (measured on this
		// machine: 4,100 rows/s grouped vs 6,700 one transaction each).
		return d.InTx(ctx, fn)
	}
	return d.enqueueGroup(ctx, fn)
}

// enqueueGroup queues fn on the store's group writer and waits for the
// commit holding it (InGroupTx on SQLite, InSharedTx on PostgreSQL).
func (d *DB) enqueueGroup(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	g := d.groupWriter()
	c := &groupCall{ctx: context.WithoutCancel(ctx), fn: fn, done: make(chan error, 1)}
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return ErrGroupClosed
	}
	select {
	case g.in <- c:
		g.mu.RUnlock()
	case <-ctx.Done():
		g.mu.RUnlock()
		return ctx.Err()
	}
	// Wait for the verdict even if the client goes away: the work may
	// already be in a transaction being committed.
	err := <-c.done
	if err == nil {
		for _, f := range c.after {
			f()
		}
	}
	return err
}

func (g *grouper) close() {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return
	}
	g.closed = true
	close(g.stop)
	g.mu.Unlock()
	g.batchers.Range(func(_, v any) bool {
		v.(interface{ close() }).close()
		return true
	})
	g.wg.Wait()
}

func (g *grouper) run() {
	defer g.wg.Done()
	batch := make([]*groupCall, 0, GroupMax)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		batch = batch[:0]
		select {
		case c := <-g.in:
			batch = append(batch, c)
		case <-g.stop:
			g.drain(ErrGroupClosed)
			return
		}
		batch = collectBatch(g.in, batch, timer)
		g.commit(batch)
	}
}

func (g *grouper) drain(err error) {
	for {
		select {
		case c := <-g.in:
			c.done <- err
		default:
			return
		}
	}
}

// errSavepoints asks commit to run the batch again with a savepoint per
// caller: a caller failed in the optimistic pass.
var errSavepoints = errors.New("db: a grouped caller failed; run the batch with savepoints")

// commit runs one batch and one COMMIT. The first pass runs the callers
// back to back (a savepoint each costs two statements, a sixth of a
// check-in's writer time); if any caller fails, that pass is rolled back
// and the batch runs again with each caller in its own savepoint, so a
// caller's error undoes only its own statements. A SQLITE_BUSY at BEGIN or
// COMMIT (another process holding the lock) is retried like InTx does;
// a failure of the callers' deferred rows runs each caller again alone;
// any other failure fails every caller that had not failed on its own.
func (g *grouper) commit(batch []*groupCall) {
	errsOf := make([]error, len(batch))
	on, release, err := g.d.batchWriter(context.Background())
	if err != nil {
		for _, c := range batch {
			c.done <- err
		}
		return
	}
	defer release()
	err = g.attempts(on, batch, errsOf)
	var fe *isolateError
	if errors.As(err, &fe) && len(batch) > 1 {
		// The callers' deferred rows are flushed together, so the one whose
		// rows failed (a parent removed meanwhile, a constraint) is not
		// known: each caller runs again alone, and only that one fails.
		for i := range batch {
			if ierr := g.attempts(on, batch[i:i+1], errsOf[i:i+1]); ierr != nil && errsOf[i] == nil {
				if errors.As(ierr, &fe) {
					ierr = fe.err
				}
				errsOf[i] = ierr
			}
		}
		err = nil
	}
	if errors.As(err, &fe) {
		err = fe.err
	}
	answer := func(serr error) {
		for i, c := range batch {
			switch {
			case errsOf[i] != nil:
				c.done <- errsOf[i]
			case err != nil:
				c.done <- err
			default:
				c.done <- serr
			}
		}
	}
	// Once durable; the batch's slice is the writer's, reused for the
	// next batch.
	batch = slices.Clone(batch)
	g.d.afterDurable(answer)
}

// attempts runs a batch: first without savepoints, again with one per
// caller if a caller failed, and again after a SQLite busy or PostgreSQL
// serialization failure, up to three times.
func (g *grouper) attempts(on txBeginner, batch []*groupCall, errsOf []error) error {
	savepoints := false
	for attempt := 0; ; attempt++ {
		for i := range errsOf {
			errsOf[i] = nil
			batch[i].after = nil
		}
		err := g.try(on, batch, errsOf, savepoints)
		if errors.Is(err, errSavepoints) && !savepoints {
			savepoints = true
			attempt--
			continue
		}
		if err == nil || attempt >= 3 || !retryable(g.d.Dialect, err) {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 20 * time.Millisecond)
	}
}

func (g *grouper) try(on txBeginner, batch []*groupCall, errsOf []error, savepoints bool) error {
	d := g.d
	sqlTx, err := on.BeginTx(context.Background(), nil)
	if err != nil {
		return err
	}
	t := &Tx{tx: sqlTx, Dialect: d.Dialect, d: d, hooks: &txHooks{}}
	ctx0 := context.Background()
	exec := func(q string) error {
		if !savepoints {
			return nil
		}
		_, err := t.ExecCached(ctx0, q)
		return err
	}
	// One savepoint name serves: each is released before the next begins.
	for i, c := range batch {
		if err := exec("SAVEPOINT grouped"); err != nil {
			_ = sqlTx.Rollback()
			return err
		}
		t.after = nil
		mark := t.hookMark()
		ferr := runGuarded(c, t)
		if ferr != nil {
			if !savepoints {
				_ = sqlTx.Rollback()
				return errSavepoints
			}
			errsOf[i] = ferr
			t.hookDrop(mark)
			if err := exec("ROLLBACK TO SAVEPOINT grouped"); err != nil {
				_ = sqlTx.Rollback()
				return err
			}
		} else {
			c.after = t.after
		}
		if err := exec("RELEASE SAVEPOINT grouped"); err != nil {
			_ = sqlTx.Rollback()
			return err
		}
	}
	if err := t.beforeCommit(ctx0); err != nil {
		_ = sqlTx.Rollback()
		if retryable(d.Dialect, err) {
			return err
		}
		return &isolateError{err}
	}
	return sqlTx.Commit()
}

// runGuarded runs one caller's fn, turning a panic into that caller's error
// so one bad request cannot take the batch (or the writer) down.
func runGuarded(c *groupCall, t *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("db: panic in grouped transaction: %v", p)
		}
	}()
	return c.fn(context.WithValue(c.ctx, txKey{}, t), t)
}

// collectBatch adds to batch what is already queued on in and, unless that
// made GroupEnough, what arrives within GroupWindow of the first, up to
// GroupMax callers; timer is the caller's, stopped and drained on return.
func collectBatch[T any](in <-chan T, batch []T, timer *time.Timer) []T {
queued:
	for len(batch) < GroupMax {
		select {
		case c := <-in:
			batch = append(batch, c)
		default:
			break queued
		}
	}
	if len(batch) >= GroupEnough {
		return batch
	}
	timer.Reset(GroupWindow)
collect:
	for len(batch) < GroupMax {
		select {
		case c := <-in:
			batch = append(batch, c)
		default:
			select {
			case c := <-in:
				batch = append(batch, c)
			case <-timer.C:
				break collect
			}
		}
	}
	if !timer.Stop() {
		select {
		case <-timer.C:
		default:
		}
	}
	return batch
}
