package testenv

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The helpers every end-to-end package used to copy.

// InactiveBody is the one body of every inactive introspection.
const InactiveBody = `{"active":false}` + "\n"

// ParseTime parses a GraphQL Time value (an RFC 3339 string, or a Time as
// decoded), failing the test on anything else, null included.
func ParseTime(t testing.TB, v any) time.Time {
	t.Helper()
	switch v := v.(type) {
	case Time:
		return v.Time
	case *Time:
		if v == nil {
			t.Fatalf("time: got null, want an RFC 3339 string")
		}
		return v.Time
	}
	s, ok := v.(string)
	if !ok {
		t.Fatalf("time: got %v (%T), want an RFC 3339 string", v, v)
	}
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return tm
}

// UserID reads the internal ID of the user subject in org, failing unless
// exactly one exists.
func (e *Env) UserID(t testing.TB, org, subject string) int64 {
	t.Helper()
	var ids []int64
	err := e.DB.Raw(`SELECT u.id FROM users u JOIN organizations o ON o.id = u.organization_id
WHERE o.external_id = ? AND u.subject = ?`, org, subject).Scan(&ids).Error
	if err != nil || len(ids) != 1 {
		t.Fatalf("user %s/%s: got %v (err %v), want one row", org, subject, ids, err)
	}
	return ids[0]
}

// AuditRows counts the audit events stored for org.
func (e *Env) AuditRows(t testing.TB, org string) int64 {
	t.Helper()
	var n int64
	err := e.DB.Raw(`SELECT COUNT(*) FROM audit_events e JOIN organizations o ON o.id = e.organization_id
WHERE o.external_id = ?`, org).Scan(&n).Error
	if err != nil {
		t.Fatalf("count audit rows: %v", err)
	}
	return n
}

// IntrospectToken introspects secret with the test resource server's
// credential and decodes the answer (numbers as json.Number); it fails
// unless the answer is HTTP 200 and either active or exactly InactiveBody.
func (e *Env) IntrospectToken(t testing.TB, secret string) (active bool, claims map[string]any) {
	t.Helper()
	status, body := e.Introspect(t, IntrospectionSecret, secret)
	if status != http.StatusOK {
		t.Fatalf("introspect: got HTTP %d %s, want 200", status, body)
	}
	if body == InactiveBody {
		return false, nil
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&claims); err != nil || claims["active"] != true {
		t.Fatalf("introspect: got %s (%v), want an active answer or %s", body, err, strings.TrimSpace(InactiveBody))
	}
	return true, claims
}

// IntrospectActive introspects secret with the resource server's
// credential and reports whether it is active. An active introspection
// records a use; IntrospectActive writes it at once, as the background
// loop would, so the test can read lastUsedAt.
func (e *Env) IntrospectActive(t testing.TB, secret string) bool {
	t.Helper()
	active, _ := e.introspectUse(t, secret)
	return active
}

// RequireActive is IntrospectActive that stops the test unless secret is
// active; it returns the claims.
func (e *Env) RequireActive(t testing.TB, secret string) map[string]any {
	t.Helper()
	active, claims := e.introspectUse(t, secret)
	if !active {
		t.Fatalf("introspect: got inactive, want active")
	}
	return claims
}

// introspectUse is IntrospectToken that then writes the recorded use.
func (e *Env) introspectUse(t testing.TB, secret string) (bool, map[string]any) {
	t.Helper()
	active, claims := e.IntrospectToken(t, secret)
	if active {
		e.FlushUses(t)
	}
	return active, claims
}
