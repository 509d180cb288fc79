package tracing

import (
	"net/http"
	"strings"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/patgov/pats/internal/origin"
)

// untracedPaths are answered without a span: scrapes and probes, which
// arrive every few seconds and say nothing about a user's request.
var untracedPaths = map[string]bool{"/metrics": true, "/healthz": true, "/readyz": true}

// Middleware starts a server span for every request, continuing the
// trace of an incoming W3C traceparent. It goes directly around the
// http.ServeMux, which then names the span after the route that matched
// ("POST /query"), or around handlers that pass the request on
// unchanged. The span records the method, route, path, status,
// sizes, peer and User-Agent (otelhttp's defaults: no headers, no query
// string, no body), the request ID, and the client IP as resolved by
// origins (trusted proxies only) in place of the X-Forwarded-For
// entry any client can forge. Off, it returns next.
func (p *Provider) Middleware(origins *origin.Resolver, next http.Handler) http.Handler {
	if p == nil {
		return next
	}
	annotate := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		span := trace.SpanFromContext(r.Context())
		if span.IsRecording() {
			attrs := []attribute.KeyValue{attribute.String("pats.request_id", origin.RequestID(r.Context()))}
			if origins != nil {
				attrs = append(attrs, semconv.ClientAddress(origins.Of(r).ClientIP))
			}
			span.SetAttributes(attrs...)
		}
		// r itself, not a copy: the mux records the route on it, where
		// otelhttp reads it to name the span once the request is served.
		next.ServeHTTP(w, r)
		if _, route, ok := strings.Cut(r.Pattern, " "); ok && span.IsRecording() {
			span.SetAttributes(semconv.HTTPRoute(route))
		} else if r.Pattern != "" && span.IsRecording() {
			span.SetAttributes(semconv.HTTPRoute(r.Pattern))
		}
	})
	return otelhttp.NewHandler(annotate, "pats",
		otelhttp.WithTracerProvider(p.tp),
		otelhttp.WithPropagators(p.propagator),
		otelhttp.WithMeterProvider(metricnoop.NewMeterProvider()), // metrics are Prometheus'
		otelhttp.WithFilter(func(r *http.Request) bool { return !untracedPaths[r.URL.Path] }),
	)
}

// Transport is base (http.DefaultTransport if nil) with a client span per
// outgoing request and the W3C traceparent of the current span added to
// it, so the callee can continue the trace. Off, it returns base.
func (p *Provider) Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if p == nil {
		return base
	}
	return otelhttp.NewTransport(base,
		otelhttp.WithTracerProvider(p.tp),
		otelhttp.WithPropagators(p.propagator),
		otelhttp.WithMeterProvider(metricnoop.NewMeterProvider()),
	)
}
