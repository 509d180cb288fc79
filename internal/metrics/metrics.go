// Package metrics exposes the service's Prometheus metrics at GET /metrics:
// GraphQL operations by root field and outcome code with their latency,
// introspection outcomes and latency, validation-cache hits and misses,
// last-use flush sizes and failures, revocations by filter, and database
// pool statistics.
package metrics

import (
	"database/sql"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the service's collectors in a registry of its own (so
// several servers in one test process do not collide). A nil *Metrics
// records nothing.
type Metrics struct {
	reg                  *prometheus.Registry
	operations           *prometheus.CounterVec
	operationLatency     *prometheus.HistogramVec
	introspections       *prometheus.CounterVec
	introspectionLatency prometheus.Histogram
	flushSize            prometheus.Histogram
	flushFailures        prometheus.Counter
	revocations          *revocationJobs
	webhooks             *webhookAttempts
}

// New registers the service's metrics, with the statistics of the
// connection pool db (none if nil).
func New(db *sql.DB) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		operations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pats_graphql_operations_total",
			Help: "GraphQL root fields served, by field and outcome code (OK or the error code).",
		}, []string{"field", "code"}),
		operationLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "pats_graphql_operation_duration_seconds",
			Help:    "Time to answer a GraphQL request, by its first root field.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}, []string{"field"}),
		introspections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pats_introspections_total",
			Help: "Token introspections, by outcome: active, inactive, error (HTTP 503), unauthorized (bad client secret), rate_limited (HTTP 429).",
		}, []string{"outcome"}),
		introspectionLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "pats_introspection_duration_seconds",
			Help:    "Time to answer an introspection.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
		}),
		flushSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "pats_last_used_flush_size",
			Help:    "Tokens per batched write of last-use times.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 10),
		}),
		flushFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pats_last_used_flush_failures_total",
			Help: "Batched writes of last-use times that failed (they are retried).",
		}),
		revocations: newRevocationJobs(),
		webhooks:    newWebhookAttempts(),
	}
	m.reg.MustRegister(m.revocations.collectors()...)
	m.reg.MustRegister(m.webhooks.collectors()...)
	m.reg.MustRegister(m.operations, m.operationLatency, m.introspections, m.introspectionLatency,
		m.flushSize, m.flushFailures, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if db != nil {
		m.reg.MustRegister(collectors.NewDBStatsCollector(db, "pats"))
	}
	return m
}

// WatchCache exports the validation cache's hits and misses, read from
// stats at each scrape. It is a step of its own, after New, because the
// cache's service is built with the metrics (it reports its flushes to
// them): no closure over a variable assigned later.
func (m *Metrics) WatchCache(stats func() (hits, misses int64)) {
	m.reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "pats_validation_cache_hits_total", Help: "Introspections answered from the validation cache.",
		}, func() float64 { h, _ := stats(); return float64(h) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "pats_validation_cache_misses_total", Help: "Introspections that read the database.",
		}, func() float64 { _, miss := stats(); return float64(miss) }),
	)
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// ObserveIntrospection records one introspection's outcome and duration.
func (m *Metrics) ObserveIntrospection(outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.introspections.WithLabelValues(outcome).Inc()
	m.introspectionLatency.Observe(d.Seconds())
}

// ObserveFlush records one batched write of last-use times.
func (m *Metrics) ObserveFlush(size int, err error) {
	if m == nil {
		return
	}
	m.flushSize.Observe(float64(size))
	if err != nil {
		m.flushFailures.Inc()
	}
}
