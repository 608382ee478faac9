package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
