// Package tracingtest is an OTLP/HTTP traces collector for tests: what
// the service exports when OTEL_EXPORTER_OTLP_ENDPOINT points at it.
package tracingtest

import (
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	"google.golang.org/protobuf/proto"
)

// Collector receives OTLP/HTTP protobuf exports.
type Collector struct {
	// URL is the collector's base URL (for OTEL_EXPORTER_OTLP_ENDPOINT).
	URL string

	t     testing.TB
	mu    sync.Mutex
	posts []string
	spans []Span
}

// Span is one received span.
type Span struct {
	Service, Name, TraceID, SpanID, ParentSpanID string
	// Attributes are the span's string, int and bool attributes.
	Attributes map[string]string
}

// New starts a collector, closed when the test ends.
func New(t testing.TB) *Collector {
	c := &Collector{t: t}
	srv := httptest.NewServer(http.HandlerFunc(c.serve))
	t.Cleanup(srv.Close)
	c.URL = srv.URL
	return c
}

func (c *Collector) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req coltracepb.ExportTraceServiceRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		c.t.Errorf("collector: undecodable export (%s): %v", r.Header.Get("Content-Type"), err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.posts = append(c.posts, r.Method+" "+r.URL.Path)
	for _, rs := range req.ResourceSpans {
		var service string
		for _, kv := range rs.Resource.GetAttributes() {
			if kv.Key == "service.name" {
				service = kv.Value.GetStringValue()
			}
		}
		for _, ss := range rs.ScopeSpans {
			for _, s := range ss.Spans {
				attrs := map[string]string{}
				for _, kv := range s.Attributes {
					attrs[kv.Key] = text(kv.Value)
				}
				c.spans = append(c.spans, Span{Service: service, Name: s.Name,
					TraceID: hex.EncodeToString(s.TraceId), SpanID: hex.EncodeToString(s.SpanId),
					ParentSpanID: hex.EncodeToString(s.ParentSpanId), Attributes: attrs})
			}
		}
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
}

// text renders an attribute value.
func text(v *commonpb.AnyValue) string {
	switch x := v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return x.StringValue
	case *commonpb.AnyValue_IntValue:
		return strconv.FormatInt(x.IntValue, 10)
	case *commonpb.AnyValue_BoolValue:
		return strconv.FormatBool(x.BoolValue)
	default:
		return v.String()
	}
}

// Posts returns "METHOD /path" of every export received.
func (c *Collector) Posts() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.posts...)
}

// Spans returns the spans received so far.
func (c *Collector) Spans() []Span {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Span(nil), c.spans...)
}
