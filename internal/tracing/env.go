package tracing

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	sdkresource "go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// ServiceName is the service.name of the spans unless OTEL_SERVICE_NAME
// (or service.name in OTEL_RESOURCE_ATTRIBUTES) says otherwise.
const ServiceName = "pats"

// FromEnv turns tracing on as the standard OpenTelemetry variables say,
// read with getenv, and returns nil (off) when they do not ask for it:
//
//   - OTEL_SDK_DISABLED=true, or OTEL_TRACES_EXPORTER=none: off;
//   - OTEL_TRACES_EXPORTER=otlp: on;
//   - OTEL_TRACES_EXPORTER unset: on if OTEL_EXPORTER_OTLP_ENDPOINT or
//     OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, off otherwise. (The
//     specification's default exporter is otlp; this service's default
//     is none, so that a deployment that configured nothing sends
//     nothing and pays nothing.)
//
// On, spans are batched (OTEL_BSP_*) and exported over OTLP/HTTP with
// protobuf; the exporter reads its own OTEL_EXPORTER_OTLP_* variables
// (endpoint, headers, timeout, compression, certificates) from the
// process environment, as every OpenTelemetry SDK does. The sampler is
// OTEL_TRACES_SAMPLER (default parentbased_always_on), the resource
// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, the propagators
// OTEL_PROPAGATORS (tracecontext, baggage or none; default tracecontext).
// Values the service cannot honour (another exporter, the grpc protocol)
// fail startup, naming the variable.
func FromEnv(ctx context.Context, getenv func(string) string) (*Provider, error) {
	on, err := enabled(getenv)
	if err != nil || !on {
		return nil, err
	}
	for _, name := range []string{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"} {
		if v := getenv(name); v != "" {
			if v != "http/protobuf" {
				return nil, fmt.Errorf("%s=%q: only http/protobuf is supported", name, v)
			}
			break
		}
	}
	propagator, err := propagators(getenv("OTEL_PROPAGATORS"))
	if err != nil {
		return nil, err
	}
	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("tracing: OTLP exporter: %w", err)
	}
	res, err := resource(ctx)
	if err != nil {
		return nil, err
	}
	// The SDK reads OTEL_TRACES_SAMPLER(_ARG), OTEL_BSP_* and the span
	// limits (OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT...) itself.
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	p := NewProvider(tp, propagator)
	p.shutdown = tp.Shutdown
	return p, nil
}

// enabled applies FromEnv's rule.
func enabled(getenv func(string) string) (bool, error) {
	if strings.EqualFold(strings.TrimSpace(getenv("OTEL_SDK_DISABLED")), "true") {
		return false, nil
	}
	switch exporter := strings.TrimSpace(getenv("OTEL_TRACES_EXPORTER")); exporter {
	case "none":
		return false, nil
	case "otlp":
		return true, nil
	case "":
		return getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "", nil
	default:
		return false, fmt.Errorf("OTEL_TRACES_EXPORTER=%q: want otlp or none", exporter)
	}
}

// propagators builds OTEL_PROPAGATORS' list.
func propagators(list string) (propagation.TextMapPropagator, error) {
	if strings.TrimSpace(list) == "" {
		return propagation.TraceContext{}, nil
	}
	var ps []propagation.TextMapPropagator
	for _, name := range strings.Split(list, ",") {
		switch strings.TrimSpace(name) {
		case "tracecontext":
			ps = append(ps, propagation.TraceContext{})
		case "baggage":
			ps = append(ps, propagation.Baggage{})
		case "none":
			return propagation.NewCompositeTextMapPropagator(), nil
		default:
			return nil, fmt.Errorf("OTEL_PROPAGATORS: %q is not supported (want tracecontext, baggage or none)", strings.TrimSpace(name))
		}
	}
	return propagation.NewCompositeTextMapPropagator(ps...), nil
}

// resource describes the service: service.name pats and the module's
// version, then the SDK's attributes, then OTEL_SERVICE_NAME and
// OTEL_RESOURCE_ATTRIBUTES, which win.
func resource(ctx context.Context) (*sdkresource.Resource, error) {
	attrs := []attribute.KeyValue{semconv.ServiceName(ServiceName)}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		attrs = append(attrs, semconv.ServiceVersion(info.Main.Version))
	}
	res, err := sdkresource.New(ctx,
		sdkresource.WithAttributes(attrs...),
		sdkresource.WithTelemetrySDK(),
		sdkresource.WithFromEnv(),
	)
	if err != nil {
		return nil, fmt.Errorf("tracing: resource: %w", err)
	}
	return res, nil
}
