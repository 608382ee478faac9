package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"zhongshu/internal/demo"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/web"
)

// env is a running installation with the demo dataset, for HTTP tests.
type env struct {
	t      *testing.T
	App    *App
	Srv    *httptest.Server
	Router *web.Router
	Clock  *clock.Fixed
}

// demoStart is the demo's default clock (2021-12-20 09:00 zone time).
var demoStart = time.Date(2021, 12, 20, 1, 0, 0, 0, time.UTC)

// forEachStore runs fn on SQLite, and on PostgreSQL when configured, each a
// fresh installation holding the demo dataset (a copy of a template loaded
// once, see template_test.go).
func forEachStore(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Run("sqlite", func(t *testing.T) {
		u, tp := sqliteCopy(t)
		fn(t, newEnv(t, u, tp))
	})
	t.Run("postgres", func(t *testing.T) {
		u, tp := postgresCopy(t) // skipped without PostgreSQL
		fn(t, newEnv(t, u, tp))
	})
}

func newEnv(t *testing.T, url string, tp *demoTemplate) *env {
	t.Helper()
	ctx := context.Background()
	clk := clock.At(demoStart)
	a, err := Open(ctx, Config{DB: url, KeyFile: tp.key, Clock: clk, Log: quietLog(), Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	// The copy is fully migrated; this proves it (and costs one query).
	if err := a.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	a.SetDemoHint(tp.accounts)
	h, r := a.Routes()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{t: t, App: a, Srv: srv, Router: r, Clock: clk}
}

// client is a browser-like session for one user.
type client struct {
	e    *env
	http *http.Client
	lang string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// as returns a client signed in as username (password demo.Password).
func (e *env) as(username string) *client {
	c := e.client()
	if st, body := c.do("POST", "/api/v1/login", `{"username":"`+username+`","password":"`+demo.Password+`"}`); st != 200 {
		e.t.Fatalf("login %s: %d %s", username, st, body)
	}
	return c
}

// do sends a same-origin request and returns status and body.
func (c *client) do(method, path, body string) (int, string) {
	c.e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, c.e.Srv.URL+path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Accept", "text/html,application/json")
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// json decodes a successful JSON response.
func (c *client) json(method, path, body string, v any) int {
	c.e.t.Helper()
	st, b := c.do(method, path, body)
	if st < 300 && v != nil {
		if err := json.Unmarshal([]byte(b), v); err != nil {
			c.e.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return st
}

func quietLog() *slogLogger { return discardLogger() }

func TestMain(m *testing.M) {
	code := m.Run()
	cleanupTemplates()
	os.Exit(code)
}

// form posts an HTML form (as a browser without JavaScript would) and
// returns the status, the body and the redirect target.
func (c *client) form(path string, v url.Values) (int, string, string) {
	c.e.t.Helper()
	req, _ := http.NewRequest("POST", c.e.Srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Accept", "text/html")
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

// form2 is form without the redirect target.
func (c *client) form2(path string, v url.Values) (int, string) {
	c.e.t.Helper()
	st, b, _ := c.form(path, v)
	return st, b
}
