package tracing

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// TestHostOnlyTransport: the span of a webhook request names the host,
// never the path or query (which may hold the receiver's own token), and
// the receiver gets the traceparent of the current span.
func TestHostOnlyTransport(t *testing.T) {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	p := NewProvider(tp, nil)
	var traceparent string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		traceparent = r.Header.Get("traceparent")
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	ctx, parent := tp.Tracer("test").Start(context.Background(), "delivery")
	const secret = "T0KEN-in-the-path"
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/services/"+secret+"?key="+secret, nil)
	resp, err := (&http.Client{Transport: p.HostOnlyTransport(nil)}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	parent.End()
	if !strings.Contains(traceparent, parent.SpanContext().TraceID().String()) {
		t.Errorf("traceparent %q does not continue trace %s", traceparent, parent.SpanContext().TraceID())
	}
	got := spans.GetSpans()
	if len(got) != 2 || got[0].Parent.SpanID() != parent.SpanContext().SpanID() {
		t.Fatalf("spans: %v", got)
	}
	for _, s := range got {
		if strings.Contains(s.Name, secret) {
			t.Errorf("span name %q holds the path", s.Name)
		}
		for _, kv := range s.Attributes {
			if strings.Contains(kv.Value.String(), secret) {
				t.Errorf("span %q: %s=%s holds the path or query", s.Name, kv.Key, kv.Value.String())
			}
		}
	}
	if attr(got[0].Attributes, "http.response.status_code") != "204" {
		t.Errorf("status: %v", got[0].Attributes)
	}
}
