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
	"log/slog"
	"net"
	"net/http"
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
}

// Handler returns the full middleware chain around the mux.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, forbiddenCrossOrigin)
	}))
	var h http.Handler = s.Mux.Mux
	h = s.authenticate(h)
	h = cop.Handler(h)
	h = s.locale(h)
	h = securityHeaders(h)
	h = s.observe(h)
	return h
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
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

// observe assigns a request id, recovers panics, logs and counts.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rid := newRequestID()
		a := actor.Actor{IP: s.clientIP(r), RequestID: rid}
		r = r.WithContext(actor.With(r.Context(), a))
		rw := &statusWriter{ResponseWriter: w, status: 200}
		rw.Header().Set("X-Request-Id", rid)
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
			if r.URL.Path != "/healthz" && r.URL.Path != "/metrics" && !strings.HasPrefix(r.URL.Path, "/static/") {
				s.Log.Info("http", "request_id", rid, "method", r.Method, "path", r.URL.Path, "status", rw.status,
					"ms", d.Milliseconds(), "ip", a.IP, "user", actor.From(r.Context()).Username)
			}
		}()
		next.ServeHTTP(rw, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
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

// securityHeaders sets the headers of ASVS 3.4 on every response.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if isHTTPS(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

func isHTTPS(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

// locale picks zh-CN by default, English when the remembered choice or the
// browser asks for it.
func (s *Server) locale(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := "zh-CN"
		if c, err := r.Cookie(LangCookie); err == nil {
			if c.Value == "en" {
				lang = "en"
			}
		} else if al := r.Header.Get("Accept-Language"); al != "" && strings.HasPrefix(strings.ToLower(al), "en") {
			lang = "en"
		}
		a := actor.From(r.Context())
		a.Lang = lang
		next.ServeHTTP(w, r.WithContext(actor.With(r.Context(), a)))
	})
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
			a := actor.From(r.Context())
			a.UserID, a.Username = p.UserID, p.Username
			ctx := actor.With(context.WithValue(r.Context(), principalKey, p), a)
			r = r.WithContext(ctx)
		}
		next.ServeHTTP(w, r)
	})
}

func sessionToken(r *http.Request) string {
	if c, err := r.Cookie(SessionCookie); err == nil {
		return c.Value
	}
	if c, err := r.Cookie(SessionCookiePlain); err == nil {
		return c.Value
	}
	return ""
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
