package tracing

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// collector is an OTLP/HTTP traces endpoint that keeps what it receives.
type collector struct {
	mu       sync.Mutex
	paths    []string
	requests []*coltracepb.ExportTraceServiceRequest
}

func newCollector(t *testing.T) (*collector, *httptest.Server) {
	c := &collector{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req coltracepb.ExportTraceServiceRequest
		if err := proto.Unmarshal(body, &req); err != nil {
			t.Errorf("collector: undecodable body (%s): %v", r.Header.Get("Content-Type"), err)
		}
		c.mu.Lock()
		c.paths, c.requests = append(c.paths, r.Method+" "+r.URL.Path), append(c.requests, &req)
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(nil)
	}))
	t.Cleanup(srv.Close)
	return c, srv
}

// spans returns service name and span name of every span received.
func (c *collector) spans() (paths []string, services, names []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, req := range c.requests {
		for _, rs := range req.ResourceSpans {
			var service string
			for _, kv := range rs.Resource.Attributes {
				if kv.Key == "service.name" {
					service = kv.Value.GetStringValue()
				}
			}
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					services, names = append(services, service), append(names, s.Name)
				}
			}
		}
	}
	return c.paths, services, names
}

// TestExportsOverOTLPHTTP: with OTEL_EXPORTER_OTLP_ENDPOINT set, spans
// reach that collector at /v1/traces, as OTLP protobuf, by Shutdown at the
// latest (the batch is flushed), with service.name pats unless
// OTEL_SERVICE_NAME says otherwise.
func TestExportsOverOTLPHTTP(t *testing.T) {
	for _, tc := range []struct{ serviceName, want string }{{"", "pats"}, {"pats-eu", "pats-eu"}} {
		t.Run(tc.want, func(t *testing.T) {
			c, srv := newCollector(t)
			t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", srv.URL)
			t.Setenv("OTEL_SERVICE_NAME", tc.serviceName)
			t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "60000") // only Shutdown flushes
			p, err := FromEnv(context.Background(), os.Getenv)
			if err != nil || !p.Enabled() {
				t.Fatalf("FromEnv: got %v, %v; want tracing on", p, err)
			}
			_, span := p.TracerProvider().Tracer("test").Start(context.Background(), "the span")
			span.End()
			if _, _, names := c.spans(); len(names) != 0 {
				t.Fatalf("exported before the batch was due: %v", names)
			}
			if err := p.Shutdown(context.Background()); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			paths, services, names := c.spans()
			if len(paths) != 1 || paths[0] != "POST /v1/traces" || len(names) != 1 || names[0] != "the span" || services[0] != tc.want {
				t.Fatalf("collector got %v: spans %v of services %v; want one POST /v1/traces with \"the span\" of %s", paths, names, services, tc.want)
			}
		})
	}
}
