package main

import (
	"bytes"
	"context"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
)

// syncBuf is a bytes.Buffer safe for the flush timer's goroutine.
type syncBuf struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	return s.b.Write(p)
}

func (s *syncBuf) String() (string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String(), s.writes
}

// serve's log: lines batched in order, errors written at once with what
// came before them, everything written on Close.
func TestBufferedLogger(t *testing.T) {
	var out syncBuf
	log, b := bufferedLogger(&out)
	log.Info("http", "n", 1)
	log.Info("http", "n", 2)
	if s, _ := out.String(); s != "" {
		// The flush timer may have fired already on a slow machine: then
		// both lines are there, in order.
		if !strings.Contains(s, `"n":1`) || strings.Index(s, `"n":1`) > strings.Index(s, `"n":2`) {
			t.Fatalf("early output out of order: %q", s)
		}
	}
	log.Error("boom", "err", "x")
	s, _ := out.String()
	if !strings.Contains(s, `"msg":"boom"`) || !(strings.Index(s, `"n":1`) < strings.Index(s, `"n":2`) && strings.Index(s, `"n":2`) < strings.Index(s, "boom")) {
		t.Fatalf("error not written at once after the lines before it: %q", s)
	}
	log.With("request_id", "r1").Info("after")
	big := strings.Repeat("x", logBufferSize+10)
	log.Info(big)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	s, _ = out.String()
	if !strings.Contains(s, `"request_id":"r1"`) || !strings.Contains(s, big) || strings.Index(s, "after") > strings.Index(s, big) {
		t.Fatal("Close lost or reordered lines")
	}
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if !strings.HasPrefix(line, "{") || !strings.HasSuffix(line, "}") {
			t.Fatalf("a line was split: %.80q", line)
		}
	}
}

// Many lines cost few writes.
func TestBufferedLogBatches(t *testing.T) {
	var out syncBuf
	log, b := bufferedLogger(&out)
	for i := 0; i < 1000; i++ {
		log.InfoContext(context.Background(), "http", "request_id", "0123456789abcdef", "path", "/public/villages/1")
	}
	b.Close()
	s, writes := out.String()
	if n := strings.Count(s, "\n"); n != 1000 {
		t.Fatalf("%d lines, want 1000", n)
	}
	if writes > 10 {
		t.Fatalf("%d writes for 1000 lines", writes)
	}
}

// The GC defaults apply only when the operator set neither variable.
func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if tuneGC(env(map[string]string{"GOGC": "50"})) || tuneGC(env(map[string]string{"GOMEMLIMIT": "1GiB"})) {
		t.Fatal("overrode the operator's setting")
	}
	if !tuneGC(env(nil)) {
		t.Fatal("defaults not applied")
	}
	if got := debug.SetGCPercent(100); got != serveGCPercent {
		t.Errorf("GOGC %d, want %d", got, serveGCPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != serveMemoryLimit {
		t.Errorf("memory limit %d, want %d", got, serveMemoryLimit)
	}
}
