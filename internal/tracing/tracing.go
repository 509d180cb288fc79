// Package tracing is the service's OpenTelemetry tracing: a span per HTTP
// request (Middleware), per GraphQL operation (GraphQL) and per database
// statement (OpenSQL, through otelsql), W3C traceparent propagation in
// and out (Middleware, Transport), and the trace and span IDs in the log
// lines of a request (LogHandler).
//
// It is off unless the standard OTEL_* variables turn it on (see
// FromEnv). Off, a nil *Provider stands for it: its middleware and
// transport then return what they were given and its extensions are nil,
// so no instrumentation runs at all.
//
// What a span never holds: GraphQL variables, documents or error
// messages, SQL arguments, database error messages, request or response
// bodies, headers. Token values, digests and session tokens can therefore
// not reach a collector (see docs/SECURITY.md).
package tracing

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// instrumentationName names the tracer of every span started here.
const instrumentationName = "github.com/patgov/pats/internal/tracing"

// Provider is tracing turned on: where spans go and how trace context
// crosses process boundaries. A nil *Provider is tracing turned off.
type Provider struct {
	tp         trace.TracerProvider
	propagator propagation.TextMapPropagator
	tracer     trace.Tracer
	shutdown   func(context.Context) error
}

// NewProvider returns tracing through tp, propagating trace context with
// propagator (default: W3C Trace Context). Tests pass an SDK provider
// over an in-memory exporter; production builds one with FromEnv.
func NewProvider(tp trace.TracerProvider, propagator propagation.TextMapPropagator) *Provider {
	if propagator == nil {
		propagator = propagation.TraceContext{}
	}
	return &Provider{tp: tp, propagator: propagator, tracer: tp.Tracer(instrumentationName)}
}

// Enabled reports whether tracing is on.
func (p *Provider) Enabled() bool { return p != nil }

// TracerProvider is where spans go; off, the no-op provider.
func (p *Provider) TracerProvider() trace.TracerProvider {
	if p == nil {
		return otel.GetTracerProvider()
	}
	return p.tp
}

// SetGlobal makes p the process's tracer provider and propagator, for
// libraries that use the global ones, and sends the SDK's own errors
// (an unreachable collector) to log. Off, it does nothing: the globals
// stay the no-op provider and an empty propagator.
func (p *Provider) SetGlobal(log *slog.Logger) {
	if p == nil {
		return
	}
	otel.SetTracerProvider(p.tp)
	otel.SetTextMapPropagator(p.propagator)
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		log.Warn("tracing: exporting spans failed", "err", err.Error())
	}))
}

// stopTimeout bounds Stop: a collector that does not answer must not hold
// the process.
const stopTimeout = 5 * time.Second

// Stop is Shutdown within 5 s, its failure logged: what the server defers.
func (p *Provider) Stop(log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		log.Warn("exporting the last spans failed", "err", err.Error())
	}
}

// Shutdown exports the spans still buffered and stops the exporter,
// within ctx. Off, or for a provider made by NewProvider, it does nothing.
func (p *Provider) Shutdown(ctx context.Context) error {
	if p == nil || p.shutdown == nil {
		return nil
	}
	if err := p.shutdown(ctx); err != nil {
		return fmt.Errorf("tracing: shut down: %w", err)
	}
	return nil
}
