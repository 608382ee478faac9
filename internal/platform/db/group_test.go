package db

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// Issue 8: group commit keeps "acknowledged means committed" — every caller
// told nil finds its row; a caller whose own work fails is told so and
// leaves nothing, without failing the others in its batch.
func TestInGroupTxAcknowledgedMeansCommitted(t *testing.T) {
	ForEach(t, []Source{testSrc}, func(t *testing.T, d *DB) {
		ctx := context.Background()
		const n = 600
		var wg sync.WaitGroup
		var acked, failed, after atomic.Int64
		bad := errors.New("refused")
		results := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				results[i] = d.InGroupTx(ctx, func(ctx context.Context, tx *Tx) error {
					if _, err := tx.ExecContext(ctx, `INSERT INTO items (name) VALUES (?)`, fmt.Sprintf("item-%d", i)); err != nil {
						return err
					}
					tx.AfterCommit(func() { after.Add(1) })
					if i%7 == 0 {
						return bad // after a write: the savepoint must undo it
					}
					return nil
				})
				if results[i] == nil {
					acked.Add(1)
				} else {
					failed.Add(1)
				}
			}(i)
		}
		wg.Wait()
		for i, err := range results {
			if (i%7 == 0) != errors.Is(err, bad) {
				t.Fatalf("caller %d: %v", i, err)
			}
		}
		var stored int64
		if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM items`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored != acked.Load() || after.Load() != acked.Load() {
			t.Fatalf("acknowledged %d, stored %d, after-commit ran %d", acked.Load(), stored, after.Load())
		}
		// A duplicate key inside a batch fails that caller only.
		err := d.InGroupTx(ctx, func(ctx context.Context, tx *Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO items (name) VALUES ('item-1')`)
			return err
		})
		if !IsUniqueViolation(err) {
			t.Fatalf("duplicate: %v", err)
		}
		// Joining: inside InTx the work is part of that transaction.
		err = d.InTx(ctx, func(ctx context.Context, tx *Tx) error {
			return d.InGroupTx(ctx, func(ctx context.Context, tx2 *Tx) error {
				if tx2 != tx {
					return errors.New("did not join")
				}
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// After Close, callers are refused rather than left waiting.
func TestInGroupTxAfterClose(t *testing.T) {
	d := OpenTestSQLite(t, []Source{testSrc})
	ctx := context.Background()
	if err := d.InGroupTx(ctx, func(ctx context.Context, tx *Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if err := d.InGroupTx(ctx, func(ctx context.Context, tx *Tx) error { return nil }); err == nil {
		t.Fatal("a closed store accepted work")
	}
}

// BenchmarkInGroupTx measures grouped single-row inserts from many
// goroutines (compare BenchmarkInTx: one commit per row).
func BenchmarkInGroupTx(b *testing.B) {
	d := OpenTestSQLite(b, []Source{testSrc})
	ctx := context.Background()
	var n atomic.Int64
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if err := d.InGroupTx(ctx, func(ctx context.Context, tx *Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO items (name) VALUES (?)`, fmt.Sprint(i))
				return err
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkInTx is one transaction (one fsync) per row.
func BenchmarkInTx(b *testing.B) {
	d := OpenTestSQLite(b, []Source{testSrc})
	ctx := context.Background()
	var n atomic.Int64
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if err := d.InTx(ctx, func(ctx context.Context, tx *Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO items (name) VALUES (?)`, fmt.Sprint(i))
				return err
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
