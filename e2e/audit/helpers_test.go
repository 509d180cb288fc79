package audit

import (
	"net/http"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

const revokeMutation = `mutation($ids: [ID!]!) {
  revokeTokens(ids: $ids) { revokedCount tokens { id status revocationSource revokedBy { id } } } }`

const revokeByValueMutation = `mutation($token: String!) {
  revokeTokenByValue(token: $token) { outcome token { id revocationSource } } }`

const eventFields = `id action occurredAt actor { id accountType }
  token { id name owner { id } scopes expiresAt hint }
  revocationSource settingsChange { previousEnabled enabled previousMaxLifespanDays maxLifespanDays }
  requestId clientRequestId clientIp userAgent`

const eventsQuery = `query($first: Int, $after: String, $filter: AuditEventFilter) {
  auditEvents(first: $first, after: $after, filter: $filter) {
    edges { cursor node { ` + eventFields + ` } }
    pageInfo { hasNextPage endCursor hasPreviousPage startCursor } } }`

// page is one page of auditEvents.
type page struct {
	Events   []testenv.AuditEvent
	Cursors  []string
	PageInfo testenv.PageInfo
}

// listEvents returns a page of c's audit trail, failing on any error.
func listEvents(t testing.TB, c *testenv.Client, vars map[string]any) page {
	t.Helper()
	r := c.Do(eventsQuery, vars)
	if len(r.Errors) > 0 || r.Status != http.StatusOK {
		t.Fatalf("auditEvents: unexpected errors (HTTP %d): %s", r.Status, r.Raw)
	}
	var out struct {
		AuditEvents testenv.Connection[testenv.AuditEvent]
	}
	r.DecodeData(t, &out)
	p := page{PageInfo: out.AuditEvents.PageInfo}
	for _, e := range out.AuditEvents.Edges {
		p.Events = append(p.Events, e.Node)
		p.Cursors = append(p.Cursors, e.Cursor)
	}
	return p
}

// allEvents walks every page of c's audit trail with filter.
func allEvents(t testing.TB, c *testenv.Client, filter map[string]any) []testenv.AuditEvent {
	t.Helper()
	var out []testenv.AuditEvent
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
	p := c.MustCreateToken(map[string]any{"name": name, "scopes": scopes})
	tok := p.PersonalAccessToken
	return created{ID: tok.ID, Secret: p.Token, Hint: tok.Hint, ExpiresAt: tok.ExpiresAt.Text}
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
