package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"zhongshu/internal/platform/actor"
	"zhongshu/internal/platform/chain"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/seal"
)

func newLog(t *testing.T, d *db.DB) *Log {
	keys, err := seal.New(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return &Log{DB: d, Seal: keys, Clock: clock.At(time.Date(2021, 12, 20, 1, 0, 0, 0, time.UTC))}
}

var sources = []db.Source{chain.Source(), Source()}

func fill(t *testing.T, l *Log, n int) {
	ctx := actor.With(context.Background(), actor.Actor{UserID: 7, Username: "committee", IP: "10.0.0.1", RequestID: "r1"})
	for i := 0; i < n; i++ {
		if err := l.Record(ctx, Entry{Action: "people.create", ObjectType: "person", ObjectID: strings.Repeat("9", i%3+1)}); err != nil {
			t.Fatal(err)
		}
	}
}

// 等保 8.1.4.3c / SECURITY.md §7.7: an edited, inserted or deleted row, or
// deleted newest rows, are caught and the first broken link is named.
func TestVerifyDetectsTampering(t *testing.T) {
	cases := []struct {
		name, sql string
		seq       int64
		reason    string
	}{
		{"intact", "", 0, ""},
		{"edited", "UPDATE audit_log SET detail = 'forged' WHERE seq = 3", 3, "altered"},
		{"edited user", "UPDATE audit_log SET username = 'nobody' WHERE seq = 5", 5, "altered"},
		{"deleted", "DELETE FROM audit_log WHERE seq = 4", 5, "missing"},
		{"truncated", "DELETE FROM audit_log WHERE seq >= 5", 5, "newest rows deleted"},
		{"inserted", "INSERT INTO audit_log (seq, at, action, result, prev_hash, hash, mac) SELECT 7, at, 'x', 'ok', hash, hash, mac FROM audit_log WHERE seq = 6", 7, ""},
		{"re-hashed without key", "UPDATE audit_log SET hash = 'abc' WHERE seq = 2", 2, "altered"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
				l := newLog(t, d)
				fill(t, l, 6)
				if c.sql != "" {
					if _, err := d.W.ExecContext(context.Background(), c.sql); err != nil {
						t.Fatal(err)
					}
				}
				b, _, err := l.Verify(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if c.sql == "" {
					if b != nil {
						t.Fatalf("intact chain reported broken: %s", b)
					}
					return
				}
				if b == nil {
					t.Fatal("tampering not detected")
				}
				if b.Seq != c.seq || !strings.Contains(b.Reason, c.reason) {
					t.Fatalf("break = %s; want seq %d reason containing %q", b, c.seq, c.reason)
				}
			})
		})
	}
}

// If the audit write fails, the action fails with it (等保 8.1.4.3d).
func TestFailedAuditRollsBackAction(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := newLog(t, d)
		l.FailNext = func() error { return errors.New("disk full") }
		err := d.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, "INSERT INTO chain_heads (chain, seq, hash, mac) VALUES ('business', 1, 'h', 'm')"); err != nil {
				return err
			}
			return l.Record(ctx, Entry{Action: "x"})
		})
		if err == nil {
			t.Fatal("want the action to fail")
		}
		var n int
		if err := d.Q(ctx).QueryRowContext(ctx, "SELECT COUNT(*) FROM chain_heads WHERE chain = 'business'").Scan(&n); err != nil || n != 0 {
			t.Fatalf("business row survived a failed audit write (n=%d, %v)", n, err)
		}
	})
}

