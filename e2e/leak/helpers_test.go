package leak

import (
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// token is the part of a PersonalAccessToken these tests read.
type token struct {
	ID               string
	Name             string
	Status           string
	RevocationSource *string
	Owner            struct{ ID string }
}

const tokenFields = `id name status revocationSource owner { id }`

// created is a new token and its secret.
type created struct {
	Secret string `json:"token"`
	Token  token  `json:"personalAccessToken"`
}

// create makes a token for c that expires after lifespan (0: the maximum).
func create(t testing.TB, env *testenv.Env, c *testenv.Client, name string, lifespan time.Duration) created {
	t.Helper()
	input := map[string]any{"name": name, "scopes": []string{"OR.Jobs"}}
	if lifespan > 0 {
		input["expiresAt"] = env.Clock.Now().Add(lifespan).UTC().Format(time.RFC3339Nano)
	}
	data := c.MustDo(`mutation($in: CreatePersonalAccessTokenInput!) {
		createPersonalAccessToken(input: $in) { token personalAccessToken { `+tokenFields+` } } }`,
		map[string]any{"in": input})
	var out created
	testenv.Decode(t, data["createPersonalAccessToken"], &out)
	return out
}

// result is one RevokeByValueResult.
type result struct {
	Index   int
	Outcome string
	Token   *token
}

// payload is a RevokeTokensByValuePayload.
type payload struct {
	RevokedCount int
	Results      []result
}

const revokeByValues = `mutation($v: [String!]!) {
	revokeTokensByValue(tokens: $v) { revokedCount results { index outcome token { ` + tokenFields + ` } } } }`

// revoke calls revokeTokensByValue; the payload is nil on errors.
func revoke(t testing.TB, c *testenv.Client, values []string) (*payload, *testenv.Response) {
	t.Helper()
	r := c.Do(revokeByValues, map[string]any{"v": values})
	if len(r.Errors) > 0 {
		return nil, r
	}
	var out payload
	testenv.Decode(t, r.Data["revokeTokensByValue"], &out)
	return &out, r
}

// authenticates reports whether secret authenticates now.
func authenticates(t testing.TB, env *testenv.Env, secret string) bool {
	t.Helper()
	active, _ := env.IntrospectToken(t, secret)
	return active
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

// auditCount counts the TOKEN_REVOKED events about tokenID.
func auditCount(t testing.TB, env *testenv.Env, tokenID, source string) int {
	t.Helper()
	var n int64
	if err := env.DB.Raw("SELECT COUNT(*) FROM audit_events WHERE action = 'TOKEN_REVOKED' AND token_id = ? AND revocation_source = ?",
		tokenID, source).Scan(&n).Error; err != nil {
		t.Fatalf("count audit events: %v", err)
	}
	return int(n)
}
