package db

import (
	"context"
	"slices"
	"testing"
)

// Column reads one column in row order, through a transaction or the
// reader, with rebound placeholders; no rows is nil, and a value that does
// not fit the type is an error.
func TestColumn(t *testing.T) {
	ForEach(t, []Source{testSrc}, func(t *testing.T, d *DB) {
		ctx := context.Background()
		err := d.InTx(ctx, func(ctx context.Context, tx *Tx) error {
			for _, n := range []string{"b", "a", "c"} {
				if _, err := tx.ExecContext(ctx, `INSERT INTO items (name) VALUES (?)`, n); err != nil {
					return err
				}
			}
			ids, err := Column[int64](ctx, tx, `SELECT id FROM items WHERE name <> ? ORDER BY name`, "c")
			if err != nil {
				return err
			}
			if len(ids) != 2 || ids[0] <= ids[1] {
				t.Errorf("ids in the transaction = %v, want b's and a's ids, a's first and larger", ids)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		names, err := Column[string](ctx, d.Q(ctx), `SELECT name FROM items WHERE id > ? ORDER BY name`, 0)
		if err != nil || !slices.Equal(names, []string{"a", "b", "c"}) {
			t.Fatalf("names = %v, %v", names, err)
		}
		none, err := Column[int64](ctx, d.Q(ctx), `SELECT id FROM items WHERE name = ?`, "z")
		if err != nil || none != nil {
			t.Fatalf("no rows = %v, %v; want nil, nil", none, err)
		}
		if _, err := Column[int64](ctx, d.Q(ctx), `SELECT name FROM items`); err == nil {
			t.Fatal("text read as integers: no error")
		}
	})
}
