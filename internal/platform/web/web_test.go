package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"zhongshu/internal/platform/errs"
)

func TestKeysUsed(t *testing.T) {
	got := KeysUsed(`{{.T "a.b"}} {{$.T "c.d" 3}} {{.T (printf "x")}}`)
	if len(got) != 2 || got[0] != "a.b" || got[1] != "c.d" {
		t.Fatalf("KeysUsed = %v", got)
	}
}

func TestShellCatalogComplete(t *testing.T) {
	v, err := NewViews()
	if err != nil {
		t.Fatal(err)
	}
	if m := v.Cat.Missing(); len(m) > 0 {
		t.Fatalf("keys missing from a locale: %v", m)
	}
	if v.Cat.T("en", "app.name") != "Zhongshu" || v.Cat.T("zh-CN", "app.name") != "中枢" {
		t.Fatal("catalog lookup")
	}
	if v.Cat.T("en", "pager.info", 1, 2, 3) != "Page 1 of 2, 3 items" {
		t.Fatal("catalog args")
	}
}

func TestStatusTable(t *testing.T) {
	for k, want := range map[errs.Kind]int{errs.Invalid: 422, errs.Unauthorized: 401, errs.Forbidden: 403, errs.NotFound: 404,
		errs.Conflict: 409, errs.Locked: 423, errs.TooMany: 429, errs.Internal: 500} {
		if got := Status(errs.New(k, "x", "x")); got != want {
			t.Errorf("Status(%s) = %d, want %d", k, got, want)
		}
	}
	if Status(errs.List{errs.Field("a", "b", "c")}) != 422 {
		t.Error("list status")
	}
}

// RFC 9457 problem documents carry the message in the request's locale and
// never leak internal details.
func TestProblem(t *testing.T) {
	r := httptest.NewRequest("GET", "/api/v1/x", nil)
	rec := httptest.NewRecorder()
	WriteError(rec, r, errs.Field("id_number", "身份证号校验码错误", "wrong check digit"))
	if rec.Code != 422 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") || !strings.Contains(rec.Body.String(), "身份证号校验码错误") {
		t.Fatalf("problem: %d %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	rec = httptest.NewRecorder()
	WriteError(rec, r, errs.Wrap(errSecret, "select"))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret") {
		t.Fatalf("internal error leaked: %s", rec.Body)
	}
}

var errSecret = &errs.Error{Kind: errs.Internal, Zh: "secret sql", En: "secret sql"}

