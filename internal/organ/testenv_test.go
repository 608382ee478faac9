package organ

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"zhongshu/internal/demo"
	"zhongshu/internal/directory"
	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/chain"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/jobs"
	"zhongshu/internal/platform/notify"
	"zhongshu/internal/platform/seal"
	"zhongshu/internal/platform/web"
)

// testEnv is an organ module over a fresh store loaded with the directory's
// demo dataset (not the organ demo year, unless a test loads it).
type testEnv struct {
	M     *Module
	Clock *clock.Fixed
	DB    *db.DB
}

var testSources = []db.Source{chain.Source(), audit.Source(), auth.Source(), jobs.Source(), notify.Source(), directory.Source(), Source()}

// demoNow is the demo's clock: 2021-12-20 09:00 zone time.
var demoNow = time.Date(2021, 12, 20, 1, 0, 0, 0, time.UTC)

func forEachStore(t *testing.T, fn func(t *testing.T, e *testEnv)) {
	db.ForEach(t, testSources, func(t *testing.T, d *db.DB) { fn(t, newTestEnv(t, d)) })
}

func newTestEnv(t *testing.T, d *db.DB) *testEnv {
	t.Helper()
	keys, _ := seal.New(bytes.Repeat([]byte{5}, 32))
	clk := clock.At(demoNow)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	al := &audit.Log{DB: d, Seal: keys, Clock: clk}
	as := &auth.Service{DB: d, Audit: al, Clock: clk}
	views, err := web.NewViews()
	if err != nil {
		t.Fatal(err)
	}
	if err := Register(views); err != nil {
		t.Fatal(err)
	}
	dir := &directory.Module{DB: d, Auth: as, Audit: al, Seal: keys, Clock: clk, Views: views}
	q := jobs.NewQueue(d, clk, log)
	sch := jobs.NewScheduler(d, clk, log)
	ns := &notify.Service{DB: d, Seal: keys, Clock: clk, Queue: q, Audit: al, Log: log}
	ns.Register()
	m := &Module{DB: d, Auth: as, Audit: al, Seal: keys, Clock: clk, Views: views, Dir: dir, Queue: q, Scheduler: sch, Notify: ns}
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(context.Background(), demo.Deps{DB: d, Auth: as, Dir: dir, Clock: clk}); err != nil {
		t.Fatal(err)
	}
	return &testEnv{M: m, Clock: clk, DB: d}
}

// principal signs a demo account in and returns its principal.
func (e *testEnv) principal(t *testing.T, username string) *auth.Principal {
	t.Helper()
	p, _, err := e.M.Auth.Login(context.Background(), username, demo.Password, "127.0.0.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	return p
}
