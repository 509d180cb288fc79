package tracing

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/patgov/pats/internal/testenv"
)

// TestSpansNest: one GraphQL request is one trace: the server span
// (named after its route), the operation span (type and name) as its
// child, and the database statements as children of the operation (or,
// for the caller's provisioning before it, of the request), each with
// its system and its SQL with placeholders.
func TestSpansNest(t *testing.T) {
	forEachDialect(t, testenv.Options{}, func(t *testing.T, env *traced) {
		member := env.Member(t, testenv.UniqueOrg("nest"), "dev")
		r := member.CreateToken(map[string]any{"name": "ci", "scopes": []string{"OR.Jobs"}})
		if r.Status != http.StatusOK || len(r.Errors) > 0 {
			t.Fatalf("create: HTTP %d %s", r.Status, r.Raw)
		}
		server, spans := env.requestSpans(t, r.Header.Get("X-Request-ID"))
		if server.Name != "POST /query" || attr(server, "http.route") != "/query" || attr(server, "http.response.status_code") != "200" {
			t.Errorf("server span: got %q route %q status %q, want POST /query, /query, 200", server.Name, attr(server, "http.route"), attr(server, "http.response.status_code"))
		}
		var op tracetest.SpanStub
		for _, s := range spans {
			if s.Parent.SpanID() == server.SpanContext.SpanID() && attr(s, "graphql.operation.type") != "" {
				op = s
			}
		}
		if op.Name != "mutation Create" || attr(op, "graphql.operation.name") != "Create" || attr(op, "graphql.operation.type") != "mutation" {
			t.Fatalf("operation span: got %q (%v), want \"mutation Create\", child of the server span", op.Name, op.Attributes)
		}
		var statements int
		for _, s := range spans {
			if attr(s, "db.query.text") == "" {
				continue
			}
			statements++
			if s.Parent.SpanID() != op.SpanContext.SpanID() && s.Parent.SpanID() != server.SpanContext.SpanID() {
				t.Errorf("statement span %q: parent %s, want the operation span %s or the request's", s.Name, s.Parent.SpanID(), op.SpanContext.SpanID())
			}
			if s.SpanKind != trace.SpanKindClient || attr(s, "db.system.name") != env.Dialect || attr(s, "db.system") != env.Dialect {
				t.Errorf("statement span %q: kind %v, db.system.name %q, want client, %q", s.Name, s.SpanKind, attr(s, "db.system.name"), env.Dialect)
			}
		}
		if statements == 0 {
			t.Fatalf("no statement span among %d spans of the trace", len(spans))
		}
		var insert bool
		for _, s := range spans {
			q := attr(s, "db.query.text")
			if s.Name == "insert" && strings.Contains(q, "?") && strings.Contains(q, "personal_access_tokens") &&
				s.Parent.SpanID() == op.SpanContext.SpanID() {
				insert = true
			}
		}
		if !insert {
			t.Errorf("no span of the token's INSERT, child of the operation, with its placeholders: %v", names(spans))
		}
	})
}

// TestTraceparentContinued: a request with a W3C traceparent continues
// that trace (same trace ID, the caller's span as parent); one without
// starts its own.
func TestTraceparentContinued(t *testing.T) {
	env := newTraced(t, "sqlite", testenv.Options{})
	member := env.Member(t, testenv.UniqueOrg("parent"), "dev")
	const traceID, parentID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	member.Header = http.Header{"Traceparent": {"00-" + traceID + "-" + parentID + "-01"}}
	r := member.Do(`query Me { viewer { id } }`, nil)
	server, spans := env.requestSpans(t, r.Header.Get("X-Request-ID"))
	if got := server.SpanContext.TraceID().String(); got != traceID {
		t.Errorf("trace ID: got %s, want the caller's %s", got, traceID)
	}
	if got := server.Parent.SpanID().String(); got != parentID || !server.Parent.IsRemote() {
		t.Errorf("parent: got %s (remote %v), want the caller's span %s", got, server.Parent.IsRemote(), parentID)
	}
	if len(spans) < 2 {
		t.Errorf("spans of the trace: got %v, want the operation's too", names(spans))
	}

	member.Header = nil
	r = member.Do(`query Me { viewer { id } }`, nil)
	server, _ = env.requestSpans(t, r.Header.Get("X-Request-ID"))
	if server.SpanContext.TraceID().String() == traceID || server.Parent.IsValid() {
		t.Errorf("without traceparent: trace %s parent %v, want a new root", server.SpanContext.TraceID(), server.Parent.SpanID())
	}
}

