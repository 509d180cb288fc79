package audit

import (
	"slices"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

// TestCreationIsAudited checks the TOKEN_CREATED event: actor, token
// snapshot, the request's origin, and no trace of the secret.
func TestCreationIsAudited(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("audit-create")
		admin := env.Admin(t, org, "admin")
		member := withHeaders(env.Member(t, org, "alice"), "ci-robot/2.1 (+https://example.test)", "req-create-1")
		// No proxy is trusted by default: a client's X-Forwarded-For is
		// not believed.
		member.Header.Set("X-Forwarded-For", "198.51.100.66")
		tok := create(t, member, "deploy key", "OR.Jobs", "OR.Assets.Read")

		r := admin.Do(eventsQuery, map[string]any{})
		if strings.Contains(r.Raw, tok.Secret) || strings.Contains(r.Raw, tok.Secret[len(tok.Secret)-10:]) {
			t.Fatalf("auditEvents response contains the secret: %s", r.Raw)
		}
		events := allEvents(t, admin, nil)
		if len(events) != 1 {
			t.Fatalf("events: got %d, want 1: %+v", len(events), events)
		}
		e := events[0]
		if e.Action != "TOKEN_CREATED" || e.Actor.ID != "alice" || e.Actor.AccountType != "LOCAL" {
			t.Errorf("event: got %s by %+v, want TOKEN_CREATED by alice (LOCAL)", e.Action, e.Actor)
		}
		if e.Token == nil || e.Token.ID != tok.ID || e.Token.Name != "deploy key" || e.Token.Owner.ID != "alice" ||
			!slices.Equal(e.Token.Scopes, []string{"OR.Assets.Read", "OR.Jobs"}) || e.Token.Hint != tok.Hint || e.Token.ExpiresAt.Text != tok.ExpiresAt {
			t.Errorf("token snapshot: got %+v, want %s %q owned by alice, sorted scopes, hint %s, expiry %s",
				e.Token, tok.ID, "deploy key", tok.Hint, tok.ExpiresAt)
		}
		if e.RevocationSource != nil || e.SettingsChange != nil {
			t.Errorf("event: got revocationSource %v and settingsChange %v, want both null", deref(e.RevocationSource), e.SettingsChange)
		}
		// The service's request ID, with the client's X-Request-ID beside
		// it, never in its place.
		if len(e.RequestID) != 26 || deref(e.ClientRequestID) != "req-create-1" || e.ClientIP != "127.0.0.1" || e.UserAgent != "ci-robot/2.1 (+https://example.test)" {
			t.Errorf("origin: got request %q (client's %s), IP %q, agent %q, want a generated ID, req-create-1, 127.0.0.1 and the sent agent",
				e.RequestID, deref(e.ClientRequestID), e.ClientIP, e.UserAgent)
		}
		// The stored row holds no secret either: neither the value nor its
		// digest is a column of the audit table.
		var cols []string
		if err := env.DB.Raw("SELECT e.token_hint FROM audit_events e JOIN organizations o ON o.id = e.organization_id WHERE o.external_id = ?", org).Scan(&cols).Error; err != nil || len(cols) != 1 || cols[0] != tok.Hint {
			t.Errorf("stored hint: got %v (err %v), want [%s]", cols, err, tok.Hint)
		}
	})
}

