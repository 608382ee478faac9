// Package db opens Zhongshu's store — embedded SQLite or PostgreSQL — and
// hides the few dialect differences (placeholders, identity columns, types)
// so that modules write plain SQL once. It also runs each module's embedded
// migrations and carries the request's transaction in the context.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // pure-Go SQLite driver "sqlite"
)

// Dialect names the SQL flavour of a store.
type Dialect string

// The two supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open store. For SQLite, writes go through a single connection
// (SQLite allows one writer; one connection avoids SQLITE_BUSY upgrades) and
// plain reads use a pool; for PostgreSQL both are the same pool.
type DB struct {
	Dialect Dialect
	URL     string
	Path    string  // SQLite file path ("" for PostgreSQL)
	W       *sql.DB // writer
	R       *sql.DB // readers

	groupOnce sync.Once
	group     *grouper // the group-commit writer, started on first use
	syncOnce  sync.Once
	syncer    *walSyncer // SQLite: syncs the log for the batch writers (durable.go)
	stmts     sync.Map   // query text → *sql.Stmt prepared on W (hot writes)
	wanted    sync.Map   // query text → true: asked for inside a transaction, not prepared yet
	rstmts    sync.Map   // query text → *sql.Stmt on R (reads)
	rcount    atomic.Int64
}

// Open opens a store named by url: "sqlite:PATH" (or a bare path ending in
// .db) or "postgres://…" / "postgresql://…".
func Open(ctx context.Context, url string) (*DB, error) {
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return openPostgres(ctx, url)
	case strings.HasPrefix(url, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(url, "sqlite:"))
	case strings.HasSuffix(url, ".db"):
		return openSQLite(ctx, url)
	}
	return nil, fmt.Errorf("unknown database URL %q: use sqlite:PATH or postgres://…", url)
}

func openPostgres(ctx context.Context, url string) (*DB, error) {
	pool, err := sql.Open("pgx", url)
	if err != nil {
		return nil, err
	}
	// As many idle connections kept as may be open: with fewer, a burst
	// closes and reopens connections as it goes (measured: about 100 new
	// PostgreSQL sessions a second under 64 clients, each a backend fork and
	// an authentication). Idle ones still close after five minutes.
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(20)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	return &DB{Dialect: Postgres, URL: url, W: pool, R: pool}, nil
}

// sqlitePragmas: WAL for concurrent readers, FULL sync so an acknowledged
// check-in or ledger entry survives power loss (SECURITY.md §4; the batch
// writers relax it for their own transactions and sync the log themselves
// before answering, durable.go), foreign
// keys on, and a busy timeout so a checkpoint does not fail a request. The
// write-ahead log is bounded (issue 8: ≤ 16 MB under the morning burst): a
// checkpoint every 1000 pages (~4 MB) and the file truncated back to
// 16 MB after a checkpoint that let it grow past that.
const sqlitePragmas = "_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=synchronous(FULL)" +
	"&_pragma=wal_autocheckpoint(1000)&_pragma=journal_size_limit(16777216)"

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
	}
	// temp_store(2), writer only: a multi-row statement's journal stays in
	// memory instead of spilling to a temporary file past 64 KB (issue 8:
	// a file opened and written per batched INSERT).
	w, err := sql.Open("sqlite", "file:"+path+"?"+sqlitePragmas+"&_txlock=immediate&_pragma=temp_store(2)")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open SQLite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", "file:"+path+"?"+sqlitePragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	return &DB{Dialect: SQLite, URL: "sqlite:" + path, Path: path, W: w, R: r}, nil
}

