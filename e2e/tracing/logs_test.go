package tracing

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/patgov/pats/internal/app"
	"github.com/patgov/pats/internal/config"
	"github.com/patgov/pats/internal/testenv"
)

// logLines returns the JSON log lines of the request with X-Request-ID
// requestID.
func logLines(t *testing.T, logs string, requestID string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(logs, "\n") {
		var entry map[string]any
		if json.Unmarshal([]byte(line), &entry) == nil && entry["request_id"] == requestID {
			out = append(out, entry)
		}
	}
	return out
}

// TestLogLinesCarryTheTraceID: every log line of a traced request carries
// its trace ID (the caller's, when it sent a traceparent) and the ID of
// the span it was written in.
func TestLogLinesCarryTheTraceID(t *testing.T) {
	env := newTraced(t, "sqlite", testenv.Options{})
	const traceID = "0af7651916cd43dd8448eb211c80319c"
	for name, header := range map[string]http.Header{
		"new trace":      nil,
		"caller's trace": {"Traceparent": {"00-" + traceID + "-b7ad6b7169203331-01"}},
	} {
		// A session token that does not verify is logged ("session token
		// rejected").
		c := env.Member(t, testenv.UniqueOrg("logs"), "dev")
		c.Bearer, c.Header = "not-a-jwt", header
		resp := c.Do(`{ viewer { id } }`, nil)
		if resp.Status != http.StatusUnauthorized {
			t.Fatalf("%s: got HTTP %d, want 401", name, resp.Status)
		}
		id := resp.Header.Get("X-Request-ID")
		server, _ := env.requestSpans(t, id)
		lines := logLines(t, env.logs.String(), id)
		if len(lines) == 0 {
			t.Fatalf("%s: no log line of request %s:\n%s", name, id, env.logs.String())
		}
		for _, l := range lines {
			if l["trace_id"] != server.SpanContext.TraceID().String() || l["span_id"] != server.SpanContext.SpanID().String() {
				t.Errorf("%s: log line %v: want trace_id %s span_id %s", name, l, server.SpanContext.TraceID(), server.SpanContext.SpanID())
			}
		}
		if header != nil && server.SpanContext.TraceID().String() != traceID {
			t.Errorf("%s: trace %s, want the caller's %s", name, server.SpanContext.TraceID(), traceID)
		}
	}
}

// TestKeysFetchContinuesTheTrace: the secret-scanning keys fetch, made
// for an alert, is a client span of the alert's trace and sends its
// traceparent, so the keys server can join it.
func TestKeysFetchContinuesTheTrace(t *testing.T) {
	var (
		mu   sync.Mutex
		sent []string
	)
	keys := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sent = append(sent, r.Header.Get("Traceparent"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"public_keys": []}`))
	}))
	defer keys.Close()
	env := newTraced(t, "sqlite", testenv.Options{SecretScanningKeysURL: keys.URL})
	req, _ := http.NewRequest(http.MethodPost, env.URL+"/secret-scanning/github", strings.NewReader(`[]`))
	req.Header.Set("Github-Public-Key-Identifier", "unknown-key")
	req.Header.Set("Github-Public-Key-Signature", "c2lnbmF0dXJl")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	server, spans := env.requestSpans(t, resp.Header.Get("X-Request-ID"))
	if server.Name != "POST /secret-scanning/github" {
		t.Errorf("server span: got %q", server.Name)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sent) != 1 {
		t.Fatalf("keys fetches: got %d, want 1", len(sent))
	}
	var client string
	for _, s := range spans {
		if s.Name == "HTTP GET" || s.Name == "GET" {
			client = s.SpanContext.SpanID().String()
		}
	}
	want := "00-" + server.SpanContext.TraceID().String() + "-" + client + "-01"
	if client == "" || sent[0] != want {
		t.Errorf("traceparent of the keys fetch: got %q, want %q (spans %v)", sent[0], want, names(spans))
	}
}

// TestOffByDefault: without tracing (no OTEL_* variable: what server.go
// gets from tracing.FromEnv), an incoming traceparent is neither
// continued nor logged, and outgoing requests carry none.
func TestOffByDefault(t *testing.T) {
	logs := &testenv.LogBuffer{}
	var (
		mu   sync.Mutex
		sent []string
	)
	keys := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		sent = append(sent, r.Header.Get("Traceparent"))
		_, _ = w.Write([]byte(`{"public_keys": []}`))
	}))
	defer keys.Close()
	env := testenv.NewWith(t, "sqlite", testenv.Options{Logger: app.NewLogger(config.Config{LogFormat: "json"}, logs), SecretScanningKeysURL: keys.URL})
	parent := http.Header{"Traceparent": {"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}}
	c := env.Member(t, testenv.UniqueOrg("off"), "dev")
	c.Bearer, c.Header = "not-a-jwt", parent
	resp := c.Do(`{ viewer { id } }`, nil)
	lines := logLines(t, logs.String(), resp.Header.Get("X-Request-ID"))
	if len(lines) == 0 {
		t.Fatalf("no log line of the request:\n%s", logs.String())
	}
	for _, l := range lines {
		if _, ok := l["trace_id"]; ok {
			t.Errorf("log line with tracing off: %v, want no trace_id", l)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, env.URL+"/secret-scanning/github", strings.NewReader(`[]`))
	req.Header = parent.Clone()
	req.Header.Set("Github-Public-Key-Identifier", "unknown-key")
	req.Header.Set("Github-Public-Key-Signature", "c2lnbmF0dXJl")
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(sent) != 1 || sent[0] != "" {
		t.Errorf("keys fetch with tracing off: traceparent %q, want none", sent)
	}
}
