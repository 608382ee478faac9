// Package web is Zhongshu's HTTP shell: the middleware every request passes
// (request id, logging, metrics, security headers, cross-origin protection,
// locale, authentication), the layout and its per-role navigation, the
// bilingual message catalog, HTML rendering, JSON and RFC 9457 problem
// responses, and the embedded static assets. It holds no business rules.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/textproto"
	"strings"
	"time"

	"zhongshu/internal/platform/actor"
	"zhongshu/internal/platform/auth"
)

// Cookie names. Over HTTPS the session cookie takes the __Host- prefix with
// Secure (ASVS 3.3.1); over plain HTTP on a loopback demo a prefixed cookie
// would be refused by clients, so the plain name is used there.
const (
	SessionCookie      = "__Host-zs_session"
	SessionCookiePlain = "zs_session"
	LangCookie         = "zs_lang"
)

type ctxKey int

const (
	principalKey ctxKey = iota
)

// Principal returns the signed-in caller, or nil.
func Principal(r *http.Request) *auth.Principal {
	p, _ := r.Context().Value(principalKey).(*auth.Principal)
	return p
}

// Lang returns the request's locale: "zh-CN" or "en".
func Lang(r *http.Request) string {
	if l := actor.From(r.Context()).Lang; l != "" {
		return l
	}
	return "zh-CN"
}

// IsAPI reports a JSON API request.
func IsAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// Server is the HTTP shell around the modules' routes.
type Server struct {
	Mux     *Router
	Auth    *auth.Service
	Views   *Views
	Log     *slog.Logger
	Metrics *Metrics
	// TrustedProxies: X-Forwarded-For is believed only from these addresses
	// (ASVS 4.1.3); the per-IP login limit depends on it.
	TrustedProxies []string
	Ready          func(ctx context.Context) error
	// AccessLog, when set, takes the access log's line per request
	// directly (accesslog.go) — the same JSON as Log would write, one
	// Write per line; otherwise the line goes through Log.
	AccessLog io.Writer
}

// Handler returns the full middleware chain around the mux. The locale is
// settled in observe, with the request id and the client address, so that
// the actor goes into the context once per request (issue 8: every
// request pays for each context value and request copy).
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, forbiddenCrossOrigin)
	}))
	var h http.Handler = s.Mux.Mux
	h = s.authenticate(h)
	h = cop.Handler(h)
	h = securityHeaders(h)
	h = s.observe(h)
	return h
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	var out [16]byte
	hex.Encode(out[:], b[:])
	return string(out[:])
}

// clientIP is the peer address, or the first untrusted hop of
// X-Forwarded-For when the peer is a configured proxy.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	for _, p := range s.TrustedProxies {
		if p == host {
			if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
				parts := strings.Split(xff, ",")
				return strings.TrimSpace(parts[len(parts)-1])
			}
		}
	}
	return host
}

// observe assigns a request id, settles the locale, recovers panics, logs
// and counts.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rid := newRequestID()
		a := actor.Actor{IP: s.clientIP(r), RequestID: rid, Lang: requestLang(r)}
		r = r.WithContext(actor.With(r.Context(), a))
		rw := &statusWriter{ResponseWriter: w, status: 200}
		rw.Header()["X-Request-Id"] = []string{rid}
		defer func() {
			if p := recover(); p != nil {
				s.Log.Error("panic", "request_id", rid, "path", r.URL.Path, "panic", p)
				if !rw.wrote {
					WriteError(rw, r, errInternal)
				}
			}
			d := time.Since(start)
			if s.Metrics != nil {
				s.Metrics.Observe(r, rw.status, d)
			}
			if r.URL.Path == "/healthz" || r.URL.Path == "/metrics" || strings.HasPrefix(r.URL.Path, "/static/") {
				return
			}
			if s.AccessLog != nil {
				writeAccess(s.AccessLog, &accessEntry{at: start.Add(d), rid: rid, method: r.Method, path: r.URL.Path,
					status: rw.status, ms: d.Milliseconds(), ip: a.IP, user: rw.user})
			} else if s.Log.Enabled(r.Context(), slog.LevelInfo) {
				// LogAttrs: no boxing of each value into an interface.
				s.Log.LogAttrs(r.Context(), slog.LevelInfo, "http", slog.String("request_id", rid), slog.String("method", r.Method),
					slog.String("path", r.URL.Path), slog.Int("status", rw.status), slog.Int64("ms", d.Milliseconds()),
					slog.String("ip", a.IP), slog.String("user", rw.user))
			}
		}()
		next.ServeHTTP(rw, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
	user   string // the signed-in account, set by authenticate, for the access log
}

