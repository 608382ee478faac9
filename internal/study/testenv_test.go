package study

import (
	"testing"

	"zhongshu/internal/moduletest"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
)

// testEnv is the study module over a fresh store loaded with the directory's
// demo dataset (not the module's own demo year, unless a test loads it).
type testEnv struct {
	M     *Module
	Clock *clock.Fixed
	DB    *db.DB
	env   *moduletest.Env
}

var testSources = moduletest.Sources(Source())

// demoNow is the demo's clock: 2021-12-20 09:00 zone time.
var demoNow = moduletest.DemoNow

func forEachStore(t *testing.T, fn func(t *testing.T, e *testEnv)) {
	db.ForEach(t, testSources, func(t *testing.T, d *db.DB) { fn(t, newTestEnv(t, d)) })
}

func newTestEnv(t testing.TB, d *db.DB) *testEnv {
	t.Helper()
	e := moduletest.New(t, d, Register)
	m := &Module{DB: d, Auth: e.Auth, Audit: e.Audit, Seal: e.Seal, Clock: e.Clock, Views: e.Views, Dir: e.Dir,
		Queue: e.Queue, Scheduler: e.Scheduler, Notify: e.Notify}
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	e.LoadDirectoryDemo(t)
	return &testEnv{M: m, Clock: e.Clock, DB: d, env: e}
}

// principal signs a demo account in and returns its principal.
func (e *testEnv) principal(t *testing.T, username string) *auth.Principal {
	t.Helper()
	return e.env.Principal(t, username)
}