// Close closes both pools.
func (d *DB) Close() error {
	if d.group != nil {
		d.group.close()
	}
	if d.syncer != nil {
		d.syncer.close() // after the writers: it answers their last batches
	}
	d.stmts.Range(func(_, v any) bool { v.(*sql.Stmt).Close(); return true })
	d.rstmts.Range(func(_, v any) bool { v.(*sql.Stmt).Close(); return true })
	err := d.W.Close()
	if d.R != d.W {
		if e := d.R.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Rebind turns the portable "?" placeholders into "$n" for PostgreSQL.
// Question marks inside single-quoted literals are left alone.
func (d *DB) Rebind(q string) string { return rebind(d.Dialect, q) }

func rebind(dl Dialect, q string) string {
	if dl != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n, inStr := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inStr = !inStr
			b.WriteByte(c)
		case c == '?' && !inStr:
			n++
			b.WriteString("$")
			b.WriteString(fmt.Sprint(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Querier is what store code runs SQL on: a *Tx or the reader handle.
type Querier interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// Tx is a transaction that rebinds placeholders for its dialect.
type Tx struct {
	tx      *sql.Tx
	Dialect Dialect
	after   []func()
	d       *DB
	hooks   *txHooks // deferred work flushed before COMMIT (hooks.go); nil: none accepted
}

// stmt returns q prepared once on the writer and bound to this
// transaction (SQLite only), or nil when it is not prepared yet. The writer
// is one connection, so a statement prepared there is parsed once for the
// life of the store rather than on every call — the parse was a quarter of
// a check-in's CPU (issue 8). It cannot be prepared while this transaction
// holds that one connection, so a first use only asks for it: the group
// writer prepares what was asked for between batches.
func (t *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if t.d == nil {
		return nil
	}
	v, ok := t.d.stmts.Load(q)
	if !ok {
		t.d.wanted.Store(q, true)
		return nil
	}
	return t.tx.StmtContext(ctx, v.(*sql.Stmt))
}

// prepareWanted prepares, on the writer, the statements transactions asked
// for; it runs when no transaction holds the writer.
func (d *DB) prepareWanted(ctx context.Context) {
	d.wanted.Range(func(k, _ any) bool {
		q := k.(string)
		d.wanted.Delete(q)
		if _, ok := d.stmts.Load(q); ok {
			return true
		}
		if st, err := d.W.PrepareContext(ctx, q); err == nil {
			d.stmts.Store(q, st)
		}
		return true
	})
}

// ExecCached is ExecContext through a statement prepared once per store:
// for the few statements of the hot write paths (a fixed text; values only
// in the arguments).
func (t *Tx) ExecCached(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if t.Dialect != SQLite {
		return t.ExecContext(ctx, q, args...) // pgx caches prepared statements per connection itself
	}
	if st := t.stmt(ctx, rebind(t.Dialect, q)); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.ExecContext(ctx, q, args...)
}

// QueryRowCached is QueryRowContext through a statement prepared once per
// store (see ExecCached). The caller must Scan the row.
func (t *Tx) QueryRowCached(ctx context.Context, q string, args ...any) *sql.Row {
	if t.Dialect != SQLite {
		return t.QueryRowContext(ctx, q, args...)
	}
	if st := t.stmt(ctx, rebind(t.Dialect, q)); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.QueryRowContext(ctx, q, args...)
}

// QueryCached is QueryContext through a statement prepared once per store.
func (t *Tx) QueryCached(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if t.Dialect != SQLite {
		return t.QueryContext(ctx, q, args...)
	}
	if st := t.stmt(ctx, rebind(t.Dialect, q)); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.QueryContext(ctx, q, args...)
}

// ExecContext runs a statement.
func (t *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, rebind(t.Dialect, q), args...)
}

// QueryContext runs a query.
func (t *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, rebind(t.Dialect, q), args...)
}

// QueryRowContext runs a single-row query.
func (t *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, rebind(t.Dialect, q), args...)
}

// AfterCommit registers fn to run once the transaction has committed (for
// example, waking a worker). It is not run on rollback.
func (t *Tx) AfterCommit(fn func()) { t.after = append(t.after, fn) }

// InsertID runs an INSERT … RETURNING id and returns the id. Both SQLite
// (≥ 3.35) and PostgreSQL support RETURNING, so the SQL stays the same.
func (t *Tx) InsertID(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	if !strings.Contains(strings.ToUpper(q), "RETURNING") {
		q += " RETURNING id"
	}
	err := t.QueryRowContext(ctx, q, args...).Scan(&id)
	return id, err
}

type txKey struct{}

// TxFrom returns the transaction carried by ctx, if any.
func TxFrom(ctx context.Context) *Tx {
	t, _ := ctx.Value(txKey{}).(*Tx)
	return t
}

// InTx runs fn in a transaction: it joins the one already in ctx (so nested
// service calls commit together — a ledger entry with the change that earns
// it), or begins, commits on nil and rolls back on error or panic.
func (d *DB) InTx(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) (err error) {
	if t := TxFrom(ctx); t != nil {
		return fn(ctx, t)
	}
	for attempt := 0; ; attempt++ {
		err = d.inNewTx(ctx, fn)
		if err == nil || attempt >= 3 || !retryable(d.Dialect, err) {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 20 * time.Millisecond)
	}
}

func (d *DB) inNewTx(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) (err error) {
	sqlTx, err := d.W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	t := &Tx{tx: sqlTx, Dialect: d.Dialect, d: d, hooks: &txHooks{}}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	if err = fn(context.WithValue(ctx, txKey{}, t), t); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err = t.beforeCommit(ctx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err = sqlTx.Commit(); err != nil {
		return err
	}
	for _, f := range t.after {
		f()
	}
	return nil
}

// retryable reports serialization failures and deadlocks that a fresh
// attempt resolves (PostgreSQL 40001/40P01, SQLite BUSY).
func retryable(dl Dialect, err error) bool {
	s := err.Error()
	if dl == Postgres {
		return strings.Contains(s, "SQLSTATE 40001") || strings.Contains(s, "SQLSTATE 40P01")
	}
	return strings.Contains(s, "SQLITE_BUSY") || strings.Contains(s, "database is locked")
}

// Q returns the querier for reads: the transaction in ctx if there is one,
// else the reader pool (with placeholders rebound).
func (d *DB) Q(ctx context.Context) Querier {
	if t := TxFrom(ctx); t != nil {
		return t
	}
	return readQ{d}
}

type readQ struct{ d *DB }

func (r readQ) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return r.d.W.ExecContext(ctx, r.d.Rebind(q), args...)
}
func (r readQ) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = r.d.Rebind(q)
	if st := r.d.readStmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.d.R.QueryContext(ctx, q, args...)
}
func (r readQ) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	q = r.d.Rebind(q)
	if st := r.d.readStmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.d.R.QueryRowContext(ctx, q, args...)
}

