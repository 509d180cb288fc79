package lifecycle

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/testenv"
)

const rotateQ = `mutation($id: ID!, $expiresAt: Time) { rotatePersonalAccessToken(id: $id, expiresAt: $expiresAt) {
  token personalAccessToken { id name scopes status expiresAt rotatedFrom { id status revocationSource } rotatedTo { id } } } }`

type rotated struct {
	Token               string
	PersonalAccessToken struct {
		ID, Name, Status string
		Scopes           []string
		ExpiresAt        string
		RotatedFrom      *struct{ ID, Status, RevocationSource string }
		RotatedTo        *struct{ ID string }
	}
}

func rotate(t *testing.T, c *testenv.Client, id string) rotated {
	t.Helper()
	var out struct{ RotatePersonalAccessToken rotated }
	c.MustDoInto(rotateQ, map[string]any{"id": id}, &out)
	return out.RotatePersonalAccessToken
}

// lineageOf reads a token's revocation and lineage as its owner sees it.
func lineageOf(t *testing.T, c *testenv.Client, id string) (status, source string, from, to *string) {
	t.Helper()
	var out struct {
		PersonalAccessTokens struct {
			Nodes []struct {
				ID, Status       string
				RevocationSource *string
				RotatedFrom      *struct{ ID string }
				RotatedTo        *struct{ ID string }
			}
		}
	}
	c.MustDoInto(`{ personalAccessTokens(first: 100, filter: {status: [ACTIVE, EXPIRED, REVOKED]}) { nodes { id status revocationSource rotatedFrom { id } rotatedTo { id } } } }`, nil, &out)
	for _, n := range out.PersonalAccessTokens.Nodes {
		if n.ID != id {
			continue
		}
		if n.RevocationSource != nil {
			source = *n.RevocationSource
		}
		if n.RotatedFrom != nil {
			from = &n.RotatedFrom.ID
		}
		if n.RotatedTo != nil {
			to = &n.RotatedTo.ID
		}
		return n.Status, source, from, to
	}
	t.Fatalf("token %s not listed", id)
	return
}

// TestRotation: the owner's rotation issues a token of the same name and
// scopes, revokes the old one (ROTATED) in the same transaction, links
// them both ways, is audited and in the outbox, and does not count
// against the quota twice.
func TestRotation(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("rotate")
		member := env.Member(t, org, "ann")
		old := member.MustCreateToken(map[string]any{"name": "ci", "scopes": []string{"OR.Jobs.Read", "OR.Assets"}})
		r := rotate(t, member, old.PersonalAccessToken.ID)
		n := r.PersonalAccessToken
		if n.Name != "ci" || len(n.Scopes) != 2 || n.Status != "ACTIVE" || r.Token == old.Token || n.RotatedFrom == nil ||
			n.RotatedFrom.ID != old.PersonalAccessToken.ID || n.RotatedFrom.RevocationSource != "ROTATED" || n.RotatedTo != nil {
			t.Fatalf("rotated: %+v", r)
		}
		if active, _ := env.IntrospectToken(t, r.Token); !active {
			t.Errorf("the new token does not authenticate")
		}
		// (Presenting the old token now would be reuse: TestReuseDetection.)
		status, source, _, to := lineageOf(t, member, old.PersonalAccessToken.ID)
		if status != "REVOKED" || source != "ROTATED" || to == nil || *to != n.ID {
			t.Errorf("old token: %s %s rotatedTo %v, want REVOKED ROTATED -> %s", status, source, to, n.ID)
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`SELECT COUNT(*) FROM audit_events WHERE token_id = ? AND action = 'TOKEN_REVOKED' AND revocation_source = 'ROTATED'`, []any{old.PersonalAccessToken.ID}},
			{`SELECT COUNT(*) FROM audit_events WHERE token_id = ? AND action = 'TOKEN_CREATED'`, []any{n.ID}},
			{`SELECT COUNT(*) FROM outbox_events WHERE token_id = ? AND event_type = ?`, []any{n.ID, string(entity.EventTokenRotated)}},
		} {
			if got := countRows(t, env, q.sql, q.args...); got != 1 {
				t.Errorf("%s %v: got %d, want 1", q.sql, q.args, got)
			}
		}

		// At the quota, rotation still works: one token in, one out.
		for i := range 49 {
			member.MustCreateToken(map[string]any{"name": fmt.Sprintf("t%d", i), "scopes": []string{"OR.Jobs.Read"}})
		}
		testenv.RequireError(t, member.CreateToken(map[string]any{"name": "one-too-many", "scopes": []string{"OR.Jobs.Read"}}), "QUOTA_EXCEEDED")
		rotate(t, member, n.ID)
	})
}

