package isolation

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

// TestPersistedQueriesArePerOrganization: an automatic persisted query
// registered by one organization's client does not exist for another's
// (PERSISTED_QUERY_NOT_FOUND, exactly as a hash never sent), so no tenant
// can probe which documents another sends, or run one it never saw; within
// the organization it works, for any of its users.
func TestPersistedQueriesArePerOrganization(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		orgA, orgB := testenv.UniqueOrg("apq-a"), testenv.UniqueOrg("apq-b")
		alice, alice2 := env.Member(t, orgA, "alice"), env.Member(t, orgA, "alice2")
		bob := env.Admin(t, orgB, "bob")
		query := `query PersistedViewer { viewer { id } }`
		sum := sha256.Sum256([]byte(query))
		ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
		send := func(c *testenv.Client, withQuery bool) *testenv.Response {
			t.Helper()
			body := map[string]any{"extensions": ext}
			if withQuery {
				body["query"] = query
			}
			raw, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			return env.PostRaw(t, c.Bearer, raw)
		}
		if r := send(bob, false); r.Code() != "PERSISTED_QUERY_NOT_FOUND" {
			t.Fatalf("bob, before anyone registered it: got %s, want PERSISTED_QUERY_NOT_FOUND", r.Raw)
		}
		if r := send(alice, true); r.Status != http.StatusOK || len(r.Errors) > 0 {
			t.Fatalf("alice registering: got %d %s", r.Status, r.Raw)
		}
		if r := send(alice2, false); r.Status != http.StatusOK || len(r.Errors) > 0 {
			t.Errorf("alice2 (same organization) by hash: got %d %s, want the viewer", r.Status, r.Raw)
		}
		unknown := send(bob, false)
		if unknown.Code() != "PERSISTED_QUERY_NOT_FOUND" {
			t.Errorf("bob (another organization) by hash: got %s, want PERSISTED_QUERY_NOT_FOUND", unknown.Raw)
		}
		// Registering it in B is B's own entry, and leaves A's working.
		if r := send(bob, true); r.Status != http.StatusOK || len(r.Errors) > 0 {
			t.Errorf("bob registering: got %d %s", r.Status, r.Raw)
		}
		if r := send(alice, false); r.Status != http.StatusOK || len(r.Errors) > 0 {
			t.Errorf("alice by hash after bob registered: got %d %s", r.Status, r.Raw)
		}
	})
}