func testServer(t *testing.T) http.Handler {
	r := NewRouter()
	r.HandleFunc("POST /api/v1/thing", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	r.HandleFunc("GET /api/v1/thing", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	s := &Server{Mux: r, Log: Logger}
	return s.Handler()
}

// ASVS 3.5: a cross-site state change is refused; same-origin and
// non-browser clients pass; GET is never blocked.
func TestCrossOriginProtection(t *testing.T) {
	h := testServer(t)
	for _, c := range []struct {
		method string
		hdr    map[string]string
		want   int
	}{
		{"POST", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"POST", map[string]string{"Sec-Fetch-Site": "same-site"}, 403},
		{"POST", map[string]string{"Origin": "https://evil.example"}, 403},
		{"POST", map[string]string{"Sec-Fetch-Site": "same-origin"}, 204},
		{"POST", nil, 204}, // curl, integrations with bearer tokens
		{"GET", map[string]string{"Sec-Fetch-Site": "cross-site"}, 200},
	} {
		r := httptest.NewRequest(c.method, "http://zs.example/api/v1/thing", nil)
		for k, v := range c.hdr {
			r.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != c.want {
			t.Errorf("%s %v: %d, want %d", c.method, c.hdr, rec.Code, c.want)
		}
	}
}

// ASVS 3.4: security headers on every response.
func TestSecurityHeaders(t *testing.T) {
	h := testServer(t)
	r := httptest.NewRequest("GET", "http://zs.example/api/v1/thing", nil)
	r.Header.Set("X-Forwarded-Proto", "https")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	for k, want := range map[string]string{
		"Content-Security-Policy":   "frame-ancestors 'none'",
		"X-Content-Type-Options":    "nosniff",
		"Referrer-Policy":           "same-origin",
		"Strict-Transport-Security": "max-age=31536000",
		"Cache-Control":             "no-store",
	} {
		if !strings.Contains(rec.Header().Get(k), want) {
			t.Errorf("%s = %q, want it to contain %q", k, rec.Header().Get(k), want)
		}
	}
	if !strings.Contains(rec.Header().Get("Content-Security-Policy"), "object-src 'none'") || !strings.Contains(rec.Header().Get("Content-Security-Policy"), "base-uri 'none'") {
		t.Error("CSP lacks object-src/base-uri")
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"/people": "/people", "//evil.example": "/", "https://evil": "/", "/\\evil": "/", "": "/"} {
		if got := SafeNext(in); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// group is the old split-and-join, without its allocations (issue 8).
func TestGroupMatchesSplit(t *testing.T) {
	for _, p := range []string{"/", "/public", "/public/villages/1", "/api", "/api/v1", "/api/v1/checkins", "/api/v1/branches/4/weekly",
		"/api//x", "//x", "/static/app.css", "*", "", "api/v1/x", "/apix/v1/y"} {
		if got, want := group(p), groupSlow(p); got != want {
			t.Errorf("group(%q) = %q, want %q", p, got, want)
		}
	}
}

// cookieValue answers as r.Cookie does.
func TestCookieValue(t *testing.T) {
	for _, hdr := range [][]string{
		nil,
		{"zs_lang=en"},
		{"a=1; zs_lang=en; zs_session=abc"},
		{"a=1", "zs_session=\"q-v\"; zs_lang=zh-CN"},
		{"zs_lang=bad\\value; zs_lang=en"},
		{"zs_lang=en; zs_lang=zh-CN"},
		{" zs_session = x ; zs_lang"},
		{"__Host-zs_session=tok_1; zs_session=tok_2"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		for _, h := range hdr {
			r.Header.Add("Cookie", h)
		}
		for _, name := range []string{LangCookie, SessionCookie, SessionCookiePlain, "a"} {
			want, err := r.Cookie(name)
			got, ok := cookieValue(r, name)
			if ok != (err == nil) || (ok && got != want.Value) {
				t.Errorf("%q %s: cookieValue = %q %v, r.Cookie = %v %v", hdr, name, got, ok, want, err)
			}
		}
	}
}

func TestRequestLang(t *testing.T) {
	for _, c := range []struct{ cookie, accept, want string }{
		{"", "", "zh-CN"},
		{"", "en-US,en;q=0.9", "en"},
		{"", "EN", "en"},
		{"", "zh-CN,en;q=0.5", "zh-CN"},
		{"zs_lang=zh-CN", "en", "zh-CN"},
		{"zs_lang=en", "zh-CN", "en"},
		{"zs_lang=xx", "en", "zh-CN"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if c.cookie != "" {
			r.Header.Set("Cookie", c.cookie)
		}
		if c.accept != "" {
			r.Header.Set("Accept-Language", c.accept)
		}
		if got := requestLang(r); got != c.want {
			t.Errorf("cookie %q accept %q: %s, want %s", c.cookie, c.accept, got, c.want)
		}
	}
}

// The shared security-header slices are never changed by a response.
func TestSecurityHeadersShared(t *testing.T) {
	h := testServer(t)
	r := httptest.NewRequest("GET", "http://zs.example/api/v1/thing", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	rec.Header().Add("X-Frame-Options", "SAMEORIGIN")
	rec.Header().Set("Cache-Control", "public")
	if hdrDeny[0] != "DENY" || len(hdrDeny) != 1 || hdrNoStore[0] != "no-store" {
		t.Fatal("a response changed the shared header values")
	}
	if rec.Header().Get("X-Request-Id") == "" {
		t.Error("no request id")
	}
}

// Observe counts each request once in its series, memoised or not.
func TestMetricsObserve(t *testing.T) {
	m := NewMetrics()
	for i := 0; i < 3; i++ {
		m.Observe(httptest.NewRequest("GET", "/api/v1/checkins/9", nil), 201, time.Millisecond)
	}
	m.Observe(httptest.NewRequest("GET", "/public/villages/1", nil), 200, time.Millisecond)
	count := func(labels ...string) float64 {
		var pb dto.Metric
		if err := m.requests.WithLabelValues(labels...).Write(&pb); err != nil {
			t.Fatal(err)
		}
		return pb.GetCounter().GetValue()
	}
	if got := count("/api/v1/checkins", "GET", "201"); got != 3 {
		t.Errorf("checkins counted %v times", got)
	}
	if got := count("/public", "GET", "200"); got != 1 {
		t.Errorf("public counted %v times", got)
	}
}

// BenchmarkChain is the middleware every request passes (issue 8), around
// a handler that writes nothing.
func BenchmarkChain(b *testing.B) {
	r := NewRouter()
	r.HandleFunc("GET /public/villages/{id}", func(w http.ResponseWriter, r *http.Request) {})
	s := &Server{Mux: r, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Metrics: NewMetrics()}
	h := s.Handler()
	req := httptest.NewRequest("GET", "/public/villages/1", nil)
	req.Header.Set("Accept-Language", "zh-CN,zh;q=0.9")
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(nopWriter{http.Header{}}, req)
	}
}

type nopWriter struct{ h http.Header }

func (w nopWriter) Header() http.Header         { return w.h }
func (w nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w nopWriter) WriteHeader(int)             {}
