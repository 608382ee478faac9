package village

import (
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"zhongshu/internal/platform/db"
)

// The SQLite store version (issue 8: fstat on held descriptors) moves with
// every commit, and follows a file replaced or removed under its name.
func TestFileVersion(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "z.db")
	if err := os.WriteFile(path, []byte("a"), 0o600); err != nil {
		t.Fatal(err)
	}
	var v fileVersion
	defer v.closeFiles()
	v1 := v.version(path)
	if v1 == "" || v.version(path) != v1 {
		t.Fatalf("unstable version %q", v1)
	}
	// The write-ahead log appears, grows, is removed.
	if err := os.WriteFile(path+"-wal", []byte("w"), 0o600); err != nil {
		t.Fatal(err)
	}
	v2 := v.version(path)
	if v2 == v1 {
		t.Fatal("a new write-ahead log did not move the version")
	}
	f, _ := os.OpenFile(path+"-wal", os.O_APPEND|os.O_WRONLY, 0)
	f.Write([]byte("more"))
	f.Close()
	v3 := v.version(path)
	if v3 == v2 {
		t.Fatal("a grown write-ahead log did not move the version")
	}
	os.Remove(path + "-wal")
	if v4 := v.version(path); v4 != v1 {
		t.Fatalf("after the log's removal: %q, want %q", v4, v1)
	}
	// The database replaced by another file of the same size (a restore):
	// the held descriptor's file is unlinked, the name's file is read.
	other := filepath.Join(dir, "other")
	os.WriteFile(other, []byte("b"), 0o600)
	later := time.Now().Add(time.Hour)
	os.Chtimes(other, later, later)
	if err := os.Rename(other, path); err != nil {
		t.Fatal(err)
	}
	if v5 := v.version(path); v5 == v1 {
		t.Fatal("a replaced database did not move the version")
	}
}

// On a real store, a commit made behind the module's back moves the
// version on the next call: no time bound.
func TestStoreVersionMovesAtOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		v1 := e.M.storeVersion(ctx, 1)
		if e.DB.Dialect == db.SQLite && v1 == "" {
			t.Fatal("no SQLite version")
		}
		if _, err := e.M.CreateDisclosure(ctx, e.principal(t, "village_secretary"), 1, draftInput()); err != nil {
			t.Fatal(err)
		}
		if v2 := e.M.storeVersion(ctx, 1); v2 == v1 {
			t.Fatalf("version did not move: %q", v2)
		}
	})
}

// servePublic: one build per key and version; a page only older than the
// TTL is served while another request rebuilds it; a moved version is
// rebuilt before anything is served; prepared headers and Content-Length.
func TestServePublicCache(t *testing.T) {
	m := &Module{}
	builds := 0
	build := func(body string) func() ([]byte, string, error) {
		return func() ([]byte, string, error) {
			builds++
			return []byte(body), "text/plain; charset=utf-8", nil
		}
	}
	get := func(version, body string, hdr ...string) *httptest.ResponseRecorder {
		t.Helper()
		r := httptest.NewRequest("GET", "/public/x", nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		w := httptest.NewRecorder()
		if err := m.servePublic(w, r, "k", 60, version, build(body)); err != nil {
			t.Fatal(err)
		}
		return w
	}
	w := get("v1", "one")
	if builds != 1 || w.Body.String() != "one" || w.Header().Get("Content-Length") != "3" || w.Header().Get("Cache-Control") != "public, max-age=60" ||
		w.Header().Get("ETag") == "" || w.Header().Get("Last-Modified") == "" || w.Header().Get("Vary") != "Accept-Language, Cookie, Accept-Encoding" {
		t.Fatalf("first: %d builds, %q, %v", builds, w.Body, w.Header())
	}
	etag := w.Header().Get("ETag")
	if w := get("v1", "two"); builds != 1 || w.Body.String() != "one" {
		t.Fatalf("cached: %d builds, %q", builds, w.Body)
	}
	if w := get("v1", "two", "If-None-Match", etag); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Fatalf("revalidation: %d", w.Code)
	}
	// Past the TTL with a rebuild under way for the same version: the old
	// page is served meanwhile.
	c := m.pubCache()
	c.mu.Lock()
	c.entries["k"].at = time.Now().Add(-2 * publicTTL)
	c.building["k"] = &pubBuild{version: "v1", done: make(chan struct{})}
	c.mu.Unlock()
	if w := get("v1", "two"); builds != 1 || w.Body.String() != "one" {
		t.Fatalf("during a rebuild: %d builds, %q", builds, w.Body)
	}
	// A moved version never gets the old page, rebuild under way or not.
	if w := get("v2", "three"); builds != 2 || w.Body.String() != "three" {
		t.Fatalf("moved version: %d builds, %q", builds, w.Body)
	}
	// A rebuild of the same key and version is waited for, not repeated.
	b := &pubBuild{version: "v3", done: make(chan struct{})}
	c.mu.Lock()
	c.building["k"] = b
	c.mu.Unlock()
	done := make(chan *httptest.ResponseRecorder)
	go func() { done <- get("v3", "not built") }()
	b.e = newPubEntry([]byte("four"), "text/plain", 60, time.Now().UTC().Truncate(time.Second), time.Now(), "v3")
	close(b.done)
	if w := <-done; w.Body.String() != "four" || builds != 2 {
		t.Fatalf("waited rebuild: %d builds, %q", builds, w.Body)
	}
}

