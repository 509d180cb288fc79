package tracing

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	_ "github.com/glebarez/go-sqlite" // the sqlite driver OpenSQL opens
)

func TestEnabled(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		on      bool
		wantErr string
	}{
		{"nothing set", nil, false, ""},
		{"an OTLP endpoint", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, true, ""},
		{"a traces endpoint", map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, true, ""},
		{"otlp exporter, default endpoint", map[string]string{"OTEL_TRACES_EXPORTER": "otlp"}, true, ""},
		{"exporter none beats an endpoint", map[string]string{"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, false, ""},
		{"SDK disabled beats an endpoint", map[string]string{"OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, false, ""},
		{"service name alone", map[string]string{"OTEL_SERVICE_NAME": "pats-eu"}, false, ""},
		{"another exporter", map[string]string{"OTEL_TRACES_EXPORTER": "zipkin"}, false, "OTEL_TRACES_EXPORTER"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			on, err := enabled(func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil || on != tc.on {
				t.Fatalf("got %v, %v; want %v", on, err, tc.on)
			}
		})
	}
}

func TestFromEnvRefuses(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"OTEL_EXPORTER_OTLP_PROTOCOL":        {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
		"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json"},
		"OTEL_PROPAGATORS":                   {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_PROPAGATORS": "tracecontext,b3"},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := FromEnv(context.Background(), func(k string) string { return env[k] })
			if err == nil || !strings.Contains(err.Error(), name) || p != nil {
				t.Fatalf("got %v, %v; want an error naming %s", p, err, name)
			}
		})
	}
}

// TestOffIsNothing: with no OTEL_* variable, FromEnv turns nothing on:
// the tracer is the no-op one, and every piece of instrumentation is the
// thing it would have wrapped, or nothing.
func TestOffIsNothing(t *testing.T) {
	p, err := FromEnv(context.Background(), func(string) string { return "" })
	if err != nil || p != nil || p.Enabled() {
		t.Fatalf("FromEnv with nothing set: got %v, %v; want nil (off)", p, err)
	}
	_, span := p.TracerProvider().Tracer("x").Start(context.Background(), "x")
	if span.IsRecording() || span.SpanContext().IsValid() {
		t.Errorf("off: the tracer records or makes span contexts")
	}
	h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	if reflect.ValueOf(p.Middleware(nil, h)).Pointer() != reflect.ValueOf(h).Pointer() {
		t.Errorf("off: the middleware wraps the handler")
	}
	if p.GraphQL() != nil || p.Transport(http.DefaultTransport) != http.DefaultTransport {
		t.Errorf("off: some instrumentation is installed")
	}
	db, err := p.OpenSQL("sqlite", "sqlite", filepath.Join(t.TempDir(), "off.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if driver := fmt.Sprintf("%T", db.Driver()); strings.Contains(driver, "otelsql") {
		t.Errorf("off: the database driver is instrumented (%s)", driver)
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Errorf("off: Shutdown: %v", err)
	}
}
