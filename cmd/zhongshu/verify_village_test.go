package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"zhongshu/internal/app"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
)

// zhongshu verify walks every village's chain of published disclosures
// (三务公开) and, after a published row is changed directly in the store
// with its immutability triggers out of the way, exits 1 naming the link
// (SECURITY.md §7.6).
func TestVerifyNamesTamperedDisclosure(t *testing.T) {
	stores(t, func(t *testing.T, url, key string) {
		ctx := context.Background()
		a, err := app.Open(ctx, app.Config{DB: url, KeyFile: key, Clock: clock.At(time.Date(2021, 12, 20, 1, 0, 0, 0, time.UTC)), Log: logger(io.Discard), Demo: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := a.LoadDemo(ctx); err != nil {
			t.Fatal(err)
		}
		a.Close()
		code, out, err := cli(t, "", "verify", "--db", url, "--key", key)
		if code != 0 || err != nil || !strings.Contains(out, "ok     disclosures: ") {
			t.Fatalf("intact: %d %v\n%s", code, err, out)
		}

		d, err := db.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		// Through the application's store the published row cannot change.
		if _, err := d.W.ExecContext(ctx, `UPDATE village_disclosures SET title = 'edited by hand' WHERE village_id = 2 AND seq = 3`); err == nil {
			t.Fatal("the store let a published disclosure change")
		}
		var id string
		if err := d.W.QueryRowContext(ctx, `SELECT CAST(id AS TEXT) FROM village_disclosures WHERE village_id = 2 AND seq = 3`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		stmts := []string{`DROP TRIGGER village_disclosures_no_update`}
		if d.Dialect == db.Postgres {
			stmts = []string{`ALTER TABLE village_disclosures DISABLE TRIGGER USER`}
		}
		stmts = append(stmts, `UPDATE village_disclosures SET title = 'edited by hand' WHERE village_id = 2 AND seq = 3`)
		for _, s := range stmts {
			if _, err := d.W.ExecContext(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		d.Close()
		code, out, _ = cli(t, "", "verify", "--db", url, "--key", key)
		if code != 1 || !strings.Contains(out, "BROKEN disclosures/village 2: link 3 (village_disclosures id="+id+")") || !strings.Contains(out, "altered") {
			t.Fatalf("tampered: code %d\n%s", code, out)
		}
	})
}
