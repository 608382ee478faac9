// Package app wires Zhongshu together: configuration → store → platform
// services → modules → the HTTP server. It holds no rules of its own.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"zhongshu/internal/admin"
	"zhongshu/internal/directory"
	"zhongshu/internal/express"
	"zhongshu/internal/organ"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/chain"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/jobs"
	"zhongshu/internal/platform/notify"
	"zhongshu/internal/platform/seal"
	"zhongshu/internal/platform/web"
	"zhongshu/internal/study"
	"zhongshu/internal/village"
)

// Config is what the command line decides.
type Config struct {
	DB             string // sqlite:PATH or postgres://…
	Addr           string
	KeyFile        string // "" = beside the SQLite file, or ./data/zhongshu.key
	Clock          clock.Clock
	TrustedProxies []string
	Log            *slog.Logger
	// AccessLog takes the access log's lines directly when set (serve:
	// the buffered log behind Log); otherwise they go through Log.
	AccessLog io.Writer
	Demo      bool
	PublicURL string // https://… printed into QR codes; "" = the request's own address
}

// Sources lists every module's migrations in the order they run.
func Sources() []db.Source {
	return []db.Source{chain.Source(), audit.Source(), auth.Source(), jobs.Source(), notify.Source(), directory.Source(), study.Source(), organ.Source(), express.Source(), village.Source()}
}

// App is a wired installation.
type App struct {
	Cfg       Config
	DB        *db.DB
	Clock     clock.Clock
	Seal      seal.Sealer
	KeySource string
	Audit     *audit.Log
	Auth      *auth.Service
	Views     *web.Views
	Directory *directory.Module
	Admin     *admin.Module
	Metrics   *web.Metrics
	Queue     *jobs.Queue
	Scheduler *jobs.Scheduler
	Notify    *notify.Service
	Study     *study.Module
	Organ     *organ.Module
	Express   *express.Module
	Village   *village.Module

	// warming is set while serve loads the token cache: /readyz answers
	// 503 until it is loaded, so a load balancer (or the load harness)
	// sends the node traffic once tokens resolve without a query each.
	warming atomic.Bool
}

// KeyPath returns where the field-encryption key file lives.
func (c Config) KeyPath() string {
	if c.KeyFile != "" {
		return c.KeyFile
	}
	if p, ok := strings.CutPrefix(c.DB, "sqlite:"); ok {
		return filepath.Join(filepath.Dir(p), "zhongshu.key")
	}
	return filepath.Join("data", "zhongshu.key")
}

// Open opens the store and builds the services (it does not migrate).
func Open(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	master, src, err := seal.LoadKey(cfg.KeyPath())
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("field-encryption key: %w", err)
	}
	keys, err := seal.New(master)
	clear(master)
	if err != nil {
		d.Close()
		return nil, err
	}
	a := &App{Cfg: cfg, DB: d, Clock: cfg.Clock, Seal: keys, KeySource: src}
	a.Audit = &audit.Log{DB: d, Seal: keys, Clock: cfg.Clock}
	a.Auth = &auth.Service{DB: d, Audit: a.Audit, Clock: cfg.Clock}
	if a.Views, err = web.NewViews(); err != nil {
		d.Close()
		return nil, err
	}
	web.SetDefault(a.Views)
	web.Logger = cfg.Log
	for _, reg := range []func(*web.Views) error{admin.Register, directory.Register, study.Register, organ.Register, express.Register, village.Register} {
		if err := reg(a.Views); err != nil {
			d.Close()
			return nil, err
		}
	}
	a.Queue = jobs.NewQueue(d, cfg.Clock, cfg.Log)
	a.Scheduler = jobs.NewScheduler(d, cfg.Clock, cfg.Log)
	a.Notify = &notify.Service{DB: d, Seal: keys, Clock: cfg.Clock, Queue: a.Queue, Audit: a.Audit, HTTP: &http.Client{Timeout: 10 * time.Second}, Log: cfg.Log}
	a.Notify.Register()
	a.Views.Unread = func(r *http.Request, p *auth.Principal) int {
		n, _ := a.Notify.Unread(r.Context(), p.UserID)
		return n
	}
	if err := a.platformJobs(); err != nil {
		d.Close()
		return nil, err
	}
	a.Directory = &directory.Module{DB: d, Auth: a.Auth, Audit: a.Audit, Seal: keys, Clock: cfg.Clock, Views: a.Views}
	a.Study = &study.Module{DB: d, Auth: a.Auth, Audit: a.Audit, Seal: keys, Clock: cfg.Clock, Views: a.Views, Dir: a.Directory,
		Queue: a.Queue, Scheduler: a.Scheduler, Notify: a.Notify}
	if err := a.Study.Start(); err != nil {
		d.Close()
		return nil, err
	}
	a.Organ = &organ.Module{DB: d, Auth: a.Auth, Audit: a.Audit, Seal: keys, Clock: cfg.Clock, Views: a.Views, Dir: a.Directory,
		Queue: a.Queue, Scheduler: a.Scheduler, Notify: a.Notify,
		StudyFigures: func(ctx context.Context, branch int64, from, to string) (organ.BranchStudy, error) {
			f, err := a.Study.BranchStudyFigures(ctx, branch, from, to)
			return organ.BranchStudy{Members: f.Members, Checkins: f.Checkins, CompletionRate: f.CompletionRate, Points: f.Points}, err
		}}
	if err := a.Organ.Start(); err != nil {
		d.Close()
		return nil, err
	}
	a.Express = &express.Module{DB: d, Auth: a.Auth, Audit: a.Audit, Seal: keys, Clock: cfg.Clock, Views: a.Views, Dir: a.Directory,
		Queue: a.Queue, Scheduler: a.Scheduler, Notify: a.Notify}
	if err := a.Express.Start(); err != nil {
		d.Close()
		return nil, err
	}
	a.Village = &village.Module{DB: d, Auth: a.Auth, Audit: a.Audit, Seal: keys, Clock: cfg.Clock, Views: a.Views, Dir: a.Directory,
		Queue: a.Queue, Scheduler: a.Scheduler, Notify: a.Notify, PublicURL: strings.TrimRight(cfg.PublicURL, "/")}
	if err := a.Village.Start(); err != nil {
		d.Close()
		return nil, err
	}
	a.Admin = &admin.Module{DB: d, Auth: a.Auth, Audit: a.Audit, Clock: cfg.Clock, Views: a.Views, Directory: a.Directory,
		Verifiers: a.Verifiers, Demo: cfg.Demo, Queue: a.Queue, Scheduler: a.Scheduler, Notify: a.Notify}
	a.Metrics = web.NewMetrics()
	return a, nil
}

