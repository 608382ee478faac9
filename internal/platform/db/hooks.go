package db

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// Work deferred to the end of a transaction.
//
// Some appends are cheaper done once per transaction than once per call:
// the audit log's hash chain reads and moves one head row per entry, and
// that row is what every audited write in the zone waits for (on
// PostgreSQL it is locked FOR UPDATE from the append to the commit). A
// caller that queues its value with Defer instead has it written by one
// flush just before the COMMIT — the head read once, the rows inserted
// together, the head moved once, and the head's lock held only for those
// last statements. The values still commit or roll back with the rest of
// the transaction: a failed flush fails the commit, and in a group commit
// (InGroupTx) the values of a caller whose savepoint rolled back are
// dropped with its statements.
//
// Only the commit paths that flush (InTx, InGroupTx) accept deferred work;
// on any other transaction Defer reports false and the caller writes at
// once, as before.

type deferred struct {
	key any
	v   any
}

// txHooks is a transaction's queue of deferred values, in the order they
// were queued, with the flush of each key.
type txHooks struct {
	items []deferred
	flush map[any]func(ctx context.Context, tx *Tx, vs []any) error
	keys  []any        // first-queued order of the keys
	last  map[any]bool // keys flushed after the others (DeferLast)
}

// Defer queues v under key to be written by flush just before t commits,
// together with every other value queued under key in t (in queue order).
// It reports false, queuing nothing, when t's commit path does not flush
// deferred work; the caller must then write v itself. Every call with one
// key passes an equivalent flush (the first one registered is used).
func (t *Tx) Defer(key, v any, flush func(ctx context.Context, tx *Tx, vs []any) error) bool {
	h := t.hooks
	if h == nil {
		return false
	}
	if h.flush == nil {
		h.flush = map[any]func(context.Context, *Tx, []any) error{}
	}
	if _, ok := h.flush[key]; !ok {
		h.flush[key] = flush
		h.keys = append(h.keys, key)
	}
	h.items = append(h.items, deferred{key, v})
	return true
}

// hookMark is the position of t's queue, for hookDrop.
func (t *Tx) hookMark() int {
	if t.hooks == nil {
		return 0
	}
	return len(t.hooks.items)
}

// hookDrop forgets what was queued after mark (a caller's savepoint was
// rolled back: its deferred values go with its statements).
func (t *Tx) hookDrop(mark int) {
	if t.hooks != nil && mark < len(t.hooks.items) {
		clear(t.hooks.items[mark:])
		t.hooks.items = t.hooks.items[:mark]
	}
}

// ordered is the keys in queue order, those of DeferLast at the end.
func (h *txHooks) ordered() []any {
	if len(h.last) == 0 {
		return h.keys
	}
	out := make([]any, 0, len(h.keys))
	for _, late := range []bool{false, true} {
		for _, k := range h.keys {
			if h.last[k] == late {
				out = append(out, k)
			}
		}
	}
	return out
}

// beforeCommit runs each key's flush over its queued values. A flush may
// queue more (an audit entry of its own): the loop runs until the queue is
// empty.
func (t *Tx) beforeCommit(ctx context.Context) (err error) {
	// A panicking flush fails the transaction rather than the goroutine
	// (in a group commit, the writer that every caller waits on).
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("db: panic in a before-commit flush: %v", p)
		}
	}()
	h := t.hooks
	if h == nil {
		return nil
	}
	for len(h.items) > 0 {
		items := h.items
		h.items = nil
		for _, k := range h.ordered() {
			var vs []any
			for _, it := range items {
				if it.key == k {
					vs = append(vs, it.v)
				}
			}
			if len(vs) == 0 {
				continue
			}
			if err := h.flush[k](context.WithValue(ctx, txKey{}, t), t, vs); err != nil {
				return err
			}
		}
	}
	return nil
}

// DeferLast is Defer for work that must come after every other flush of
// the transaction: the audit chain's, whose flush locks the chain head
// (PostgreSQL holds that lock until the COMMIT, so it is taken last).
func (t *Tx) DeferLast(key, v any, flush func(ctx context.Context, tx *Tx, vs []any) error) bool {
	if t.hooks == nil {
		return false
	}
	if t.hooks.last == nil {
		t.hooks.last = map[any]bool{}
	}
	t.hooks.last[key] = true
	return t.Defer(key, v, flush)
}

// maxInsertRun bounds the rows of one multi-row INSERT.
const maxInsertRun = 64

// insertTexts caches the statement text of head with n rows of ncols.
var insertTexts sync.Map // insertText → string

type insertText struct {
	head     string
	ncols, n int
}

// InsertRows inserts rows (each of the ncols values the columns of head
// name, head being "INSERT INTO t (a, b, c)") by multi-row INSERTs. Runs
// are powers of two up to maxInsertRun rows, largest first, so that a
// handful of statement texts, each prepared once (ExecCached), serve every
// batch size.
func (t *Tx) InsertRows(ctx context.Context, head string, ncols int, rows [][]any) error {
	for len(rows) > 0 {
		n := 1
		for n*2 <= len(rows) && n*2 <= maxInsertRun {
			n *= 2
		}
		k := insertText{head, ncols, n}
		q, ok := insertTexts.Load(k)
		if !ok {
			row := "(" + strings.TrimSuffix(strings.Repeat("?, ", ncols), ", ") + ")"
			q, _ = insertTexts.LoadOrStore(k, head+" VALUES "+strings.TrimSuffix(strings.Repeat(row+", ", n), ", "))
		}
		args := make([]any, 0, n*ncols)
		for _, r := range rows[:n] {
			if len(r) != ncols {
				return fmt.Errorf("db: InsertRows: a row of %d values for %d columns", len(r), ncols)
			}
			args = append(args, r...)
		}
		if _, err := t.ExecCached(ctx, q.(string), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}
