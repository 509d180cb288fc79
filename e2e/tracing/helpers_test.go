package tracing

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/patgov/pats/internal/app"
	"github.com/patgov/pats/internal/config"
	"github.com/patgov/pats/internal/testenv"
)

// traced is a service whose spans are kept in memory and whose log, in
// production's JSON format, is kept in logs.
type traced struct {
	*testenv.Env
	spans *tracetest.InMemoryExporter
	logs  *testenv.LogBuffer
}

// newTraced starts the service with tracing on, exporting synchronously
// (each span is in memory as soon as it ends).
func newTraced(t *testing.T, dialect string, opts testenv.Options) *traced {
	t.Helper()
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	logs := &testenv.LogBuffer{}
	opts.TracerProvider = tp
	opts.Logger = app.NewLogger(config.Config{LogFormat: "json"}, logs)
	return &traced{Env: testenv.NewWith(t, dialect, opts), spans: spans, logs: logs}
}

// forEachDialect runs fn as a subtest per dialect with a traced service.
func forEachDialect(t *testing.T, opts testenv.Options, fn func(t *testing.T, env *traced)) {
	for _, d := range testenv.Dialects(t) {
		t.Run(d, func(t *testing.T) { fn(t, newTraced(t, d, opts)) })
	}
}

// requestSpans waits for the server span of the request that answered
// with X-Request-ID requestID (it ends just after the response is
// written) and returns the spans of its trace.
func (e *traced) requestSpans(t *testing.T, requestID string) (server tracetest.SpanStub, all []tracetest.SpanStub) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, s := range e.spans.GetSpans() {
			if s.SpanKind == trace.SpanKindServer && attr(s, "pats.request_id") == requestID {
				server = s
			}
		}
		if server.Name != "" || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if server.Name == "" {
		t.Fatalf("no server span for request %s among %d spans", requestID, len(e.spans.GetSpans()))
	}
	for _, s := range e.spans.GetSpans() {
		if s.SpanContext.TraceID() == server.SpanContext.TraceID() {
			all = append(all, s)
		}
	}
	return server, all
}

// attr returns the attribute key of s as a string ("" if absent).
func attr(s tracetest.SpanStub, key string) string {
	for _, kv := range s.Attributes {
		if string(kv.Key) == key {
			return kv.Value.String()
		}
	}
	return ""
}

// everything is every string a span holds: its name, status, attribute
// keys and values, events and links, one per line.
func everything(s tracetest.SpanStub) string {
	var b strings.Builder
	kvs := func(list []attribute.KeyValue) {
		for _, kv := range list {
			fmt.Fprintf(&b, "%s=%s\n", kv.Key, kv.Value.String())
		}
	}
	fmt.Fprintf(&b, "%s\n%s\n", s.Name, s.Status.Description)
	kvs(s.Attributes)
	kvs(s.Resource.Attributes())
	for _, e := range s.Events {
		fmt.Fprintf(&b, "%s\n", e.Name)
		kvs(e.Attributes)
	}
	for _, l := range s.Links {
		kvs(l.Attributes)
	}
	return b.String()
}
