package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the Prometheus series served at /metrics.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics registers the HTTP series and the Go runtime collectors.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zhongshu_http_requests_total", Help: "HTTP requests by route group, method and status."}, []string{"group", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "zhongshu_http_request_seconds", Help: "HTTP request latency.", Buckets: prometheus.DefBuckets}, []string{"group"}),
	}
	reg.MustRegister(m.requests, m.duration, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// group keeps label cardinality bounded: the first two path segments.
func group(p string) string {
	parts := strings.SplitN(strings.TrimPrefix(p, "/"), "/", 4)
	if len(parts) >= 3 && parts[0] == "api" {
		return "/api/" + parts[1] + "/" + parts[2]
	}
	return "/" + parts[0]
}

// Observe records one request.
func (m *Metrics) Observe(r *http.Request, status int, d time.Duration) {
	g := group(r.URL.Path)
	m.requests.WithLabelValues(g, r.Method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(g).Observe(d.Seconds())
}

// Handler serves the registry.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}
