package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"zhongshu/internal/app"
	"zhongshu/internal/demo"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
)

// fixture is a fresh store with the demo dataset, the server binary and
// the temporary directory they live in.
type fixture struct {
	cfg    config
	rep    *report
	dir    string
	url    string // the store
	key    string // the field-encryption key file
	bin    string
	dropDB func() // PostgreSQL: drop the fresh database
	srv    *proc
	srvURL string
	inproc func()
	// endProfile ends the CPU profile of -cpuprofile (a scenario calls it
	// after the load it measures; stopping the server calls it too).
	endProfile func()
	members    []demo.ScaledMember
}

// newFixture creates the store (a temporary SQLite file or a fresh
// PostgreSQL database), migrates it, loads the demo dataset, and builds
// the server.
func newFixture(ctx context.Context, cfg config, rep *report) (*fixture, error) {
	dir, err := os.MkdirTemp("", "zhongshu-bench-")
	if err != nil {
		return nil, err
	}
	fx := &fixture{cfg: cfg, rep: rep, dir: dir, key: filepath.Join(dir, "zhongshu.key")}
	ok := false
	defer func() {
		if !ok {
			fx.cleanup()
		}
	}()
	switch {
	case cfg.DB == "" || cfg.DB == "sqlite:":
		fx.url = "sqlite:" + filepath.Join(dir, "zhongshu.db")
	case strings.HasPrefix(cfg.DB, "sqlite:"):
		if _, err := os.Stat(strings.TrimPrefix(cfg.DB, "sqlite:")); err == nil {
			return nil, fmt.Errorf("%s exists: the harness wants a fresh store", cfg.DB)
		}
		fx.url = cfg.DB
	case strings.HasPrefix(cfg.DB, "postgres://"), strings.HasPrefix(cfg.DB, "postgresql://"):
		if fx.url, fx.dropDB, err = freshPostgres(ctx, cfg.DB); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("-db: want sqlite:PATH or postgres://…, got %q", cfg.DB)
	}
	rep.Store = strings.SplitN(fx.url, ":", 2)[0]
	if rep.Store == "postgresql" {
		rep.Store = "postgres"
	}
	fx.bin = cfg.Bin
	if fx.bin == "" {
		if fx.bin, err = buildServer(dir); err != nil {
			return nil, err
		}
	}
	t0 := time.Now()
	a, err := fx.open(ctx)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	if _, err := a.Migrate(ctx); err != nil {
		return nil, err
	}
	if _, err := a.LoadDemo(ctx); err != nil {
		return nil, err
	}
	rep.note("store prepared (migrations + demo dataset) in %s", time.Since(t0).Round(time.Millisecond))
	ok = true
	return fx, nil
}

// freshPostgres creates a database beside the one url names and returns
// its URL and a function that drops it.
func freshPostgres(ctx context.Context, raw string) (string, func(), error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", nil, err
	}
	admin, err := sql.Open("pgx", raw)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "zhongshu_bench_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create the bench database: %w", err)
	}
	u.Path = "/" + name
	drop := func() {
		_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	}
	return u.String(), drop, nil
}

// open opens the store in this process, as the server will see it.
func (fx *fixture) open(ctx context.Context) (*app.App, error) {
	return app.Open(ctx, app.Config{DB: fx.url, KeyFile: fx.key, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: clock.System{}})
}

