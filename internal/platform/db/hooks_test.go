package db

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// names reads the items' names in id order.
func names(t *testing.T, d *DB) []string {
	t.Helper()
	rows, err := d.W.QueryContext(context.Background(), `SELECT name FROM items ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

type itemsKey struct{}
type lateKey struct{}

func deferItems(ctx context.Context, tx *Tx, vs []any) error {
	rows := make([][]any, len(vs))
	for i, v := range vs {
		rows[i] = []any{v}
	}
	return tx.InsertRows(ctx, `INSERT INTO items (name)`, 1, rows)
}

// Deferred values are written just before the commit, in queue order, the
// DeferLast key after the others; a rolled-back transaction writes none;
// a failed flush fails the commit.
func TestDeferFlushesBeforeCommit(t *testing.T) {
	ForEach(t, []Source{testSrc}, func(t *testing.T, d *DB) {
		ctx := context.Background()
		err := d.InTx(ctx, func(ctx context.Context, tx *Tx) error {
			if !tx.DeferLast(lateKey{}, "late-1", deferItems) {
				t.Fatal("InTx refused deferred work")
			}
			for i := range 3 {
				tx.Defer(itemsKey{}, fmt.Sprint("a-", i), deferItems)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO items (name) VALUES ('direct')`); err != nil {
				return err
			}
			// Nested InTx joins the transaction and its queue.
			return d.InTx(ctx, func(ctx context.Context, tx *Tx) error {
				tx.Defer(itemsKey{}, "a-3", deferItems)
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		want := "[direct a-0 a-1 a-2 a-3 late-1]"
		if got := fmt.Sprint(names(t, d)); got != want {
			t.Fatalf("rows %s, want %s", got, want)
		}
		bad := errors.New("refused")
		if err := d.InTx(ctx, func(ctx context.Context, tx *Tx) error {
			tx.Defer(itemsKey{}, "rolled-back", deferItems)
			return bad
		}); !errors.Is(err, bad) {
			t.Fatal(err)
		}
		// A flush that fails (a duplicate name) fails the transaction: its
		// direct statement is rolled back too.
		if err := d.InTx(ctx, func(ctx context.Context, tx *Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO items (name) VALUES ('direct-2')`); err != nil {
				return err
			}
			tx.Defer(itemsKey{}, "a-0", deferItems)
			return nil
		}); err == nil || !IsUniqueViolation(err) {
			t.Fatalf("a failing flush committed: %v", err)
		}
		if got := fmt.Sprint(names(t, d)); got != want {
			t.Fatalf("after failures: rows %s, want %s", got, want)
		}
		// A transaction whose commit path does not flush refuses.
		if (&Tx{}).Defer(itemsKey{}, "x", deferItems) || (&Tx{}).DeferLast(itemsKey{}, "x", deferItems) {
			t.Fatal("a transaction without hooks accepted deferred work")
		}
	})
}

// In a shared transaction (InGroupTx, InSharedTx) a caller whose work
// fails takes its deferred values with it; the others' are written once.
func TestDeferInGroupDropsFailedCallers(t *testing.T) {
	ForEach(t, []Source{testSrc}, func(t *testing.T, d *DB) {
		for _, shared := range []bool{false, true} {
			ctx := context.Background()
			if _, err := d.W.ExecContext(ctx, `DELETE FROM items`); err != nil {
				t.Fatal(err)
			}
			const n = 300
			bad := errors.New("refused")
			var wg sync.WaitGroup
			errsOf := make([]error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					fn := func(ctx context.Context, tx *Tx) error {
						tx.Defer(itemsKey{}, fmt.Sprint("d-", i), deferItems)
						tx.DeferLast(lateKey{}, fmt.Sprint("l-", i), deferItems)
						if i%5 == 0 {
							return bad
						}
						return nil
					}
					if shared {
						errsOf[i] = d.InSharedTx(ctx, fn)
					} else {
						errsOf[i] = d.InGroupTx(ctx, fn)
					}
				}()
			}
			wg.Wait()
			got := map[string]bool{}
			for _, s := range names(t, d) {
				got[s] = true
			}
			for i, err := range errsOf {
				if (i%5 == 0) != errors.Is(err, bad) || (i%5 != 0 && err != nil) {
					t.Fatalf("shared %t: caller %d: %v", shared, i, err)
				}
				for _, s := range []string{fmt.Sprint("d-", i), fmt.Sprint("l-", i)} {
					if got[s] != (err == nil) {
						t.Fatalf("shared %t: caller %d (err %v): row %s stored %t", shared, i, err, s, got[s])
					}
				}
			}
			if len(got) != 2*(n-n/5) {
				t.Fatalf("shared %t: %d rows", shared, len(got))
			}
		}
	})
}

// InsertRows writes any number of rows in power-of-two runs and refuses a
// row of the wrong width.
func TestInsertRows(t *testing.T) {
	ForEach(t, []Source{testSrc}, func(t *testing.T, d *DB) {
		ctx := context.Background()
		total := 0
		for _, n := range []int{0, 1, 3, 64, 130} {
			rows := make([][]any, n)
			for i := range rows {
				rows[i] = []any{fmt.Sprintf("r%d-%d", n, i), i%2 == 0}
			}
			if err := d.InTx(ctx, func(ctx context.Context, tx *Tx) error {
				return tx.InsertRows(ctx, `INSERT INTO items (name, flag)`, 2, rows)
			}); err != nil {
				t.Fatal(err)
			}
			total += n
		}
		var got, flagged int
		if err := d.W.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN flag THEN 1 ELSE 0 END), 0) FROM items`).Scan(&got, &flagged); err != nil {
			t.Fatal(err)
		}
		if got != total || flagged != 1+2+32+65 {
			t.Fatalf("%d rows (%d flagged), want %d", got, flagged, total)
		}
		if err := d.InTx(ctx, func(ctx context.Context, tx *Tx) error {
			return tx.InsertRows(ctx, `INSERT INTO items (name, flag)`, 2, [][]any{{"short"}})
		}); err == nil {
			t.Fatal("a short row was accepted")
		}
	})
}

// InsertRows stores what its callers pass — text with quotes, backslashes,
// placeholders and Chinese, times, NULL, bytes, booleans — exactly, on
// both stores.
func TestInsertRowsValues(t *testing.T) {
	ForEach(t, []Source{testSrc}, func(t *testing.T, d *DB) {
		ctx := context.Background()
		at := time.Date(2021, 12, 20, 7, 0, 0, 123456000, time.FixedZone("CST", 8*3600))
		tricky := []string{`it's`, `a\b\\'c`, `$1 ? '?' -- ;`, "三务公开\n第二行", "tab\tand \"quotes\"", `E'\x00'`}
		rows := make([][]any, 0, len(tricky)+1)
		for i, name := range tricky {
			rows = append(rows, []any{name, at.Add(time.Duration(i) * time.Second), []byte{0, 1, '\'', '\\', 0xff, byte(i)}, i%2 == 0})
		}
		rows = append(rows, []any{"nulls", nil, nil, false})
		if err := d.InTx(ctx, func(ctx context.Context, tx *Tx) error {
			return tx.InsertRows(ctx, `INSERT INTO items (name, at, b, flag)`, 4, rows)
		}); err != nil {
			t.Fatal(err)
		}
		for i, want := range rows {
			var name string
			var gotAt sql.NullTime
			var b []byte
			var flag bool
			if err := d.W.QueryRowContext(ctx, d.Rebind(`SELECT name, at, b, flag FROM items WHERE name = ?`), want[0]).Scan(&name, &gotAt, &b, &flag); err != nil {
				t.Fatalf("row %d (%q): %v", i, want[0], err)
			}
			if want[1] == nil {
				if gotAt.Valid || b != nil || flag {
					t.Fatalf("row %d: %v %v %v, want NULL, NULL, false", i, gotAt, b, flag)
				}
				continue
			}
			if !gotAt.Time.Equal(want[1].(time.Time)) || !bytes.Equal(b, want[2].([]byte)) || flag != want[3].(bool) {
				t.Fatalf("row %d: %v %x %v, want %v %x %v", i, gotAt.Time, b, flag, want[1], want[2], want[3])
			}
		}
	})
}

func BenchmarkInsertRows(b *testing.B) {
	d := OpenTestSQLite(b, []Source{testSrc})
	ctx := context.Background()
	rows := make([][]any, 64)
	for b.Loop() {
		for i := range rows {
			rows[i] = []any{fmt.Sprint(b.N, "-", i, "-", len(rows)*b.N+i)}
		}
		b.StopTimer()
		if _, err := d.W.ExecContext(ctx, `DELETE FROM items`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := d.InTx(ctx, func(ctx context.Context, tx *Tx) error {
			return tx.InsertRows(ctx, `INSERT INTO items (name)`, 1, rows)
		}); err != nil {
			b.Fatal(err)
		}
	}
}

type flushKey struct{}

// The callers of a shared transaction flush their deferred rows together;
// when that flush fails, each caller runs again alone, so only the one
// whose rows fail is refused and the others commit (a raise on PostgreSQL
// whose enterprise was removed meanwhile no longer fails its batch).
func TestGroupIsolatesAFailedFlush(t *testing.T) {
	ForEach(t, []Source{testSrc}, func(t *testing.T, d *DB) {
		for _, shared := range []bool{false, true} {
			ctx := context.Background()
			if _, err := d.W.ExecContext(ctx, `DELETE FROM items`); err != nil {
				t.Fatal(err)
			}
			poison := errors.New("poisoned row")
			flush := func(ctx context.Context, tx *Tx, vs []any) error {
				for _, v := range vs {
					if v == "poison" {
						return poison
					}
				}
				return deferItems(ctx, tx, vs)
			}
			in := d.InGroupTx
			if shared {
				in = d.InSharedTx
			} else if d.Dialect == Postgres {
				continue // InGroupTx is one transaction per caller there
			}
			// A first caller holds the writer until the others are queued,
			// so that they share the next batch.
			started, release := make(chan struct{}), make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = in(ctx, func(ctx context.Context, tx *Tx) error { close(started); <-release; return nil })
			}()
			<-started
			const n = 20
			errsOf := make([]error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					v := fmt.Sprint("f-", i)
					if i == 7 {
						v = "poison"
					}
					errsOf[i] = in(ctx, func(ctx context.Context, tx *Tx) error {
						tx.Defer(flushKey{}, v, flush)
						return nil
					})
				}()
			}
			for deadline := time.Now().Add(10 * time.Second); len(d.groupWriter().in) < n; {
				if time.Now().After(deadline) {
					t.Fatal("callers not queued")
				}
				time.Sleep(time.Millisecond)
			}
			close(release)
			wg.Wait()
			got := map[string]bool{}
			for _, s := range names(t, d) {
				got[s] = true
			}
			for i, err := range errsOf {
				if i == 7 {
					if !errors.Is(err, poison) || got["poison"] {
						t.Fatalf("shared %t: the poisoned caller: %v (stored %t)", shared, err, got["poison"])
					}
					continue
				}
				if err != nil || !got[fmt.Sprint("f-", i)] {
					t.Fatalf("shared %t: caller %d: %v (stored %t)", shared, i, err, got[fmt.Sprint("f-", i)])
				}
			}
		}
	})
}
