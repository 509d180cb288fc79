package tracing

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/patgov/pats/internal/testenv"
)

// BenchmarkIntrospectTracing measures POST /introspect of an active token
// (a cache hit: no database read) through the service's own handler, in
// process, with tracing off (no OTEL_* variable: no instrumentation), on
// (every request sampled, spans batched to an exporter that discards
// them: the SDK's whole cost but the network's), and on but sampled out
// (OTEL_TRACES_SAMPLER=always_off, or a ratio's unsampled requests).
// "interleaved" alternates the services request by request, so drift of
// the machine weighs on all alike, and reports each one's median and its
// ratio to off's: the figures of docs/PERFORMANCE.md.
func BenchmarkIntrospectTracing(b *testing.B) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter()))
	unsampled := sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter()), sdktrace.WithSampler(sdktrace.NeverSample()))
	b.Cleanup(func() { _ = tp.Shutdown(b.Context()); _ = unsampled.Shutdown(b.Context()) })
	services := []struct {
		name string
		opts testenv.Options
	}{
		{"off", testenv.Options{}},
		{"on", testenv.Options{TracerProvider: tp}},
		{"unsampled", testenv.Options{TracerProvider: unsampled}},
	}
	introspects := make([]func(b *testing.B), len(services))
	for i, s := range services {
		env := testenv.NewWith(b, "sqlite", s.opts)
		user := env.Member(b, testenv.UniqueOrg("bench"), "bench-user")
		secret := user.MustCreateToken(map[string]any{"name": "bench", "scopes": []string{"OR.Jobs", "OR.Queues.Read"}}).Token
		body := url.Values{"token": {secret}}.Encode()
		h := env.Handler
		introspects[i] = func(b *testing.B) {
			req := httptest.NewRequest(http.MethodPost, "/introspect", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Authorization", "Bearer "+testenv.IntrospectionSecret)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), `{"active":true`) {
				b.Fatalf("introspect: got HTTP %d %s, want 200 and active", rec.Code, rec.Body)
			}
		}
		introspects[i](b) // the first sight reads the database
	}
	b.Run("interleaved", func(b *testing.B) {
		took := make([][]time.Duration, len(services))
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			for j := range services {
				k := (i + j) % len(services)
				start := time.Now()
				introspects[k](b)
				took[k] = append(took[k], time.Since(start))
			}
		}
		b.StopTimer()
		var medians []time.Duration
		for k, s := range services {
			slices.Sort(took[k])
			medians = append(medians, took[k][len(took[k])/2])
			b.ReportMetric(float64(medians[k].Nanoseconds()), s.name+"-ns")
			if k > 0 {
				b.ReportMetric(float64(medians[k])/float64(medians[0]), s.name+"/off")
			}
		}
	})
	for i, s := range services {
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				introspects[i](b)
			}
		})
	}
}
