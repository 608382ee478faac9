package db

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Batch commit for the hottest write (issue 8: the morning check-in burst).
//
// InGroupTx shares one commit among callers but still runs each caller's
// statements one after the other: on SQLite that is database/sql and driver
// overhead per statement per caller, on PostgreSQL a round trip per
// statement per caller. A Batcher goes further for a write whose callers
// all do the same thing: it hands the whole slice of concurrent callers'
// inputs to ONE function that writes them set-based (a multi-row INSERT for
// all of them, one upsert of the aggregates) in one transaction, commits,
// and only then answers each caller — "acknowledged means committed" holds
// as for InGroupTx. On PostgreSQL a batch is one connection and one round
// trip per statement for the whole batch.
//
// If the batch function fails, the batch is rolled back and each item runs
// again alone, in its own transaction, so one bad item fails only itself.
// A failed COMMIT fails every caller of the batch (none of them is stored).

// BatchFunc writes a batch: ins are the callers' inputs (in arrival order),
// and it sets outs[i] to the answer for ins[i]. It runs inside tx; its
// error rolls the whole batch back (the items are then run one by one).
// It must not keep state across calls: a batch may be run again.
type BatchFunc[In, Out any] func(ctx context.Context, tx *Tx, ins []In, outs []Out) error

// Batcher collects concurrent callers of one kind of write into batches of
// at most GroupMax callers (or what arrives within GroupWindow of the
// first) and writes each batch with its BatchFunc.
type Batcher[In, Out any] struct {
	d      *DB
	fn     BatchFunc[In, Out]
	in     chan *batchCall[In, Out]
	stop   chan struct{}
	wg     sync.WaitGroup
	mu     sync.RWMutex // held for reading while queueing, for writing to close
	closed bool
	pool   sync.Pool // *batchCall: one per Do, reused (the burst is allocation-bound too)
}

type batchCall[In, Out any] struct {
	ctx  context.Context
	in   In
	out  Out
	err  error
	done chan struct{}
}

// BatchWorkersPostgres is how many batches of one Batcher run at once on
// PostgreSQL, each on its own connection: while one waits for its COMMIT's
// WAL flush, the others are already writing, and the server flushes
// concurrent commits together. More workers make smaller batches, and on
// two cores the server's CPU per statement is what runs out: once the
// check-in answered without any read of its own (cached tokens, the streak
// on the row), 4 workers measured 1.2–1.4× the throughput of 8 on the
// 64-client burst (batches of about 16 rather than 7), and 2 about the
// same as 4 with a longer tail. It stays well under the pool's 20
// connections, which the requests' reads need too. SQLite has one writer
// connection, so one batch at a time; its batches grow instead while one
// commits.
const BatchWorkersPostgres = 4

// BatcherOf returns the store's batcher registered under key, making it
// with fn on first use; the store's Close stops it. Every call with one key
// must pass the same In, Out and fn (a module's hot write names its own key).
func BatcherOf[In, Out any](d *DB, key string, fn BatchFunc[In, Out]) *Batcher[In, Out] {
	g := d.groupWriter()
	if v, ok := g.batchers.Load(key); ok {
		return v.(*Batcher[In, Out])
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if v, ok := g.batchers.Load(key); ok {
		return v.(*Batcher[In, Out])
	}
	b := &Batcher[In, Out]{d: d, fn: fn, in: make(chan *batchCall[In, Out], 4*GroupMax), stop: make(chan struct{})}
	if g.closed {
		b.closed = true // a closed store refuses the work
	} else {
		n := 1
		if d.Dialect == Postgres {
			n = BatchWorkersPostgres
		}
		b.wg.Add(n)
		for range n {
			go b.run()
		}
	}
	g.batchers.Store(key, b)
	return b
}

// Do runs in as part of a batch and returns its answer once the batch's
// transaction has committed (or the item's own error). When ctx already
// carries a transaction, in runs alone inside it, as InTx joins. Once
// queued, the work is not torn out of a batch when ctx is cancelled: Do
// waits for the verdict.
func (b *Batcher[In, Out]) Do(ctx context.Context, in In) (Out, error) {
	var zero Out
	if t := TxFrom(ctx); t != nil {
		outs := make([]Out, 1)
		if err := b.fn(ctx, t, []In{in}, outs); err != nil {
			return zero, err
		}
		return outs[0], nil
	}
	c, _ := b.pool.Get().(*batchCall[In, Out])
	if c == nil {
		c = &batchCall[In, Out]{done: make(chan struct{}, 1)}
	}
	c.ctx, c.in = ctx, in
	b.mu.RLock()
	if b.closed {
		b.mu.RUnlock()
		b.put(c)
		return zero, ErrGroupClosed
	}
	select {
	case b.in <- c:
		b.mu.RUnlock()
	case <-ctx.Done():
		b.mu.RUnlock()
		b.put(c)
		return zero, ctx.Err()
	}
	<-c.done
	out, err := c.out, c.err
	b.put(c)
	return out, err
}

func (b *Batcher[In, Out]) put(c *batchCall[In, Out]) {
	var zi In
	var zo Out
	c.ctx, c.in, c.out, c.err = nil, zi, zo, nil
	b.pool.Put(c)
}

func (b *Batcher[In, Out]) close() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.closed = true
	close(b.stop)
	b.mu.Unlock()
	b.wg.Wait()
}

