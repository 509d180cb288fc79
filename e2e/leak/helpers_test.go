package leak

import (
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// created is a new token and its secret (Token).
type created = testenv.CreatePayload

// create makes a token for c that expires after lifespan (0: the maximum).
func create(t testing.TB, env *testenv.Env, c *testenv.Client, name string, lifespan time.Duration) created {
	t.Helper()
	input := map[string]any{"name": name, "scopes": []string{"OR.Jobs"}}
	if lifespan > 0 {
		input["expiresAt"] = testenv.FormatTime(env.Clock.Now().Add(lifespan))
	}
	return c.MustCreateToken(input)
}

const revokeByValues = `mutation($v: [String!]!) {
	revokeTokensByValue(tokens: $v) { revokedCount results { index outcome token { ` + testenv.TokenFields + ` } } } }`

// revoke calls revokeTokensByValue; the payload is nil on errors.
func revoke(t testing.TB, c *testenv.Client, values []string) (*testenv.RevokeByValuesPayload, *testenv.Response) {
	t.Helper()
	r := c.Do(revokeByValues, map[string]any{"v": values})
	if len(r.Errors) > 0 {
		return nil, r
	}
	var out struct{ RevokeTokensByValue testenv.RevokeByValuesPayload }
	r.DecodeData(t, &out)
	return &out.RevokeTokensByValue, r
}

// revokedState is the revocation columns of every token of the orgs.
func revokedState(t testing.TB, env *testenv.Env) map[string]string {
	t.Helper()
	var rows []struct {
		ID               string
		RevokedAt        *int64
		RevocationSource *string
	}
	if err := env.DB.Raw("SELECT id, revoked_at, revocation_source FROM personal_access_tokens").Scan(&rows).Error; err != nil {
		t.Fatalf("read tokens: %v", err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		s := "active"
		if r.RevokedAt != nil && r.RevocationSource != nil {
			s = *r.RevocationSource
		}
		out[r.ID] = s
	}
	return out
}

// auditCount counts the TOKEN_REVOKED events about tokenID with source
// ("": any source).
func auditCount(t testing.TB, env *testenv.Env, tokenID, source string) int {
	t.Helper()
	var n int64
	if err := env.DB.Raw("SELECT COUNT(*) FROM audit_events WHERE action = 'TOKEN_REVOKED' AND token_id = ? AND (? = '' OR revocation_source = ?)",
		tokenID, source, source).Scan(&n).Error; err != nil {
		t.Fatalf("count audit events: %v", err)
	}
	return int(n)
}
