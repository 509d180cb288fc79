package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/patgov/pats/internal/webhook"
)

// webhookAttempts are the metrics of webhook delivery attempts.
type webhookAttempts struct {
	attempts *prometheus.CounterVec
	duration prometheus.Histogram
}

func newWebhookAttempts() *webhookAttempts {
	return &webhookAttempts{
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pats_webhook_attempts_total",
			Help: "Webhook delivery attempts by outcome class (ok, http_status, timeout, refused_address, connection, tls, dns, redirect, ...).",
		}, []string{"class"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "pats_webhook_attempt_duration_seconds",
			Help:    "Time of one webhook delivery attempt, from sending to the end of the (bounded) answer.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
	}
}

func (w *webhookAttempts) collectors() []prometheus.Collector {
	return []prometheus.Collector{w.attempts, w.duration}
}

// ObserveWebhookAttempt records one delivery attempt's class and time.
func (m *Metrics) ObserveWebhookAttempt(class webhook.Class, d time.Duration) {
	if m == nil {
		return
	}
	m.webhooks.attempts.WithLabelValues(string(class)).Inc()
	m.webhooks.duration.Observe(d.Seconds())
}