// Text of a kilobyte or more goes compressed to clients that accept gzip,
// with its own entity tag; others get the plain bytes.
func TestServePublicGzip(t *testing.T) {
	m := &Module{}
	page := strings.Repeat("<p>村务公开 village affairs</p>\n", 100)
	build := func() ([]byte, string, error) { return []byte(page), "text/html; charset=utf-8", nil }
	get := func(hdr ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/public/villages/1", nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		w := httptest.NewRecorder()
		if err := m.servePublic(w, r, "gz", 60, "v", build); err != nil {
			t.Fatal(err)
		}
		return w
	}
	plain := get()
	if plain.Body.String() != page || plain.Header().Get("Content-Encoding") != "" || plain.Header().Get("Content-Length") != strconv.Itoa(len(page)) {
		t.Fatalf("plain: %v", plain.Header())
	}
	if w := get("Accept-Encoding", "gzip, deflate, br"); w.Header().Get("Content-Encoding") != "br" || w.Header().Get("Content-Length") != strconv.Itoa(w.Body.Len()) {
		t.Fatalf("br: %v", w.Header())
	} else if b, _ := io.ReadAll(brotli.NewReader(w.Body)); string(b) != page {
		t.Fatal("br body differs")
	}
	w := get("Accept-Encoding", "gzip, deflate")
	if w.Header().Get("Content-Encoding") != "gzip" || w.Header().Get("Content-Length") != strconv.Itoa(w.Body.Len()) || w.Body.Len() >= len(page) {
		t.Fatalf("gzip: %v, %d bytes", w.Header(), w.Body.Len())
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(zr); string(b) != page {
		t.Fatal("gzip body differs")
	}
	if w.Header().Get("ETag") == plain.Header().Get("ETag") {
		t.Fatal("both representations share an entity tag")
	}
	if w := get("Accept-Encoding", "gzip", "If-None-Match", w.Header().Get("ETag")); w.Code != http.StatusNotModified {
		t.Fatalf("gzip revalidation: %d", w.Code)
	}
	if w := get("If-None-Match", plain.Header().Get("ETag")); w.Code != http.StatusNotModified {
		t.Fatalf("plain revalidation: %d", w.Code)
	}
	for ae, want := range map[string]bool{"": false, "identity": false, "gzip;q=0": false, "gzip; q=0.000, *": false, "GZIP;q=0.5": true,
		"br, *": true, "*;q=0": false, "*;q=0, gzip": true, "deflate": false} {
		r := httptest.NewRequest("GET", "/", nil)
		if ae != "" {
			r.Header.Set("Accept-Encoding", ae)
		}
		if got := acceptsGzip(r); got != want {
			t.Errorf("acceptsGzip(%q) = %v", ae, got)
		}
	}
}

// BenchmarkServePublicCached is a cached public page (the portal's path
// after the middleware).
func BenchmarkServePublicCached(b *testing.B) {
	m := &Module{}
	body := make([]byte, 12<<10)
	build := func() ([]byte, string, error) { return body, "text/html; charset=utf-8", nil }
	r := httptest.NewRequest("GET", "/public/villages/1", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := nopWriter{http.Header{}}
		if err := m.servePublic(w, r, "village:1:zh-CN", publicMaxAge, "v", build); err != nil {
			b.Fatal(err)
		}
	}
}

type nopWriter struct{ h http.Header }

func (w nopWriter) Header() http.Header         { return w.h }
func (w nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w nopWriter) WriteHeader(int)             {}
