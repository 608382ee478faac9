package db

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// synchronousOf reads the writer connection's synchronous setting
// (2: FULL).
func synchronousOf(t *testing.T, d *DB) int {
	t.Helper()
	var n int
	if err := d.W.QueryRowContext(context.Background(), "PRAGMA synchronous").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Issue 8 and SECURITY.md §4: a batch writer commits with synchronous=NORMAL
// but answers only after the log syncer's fsync, and leaves the writer
// connection at FULL for every other transaction.
func TestBatchWritersAnswerAfterTheLogSync(t *testing.T) {
	d := OpenTestSQLite(t, []Source{testSrc})
	ctx := context.Background()
	b := BatcherOf(d, "test.items", insertItems)
	for i := range 3 {
		before := d.walSync().syncs.Load()
		if _, err := b.Do(ctx, "durable-"+string(rune('a'+i))); err != nil {
			t.Fatal(err)
		}
		if got := d.walSync().syncs.Load(); got <= before {
			t.Fatalf("Do answered before the log was synced (syncs %d → %d)", before, got)
		}
		if s := synchronousOf(t, d); s != 2 {
			t.Fatalf("writer left at synchronous=%d after a batch, want 2 (FULL)", s)
		}
	}
	before := d.walSync().syncs.Load()
	if err := d.InGroupTx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO items (name) VALUES ('grouped')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got := d.walSync().syncs.Load(); got <= before {
		t.Fatalf("InGroupTx answered before the log was synced (syncs %d → %d)", before, got)
	}
	if s := synchronousOf(t, d); s != 2 {
		t.Fatalf("writer left at synchronous=%d after a group commit, want 2 (FULL)", s)
	}
	// The syncer found the store's log each time (a wrong path would
	// "sync" nothing and answer anyway).
	if m := d.walSync().missing.Load(); m != 0 {
		t.Fatalf("%d syncs found no log file at %s", m, d.walSync().path)
	}
}

// A failed fsync fails the callers of the batches it covered: nobody is
// told a write is stored that may not survive a power loss.
func TestBatchWritersFailWhenTheLogSyncFails(t *testing.T) {
	d := OpenTestSQLite(t, []Source{testSrc})
	ctx := context.Background()
	b := BatcherOf(d, "test.items", insertItems)
	if _, err := b.Do(ctx, "first"); err != nil {
		t.Fatal(err)
	}
	disk := errors.New("input/output error")
	d.walSync().fail.Store(&disk)
	if _, err := b.Do(ctx, "unsynced"); !errors.Is(err, disk) || !strings.Contains(err.Error(), "write-ahead log") {
		t.Fatalf("Do after a failed sync: %v, want the sync's error", err)
	}
	if err := d.InGroupTx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO items (name) VALUES ('grouped-unsynced')`)
		return err
	}); !errors.Is(err, disk) {
		t.Fatalf("InGroupTx after a failed sync: %v, want the sync's error", err)
	}
	d.walSync().fail.Store(nil)
	if _, err := b.Do(ctx, "second"); err != nil {
		t.Fatalf("Do once syncing works again: %v", err)
	}
}

// The syncer follows the log file when SQLite replaces it (deleted when
// the last connection closed, made anew by the next), and takes a missing
// log as synced: its content was checkpointed into the synced database.
func TestLogSyncerFollowsTheFile(t *testing.T) {
	dir := t.TempDir()
	w := &walSyncer{path: filepath.Join(dir, "z.db-wal")}
	defer w.closeFile()
	if err := w.sync(); err != nil || w.f != nil {
		t.Fatalf("missing log: err %v, file held %v", err, w.f != nil)
	}
	if err := os.WriteFile(w.path, []byte("frames"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := w.sync(); err != nil || w.f == nil {
		t.Fatalf("log made: err %v, file held %v", err, w.f != nil)
	}
	first := w.f
	if err := os.Remove(w.path); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(w.path, []byte("new frames"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := w.sync(); err != nil {
		t.Fatal(err)
	}
	held, _ := w.f.Stat()
	now, _ := os.Stat(w.path)
	if w.f == first || !os.SameFile(held, now) {
		t.Fatal("the syncer still holds the deleted log")
	}
	if got, miss := w.syncs.Load(), w.missing.Load(); got != 3 || miss != 1 {
		t.Fatalf("syncs = %d (%d without a log), want 3 (1)", got, miss)
	}
}
