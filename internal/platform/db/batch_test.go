package db

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
)

// insertItems is a batch function as a hot write would be: one multi-row
// INSERT for the whole batch. An item named "bad…" fails the statement (a
// CHECK-like refusal in Go, after the rows were written), so the batch is
// isolated; an item named "panic…" panics.
func insertItems(ctx context.Context, tx *Tx, ins []string, outs []int64) error {
	args := make([]any, len(ins))
	for i, s := range ins {
		args[i] = s
	}
	rows, err := tx.QueryContext(ctx, `INSERT INTO items (name) VALUES `+valuesOf(len(ins))+` RETURNING id, name`, args...)
	if err != nil {
		return err
	}
	ids := map[string]int64{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return err
		}
		ids[name] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for i, s := range ins {
		if strings.HasPrefix(s, "bad") {
			return errors.New("refused " + s)
		}
		if strings.HasPrefix(s, "panic") {
			panic(s)
		}
		outs[i] = ids[s]
	}
	return nil
}

func valuesOf(n int) string { return Values(1, n) }

// Issue 8: a batch commit keeps "acknowledged means committed" — every
// caller answered without error finds its row, with the id it was told; a
// bad item fails only itself (and leaves nothing), whatever batch it fell in.
func TestBatcherAcknowledgedMeansCommitted(t *testing.T) {
	ForEach(t, []Source{testSrc}, func(t *testing.T, d *DB) {
		ctx := context.Background()
		b := BatcherOf(d, "test.items", insertItems)
		if BatcherOf(d, "test.items", insertItems) != b {
			t.Fatal("a second BatcherOf made a second batcher")
		}
		const n = 700
		var wg sync.WaitGroup
		ids := make([]int64, n)
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				name := fmt.Sprintf("item-%d", i)
				switch {
				case i%97 == 5:
					name = fmt.Sprintf("bad-%d", i)
				case i == 301:
					name = "panic-301"
				}
				ids[i], errs[i] = b.Do(ctx, name)
			}(i)
		}
		wg.Wait()
		acked := 0
		for i := 0; i < n; i++ {
			bad := i%97 == 5 || i == 301
			if bad != (errs[i] != nil) {
				t.Fatalf("caller %d: %v", i, errs[i])
			}
			if bad {
				continue
			}
			acked++
			var name string
			if err := d.R.QueryRowContext(ctx, d.Rebind(`SELECT name FROM items WHERE id = ?`), ids[i]).Scan(&name); err != nil || name != fmt.Sprintf("item-%d", i) {
				t.Fatalf("caller %d told id %d: %q %v", i, ids[i], name, err)
			}
		}
		var stored int
		if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM items`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored != acked {
			t.Fatalf("acknowledged %d, stored %d", acked, stored)
		}
		// A duplicate (a unique violation inside the statement) fails
		// that caller alone.
		if _, err := b.Do(ctx, "item-1"); !IsUniqueViolation(err) {
			t.Fatalf("duplicate: %v", err)
		}
	})
}

// A failed COMMIT fails every caller of the batch: none was stored. A
// deferred foreign key makes the commit itself fail (SQLite checks
// deferred constraints at COMMIT; so does PostgreSQL).
func TestBatcherCommitFailureFailsAll(t *testing.T) {
	src := Source{Module: "fk", FS: fstest.MapFS{
		"001_fk.sql": {Data: []byte(`CREATE TABLE parents (id BIGINT PRIMARY KEY);
CREATE TABLE kids (id {{ID}}, parent BIGINT NOT NULL REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED);`)},
	}}
	ForEach(t, []Source{src}, func(t *testing.T, d *DB) {
		ctx := context.Background()
		var batches atomic.Int64
		b := BatcherOf(d, "test.kids", func(ctx context.Context, tx *Tx, ins []int64, outs []bool) error {
			batches.Add(1)
			args := make([]any, len(ins))
			for i, p := range ins {
				args[i] = p
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO kids (parent) VALUES `+Values(1, len(ins)), args...)
			for i := range outs {
				outs[i] = true
			}
			return err
		})
		if _, err := d.W.ExecContext(ctx, `INSERT INTO parents (id) VALUES (1)`); err != nil {
			t.Fatal(err)
		}
		// Start the writer on a slow first batch so that the next callers
		// queue up and share one batch.
		if ok, err := b.Do(ctx, 1); err != nil || !ok {
			t.Fatalf("good kid: %v %v", ok, err)
		}
		const n = 20
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				p := int64(1)
				if i == 7 {
					p = 99 // no such parent: the COMMIT fails
				}
				_, errs[i] = b.Do(ctx, p)
			}(i)
		}
		wg.Wait()
		var kids int
		if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM kids`).Scan(&kids); err != nil {
			t.Fatal(err)
		}
		failed := 0
		for _, err := range errs {
			if err != nil {
				failed++
			}
		}
		// Whatever the batching, every caller told nil is stored, every
		// caller whose batch held the orphan failed, and the orphan failed.
		if errs[7] == nil || kids != 1+n-failed {
			t.Fatalf("%d kids stored, %d of %d callers failed (orphan: %v)", kids, failed, n, errs[7])
		}
		t.Logf("%d batches, %d callers failed with the orphan", batches.Load(), failed)
		// The writer is usable after a failed COMMIT.
		if ok, err := b.Do(ctx, 1); err != nil || !ok {
			t.Fatalf("after the failed commit: %v %v", ok, err)
		}
		if err := d.InTx(ctx, func(ctx context.Context, tx *Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO kids (parent) VALUES (1)`)
			return err
		}); err != nil {
			t.Fatalf("InTx after the failed commit: %v", err)
		}
	})
}

