package access

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/testenv"
)

// day is the policy's unit of lifespan: exactly 24 hours.
const day = 24 * time.Hour

const listQuery = `query($filter: PersonalAccessTokenFilter) {
  personalAccessTokens(first: 100, filter: $filter) { totalCount nodes { ` + testenv.TokenFields + ` } } }`

const revokeMutation = `mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount tokens { id status revokedAt } } }`

// allStatuses lists every token, revoked ones included.
var allStatuses = map[string]any{"status": []string{"ACTIVE", "EXPIRED", "REVOKED"}}

// mustCreate creates a token and returns its secret and the token.
func mustCreate(t *testing.T, c *testenv.Client, input map[string]any) (string, testenv.Token) {
	t.Helper()
	p := c.MustCreateToken(input)
	return p.Token, p.PersonalAccessToken
}

// simpleInput is a valid creation input.
func simpleInput(name string) map[string]any {
	return map[string]any{"name": name, "scopes": []string{"OR.Jobs"}}
}

// listAll returns every token c may see, revoked ones included, by ID.
func listAll(t *testing.T, c *testenv.Client) map[string]testenv.Token {
	t.Helper()
	return listWith(t, c, allStatuses)
}

// listWith returns the tokens c sees with filter, by ID.
func listWith(t *testing.T, c *testenv.Client, filter map[string]any) map[string]testenv.Token {
	t.Helper()
	var data struct {
		PersonalAccessTokens testenv.Connection[testenv.Token]
	}
	c.MustDoInto(listQuery, map[string]any{"filter": filter}, &data)
	out := make(map[string]testenv.Token, len(data.PersonalAccessTokens.Nodes))
	for _, n := range data.PersonalAccessTokens.Nodes {
		out[n.ID] = n
	}
	return out
}

// tokenByID returns the listed token with the given ID, failing if absent.
func tokenByID(t *testing.T, c *testenv.Client, id string) testenv.Token {
	t.Helper()
	tok, ok := listAll(t, c)[id]
	if !ok {
		t.Fatalf("token %s: got absent from the list, want listed", id)
	}
	return tok
}

// mustRevoke revokes ids as c and returns the payload.
func mustRevoke(t *testing.T, c *testenv.Client, ids ...string) testenv.RevokePayload {
	t.Helper()
	var data struct{ RevokeTokens testenv.RevokePayload }
	c.MustDoInto(revokeMutation, map[string]any{"ids": ids}, &data)
	return data.RevokeTokens
}

// wantErrorData is testenv.WantError with HTTP 200 that also requires the
// data of every root field to be null.
func wantErrorData(t *testing.T, r *testenv.Response, code string) {
	t.Helper()
	testenv.WantError(t, r, http.StatusOK, code)
	for k, v := range r.Data {
		if v != nil {
			t.Errorf("data.%s: got %v, want null", k, v)
		}
	}
}

// claimsFor returns valid session-token claims for sub in org.
func claimsFor(org, sub string) *auth.Claims {
	return &auth.Claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: sub, ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))},
		Org:              org, Role: auth.RoleMember, Email: sub + "@example.test", Name: "User " + sub,
		AccountType: entity.AccountTypeLocal,
	}
}

// doHTTP sends a request and returns the status, headers and raw body.
func doHTTP(t *testing.T, method, url string, header http.Header, body io.Reader) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp.StatusCode, resp.Header, string(raw)
}

// postQuery posts body to /query with the given raw Authorization header
// (none when empty) and decodes the GraphQL response.
func postQuery(t *testing.T, env *testenv.Env, authorization string, body []byte) *testenv.Response {
	t.Helper()
	h := http.Header{"Content-Type": {"application/json"}}
	if authorization != "" {
		h.Set("Authorization", authorization)
	}
	status, header, raw := doHTTP(t, http.MethodPost, env.URL+"/query", h, bytes.NewReader(body))
	return testenv.NewResponse(t, status, header, []byte(raw))
}

// viewerID decodes viewer.id from r.
func viewerID(t *testing.T, r *testenv.Response) string {
	t.Helper()
	var data struct{ Viewer testenv.User }
	r.DecodeData(t, &data)
	return data.Viewer.ID
}

// viewerBody is a GraphQL request for the caller.
var viewerBody = []byte(`{"query":"{ viewer { id email name accountType } }"}`)

// --- database checks -------------------------------------------------------

// tokenCount counts the tokens stored for org.
func tokenCount(t *testing.T, env *testenv.Env, org string) int64 {
	t.Helper()
	var n int64
	err := env.DB.Raw(`SELECT COUNT(*) FROM personal_access_tokens t
JOIN organizations o ON o.id = t.organization_id WHERE o.external_id = ?`, org).Row().Scan(&n)
	if err != nil {
		t.Fatalf("count tokens: %v", err)
	}
	return n
}

// orgCount counts the organizations with the external ID org.
func orgCount(t *testing.T, env *testenv.Env, org string) int64 {
	t.Helper()
	var n int64
	if err := env.DB.Raw(`SELECT COUNT(*) FROM organizations WHERE external_id = ?`, org).Row().Scan(&n); err != nil {
		t.Fatalf("count organizations: %v", err)
	}
	return n
}

