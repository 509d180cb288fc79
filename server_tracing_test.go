package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/tracing/tracingtest"
)

// TestTracesExportedOnShutdown runs the real server with
// OTEL_EXPORTER_OTLP_ENDPOINT pointing at a collector and a batch delay
// longer than the test: the spans of a request (continuing the caller's
// traceparent: request, operation, statements) reach the collector on
// graceful shutdown, and the request's log lines carry the trace ID.
func TestTracesExportedOnShutdown(t *testing.T) {
	const jwtSecret = "tracing-test-jwt-secret-0123456789abcdef"
	c := tracingtest.New(t)
	env := map[string]string{
		"PATS_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "pats.db"),
		"PATS_JWT_SECRET":   jwtSecret, "PATS_SHUTDOWN_DELAY": "0s",
		"OTEL_EXPORTER_OTLP_ENDPOINT": c.URL, "OTEL_BSP_SCHEDULE_DELAY": "600000",
	}
	for k, v := range env { // the exporter reads the process environment
		if strings.HasPrefix(k, "OTEL_") {
			t.Setenv(k, v)
		}
	}
	base, stop, out := startServer(t, env)
	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	req, _ := http.NewRequest(http.MethodPost, base+"/query", strings.NewReader(`{"query":"query Me { viewer { id } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+signSession(t, jwtSecret, "u1", auth.RoleMember))
	req.Header.Set("Traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("query: HTTP %d", resp.StatusCode)
	}
	bad, _ := http.NewRequest(http.MethodPost, base+"/query", strings.NewReader(`{"query":"{ viewer { id } }"}`))
	bad.Header.Set("Authorization", "Bearer not-a-jwt")
	const rejectedTraceID = "0af7651916cd43dd8448eb211c80319c"
	bad.Header.Set("Traceparent", "00-"+rejectedTraceID+"-00f067aa0ba902b7-01")
	if resp, err := http.DefaultClient.Do(bad); err == nil {
		resp.Body.Close()
	}
	if got := c.Spans(); len(got) != 0 {
		t.Fatalf("spans exported before shutdown: %d (the batch delay is 10 minutes)", len(got))
	}
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}

	names := map[string]tracingtest.Span{}
	for _, s := range c.Spans() {
		if s.TraceID == traceID {
			names[s.Name] = s
		}
	}
	server, op := names["POST /query"], names["query Me"]
	if server.Service != "pats" || op.ParentSpanID != server.SpanID || op.Attributes["graphql.operation.name"] != "Me" {
		t.Fatalf("spans of the trace after shutdown: %v; want POST /query of service pats and its child query Me", names)
	}
	var statement bool
	for _, s := range names {
		if s.Attributes["db.system.name"] == "sqlite" && s.Attributes["db.query.text"] != "" {
			statement = true
		}
	}
	if !statement {
		t.Errorf("no statement span in the trace: %v", names)
	}
	var logged bool
	for _, line := range strings.Split(out.String(), "\n") {
		var entry struct {
			TraceID string `json:"trace_id"`
		}
		if json.Unmarshal([]byte(line), &entry) == nil && strings.Contains(line, "session token rejected") {
			logged = entry.TraceID == rejectedTraceID
		}
	}
	if !logged {
		t.Errorf("the rejected session's log line does not carry trace_id %s:\n%s", rejectedTraceID, out.String())
	}
}
