package web

import (
	"net/http"
	"sort"
	"sync"
)

// Router is what modules mount their routes on. It records every pattern,
// so the authorization matrix test can fail when a route is missing from it.
type Router struct {
	Mux *http.ServeMux
	mu  sync.Mutex
	pat []string
}

// NewRouter returns a router over a fresh ServeMux.
func NewRouter() *Router { return &Router{Mux: http.NewServeMux()} }

// Handle registers a handler for a pattern.
func (r *Router) Handle(pattern string, h http.Handler) {
	r.mu.Lock()
	r.pat = append(r.pat, pattern)
	r.mu.Unlock()
	r.Mux.Handle(pattern, h)
}

// HandleFunc registers a function for a pattern.
func (r *Router) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	r.Handle(pattern, http.HandlerFunc(h))
}

// Patterns lists the registered patterns, sorted.
func (r *Router) Patterns() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]string(nil), r.pat...)
	sort.Strings(out)
	return out
}