// Inside a transaction Do runs the item alone in it: committed or rolled
// back with the caller's transaction.
func TestBatcherJoinsTx(t *testing.T) {
	ForEach(t, []Source{testSrc}, func(t *testing.T, d *DB) {
		ctx := context.Background()
		b := BatcherOf(d, "test.items", insertItems)
		boom := errors.New("boom")
		err := d.InTx(ctx, func(ctx context.Context, tx *Tx) error {
			id, err := b.Do(ctx, "joined")
			if err != nil || id == 0 {
				return fmt.Errorf("do: %d %v", id, err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		var n int
		if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM items WHERE name = 'joined'`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("rolled-back work stored: %d %v", n, err)
		}
		err = d.InTx(ctx, func(ctx context.Context, tx *Tx) error {
			_, err := b.Do(ctx, "joined")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM items WHERE name = 'joined'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("committed work: %d %v", n, err)
		}
	})
}

// After Close, callers are refused rather than left waiting.
func TestBatcherAfterClose(t *testing.T) {
	d := OpenTestSQLite(t, []Source{testSrc})
	ctx := context.Background()
	b := BatcherOf(d, "test.items", insertItems)
	if _, err := b.Do(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if _, err := b.Do(ctx, "y"); !errors.Is(err, ErrGroupClosed) {
		t.Fatalf("a closed store accepted work: %v", err)
	}
	if _, err := BatcherOf(d, "test.other", insertItems).Do(ctx, "z"); !errors.Is(err, ErrGroupClosed) {
		t.Fatalf("a batcher made after Close accepted work: %v", err)
	}
}

func TestChunksAndValues(t *testing.T) {
	for _, c := range []struct {
		n, max int
		want   string
	}{{0, 128, "[]"}, {1, 128, "[1]"}, {100, 128, "[64 32 4]"}, {300, 128, "[128 128 32 8 4]"}, {17, 16, "[16 1]"}} {
		if got := fmt.Sprint(Chunks(c.n, c.max)); got != c.want {
			t.Errorf("Chunks(%d, %d) = %s, want %s", c.n, c.max, got, c.want)
		}
	}
	if got := Values(3, 2); got != "(?, ?, ?), (?, ?, ?)" {
		t.Errorf("Values(3, 2) = %q", got)
	}
	if got := Values(2, 1); got != "(?, ?)" {
		t.Errorf("Values(2, 1) = %q", got)
	}
}

// BenchmarkBatcher is grouped single-row inserts from many goroutines
// through a Batcher (one multi-row INSERT per batch; compare
// BenchmarkInGroupTx: one INSERT per caller).
func BenchmarkBatcher(b *testing.B) {
	d := OpenTestSQLite(b, []Source{testSrc})
	ctx := context.Background()
	bt := BatcherOf(d, "bench.items", insertItems)
	var n atomic.Int64
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := bt.Do(ctx, fmt.Sprint(n.Add(1))); err != nil {
				b.Fatal(err)
			}
		}
	})
}
