package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

// TestErrorsCarryTheRequestID: domain errors, validation errors and the
// 401 all carry the request ID in extensions, so a user's report can be
// matched with the server's log lines.
func TestErrorsCarryTheRequestID(t *testing.T) {
	env := testenv.New(t, "sqlite")
	member := env.Member(t, testenv.UniqueOrg("reqid"), "m")
	for name, r := range map[string]*testenv.Response{
		"domain error":     member.Do(`mutation { updatePatSettings(input: {enabled: false}) { enabled } }`, nil),
		"validation error": member.Do(`{ nope }`, nil),
		"unauthenticated":  env.Post(t, "", `{ viewer { id } }`, nil),
	} {
		if len(r.Errors) == 0 {
			t.Fatalf("%s: got no error: %s", name, r.Raw)
		}
		if id, _ := r.Errors[0].Extensions["requestId"].(string); len(id) < 10 {
			t.Errorf("%s: extensions.requestId: got %q, want the request's ID", name, id)
		}
	}
}

// TestAuditRequestIDs: the audit trail's requestId is the one the service
// generated and answered with, whatever X-Request-ID the client sent; a
// safe client ID is kept beside it as clientRequestId, an unsafe one is
// dropped. A client replaying another request's ID cannot make its change
// look like that request's.
func TestAuditRequestIDs(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("auditreqid")
		admin := env.Admin(t, org, "root")
		first := admin.Do(`mutation { updatePatSettings(input: {maxLifespanDays: 30}) { maxLifespanDays } }`, nil)
		firstID := first.Header.Get("X-Request-ID")
		if first.Status != http.StatusOK || len(firstID) != 26 {
			t.Fatalf("first change: got %d %s, X-Request-ID %q", first.Status, first.Raw, firstID)
		}
		cases := []struct {
			name, sent string
			keep       bool
		}{
			{"another request's ID", firstID, true},
			{"a safe ID", "ci-run-42.step_3", true},
			{"65 characters", strings.Repeat("x", 65), false},
			{"a forged log line", "x level=ERROR msg=forged", false},
		}
		sentIDs := map[string]string{} // the service's ID for each case
		for i, tc := range cases {
			admin.Header = http.Header{"X-Request-Id": {tc.sent}}
			r := admin.Do(`mutation($d: Int!) { updatePatSettings(input: {maxLifespanDays: $d}) { maxLifespanDays } }`, map[string]any{"d": 40 + i})
			id := r.Header.Get("X-Request-ID")
			if r.Status != http.StatusOK || len(id) != 26 || id == tc.sent || id == firstID {
				t.Fatalf("%s: got %d, X-Request-ID %q, want a new ID of the service's", tc.name, r.Status, id)
			}
			sentIDs[id] = tc.name
		}
		admin.Header = nil
		var data struct {
			AuditEvents testenv.Connection[testenv.AuditEvent]
		}
		admin.MustDoInto(`{ auditEvents(first: 10) { nodes { requestId clientRequestId settingsChange { maxLifespanDays } } } }`, nil, &data)
		nodes := data.AuditEvents.Nodes
		if len(nodes) != len(cases)+1 {
			t.Fatalf("events: got %d, want %d", len(nodes), len(cases)+1)
		}
		for _, e := range nodes {
			id := e.RequestID
			client := ""
			if e.ClientRequestID != nil {
				client = *e.ClientRequestID
			}
			if id == firstID {
				if e.ClientRequestID != nil {
					t.Errorf("first change: clientRequestId %q, want null (none sent)", client)
				}
				continue
			}
			name, ok := sentIDs[id]
			if !ok {
				t.Errorf("event with requestId %q: not an ID the service answered with", id)
				continue
			}
			for _, tc := range cases {
				if tc.name != name {
					continue
				}
				if tc.keep && client != tc.sent || !tc.keep && e.ClientRequestID != nil {
					t.Errorf("%s: clientRequestId %q (null: %v), want %q kept=%v", name, client, e.ClientRequestID == nil, tc.sent, tc.keep)
				}
			}
		}
	})
}
