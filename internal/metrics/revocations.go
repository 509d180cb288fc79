package metrics

import "github.com/prometheus/client_golang/prometheus"

// revocationJobs are the metrics of revocations by filter.
type revocationJobs struct {
	revoked  prometheus.Counter
	failures prometheus.Counter
	jobs     *prometheus.CounterVec
}

func newRevocationJobs() *revocationJobs {
	return &revocationJobs{
		revoked: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pats_revocation_job_tokens_revoked_total",
			Help: "Tokens revoked by revocations by filter (revokeTokensMatching), within the call or in background chunks.",
		}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pats_revocation_job_chunk_failures_total",
			Help: "Background chunks of revocations by filter that failed (they are retried, then the job is FAILED).",
		}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pats_revocation_jobs_total",
			Help: "Revocations by filter by event: started (inline or background), resumed (claimed from a stopped instance), succeeded, failed.",
		}, []string{"event"}),
	}
}

func (r *revocationJobs) collectors() []prometheus.Collector {
	return []prometheus.Collector{r.revoked, r.failures, r.jobs}
}

// ObserveRevocationChunk records one chunk of a revocation by filter: the
// tokens it revoked, or its failure.
func (m *Metrics) ObserveRevocationChunk(revoked int, err error) {
	if m == nil {
		return
	}
	if err != nil {
		m.revocations.failures.Inc()
		return
	}
	m.revocations.revoked.Add(float64(revoked))
}

// ObserveRevocationJob records an event of a revocation job: "inline",
// "background", "resumed", "succeeded" or "failed".
func (m *Metrics) ObserveRevocationJob(event string) {
	if m == nil {
		return
	}
	m.revocations.jobs.WithLabelValues(event).Inc()
}