func (b *Batcher[In, Out]) run() {
	defer b.wg.Done()
	batch := make([]*batchCall[In, Out], 0, GroupMax)
	ins := make([]In, 0, GroupMax)
	outs := make([]Out, 0, GroupMax)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		batch = batch[:0]
		select {
		case c := <-b.in:
			batch = append(batch, c)
		case <-b.stop:
			for {
				select {
				case c := <-b.in:
					c.err = ErrGroupClosed
					c.done <- struct{}{}
				default:
					return
				}
			}
		}
		batch = collectBatch(b.in, batch, timer)
		ins = ins[:0]
		for _, c := range batch {
			ins = append(ins, c.in)
		}
		outs = outs[:len(ins)]
		b.commit(batch, ins, outs)
		clear(ins) // drop references for the GC
		b.answer(batch)
	}
}

// answer lets a batch's callers go once it is durable (afterDurable), while
// this writer goes on with the next batch (the slice is the writer's,
// reused for it).
func (b *Batcher[In, Out]) answer(batch []*batchCall[In, Out]) {
	calls := slices.Clone(batch)
	b.d.afterDurable(func(err error) {
		for _, c := range calls {
			if err != nil && c.err == nil {
				var zero Out
				c.out, c.err = zero, err
			}
			c.done <- struct{}{}
		}
	})
}

// commit writes one batch and answers (out, err) into each call. A
// retryable failure (SQLite busy, a PostgreSQL deadlock or serialization
// failure) runs the batch again; the batch function's own failure runs
// each item alone; a failed COMMIT fails them all.
func (b *Batcher[In, Out]) commit(batch []*batchCall[In, Out], ins []In, outs []Out) {
	on, release, err := b.d.batchWriter(context.Background())
	if err != nil {
		for _, c := range batch {
			c.err = err
		}
		return
	}
	defer release()
	err = b.attempts(context.Background(), on, ins, outs)
	var fe *isolateError
	switch {
	case err == nil:
		for i, c := range batch {
			c.out, c.err = outs[i], nil
		}
	case errors.As(err, &fe) && len(batch) > 1:
		// Isolate: each item in its own transaction.
		for i, c := range batch {
			err := b.attempts(context.WithoutCancel(c.ctx), on, ins[i:i+1], outs[i:i+1])
			if errors.As(err, &fe) {
				err = fe.err
			}
			c.out, c.err = outs[i], err
		}
	default:
		if errors.As(err, &fe) {
			err = fe.err
		}
		for _, c := range batch {
			c.err = err
		}
	}
}

// isolateError marks a failure that running each caller alone narrows
// down to the one at fault — the batch function's (Batcher), the flush of
// the callers' deferred rows (the group writer) — as opposed to BEGIN or
// COMMIT.
type isolateError struct{ err error }

func (e *isolateError) Error() string { return e.err.Error() }
func (e *isolateError) Unwrap() error { return e.err }

func (b *Batcher[In, Out]) attempts(ctx context.Context, on txBeginner, ins []In, outs []Out) error {
	for attempt := 0; ; attempt++ {
		err := b.try(ctx, on, ins, outs)
		if err == nil || attempt >= 3 || !retryable(b.d.Dialect, err) {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 20 * time.Millisecond)
	}
}

func (b *Batcher[In, Out]) try(ctx context.Context, on txBeginner, ins []In, outs []Out) (err error) {
	d := b.d
	clear(outs)
	sqlTx, err := on.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	t := &Tx{tx: sqlTx, Dialect: d.Dialect, d: d}
	if ferr := runBatchGuarded(b.fn, context.WithValue(ctx, txKey{}, t), t, ins, outs); ferr != nil {
		_ = sqlTx.Rollback()
		if retryable(d.Dialect, ferr) {
			return ferr
		}
		return &isolateError{ferr}
	}
	if err := sqlTx.Commit(); err != nil {
		return err
	}
	for _, f := range t.after {
		f()
	}
	return nil
}

// runBatchGuarded turns a panic of the batch function into its error, so
// one bad input cannot take the writer down (isolation then finds it).
func runBatchGuarded[In, Out any](fn BatchFunc[In, Out], ctx context.Context, t *Tx, ins []In, outs []Out) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("db: panic in batch: %v", p)
		}
	}()
	return fn(ctx, t, ins, outs)
}

// Chunks splits n rows into runs whose lengths are powers of two, largest
// first (100 → 64, 32, 4), for multi-row statements: a handful of distinct
// statement texts per table, each prepared once, instead of one per batch
// size — and a bound on the bound parameters of one statement (max rows
// times columns stays under SQLite's 32,766 and PostgreSQL's 65,535).
func Chunks(n, max int) []int {
	var out []int
	for n > 0 {
		c := max
		for c > n {
			c >>= 1
		}
		out = append(out, c)
		n -= c
	}
	return out
}

var valuesCache sync.Map // cols<<20 | rows → string

// Values returns the VALUES list of a multi-row statement: rows groups of
// cols placeholders, "(?, ?), (?, ?)". The text is built once per shape.
func Values(cols, rows int) string {
	key := cols<<20 | rows
	if v, ok := valuesCache.Load(key); ok {
		return v.(string)
	}
	var sb strings.Builder
	sb.Grow(rows * (cols*3 + 3))
	for r := 0; r < rows; r++ {
		if r > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for c := 0; c < cols; c++ {
			if c > 0 {
				sb.WriteString(", ")
			}
			sb.WriteByte('?')
		}
		sb.WriteByte(')')
	}
	s := sb.String()
	valuesCache.Store(key, s)
	return s
}
