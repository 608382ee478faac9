package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"zhongshu/internal/demo"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
)

// Migrating and loading the demo dataset is most of an HTTP test's set-up
// (seconds on PostgreSQL), so each store gets it once per test binary as a
// template, and every test starts from its own copy of it: a file copy on
// SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL. The copy is the same
// bytes a fresh load would give (the demo is deterministic), encrypted under
// the template's key.

type demoTemplate struct {
	once     sync.Once
	err      error
	key      string // the field-encryption key file shared by the copies
	file     string // SQLite: the template database file
	pgDB     string // PostgreSQL: the template database's name
	pgURL    *url.URL
	accounts []demo.Account
}

var (
	templateDir      string
	sqliteTemplate   demoTemplate
	postgresTemplate demoTemplate
	templateDirOnce  sync.Once
	templateDirErr   error
)

func tmpDir() (string, error) {
	templateDirOnce.Do(func() { templateDir, templateDirErr = os.MkdirTemp("", "zhongshu-app-test-") })
	return templateDir, templateDirErr
}

// cleanupTemplates removes the templates after the package's tests.
func cleanupTemplates() {
	if postgresTemplate.pgDB != "" {
		if admin, err := db.Open(context.Background(), os.Getenv(db.EnvPostgres)); err == nil {
			_, _ = admin.W.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+postgresTemplate.pgDB+" WITH (FORCE)")
			admin.Close()
		}
	}
	if templateDir != "" {
		os.RemoveAll(templateDir)
	}
}

// loadTemplate migrates and loads the demo into the store at dbURL.
func loadTemplate(tp *demoTemplate, dbURL string) error {
	dir, err := tmpDir()
	if err != nil {
		return err
	}
	ctx := context.Background()
	tp.key = filepath.Join(dir, "k.key")
	a, err := Open(ctx, Config{DB: dbURL, KeyFile: tp.key, Clock: clock.At(demoStart), Log: quietLog(), Demo: true})
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := a.Migrate(ctx); err != nil {
		return err
	}
	tp.accounts, err = a.LoadDemo(ctx)
	return err
}

// sqliteCopy returns a fresh copy of the SQLite demo template.
func sqliteCopy(t *testing.T) (string, *demoTemplate) {
	t.Helper()
	tp := &sqliteTemplate
	tp.once.Do(func() {
		dir, err := tmpDir()
		if err != nil {
			tp.err = err
			return
		}
		live := filepath.Join(dir, "live.db")
		if tp.err = loadTemplate(tp, "sqlite:"+live); tp.err != nil {
			return
		}
		// VACUUM INTO writes one consistent file, WAL included.
		tp.file = filepath.Join(dir, "template.db")
		d, err := db.Open(context.Background(), "sqlite:"+live)
		if err != nil {
			tp.err = err
			return
		}
		defer d.Close()
		_, tp.err = d.W.ExecContext(context.Background(), "VACUUM INTO ?", tp.file)
	})
	if tp.err != nil {
		t.Fatal("demo template (SQLite):", tp.err)
	}
	path := filepath.Join(t.TempDir(), "z.db")
	if err := copyFile(tp.file, path); err != nil {
		t.Fatal(err)
	}
	return "sqlite:" + path, tp
}

// postgresCopy returns a fresh database cloned from the PostgreSQL demo
// template; it skips without PostgreSQL.
func postgresCopy(t *testing.T) (string, *demoTemplate) {
	t.Helper()
	base := os.Getenv(db.EnvPostgres)
	if base == "" {
		t.Skip("PostgreSQL tests need " + db.EnvPostgres)
	}
	tp := &postgresTemplate
	tp.once.Do(func() {
		if tp.pgURL, tp.err = url.Parse(base); tp.err != nil {
			return
		}
		name := "zs_tpl_" + randHex()
		if tp.err = createDB(base, name, ""); tp.err != nil {
			return
		}
		tp.pgDB = name
		tp.err = loadTemplate(tp, withDB(tp.pgURL, name))
	})
	if tp.err != nil {
		t.Fatal("demo template (PostgreSQL):", tp.err)
	}
	name := "zs_t_" + randHex()
	if err := createDB(base, name, tp.pgDB); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if admin, err := db.Open(context.Background(), base); err == nil {
			_, _ = admin.W.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			admin.Close()
		}
	})
	return withDB(tp.pgURL, name), tp
}

func createDB(base, name, template string) error {
	admin, err := db.Open(context.Background(), base)
	if err != nil {
		return err
	}
	defer admin.Close()
	q := "CREATE DATABASE " + name
	if template != "" {
		q += " TEMPLATE " + template
	}
	if _, err := admin.W.ExecContext(context.Background(), q); err != nil {
		return fmt.Errorf("%s: %w", q, err)
	}
	return nil
}

func withDB(u *url.URL, name string) string {
	c := *u
	c.Path = "/" + name
	return c.String()
}

func randHex() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