// maxReadStmts bounds the reader's statement cache: queries whose text
// varies (IN lists of many lengths) stop being cached past it.
const maxReadStmts = 512

// readStmt returns q prepared on the reader pool (SQLite), or nil. Each
// connection of the pool parses a query once instead of on every call: on
// the pure-Go driver the parse was the largest part of a small read's CPU
// (issue 8: a session or token lookup, a sentence, a rule).
func (d *DB) readStmt(ctx context.Context, q string) *sql.Stmt {
	if d.Dialect != SQLite {
		return nil // pgx keeps its own per-connection statement cache
	}
	if v, ok := d.rstmts.Load(q); ok {
		return v.(*sql.Stmt)
	}
	if d.rcount.Load() >= maxReadStmts {
		return nil
	}
	st, err := d.R.PrepareContext(ctx, q)
	if err != nil {
		return nil // the plain path reports the error as before
	}
	if prev, loaded := d.rstmts.LoadOrStore(q, st); loaded {
		st.Close()
		return prev.(*sql.Stmt)
	}
	d.rcount.Add(1)
	return st
}

// IsUniqueViolation reports a unique-constraint failure on either store.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// In expands a list into "?,?,?" and the matching args, for IN (…) filters
// whose values are parameters, never spliced text.
func In[T any](vals []T) (string, []any) {
	if len(vals) == 0 {
		return "NULL", nil
	}
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(vals)), ","), args
}