// TestOperationErrorsByCode: an operation's errors are recorded by their
// extensions.code only, for refused documents as for executed ones; a
// document that did not parse or validate has no operation to name.
func TestOperationErrorsByCode(t *testing.T) {
	env := newTraced(t, "sqlite", testenv.Options{})
	member := env.Member(t, testenv.UniqueOrg("errors"), "dev")
	const value = "recognisable-variable-value"
	for _, tc := range []struct {
		doc        string
		vars       map[string]any
		name, code string
	}{
		{`{ nope(x: "` + value + `") }`, nil, "GraphQL operation", "GRAPHQL_VALIDATION_FAILED"},
		{`{ viewer(x: "` + value + `") {`, nil, "GraphQL operation", "GRAPHQL_PARSE_FAILED"},
		{`query Page($n: Int!) { personalAccessTokens(first: $n) { totalCount } }`, map[string]any{"n": value}, "query Page", "BAD_USER_INPUT"},
		{`mutation Settings { updatePatSettings(input: {enabled: false}) { enabled } }`, nil, "mutation Settings", "FORBIDDEN"},
	} {
		r := member.Do(tc.doc, tc.vars)
		server, spans := env.requestSpans(t, r.Header.Get("X-Request-ID"))
		var op tracetest.SpanStub
		for _, s := range spans {
			if s.Parent.SpanID() == server.SpanContext.SpanID() {
				op = s
			}
		}
		if op.Name != tc.name || attr(op, "graphql.error.codes") != "["+`"`+tc.code+`"`+"]" || op.Status.Description != tc.code {
			t.Errorf("%s: operation span %q codes %s status %q, want %q with %s", tc.doc, op.Name, attr(op, "graphql.error.codes"), op.Status.Description, tc.name, tc.code)
		}
		for _, s := range spans {
			if strings.Contains(everything(s), value) {
				t.Errorf("%s: span %q holds a literal or variable value: %s", tc.doc, s.Name, everything(s))
			}
		}
	}
}

// TestUntracedPaths: scrapes and probes make no span.
func TestUntracedPaths(t *testing.T) {
	env := newTraced(t, "sqlite", testenv.Options{})
	for _, path := range []string{"/metrics", "/healthz", "/readyz"} {
		resp, err := http.Get(env.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	for _, s := range env.spans.GetSpans() {
		if s.SpanKind == trace.SpanKindServer {
			t.Errorf("span %q for a probe or scrape", s.Name)
		}
	}
}

func names(spans []tracetest.SpanStub) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	slices.Sort(out)
	return out
}

// TestClientAddressNotForged: the server span's client.address is the
// client as the service resolves it (no proxy trusted here: the TCP
// peer), not the X-Forwarded-For entry any client can send.
func TestClientAddressNotForged(t *testing.T) {
	env := newTraced(t, "sqlite", testenv.Options{})
	member := env.Member(t, testenv.UniqueOrg("xff"), "dev")
	member.Header = http.Header{"X-Forwarded-For": {"203.0.113.7"}}
	r := member.Do(`{ viewer { id } }`, nil)
	server, _ := env.requestSpans(t, r.Header.Get("X-Request-ID"))
	if got := attr(server, "client.address"); got != "127.0.0.1" {
		t.Errorf("client.address: got %q, want the TCP peer 127.0.0.1", got)
	}
}