func (w *statusWriter) WriteHeader(c int) {
	if !w.wrote {
		w.status, w.wrote = c, true
	}
	w.ResponseWriter.WriteHeader(c)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// The security headers' values, built once. Each response's header map
// gets these slices directly instead of a fresh one per Set (issue 8);
// their capacity is their length, so a later Add appends to a copy and
// Set replaces the slice: no response can change another's.
var (
	// style-src and script-src are not spelled out: without them both
	// fall back to default-src 'self', the same policy in 38 fewer bytes
	// on every response (a cached portal page answers in one write only
	// while headers and body fit net/http's 4 KB buffer).
	hdrCSP         = []string{"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"}
	hdrNosniff     = []string{"nosniff"}
	hdrDeny        = []string{"DENY"}
	hdrReferrer    = []string{"same-origin"}
	hdrPermissions = []string{"camera=(), microphone=(), geolocation=()"}
	hdrHSTS        = []string{"max-age=31536000; includeSubDomains"}
	hdrNoStore     = []string{"no-store"}
)

// securityHeaders sets the headers of ASVS 3.4 on every response.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// Canonical keys, assigned directly: what Header.Set would store.
		h["Content-Security-Policy"] = hdrCSP
		h["X-Content-Type-Options"] = hdrNosniff
		h["X-Frame-Options"] = hdrDeny
		h["Referrer-Policy"] = hdrReferrer
		h["Permissions-Policy"] = hdrPermissions
		if isHTTPS(r) {
			h["Strict-Transport-Security"] = hdrHSTS
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h["Cache-Control"] = hdrNoStore
		}
		next.ServeHTTP(w, r)
	})
}

func isHTTPS(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

// requestLang picks zh-CN by default, English when the remembered choice
// or the browser asks for it.
func requestLang(r *http.Request) string {
	if v, ok := cookieValue(r, LangCookie); ok {
		if v == "en" {
			return "en"
		}
		return "zh-CN"
	}
	if al := r.Header.Get("Accept-Language"); len(al) >= 2 && strings.EqualFold(al[:2], "en") {
		return "en"
	}
	return "zh-CN"
}

// authenticate resolves the session cookie or a bearer token.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz" {
			next.ServeHTTP(w, r)
			return
		}
		var p *auth.Principal
		var err error
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			p, err = s.Auth.AuthenticateToken(r.Context(), strings.TrimPrefix(h, "Bearer "))
		} else if tok := sessionToken(r); tok != "" {
			p, err = s.Auth.Authenticate(r.Context(), tok)
		}
		if err != nil {
			WriteError(w, r, err)
			return
		}
		if p != nil {
			if sw, ok := w.(*statusWriter); ok {
				sw.user = p.Username
			}
			a := actor.From(r.Context())
			a.UserID, a.Username = p.UserID, p.Username
			ctx := actor.With(context.WithValue(r.Context(), principalKey, p), a)
			r = r.WithContext(ctx)
		}
		next.ServeHTTP(w, r)
	})
}

func sessionToken(r *http.Request) string {
	if v, ok := cookieValue(r, SessionCookie); ok {
		return v
	}
	if v, ok := cookieValue(r, SessionCookiePlain); ok {
		return v
	}
	return ""
}

// cookieValue is r.Cookie(name).Value without parsing every cookie of the
// request into a fresh slice on each call (three lookups per request:
// language and two session names). It follows net/http's readCookies: the
// first cookie of that name wins, the name is trimmed but not the value,
// surrounding double quotes are dropped, a value with a byte net/http
// refuses does not count, and a header with more cookies than net/http
// accepts (3000) yields none.
func cookieValue(r *http.Request, name string) (string, bool) {
	lines := r.Header["Cookie"]
	if len(lines) == 0 {
		return "", false
	}
	n := 0
	for _, line := range lines {
		n += strings.Count(line, ";") + 1
	}
	if n > maxCookies {
		return "", false
	}
	for _, line := range lines {
		line = textproto.TrimString(line)
		var part string
		for len(line) > 0 {
			part, line, _ = strings.Cut(line, ";")
			part = textproto.TrimString(part)
			if part == "" {
				continue
			}
			k, v, _ := strings.Cut(part, "=")
			if textproto.TrimString(k) != name {
				continue
			}
			if len(v) > 1 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			if !validCookieValue(v) {
				continue
			}
			return v, true
		}
	}
	return "", false
}

// maxCookies is net/http's default limit on cookies per request
// (GODEBUG httpcookiemaxnum).
const maxCookies = 3000

// validCookieValue is net/http's rule for a cookie value's bytes
// (RFC 6265 cookie-octet, plus space and comma, which browsers send).
func validCookieValue(v string) bool {
	for i := 0; i < len(v); i++ {
		b := v[i]
		if !(0x20 <= b && b < 0x7f && b != '"' && b != ';' && b != '\\') {
			return false
		}
	}
	return true
}

// SetSession writes the session cookie (HttpOnly, SameSite=Lax; Secure and
// __Host- over HTTPS).
func SetSession(w http.ResponseWriter, r *http.Request, token string, maxAge time.Duration) {
	c := &http.Cookie{Name: SessionCookiePlain, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: int(maxAge.Seconds())}
	if isHTTPS(r) {
		c.Name, c.Secure = SessionCookie, true
	}
	if token == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// WithPrincipal is for tests and internal calls that act as a known user.
func WithPrincipal(ctx context.Context, p *auth.Principal) context.Context {
	a := actor.From(ctx)
	a.UserID, a.Username = p.UserID, p.Username
	return actor.With(context.WithValue(ctx, principalKey, p), a)
}
