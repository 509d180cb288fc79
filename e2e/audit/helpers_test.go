package audit

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

const createMutation = `mutation($input: CreatePersonalAccessTokenInput!) {
  createPersonalAccessToken(input: $input) { token personalAccessToken { id hint expiresAt revocationSource } } }`

const revokeMutation = `mutation($ids: [ID!]!) {
  revokeTokens(ids: $ids) { revokedCount tokens { id status revocationSource revokedBy { id } } } }`

const revokeByValueMutation = `mutation($token: String!) {
  revokeTokenByValue(token: $token) { outcome token { id revocationSource } } }`

const settingsMutation = `mutation($input: UpdatePatSettingsInput!) { updatePatSettings(input: $input) { enabled maxLifespanDays } }`

const eventFields = `id action occurredAt actor { id accountType }
  token { id name owner { id } scopes expiresAt hint }
  revocationSource settingsChange { previousEnabled enabled previousMaxLifespanDays maxLifespanDays }
  requestId clientRequestId clientIp userAgent`

const eventsQuery = `query($first: Int, $after: String, $filter: AuditEventFilter) {
  auditEvents(first: $first, after: $after, filter: $filter) {
    edges { cursor node { ` + eventFields + ` } }
    pageInfo { hasNextPage endCursor hasPreviousPage startCursor } } }`

// event is an AuditEvent as the API returns it.
type event struct {
	ID         string
	Action     string
	OccurredAt string
	Actor      struct{ ID, AccountType string }
	Token      *struct {
		ID        string
		Name      string
		Owner     struct{ ID string }
		Scopes    []string
		ExpiresAt string
		Hint      string
	}
	RevocationSource *string
	SettingsChange   *struct {
		PreviousEnabled, Enabled                 bool
		PreviousMaxLifespanDays, MaxLifespanDays int
	}
	RequestID, ClientIP, UserAgent string
	ClientRequestID                *string
}

// page is one page of auditEvents.
type page struct {
	Events   []event
	Cursors  []string
	PageInfo struct {
		HasNextPage, HasPreviousPage bool
		EndCursor, StartCursor       *string
	}
}

// listEvents returns a page of c's audit trail, failing on any error.
func listEvents(t testing.TB, c *testenv.Client, vars map[string]any) page {
	t.Helper()
	r := c.Do(eventsQuery, vars)
	if len(r.Errors) > 0 || r.Status != http.StatusOK {
		t.Fatalf("auditEvents: unexpected errors (HTTP %d): %s", r.Status, r.Raw)
	}
	var out struct {
		AuditEvents struct {
			Edges []struct {
				Cursor string
				Node   event
			}
			PageInfo json.RawMessage
		}
	}
	testenv.Decode(t, r.Data, &out)
	var p page
	for _, e := range out.AuditEvents.Edges {
		p.Events = append(p.Events, e.Node)
		p.Cursors = append(p.Cursors, e.Cursor)
	}
	if err := json.Unmarshal(out.AuditEvents.PageInfo, &p.PageInfo); err != nil {
		t.Fatalf("decode pageInfo: %v", err)
	}
	return p
}

// allEvents walks every page of c's audit trail with filter.
func allEvents(t testing.TB, c *testenv.Client, filter map[string]any) []event {
	t.Helper()
	var out []event
	vars := map[string]any{"first": 100, "filter": filter}
	for {
		p := listEvents(t, c, vars)
		out = append(out, p.Events...)
		if !p.PageInfo.HasNextPage {
			return out
		}
		vars["after"] = *p.PageInfo.EndCursor
	}
}

// created is a new token: its ID and secret.
type created struct{ ID, Secret, Hint, ExpiresAt string }

// create makes c create a token named name with the given scopes.
func create(t testing.TB, c *testenv.Client, name string, scopes ...string) created {
	t.Helper()
	if len(scopes) == 0 {
		scopes = []string{"OR.Jobs"}
	}
	d := c.MustDo(createMutation, map[string]any{"input": map[string]any{"name": name, "scopes": scopes}})
	var out struct {
		CreatePersonalAccessToken struct {
			Token               string
			PersonalAccessToken struct{ ID, Hint, ExpiresAt string }
		}
	}
	testenv.Decode(t, d, &out)
	p := out.CreatePersonalAccessToken
	return created{ID: p.PersonalAccessToken.ID, Secret: p.Token, Hint: p.PersonalAccessToken.Hint, ExpiresAt: p.PersonalAccessToken.ExpiresAt}
}

// expectCode fails t unless r failed with the given code.
func expectCode(t testing.TB, r *testenv.Response, code string) {
	t.Helper()
	if r.Code() != code {
		t.Fatalf("error code: got %q, want %q (HTTP %d): %s", r.Code(), code, r.Status, r.Raw)
	}
}

// auditRows counts the stored audit rows of org.
func auditRows(t testing.TB, env *testenv.Env, org string) int64 {
	t.Helper()
	var n int64
	err := env.DB.Raw(`SELECT COUNT(*) FROM audit_events e JOIN organizations o ON o.id = e.organization_id
WHERE o.external_id = ?`, org).Scan(&n).Error
	if err != nil {
		t.Fatalf("count audit rows: %v", err)
	}
	return n
}

// withHeaders gives c a User-Agent and an X-Request-ID.
func withHeaders(c *testenv.Client, userAgent, requestID string) *testenv.Client {
	c.Header = http.Header{"User-Agent": {userAgent}, "X-Request-Id": {requestID}}
	return c
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