func TestRecordFillsActorAndCleans(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		l := newLog(t, d)
		ctx := actor.With(context.Background(), actor.Actor{UserID: 3, Username: "auditor", IP: "192.0.2.1", RequestID: "abc"})
		if err := l.Record(ctx, Entry{Action: "login", Detail: "line1\nline2\x1b[31m"}); err != nil {
			t.Fatal(err)
		}
		es, total, err := l.List(context.Background(), Filter{Action: "login"})
		if err != nil || total != 1 {
			t.Fatalf("list: %v total %d", err, total)
		}
		e := es[0]
		if e.Username != "auditor" || e.IP != "192.0.2.1" || e.RequestID != "abc" || e.Result != OK {
			t.Fatalf("entry = %+v", e)
		}
		if strings.ContainsAny(e.Detail, "\n\x1b") {
			t.Fatalf("control characters kept: %q", e.Detail)
		}
		if e.At.Location() != time.UTC {
			t.Fatalf("time not UTC: %v", e.At)
		}
	})
}

// Issue 8: a transaction's entries are chained and written together just
// before its commit — many in one transaction, nested ones, and those of
// concurrent callers sharing a group commit, where a caller that fails
// leaves none of its entries. The chain verifies and holds exactly the
// committed entries, in order.
func TestDeferredEntriesChain(t *testing.T) {
	db.ForEach(t, sources, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := newLog(t, d)
		fill(t, l, 2) // two on their own
		if err := d.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
			for i := range 70 { // more than one multi-row INSERT
				if err := l.Record(ctx, Entry{Action: "bulk", ObjectID: fmt.Sprint(i)}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		bad := errors.New("refused")
		var wg sync.WaitGroup
		errsOf := make([]error, 200)
		for i := range errsOf {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errsOf[i] = d.InSharedTx(ctx, func(ctx context.Context, tx *db.Tx) error {
					if err := l.Record(ctx, Entry{Action: "grouped", ObjectID: fmt.Sprint(i)}); err != nil {
						return err
					}
					if i%4 == 0 {
						return bad
					}
					return l.Record(ctx, Entry{Action: "grouped.second", ObjectID: fmt.Sprint(i)})
				})
			}()
		}
		wg.Wait()
		b, n, err := l.Verify(ctx)
		if err != nil || b != nil {
			t.Fatalf("verify: %v %v", b, err)
		}
		if want := int64(2 + 70 + 150*2); n != want {
			t.Fatalf("%d links, want %d", n, want)
		}
		var bulk, failed int
		_ = d.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'bulk'`).Scan(&bulk)
		for i, err := range errsOf {
			if (i%4 == 0) != errors.Is(err, bad) {
				t.Fatalf("caller %d: %v", i, err)
			}
		}
		_ = d.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'grouped%' AND CAST(object_id AS INTEGER) % 4 = 0`).Scan(&failed)
		if bulk != 70 || failed != 0 {
			t.Fatalf("bulk %d (want 70), entries of failed callers %d", bulk, failed)
		}
		// In one transaction the entries keep their order.
		var first, last string
		_ = d.Q(ctx).QueryRowContext(ctx, `SELECT object_id FROM audit_log WHERE action = 'bulk' ORDER BY seq LIMIT 1`).Scan(&first)
		_ = d.Q(ctx).QueryRowContext(ctx, `SELECT object_id FROM audit_log WHERE action = 'bulk' ORDER BY seq DESC LIMIT 1`).Scan(&last)
		if first != "0" || last != "69" {
			t.Fatalf("bulk order: first %s, last %s", first, last)
		}
	})
}

// BenchmarkRecordInTx: ten entries a transaction, flushed at its commit.
func BenchmarkRecordInTx(b *testing.B) {
	d := db.OpenTestSQLite(b, sources)
	keys, _ := seal.New(bytes.Repeat([]byte{1}, 32))
	l := &Log{DB: d, Seal: keys, Clock: clock.At(time.Date(2021, 12, 20, 1, 0, 0, 0, time.UTC))}
	ctx := actor.With(context.Background(), actor.Actor{UserID: 7, Username: "committee", IP: "10.0.0.1", RequestID: "r1"})
	for b.Loop() {
		if err := d.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
			for range 10 {
				if err := l.Record(ctx, Entry{Action: "express.demand.routed", ObjectType: "demand", ObjectID: "42", Detail: "new → routed lead 3"}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
}