// orgSnapshot is the stored policy of an organization.
type orgSnapshot struct {
	PatEnabled          bool
	MaxLifespanDays     int64
	SettingsUpdatedAt   *int64
	SettingsUpdatedByID *int64
}

func (s orgSnapshot) String() string {
	ptr := func(p *int64) string {
		if p == nil {
			return "null"
		}
		return fmt.Sprint(*p)
	}
	return fmt.Sprintf("{enabled %v, max %d, updatedAt %s, updatedBy %s}",
		s.PatEnabled, s.MaxLifespanDays, ptr(s.SettingsUpdatedAt), ptr(s.SettingsUpdatedByID))
}

func equalPtr(a, b *int64) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

func (s orgSnapshot) equal(o orgSnapshot) bool {
	return s.PatEnabled == o.PatEnabled && s.MaxLifespanDays == o.MaxLifespanDays &&
		equalPtr(s.SettingsUpdatedAt, o.SettingsUpdatedAt) && equalPtr(s.SettingsUpdatedByID, o.SettingsUpdatedByID)
}

// orgRow reads the stored policy of org.
func orgRow(t *testing.T, env *testenv.Env, org string) orgSnapshot {
	t.Helper()
	var s orgSnapshot
	var enabled any
	err := env.DB.Raw(`SELECT pat_enabled, max_lifespan_days, settings_updated_at, settings_updated_by_id
FROM organizations WHERE external_id = ?`, org).Row().Scan(&enabled, &s.MaxLifespanDays, &s.SettingsUpdatedAt, &s.SettingsUpdatedByID)
	if err != nil {
		t.Fatalf("read organization %s: %v", org, err)
	}
	switch v := enabled.(type) {
	case bool:
		s.PatEnabled = v
	case int64:
		s.PatEnabled = v != 0
	case []byte:
		s.PatEnabled = string(v) != "0"
	default:
		t.Fatalf("pat_enabled: unexpected type %T", enabled)
	}
	return s
}

// userUpdatedAt reads users.updated_at (Unix ms) of sub in org.
func userUpdatedAt(t *testing.T, env *testenv.Env, org, sub string) int64 {
	t.Helper()
	var ms int64
	err := env.DB.Raw(`SELECT u.updated_at FROM users u JOIN organizations o ON o.id = u.organization_id
WHERE o.external_id = ? AND u.subject = ?`, org, sub).Row().Scan(&ms)
	if err != nil {
		t.Fatalf("read user %s/%s: %v", org, sub, err)
	}
	return ms
}

// --- introspection ---------------------------------------------------------

// inactive is the one body of every inactive introspection.
const inactive = testenv.InactiveBody

// wantInactive fails unless introspecting secret answers exactly the
// inactive body.
func wantInactive(t *testing.T, env *testenv.Env, secret string) {
	t.Helper()
	status, body := env.Introspect(t, testenv.IntrospectionSecret, secret)
	if status != http.StatusOK || body != inactive {
		t.Errorf("introspect: got HTTP %d %q, want 200 %q", status, body, inactive)
	}
}

// jsonInt returns a json.Number as int64.
func jsonInt(t *testing.T, v any) int64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("got %v (%T), want a JSON number", v, v)
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatalf("got %v, want an integer: %v", n, err)
	}
	return i
}

// roleOf converts a role name.
func roleOf(name string) auth.Role { return auth.Role(name) }

// postFromGoroutine posts a GraphQL request without touching t, so that
// many goroutines may call it; it returns the status, code of the first
// error ("" if none) and the raw body.
func postFromGoroutine(env *testenv.Env, bearer, query string, vars map[string]any) (int, string, string, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return 0, "", "", err
	}
	req, err := http.NewRequest(http.MethodPost, env.URL+"/query", bytes.NewReader(body))
	if err != nil {
		return 0, "", "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+bearer)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, "", "", err
	}
	var decoded struct {
		Errors []testenv.Error `json:"errors"`
	}
	if err := json.Unmarshal(raw, &decoded); err != nil {
		return resp.StatusCode, "", string(raw), fmt.Errorf("decode %q: %w", raw, err)
	}
	code := ""
	if len(decoded.Errors) > 0 {
		code, _ = decoded.Errors[0].Extensions["code"].(string)
	}
	return resp.StatusCode, code, string(raw), nil
}

// errorCodes returns the schema's ErrorCode enum, read by introspection.
func errorCodes(t *testing.T, c *testenv.Client) map[string]bool {
	t.Helper()
	var data struct {
		Type struct{ EnumValues []struct{ Name string } } `json:"__type"`
	}
	c.MustDoInto(`{ __type(name: "ErrorCode") { enumValues { name } } }`, nil, &data)
	out := map[string]bool{}
	for _, v := range data.Type.EnumValues {
		out[v.Name] = true
	}
	if !out["INTERNAL"] || !out["UNAUTHENTICATED"] {
		t.Fatalf("ErrorCode enum: got %v, want the contract's codes", out)
	}
	return out
}