// serve starts `zhongshu serve` on a loopback port and notes how long it
// took from exec to ready — the first 200 of /readyz, which waits for the
// store and the loaded token cache (issue 8: ≤ 1 s on a migrated
// database) — and starts the load only then, as a load balancer would.
func (fx *fixture) serve(ctx context.Context) error {
	if err := fx.catchUp(ctx); err != nil {
		return err
	}
	if fx.cfg.InProc != "" {
		return fx.serveInProcess(ctx)
	}
	p, err := startProc(ctx, "/readyz", []string{"ZHONGSHU_PUBLIC_URL="}, fx.bin, "serve", "--db", fx.url, "--key", fx.key, "--addr", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fx.srv = p
	fx.srvURL = p.URL
	fx.rep.note("serve: start-up to ready (exec → first 200 from /readyz: store open, token cache loaded) %s (target ≤ 1 s)", p.Ready.Round(time.Millisecond))
	return nil
}

// catchUp runs, in the harness and before serve starts, what serve would
// otherwise run in its first seconds: the schedules' slots due now
// (jobs.Scheduler catches a slot up within two hours of it) and the jobs
// they queue. Between 07:00 and 09:00 zone time that is the morning push,
// an in-app notice to every member, which would run beside the load and
// make the figures depend on the hour of the run. In a zone the push goes
// out first and the members check in after it.
func (fx *fixture) catchUp(ctx context.Context) error {
	a, err := fx.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	t0 := time.Now()
	if err := a.Scheduler.Tick(ctx); err != nil {
		return err
	}
	n, err := a.Queue.RunDue(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		fx.rep.note("schedules due at this hour ran before serve started: %d jobs (such as the morning push) in %s", n, time.Since(t0).Round(time.Millisecond))
	}
	return nil
}

// stopServer stops serve and notes its memory: the resident set now and
// the peak over its life.
func (fx *fixture) stopServer() {
	if fx.inproc != nil {
		fx.inproc()
		fx.inproc = nil
	}
	if fx.srv == nil {
		return
	}
	rss, peak := fx.srv.memory()
	fx.rep.note("serve memory at the end: RSS %.1f MB, peak RSS %.1f MB (target ≤ 150 MB)", mb(rss), mb(peak))
	if err := fx.srv.stop(); err != nil {
		fx.rep.note("serve did not stop cleanly: %v", err)
	}
	fx.srv = nil
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

func (fx *fixture) cleanup() {
	fx.stopServer()
	if fx.dropDB != nil {
		fx.dropDB()
		fx.dropDB = nil
	}
	if fx.dir != "" && !fx.cfg.Keep {
		_ = os.RemoveAll(fx.dir)
	} else if fx.dir != "" {
		fmt.Fprintf(os.Stderr, "bench: kept %s\n", fx.dir)
	}
}

// baselineHello measures the hello-world handler in its own process with
// the same clients, duration-bounded.
func (fx *fixture) baselineHello(ctx context.Context) (stats, error) {
	h, err := startHello(ctx)
	if err != nil {
		return stats{}, err
	}
	defer h.stop()
	s := runLoad(ctx, "baseline: net/http hello-world", fx.cfg.Conc, fx.cfg.Baseline, 0, func(ctx context.Context, c *http.Client, i int) error {
		req, _ := http.NewRequestWithContext(ctx, "GET", h.URL+"/", nil)
		return call(c, req, http.StatusOK)
	})
	fx.rep.Rows = append(fx.rep.Rows, s)
	return s, nil
}

// helloThenServe measures the hello-world baseline and then starts serve:
// one after the other, so that neither shares the cores with the other.
func (fx *fixture) helloThenServe(ctx context.Context) (stats, error) {
	hello, err := fx.baselineHello(ctx)
	if err != nil {
		return stats{}, err
	}
	return hello, fx.serve(ctx)
}

// baselineInserts measures a raw insert loop on the same store, driver and
// durability settings as the server (a table shaped like study_checkins,
// keyed (day, person), one transaction per row from as many goroutines as
// the load has clients, then the same through the group-commit writer).
func (fx *fixture) baselineInserts(ctx context.Context) (perTx, grouped stats, err error) {
	d, err := db.Open(ctx, fx.url)
	if err != nil {
		return
	}
	defer d.Close()
	ddl := `CREATE TABLE bench_raw (id {{ID}}, person_id BIGINT NOT NULL, day TEXT NOT NULL, mode TEXT NOT NULL, created_at {{TS}} NOT NULL, UNIQUE (day, person_id))`
	if d.Dialect == db.Postgres {
		ddl = strings.NewReplacer("{{ID}}", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "{{TS}}", "TIMESTAMPTZ").Replace(ddl)
	} else {
		ddl = strings.NewReplacer("{{ID}}", "INTEGER PRIMARY KEY", "{{TS}}", "TIMESTAMP").Replace(ddl)
	}
	if _, err = d.W.ExecContext(ctx, ddl); err != nil {
		return
	}
	var n atomic.Int64
	loop := func(name string, in func(context.Context, func(context.Context, *db.Tx) error) error) stats {
		return runRows(ctx, name, fx.cfg.Conc, fx.cfg.Baseline, func() error {
			i := n.Add(1)
			return in(ctx, func(ctx context.Context, tx *db.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO bench_raw (person_id, day, mode, created_at) VALUES (?, ?, 'read', ?)`, i, "2021-12-20", time.Now().UTC())
				return err
			})
		})
	}
	perTx = loop("baseline: raw insert, 1 row per transaction", d.InTx)
	grouped = loop(fmt.Sprintf("baseline: raw insert, group commit (≤%d rows; %d queued or %s)", db.GroupMax, db.GroupEnough, db.GroupWindow), d.InGroupTx)
	fx.rep.Rows = append(fx.rep.Rows, perTx, grouped)
	_, _ = d.W.ExecContext(ctx, `DROP TABLE bench_raw`)
	return
}

// runRows is runLoad for in-process work (no HTTP).
func runRows(ctx context.Context, name string, conc int, dur time.Duration, do func() error) stats {
	s := runLoad(ctx, name, conc, dur, 0, func(ctx context.Context, _ *http.Client, i int) error { return do() })
	s.Unit = "rows"
	return s
}

// serveInProcess serves the app from this process with a CPU profile
// running (development: where does a request's time go?).
func (fx *fixture) serveInProcess(ctx context.Context) error {
	a, err := fx.open(ctx)
	if err != nil {
		return err
	}
	// As serve does before it is ready (its /readyz waits for this).
	if err := a.Auth.WarmTokens(ctx); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	f, err := os.Create(fx.cfg.InProc)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	srv := &http.Server{Handler: a.Handler()}
	go srv.Serve(ln)
	var once sync.Once
	fx.endProfile = func() {
		once.Do(func() {
			pprof.StopCPUProfile()
			f.Close()
			// Allocations since the process began (go tool pprof
			// -sample_index=alloc_space -focus=…): what the collector pays for.
			if mf, err := os.Create(fx.cfg.InProc + ".mem"); err == nil {
				_ = pprof.Lookup("allocs").WriteTo(mf, 0)
				mf.Close()
			}
		})
	}
	fx.inproc = func() {
		fx.endProfile()
		srv.Close()
		a.Close()
	}
	fx.srvURL = "http://" + ln.Addr().String()
	return nil
}
