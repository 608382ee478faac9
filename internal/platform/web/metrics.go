package web

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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

	counters  sync.Map // seriesKey → prometheus.Counter
	durations sync.Map // group → prometheus.Observer
	nseries   atomic.Int64
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

// group keeps label cardinality bounded: the first two path segments. It
// is a prefix of the path itself, so it costs no allocation.
func group(p string) string {
	if len(p) == 0 || p[0] != '/' {
		return groupSlow(p)
	}
	// The end of the n-th segment (1-based) of p, or len(p).
	end := func(n int) int {
		i := 0
		for ; n > 0; n-- {
			j := strings.IndexByte(p[i+1:], '/')
			if j < 0 {
				return len(p)
			}
			i += 1 + j
		}
		return i
	}
	first := end(1)
	if p[1:first] == "api" && strings.Count(p, "/") >= 3 {
		return p[:end(3)]
	}
	return p[:first]
}

// groupSlow is group for a path that does not start with a slash.
func groupSlow(p string) string {
	parts := strings.SplitN(strings.TrimPrefix(p, "/"), "/", 4)
	if len(parts) >= 3 && parts[0] == "api" {
		return "/api/" + parts[1] + "/" + parts[2]
	}
	return "/" + parts[0]
}

// seriesKey names one request counter.
type seriesKey struct {
	group, method string
	code          int
}

// maxSeries bounds the memo of resolved series; past it (made-up paths
// each making a group) requests resolve their labels the slow way.
const maxSeries = 2048

// Observe records one request. The resolved counter and histogram of a
// label set are kept, so a request does not hash its labels again.
func (m *Metrics) Observe(r *http.Request, status int, d time.Duration) {
	g := group(r.URL.Path)
	k := seriesKey{g, r.Method, status}
	var c prometheus.Counter
	if v, ok := m.counters.Load(k); ok {
		c = v.(prometheus.Counter)
	} else {
		c = m.requests.WithLabelValues(g, r.Method, strconv.Itoa(status))
		if m.nseries.Load() < maxSeries {
			k.group, k.method = strings.Clone(g), strings.Clone(r.Method)
			if _, loaded := m.counters.LoadOrStore(k, c); !loaded {
				m.nseries.Add(1)
			}
		}
	}
	c.Inc()
	var h prometheus.Observer
	if v, ok := m.durations.Load(g); ok {
		h = v.(prometheus.Observer)
	} else {
		h = m.duration.WithLabelValues(g)
		if m.nseries.Load() < maxSeries {
			if _, loaded := m.durations.LoadOrStore(strings.Clone(g), h); !loaded {
				m.nseries.Add(1)
			}
		}
	}
	h.Observe(d.Seconds())
}

// Handler serves the registry.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}