// TestRotationRefusals: only the owner, a local account, tokens enabled,
// an active token, an expiry within the policy.
func TestRotationRefusals(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("rotate-refused")
		admin, member := env.Admin(t, org, "root"), env.Member(t, org, "ann")
		tok := member.MustCreateToken(map[string]any{"name": "ci", "scopes": []string{"OR.Jobs.Read"}})
		id := tok.PersonalAccessToken.ID
		testenv.WantError(t, admin.Do(rotateQ, map[string]any{"id": id}), http.StatusOK, "NOT_FOUND")
		testenv.WantError(t, env.Member(t, testenv.UniqueOrg("other"), "ann").Do(rotateQ, map[string]any{"id": id}), http.StatusOK, "NOT_FOUND")
		testenv.WantError(t, member.Do(rotateQ, map[string]any{"id": id, "expiresAt": testenv.FormatTime(env.Clock.Now().Add(400 * 24 * time.Hour))}),
			http.StatusOK, "BAD_USER_INPUT")
		testenv.WantError(t, member.Do(rotateQ, map[string]any{"id": id, "expiresAt": testenv.FormatTime(env.Clock.Now().Add(-time.Hour))}),
			http.StatusOK, "BAD_USER_INPUT")
		directory := env.As(t, testenv.Identity{Org: org, Subject: "dir", AccountType: entity.AccountTypeDirectory})
		testenv.WantError(t, directory.Do(rotateQ, map[string]any{"id": id}), http.StatusOK, "LOCAL_ACCOUNT_REQUIRED")
		admin.MustUpdateSettings(map[string]any{"enabled": false})
		testenv.WantError(t, member.Do(rotateQ, map[string]any{"id": id}), http.StatusOK, "PAT_DISABLED")
		admin.MustUpdateSettings(map[string]any{"enabled": true})
		member.MustDo(`mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount } }`, map[string]any{"ids": []string{id}})
		testenv.WantError(t, member.Do(rotateQ, map[string]any{"id": id}), http.StatusOK, "BAD_USER_INPUT")
		if n := countRows(t, env, `SELECT COUNT(*) FROM personal_access_tokens WHERE rotated_from_id = ?`, id); n != 0 {
			t.Errorf("a refused rotation left %d successors", n)
		}
	})
}

// TestReuseDetection: presenting the secret of a token rotated away to
// /introspect revokes every active token descended from it
// (REUSE_DETECTED, audited, in the outbox); introspection still answers
// inactive. Rotating a rotated token again is only refused.
func TestReuseDetection(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("reuse")
		member := env.Member(t, org, "ann")
		a := member.MustCreateToken(map[string]any{"name": "ci", "scopes": []string{"OR.Jobs.Read"}})
		b := rotate(t, member, a.PersonalAccessToken.ID)
		c := rotate(t, member, b.PersonalAccessToken.ID)
		if active, _ := env.IntrospectToken(t, a.Token); active { // reuse of the oldest
			t.Fatal("a rotated-away token authenticates")
		}
		if status, source, _, _ := lineageOf(t, member, c.PersonalAccessToken.ID); status != "REVOKED" || source != "REUSE_DETECTED" {
			t.Errorf("the lineage's active token after reuse: %s %s, want REVOKED REUSE_DETECTED", status, source)
		}
		if active, _ := env.IntrospectToken(t, c.Token); active {
			t.Errorf("the lineage's token still authenticates")
		}
		if n := countRows(t, env, `SELECT COUNT(*) FROM audit_events WHERE token_id = ? AND revocation_source = 'REUSE_DETECTED'`, c.PersonalAccessToken.ID); n != 1 {
			t.Errorf("audit events of the reuse: %d, want 1", n)
		}
		if n := countRows(t, env, `SELECT COUNT(*) FROM outbox_events WHERE token_id = ? AND event_type = ?`, c.PersonalAccessToken.ID, string(entity.EventTokenRevoked)); n != 1 {
			t.Errorf("outbox events of the reuse: %d, want 1 token.revoked", n)
		}
		// Again: nothing more to revoke, still inactive.
		if active, _ := env.IntrospectToken(t, a.Token); active {
			t.Error("a rotated-away token authenticates the second time")
		}

		// Rotating d again (a double click: the ID is no secret) is
		// refused, and e, just issued, keeps working.
		d := member.MustCreateToken(map[string]any{"name": "deploy", "scopes": []string{"OR.Jobs.Read"}})
		e := rotate(t, member, d.PersonalAccessToken.ID)
		r := member.Do(rotateQ, map[string]any{"id": d.PersonalAccessToken.ID})
		testenv.RequireError(t, r, "BAD_USER_INPUT")
		if status, _, _, _ := lineageOf(t, member, e.PersonalAccessToken.ID); status != "ACTIVE" {
			t.Errorf("after rotating a rotated token again: successor %s, want ACTIVE", status)
		}
		if active, _ := env.IntrospectToken(t, e.Token); !active {
			t.Errorf("the successor no longer authenticates after a second rotation request")
		}
	})
}
