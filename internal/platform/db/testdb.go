package db

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// EnvPostgres names the environment variable that holds a PostgreSQL URL for
// tests; when set, every store test also runs on PostgreSQL.
const EnvPostgres = "ZHONGSHU_TEST_POSTGRES"

// ForEach runs fn once per available store — SQLite always, PostgreSQL when
// ZHONGSHU_TEST_POSTGRES is set — each a fresh database migrated with srcs.
// On PostgreSQL each test gets its own schema, dropped afterwards.
func ForEach(t *testing.T, srcs []Source, fn func(t *testing.T, d *DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenTestSQLite(t, srcs)) })
	t.Run("postgres", func(t *testing.T) {
		d := OpenTestPostgres(t, srcs)
		fn(t, d)
	})
}

// OpenTestSQLite opens a migrated SQLite database in a temporary directory.
func OpenTestSQLite(t testing.TB, srcs []Source) *DB {
	t.Helper()
	ctx := context.Background()
	d, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx, srcs); err != nil {
		t.Fatal(err)
	}
	return d
}

// OpenTestPostgres opens a migrated PostgreSQL schema private to the test,
// or skips when ZHONGSHU_TEST_POSTGRES is unset.
func OpenTestPostgres(t testing.TB, srcs []Source) *DB {
	t.Helper()
	url := os.Getenv(EnvPostgres)
	if url == "" {
		t.Skip("PostgreSQL tests need " + EnvPostgres)
	}
	ctx := context.Background()
	admin, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.W.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	d, err := Open(ctx, url+sep+"search_path="+schema)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		d.Close()
		_, _ = admin.W.ExecContext(context.Background(), fmt.Sprintf("DROP SCHEMA %s CASCADE", schema))
		admin.Close()
	})
	if _, err := d.Migrate(ctx, srcs); err != nil {
		t.Fatal(err)
	}
	return d
}