// TestRevocationSources checks revocationSource on the token and on its
// TOKEN_REVOKED event for each way of revoking, and that revoking an
// already revoked token writes no event.
func TestRevocationSources(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("audit-revoke")
		admin := withHeaders(env.Admin(t, org, "admin"), "console/1", "req-admin")
		alice := env.Member(t, org, "alice")
		own := create(t, alice, "own")          // alice revokes it: OWNER
		byAdmin := create(t, alice, "by-admin") // the admin revokes it: ADMIN
		adminsOwn := create(t, admin, "admins") // the admin revokes their own: OWNER
		leaked := create(t, alice, "leaked")    // revoked by value: BY_VALUE

		alice.MustDo(revokeMutation, map[string]any{"ids": []string{own.ID}})
		admin.MustDo(revokeMutation, map[string]any{"ids": []string{byAdmin.ID, adminsOwn.ID}})
		var byValue struct{ RevokeTokenByValue testenv.RevokeByValuePayload }
		admin.MustDoInto(revokeByValueMutation, map[string]any{"token": leaked.Secret}, &byValue)
		if got := deref(byValue.RevokeTokenByValue.Token.RevocationSource); got != "BY_VALUE" {
			t.Errorf("revokeTokenByValue: got source %q, want BY_VALUE", got)
		}

		want := map[string]string{own.ID: "OWNER", byAdmin.ID: "ADMIN", adminsOwn.ID: "OWNER", leaked.ID: "BY_VALUE"}
		// The tokens say how they were revoked.
		var list struct {
			PersonalAccessTokens testenv.Connection[testenv.Token]
		}
		admin.MustDoInto(`query { personalAccessTokens(first: 100, filter: {status: [REVOKED]}) { nodes { id revocationSource } } }`, nil, &list)
		if len(list.PersonalAccessTokens.Nodes) != 4 {
			t.Fatalf("revoked tokens: got %d, want 4", len(list.PersonalAccessTokens.Nodes))
		}
		for _, n := range list.PersonalAccessTokens.Nodes {
			if got := deref(n.RevocationSource); got != want[n.ID] {
				t.Errorf("token %s: got revocationSource %q, want %q", n.ID, got, want[n.ID])
			}
		}
		// So do the events, one per revoked token.
		events := allEvents(t, admin, map[string]any{"actions": []string{"TOKEN_REVOKED"}})
		if len(events) != 4 {
			t.Fatalf("TOKEN_REVOKED events: got %d, want 4", len(events))
		}
		actor := map[string]string{own.ID: "alice", byAdmin.ID: "admin", adminsOwn.ID: "admin", leaked.ID: "admin"}
		owner := map[string]string{own.ID: "alice", byAdmin.ID: "alice", adminsOwn.ID: "admin", leaked.ID: "alice"}
		for _, e := range events {
			id := e.Token.ID
			if deref(e.RevocationSource) != want[id] || e.Actor.ID != actor[id] || e.Token.Owner.ID != owner[id] {
				t.Errorf("event for %s: got source %s by %s, owner %s; want %s by %s, owner %s",
					id, deref(e.RevocationSource), e.Actor.ID, e.Token.Owner.ID, want[id], actor[id], owner[id])
			}
		}

		// Nothing more is written for tokens revoked before.
		before := env.AuditRows(t, org)
		admin.MustDo(revokeMutation, map[string]any{"ids": []string{own.ID, byAdmin.ID}})
		admin.MustDoInto(revokeByValueMutation, map[string]any{"token": leaked.Secret}, &byValue)
		if byValue.RevokeTokenByValue.Outcome != "ALREADY_REVOKED" {
			t.Errorf("second revokeTokenByValue: got %q, want ALREADY_REVOKED", byValue.RevokeTokenByValue.Outcome)
		}
		if after := env.AuditRows(t, org); after != before {
			t.Errorf("audit rows after re-revoking: got %d, want %d", after, before)
		}
		// Not-yet-revoked tokens have no source.
		fresh := create(t, alice, "fresh")
		var active struct {
			PersonalAccessTokens testenv.Connection[testenv.Token]
		}
		alice.MustDoInto(`query { personalAccessTokens { nodes { id revocationSource } } }`, nil, &active)
		if n := active.PersonalAccessTokens.Nodes; len(n) != 1 || n[0].ID != fresh.ID || n[0].RevocationSource != nil {
			t.Errorf("active tokens: got %+v, want only %s with a null revocationSource", n, fresh.ID)
		}
	})
}

// TestBulkRevocationWritesOneEventPerToken revokes many tokens in one call
// and finds one event each, in the same request.
func TestBulkRevocationWritesOneEventPerToken(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("audit-bulk")
		admin := withHeaders(env.Admin(t, org, "admin"), "bulk/1", "req-bulk")
		var ids []string
		for i := range 30 {
			c := env.Member(t, org, "user"+string(rune('a'+i%5)))
			ids = append(ids, create(t, c, "t").ID)
		}
		admin.MustDo(revokeMutation, map[string]any{"ids": ids})
		events := allEvents(t, admin, map[string]any{"actions": []string{"TOKEN_REVOKED"}})
		if len(events) != len(ids) {
			t.Fatalf("events: got %d, want %d", len(events), len(ids))
		}
		seen := map[string]bool{}
		for _, e := range events {
			seen[e.Token.ID] = true
			if e.RequestID != events[0].RequestID || deref(e.ClientRequestID) != "req-bulk" || e.UserAgent != "bulk/1" || deref(e.RevocationSource) != "ADMIN" {
				t.Errorf("event %s: got request %q (client's %s) agent %q source %s, want the first event's, req-bulk, bulk/1, ADMIN",
					e.ID, e.RequestID, deref(e.ClientRequestID), e.UserAgent, deref(e.RevocationSource))
			}
		}
		for _, id := range ids {
			if !seen[id] {
				t.Errorf("no event for token %s", id)
			}
		}
	})
}

// TestSettingsChangesAreAudited checks SETTINGS_UPDATED with the old and
// new values, and that a change to the current values records nothing.
func TestSettingsChangesAreAudited(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("audit-settings")
		admin := env.Admin(t, org, "admin")
		admin.MustDo(testenv.UpdateSettingsMutation, map[string]any{"input": map[string]any{"maxLifespanDays": 30}})
		admin.MustDo(testenv.UpdateSettingsMutation, map[string]any{"input": map[string]any{"enabled": false, "maxLifespanDays": 30}})
		// Same values: no change, no event.
		admin.MustDo(testenv.UpdateSettingsMutation, map[string]any{"input": map[string]any{"enabled": false}})
		events := allEvents(t, admin, nil)
		if len(events) != 2 {
			t.Fatalf("events: got %d, want 2: %+v", len(events), events)
		}
		// Newest first.
		type change struct {
			prevEnabled, enabled bool
			prevDays, days       int
		}
		want := []change{{true, false, 30, 30}, {true, true, 90, 30}}
		for i, e := range events {
			c := e.SettingsChange
			if e.Action != "SETTINGS_UPDATED" || e.Actor.ID != "admin" || e.Token != nil || e.RevocationSource != nil || c == nil {
				t.Fatalf("event %d: got %+v, want SETTINGS_UPDATED by admin with a settings change only", i, e)
			}
			got := change{c.PreviousEnabled, c.Enabled, c.PreviousMaxLifespanDays, c.MaxLifespanDays}
			if got != want[i] {
				t.Errorf("event %d: got %+v, want %+v", i, got, want[i])
			}
		}
	})
}
