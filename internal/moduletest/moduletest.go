// Package moduletest builds what a domain module's tests stand on: a fresh
// store migrated with the platform's and the directory's migrations plus
// the module's own, the platform services on a fixed clock at the demo's
// moment (2021-12-20 09:00 zone time), and the directory's demo dataset.
// Only tests import it.
package moduletest

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

// DemoNow is the demo's clock: 2021-12-20 09:00 zone time.
var DemoNow = time.Date(2021, 12, 20, 1, 0, 0, 0, time.UTC)

// Sources are the migrations every module's tests need before its own.
func Sources(module db.Source) []db.Source {
	return []db.Source{chain.Source(), audit.Source(), auth.Source(), jobs.Source(), notify.Source(), directory.Source(), module}
}

// Env is the platform and directory a module is built on in a test.
type Env struct {
	DB        *db.DB
	Seal      *seal.Keys
	Clock     *clock.Fixed
	Log       *slog.Logger
	Audit     *audit.Log
	Auth      *auth.Service
	Views     *web.Views
	Dir       *directory.Module
	Queue     *jobs.Queue
	Scheduler *jobs.Scheduler
	Notify    *notify.Service
}

// New builds the services over d, registers the module's views, and loads
// the directory's demo dataset.
func New(t testing.TB, d *db.DB, register func(*web.Views) error) *Env {
	t.Helper()
	keys, _ := seal.New(bytes.Repeat([]byte{9}, 32))
	e := &Env{DB: d, Seal: keys, Clock: clock.At(DemoNow), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	e.Audit = &audit.Log{DB: d, Seal: keys, Clock: e.Clock}
	e.Auth = &auth.Service{DB: d, Audit: e.Audit, Clock: e.Clock}
	views, err := web.NewViews()
	if err != nil {
		t.Fatal(err)
	}
	if err := register(views); err != nil {
		t.Fatal(err)
	}
	e.Views = views
	e.Dir = &directory.Module{DB: d, Auth: e.Auth, Audit: e.Audit, Seal: keys, Clock: e.Clock, Views: views}
	e.Queue = jobs.NewQueue(d, e.Clock, e.Log)
	e.Scheduler = jobs.NewScheduler(d, e.Clock, e.Log)
	e.Notify = &notify.Service{DB: d, Seal: keys, Clock: e.Clock, Queue: e.Queue, Audit: e.Audit, Log: e.Log}
	e.Notify.Register()
	return e
}

// LoadDirectoryDemo loads the directory's demo dataset (after the module
// has registered its job handlers and schedules).
func (e *Env) LoadDirectoryDemo(t testing.TB) {
	t.Helper()
	if _, err := demo.Load(context.Background(), demo.Deps{DB: e.DB, Auth: e.Auth, Dir: e.Dir, Clock: e.Clock}); err != nil {
		t.Fatal(err)
	}
}

// Principal signs a demo account in and returns its principal.
func (e *Env) Principal(t testing.TB, username string) *auth.Principal {
	t.Helper()
	p, _, err := e.Auth.Login(context.Background(), username, demo.Password, "127.0.0.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	return p
}
