package tracing_test

import (
	"context"
	"os"
	"testing"

	"github.com/patgov/pats/internal/tracing"
	"github.com/patgov/pats/internal/tracing/tracingtest"
)

// TestExportsOverOTLPHTTP: with OTEL_EXPORTER_OTLP_ENDPOINT set, spans
// reach that collector at /v1/traces, as OTLP protobuf, by Shutdown at the
// latest (the batch is flushed), with service.name pats unless
// OTEL_SERVICE_NAME says otherwise.
func TestExportsOverOTLPHTTP(t *testing.T) {
	for _, tc := range []struct{ serviceName, want string }{{"", "pats"}, {"pats-eu", "pats-eu"}} {
		t.Run(tc.want, func(t *testing.T) {
			c := tracingtest.New(t)
			t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", c.URL)
			t.Setenv("OTEL_SERVICE_NAME", tc.serviceName)
			t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "60000") // only Shutdown flushes
			p, err := tracing.FromEnv(context.Background(), os.Getenv)
			if err != nil || !p.Enabled() {
				t.Fatalf("FromEnv: got %v, %v; want tracing on", p, err)
			}
			_, span := p.TracerProvider().Tracer("test").Start(context.Background(), "the span")
			span.End()
			if got := c.Spans(); len(got) != 0 {
				t.Fatalf("exported before the batch was due: %v", got)
			}
			if err := p.Shutdown(context.Background()); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			posts, spans := c.Posts(), c.Spans()
			if len(posts) != 1 || posts[0] != "POST /v1/traces" || len(spans) != 1 || spans[0].Name != "the span" || spans[0].Service != tc.want {
				t.Fatalf("collector got %v: spans %+v; want one POST /v1/traces with \"the span\" of %s", posts, spans, tc.want)
			}
		})
	}
}
