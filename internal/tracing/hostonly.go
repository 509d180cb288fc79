package tracing

import (
	"net/http"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// HostOnlyTransport is Transport for requests to URLs that may hold a
// secret in their path or query (webhook receivers: Slack, Teams and
// others put their own token there): the client span records the method,
// the scheme, the host and the status only, never the path or query, and
// the W3C traceparent still goes out. otelhttp records the full URL, with
// no option to leave it out. Off, it returns base.
func (p *Provider) HostOnlyTransport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if p == nil {
		return base
	}
	return hostOnly{base: base, p: p}
}

type hostOnly struct {
	base http.RoundTripper
	p    *Provider
}

func (t hostOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx, span := t.p.tracer.Start(r.Context(), r.Method+" "+r.URL.Hostname(), trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(semconv.HTTPRequestMethodKey.String(r.Method), semconv.URLScheme(r.URL.Scheme),
			semconv.ServerAddress(r.URL.Hostname())))
	defer span.End()
	r = r.Clone(ctx)
	t.p.propagator.Inject(ctx, propagation.HeaderCarrier(r.Header))
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		span.SetStatus(codes.Error, "request failed")
		return nil, err
	}
	span.SetAttributes(semconv.HTTPResponseStatusCode(resp.StatusCode))
	if resp.StatusCode >= 400 {
		span.SetStatus(codes.Error, "")
	}
	return resp, nil
}
