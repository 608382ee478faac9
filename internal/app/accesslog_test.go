package app

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"zhongshu/internal/platform/clock"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// With AccessLog set (serve), every request has its JSON line there, and a
// signed-in request names its account.
func TestAccessLogLines(t *testing.T) {
	url, tp := sqliteCopy(t)
	var buf lockedBuffer
	a, err := Open(context.Background(), Config{DB: url, KeyFile: tp.key, Clock: clock.At(demoStart), Log: quietLog(), AccessLog: &buf, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	h, r := a.Routes()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e := &env{t: t, App: a, Srv: srv, Router: r, Clock: clock.At(demoStart)}
	if st, _ := e.as("committee").do("GET", "/study/challenges", ""); st != 200 {
		t.Fatalf("GET /study/challenges: %d", st)
	}
	if st, _ := e.client().do("GET", "/public/villages", ""); st >= 500 {
		t.Fatalf("GET /public/villages: %d", st)
	}
	var sawUser, sawAnon bool
	for _, line := range strings.Split(strings.TrimSpace(buf.b.String()), "\n") {
		var l struct {
			Msg, Method, Path, User, IP string
			RequestID                   string `json:"request_id"`
			Status                      int
		}
		if err := json.Unmarshal([]byte(line), &l); err != nil || l.Msg != "http" || l.RequestID == "" || l.Status == 0 {
			t.Fatalf("access line %q: %v", line, err)
		}
		if l.Path == "/study/challenges" && l.User == "committee" {
			sawUser = true
		}
		if l.Path == "/public/villages" && l.User == "" {
			sawAnon = true
		}
	}
	if !sawUser || !sawAnon {
		t.Fatalf("signed-in line with its user %v, anonymous line %v:\n%s", sawUser, sawAnon, buf.b.String())
	}
}