// Close releases the store.
func (a *App) Close() error { return a.DB.Close() }

// Verifiers lists every hash chain of the installation.
func (a *App) Verifiers() []chain.Verifier {
	vs := []chain.Verifier{a.Audit, a.Study.Verifier()}
	vs = append(vs, a.Express.Verifiers()...)
	return append(vs, a.Village.Verifiers()...)
}

// Migrate brings the schema forward.
func (a *App) Migrate(ctx context.Context) ([]string, error) { return a.DB.Migrate(ctx, Sources()) }

// ErrOldSchema means migrations are pending; `zhongshu migrate` applies them.
var ErrOldSchema = errors.New("the database schema is older than this binary: run `zhongshu migrate` first")

// CheckSchema refuses to serve an old schema.
func (a *App) CheckSchema(ctx context.Context) error {
	p, err := a.DB.Pending(ctx, Sources())
	if err != nil {
		return err
	}
	if len(p) > 0 {
		return fmt.Errorf("%w (%d pending, first %s/%03d_%s)", ErrOldSchema, len(p), p[0].Module, p[0].Version, p[0].Name)
	}
	return nil
}

// Fresh reports a database with no accounts yet (first run).
func (a *App) Fresh(ctx context.Context) (bool, error) {
	us, err := a.Auth.ListUsers(ctx)
	return len(us) == 0, err
}

// Bootstrap creates the three administrator accounts of 三员分立 with random
// passwords that must be changed at first sign-in (等保 8.1.4.2: no default
// passwords). It returns username → password, to be shown once.
func (a *App) Bootstrap(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	err := a.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		for _, r := range []auth.Role{auth.Sysadmin, auth.Secadmin, auth.Auditor} {
			pw := auth.TempPassword()
			if _, err := a.Auth.CreateUser(ctx, auth.NewUser{Username: string(r), DisplayName: auth.RoleNames[r][0], Password: pw, MustChange: true,
				Grants: []auth.Grant{{Role: r, ScopeKind: auth.ScopeZone}}}); err != nil {
				return err
			}
			out[string(r)] = pw
		}
		return nil
	})
	return out, err
}

// ready is /readyz: the store answers and the token cache is loaded (a
// failed load counts as done: tokens then resolve one by one).
func (a *App) ready(ctx context.Context) error {
	if a.warming.Load() {
		return errors.New("token cache loading")
	}
	return a.DB.R.PingContext(ctx)
}

// Handler builds the HTTP handler with every module's routes.
func (a *App) Handler() http.Handler {
	h, _ := a.Routes()
	return h
}

// Routes builds the handler and returns the router too (for route tests).
func (a *App) Routes() (http.Handler, *web.Router) {
	mux := web.NewRouter()
	s := &web.Server{Mux: mux, Auth: a.Auth, Views: a.Views, Log: a.Cfg.Log, AccessLog: a.Cfg.AccessLog, Metrics: a.Metrics, TrustedProxies: a.Cfg.TrustedProxies,
		Ready: a.ready}
	s.Health()
	a.Admin.Routes(mux)
	a.Directory.Routes(mux)
	a.Study.Routes(mux)
	a.Organ.Routes(mux)
	a.Express.Routes(mux)
	a.Village.Routes(mux)
	mux.Handle("GET /api/v1/openapi.yaml", openAPI())
	// Anything else is the site's own "not found" page (or problem+json).
	mux.Handle("GET /", web.Handler(func(w http.ResponseWriter, r *http.Request) error { return errs.NotFoundf("page") }))
	return s.Handler(), mux
}

// Serve runs the HTTP server until ctx ends, then shuts down gracefully.
func (a *App) Serve(ctx context.Context, ready func(addr string)) error {
	srv := &http.Server{Addr: a.Cfg.Addr, Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
	ln, err := listen(a.Cfg.Addr)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	// Background work stops with ctx: the scheduler claims each slot once
	// across replicas, the queue runs due jobs.
	bg, stopBG := context.WithCancel(ctx)
	defer stopBG()
	go a.Scheduler.Run(bg, 15*time.Second)
	go a.Queue.Work(bg, 2*time.Second)
	a.warming.Store(true)
	go func() {
		defer a.warming.Store(false)
		if err := a.Auth.WarmTokens(bg); err != nil && bg.Err() == nil {
			a.Cfg.Log.Warn("token cache warm-up failed; tokens resolve one by one", "err", err)
		}
	}()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}
}
