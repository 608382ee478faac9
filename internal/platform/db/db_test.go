package db

import (
	"context"
	"testing"
	"testing/fstest"
)

func TestRebind(t *testing.T) {
	for _, c := range []struct{ in, pg string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = $1 AND b = $2"},
		{"SELECT '?' , ?", "SELECT '?' , $1"},
	} {
		if got := rebind(Postgres, c.in); got != c.pg {
			t.Errorf("rebind(%q) = %q, want %q", c.in, got, c.pg)
		}
		if got := rebind(SQLite, c.in); got != c.in {
			t.Errorf("sqlite rebind changed %q", c.in)
		}
	}
}

var testSrc = Source{Module: "t", FS: fstest.MapFS{
	"001_items.sql":         {Data: []byte("CREATE TABLE items (id {{ID}}, name TEXT NOT NULL UNIQUE, at {{TS}}, b {{BLOB}});")},
	"002_flag.sqlite.sql":   {Data: []byte("ALTER TABLE items ADD COLUMN flag BOOLEAN NOT NULL DEFAULT FALSE;")},
	"002_flag.postgres.sql": {Data: []byte("ALTER TABLE items ADD COLUMN flag BOOLEAN NOT NULL DEFAULT FALSE;")},
}}

func TestMigrateTwiceChangesNothing(t *testing.T) {
	ForEach(t, []Source{testSrc}, func(t *testing.T, d *DB) {
		ctx := context.Background()
		applied, err := d.Migrate(ctx, []Source{testSrc})
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Fatalf("second run applied %v", applied)
		}
		var n int
		if err := d.W.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE module = 't'").Scan(&n); err != nil || n != 2 {
			t.Fatalf("recorded %d migrations (err %v), want 2", n, err)
		}
		p, err := d.Pending(ctx, []Source{testSrc})
		if err != nil || len(p) != 0 {
			t.Fatalf("pending %v %v", p, err)
		}
	})
}

func TestInTxRollsBackAndJoins(t *testing.T) {
	ForEach(t, []Source{testSrc}, func(t *testing.T, d *DB) {
		ctx := context.Background()
		err := d.InTx(ctx, func(ctx context.Context, tx *Tx) error {
			if _, err := tx.InsertID(ctx, "INSERT INTO items (name, flag) VALUES (?, ?)", "a", true); err != nil {
				return err
			}
			// A nested call joins the outer transaction.
			return d.InTx(ctx, func(ctx context.Context, inner *Tx) error {
				if inner != tx {
					t.Error("nested InTx did not join the outer transaction")
				}
				_, err := inner.InsertID(ctx, "INSERT INTO items (name) VALUES (?)", "a") // duplicate
				return err
			})
		})
		if !IsUniqueViolation(err) {
			t.Fatalf("want unique violation, got %v", err)
		}
		var n int
		if err := d.Q(ctx).QueryRowContext(ctx, "SELECT COUNT(*) FROM items").Scan(&n); err != nil || n != 0 {
			t.Fatalf("rolled-back rows visible: %d (err %v)", n, err)
		}
	})
}

func TestIn(t *testing.T) {
	ph, args := In([]int64{1, 2, 3})
	if ph != "?,?,?" || len(args) != 3 {
		t.Fatalf("In = %q %v", ph, args)
	}
	if ph, args := In([]int64{}); ph != "NULL" || args != nil {
		t.Fatalf("empty In = %q %v", ph, args)
	}
}
