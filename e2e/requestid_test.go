package e2e

import (
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
