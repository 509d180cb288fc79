package audit

import (
	"strings"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

// TestFailedChangesWriteNoEvent tries every refused change and finds no
// audit row afterwards.
func TestFailedChangesWriteNoEvent(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("audit-fail")
		admin := env.Admin(t, org, "admin")
		alice := env.Member(t, org, "alice")
		bob := env.Member(t, org, "bob")
		tok := create(t, alice, "alice's")
		start := env.AuditRows(t, org)

		attempts := []struct {
			name string
			c    *testenv.Client
			q    string
			vars map[string]any
			code string
		}{
			{"revoke an unknown ID with a real one", admin, revokeMutation, map[string]any{"ids": []string{tok.ID, "01UNKNOWN"}}, "NOT_FOUND"},
			{"revoke another member's token", bob, revokeMutation, map[string]any{"ids": []string{tok.ID}}, "NOT_FOUND"},
			{"revoke no IDs", admin, revokeMutation, map[string]any{"ids": []string{}}, "BAD_USER_INPUT"},
			{"revoke by value as a member", alice, revokeByValueMutation, map[string]any{"token": tok.Secret}, "FORBIDDEN"},
			{"revoke by an unknown value", admin, revokeByValueMutation, map[string]any{"token": "opat_unknown"}, "NOT_FOUND"},
			{"create with a bad name", alice, testenv.CreateMutation, map[string]any{"input": map[string]any{"name": " ", "scopes": []string{"OR.Jobs"}}}, "BAD_USER_INPUT"},
			{"create with an unknown scope", alice, testenv.CreateMutation, map[string]any{"input": map[string]any{"name": "x", "scopes": []string{"nope"}}}, "BAD_USER_INPUT"},
			{"create past the lifespan", alice, testenv.CreateMutation, map[string]any{"input": map[string]any{"name": "x", "scopes": []string{"OR.Jobs"}, "expiresAt": "2999-01-01T00:00:00Z"}}, "BAD_USER_INPUT"},
			{"settings as a member", alice, testenv.UpdateSettingsMutation, map[string]any{"input": map[string]any{"enabled": false}}, "FORBIDDEN"},
			{"settings out of range", admin, testenv.UpdateSettingsMutation, map[string]any{"input": map[string]any{"maxLifespanDays": 0}}, "BAD_USER_INPUT"},
			{"settings with nothing set", admin, testenv.UpdateSettingsMutation, map[string]any{"input": map[string]any{}}, "BAD_USER_INPUT"},
		}
		for _, a := range attempts {
			testenv.RequireError(t, a.c.Do(a.q, a.vars), a.code)
			if n := env.AuditRows(t, org); n != start {
				t.Fatalf("%s: audit rows got %d, want %d", a.name, n, start)
			}
		}

		// Refused because tokens are disabled, and because of the quota.
		admin.MustDo(testenv.UpdateSettingsMutation, map[string]any{"input": map[string]any{"enabled": false}})
		start = env.AuditRows(t, org)
		testenv.RequireError(t, alice.Do(testenv.CreateMutation, map[string]any{"input": map[string]any{"name": "x", "scopes": []string{"OR.Jobs"}}}), "PAT_DISABLED")
		admin.MustDo(testenv.UpdateSettingsMutation, map[string]any{"input": map[string]any{"enabled": true}})
		start += 1
		for range 50 { // the quota
			create(t, bob, "filler")
		}
		start += 50
		testenv.RequireError(t, bob.Do(testenv.CreateMutation, map[string]any{"input": map[string]any{"name": "one too many", "scopes": []string{"OR.Jobs"}}}), "QUOTA_EXCEEDED")
		testenv.RequireError(t, env.As(t, testenv.Identity{Org: org, Subject: "dir", AccountType: "directory"}).
			Do(testenv.CreateMutation, map[string]any{"input": map[string]any{"name": "x", "scopes": []string{"OR.Jobs"}}}), "LOCAL_ACCOUNT_REQUIRED")
		if n := env.AuditRows(t, org); n != start {
			t.Fatalf("after refused creations: audit rows got %d, want %d", n, start)
		}
	})
}

// TestNoChangeWithoutItsEvent makes every audit insert fail (a trigger
// added by the test) and checks that each change then fails as INTERNAL,
// revealing nothing, and leaves the database as it was; and that the
// service works again once the audit table accepts rows.
func TestNoChangeWithoutItsEvent(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("audit-atomic")
		admin := env.Admin(t, org, "admin")
		alice := env.Member(t, org, "alice")
		a := create(t, alice, "a")
		b := create(t, alice, "b")

		type state struct {
			Tokens, Revoked, Counter, Events int64
			Enabled                          bool
			Days                             int
		}
		read := func() state {
			var s state
			err := env.DB.Raw(`SELECT
  (SELECT COUNT(*) FROM personal_access_tokens t WHERE t.organization_id = o.id) AS tokens,
  (SELECT COUNT(*) FROM personal_access_tokens t WHERE t.organization_id = o.id AND t.revoked_at IS NOT NULL) AS revoked,
  o.unrevoked_token_count AS counter,
  (SELECT COUNT(*) FROM audit_events e WHERE e.organization_id = o.id) AS events,
  o.pat_enabled AS enabled, o.max_lifespan_days AS days
FROM organizations o WHERE o.external_id = ?`, org).Scan(&s).Error
			if err != nil {
				t.Fatalf("read state: %v", err)
			}
			return s
		}
		before := read()

		failInserts := map[string]string{
			"sqlite": `CREATE TRIGGER audit_test_fail BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END`,
			"mysql":  `CREATE TRIGGER audit_test_fail BEFORE INSERT ON audit_events FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit store unavailable'`,
		}[env.Dialect]
		if err := env.DB.Exec(failInserts).Error; err != nil {
			t.Fatalf("add failing trigger: %v", err)
		}
		changes := []struct {
			name string
			c    *testenv.Client
			q    string
			vars map[string]any
		}{
			{"create", alice, testenv.CreateMutation, map[string]any{"input": map[string]any{"name": "c", "scopes": []string{"OR.Jobs"}}}},
			{"revoke", admin, revokeMutation, map[string]any{"ids": []string{a.ID, b.ID}}},
			{"revoke own", alice, revokeMutation, map[string]any{"ids": []string{a.ID}}},
			{"revoke by value", admin, revokeByValueMutation, map[string]any{"token": b.Secret}},
			{"settings", admin, testenv.UpdateSettingsMutation, map[string]any{"input": map[string]any{"enabled": false, "maxLifespanDays": 10}}},
		}
		for _, ch := range changes {
			r := ch.c.Do(ch.q, ch.vars)
			testenv.RequireError(t, r, "INTERNAL")
			if strings.Contains(r.Raw, "audit") || strings.Contains(r.Raw, "INSERT") || strings.Contains(r.Raw, "trigger") {
				t.Errorf("%s: the error reveals internals: %s", ch.name, r.Raw)
			}
			if got := read(); got != before {
				t.Fatalf("%s: database got %+v, want unchanged %+v", ch.name, got, before)
			}
		}
		// The tokens still authenticate: no revocation half-happened.
		for _, tok := range []created{a, b} {
			if status, body := env.Introspect(t, testenv.IntrospectionSecret, tok.Secret); status != 200 || !strings.Contains(body, `"active":true`) {
				t.Errorf("introspect %s: got %d %s, want active", tok.ID, status, body)
			}
		}

		if err := env.DB.Exec("DROP TRIGGER audit_test_fail").Error; err != nil {
			t.Fatalf("drop failing trigger: %v", err)
		}
		admin.MustDo(revokeMutation, map[string]any{"ids": []string{a.ID, b.ID}})
		after := read()
		if after.Revoked != 2 || after.Counter != before.Counter-2 || after.Events != before.Events+2 {
			t.Errorf("after recovery: got %+v, want 2 revoked, counter %d, %d events", after, before.Counter-2, before.Events+2)
		}
	})
}

// TestAuditTableIsAppendOnly checks that the database itself refuses to
// change or delete an audit row, whoever asks.
func TestAuditTableIsAppendOnly(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("audit-append")
		create(t, env.Member(t, org, "alice"), "a")
		if n := env.AuditRows(t, org); n != 1 {
			t.Fatalf("audit rows: got %d, want 1", n)
		}
		for _, stmt := range []string{
			"UPDATE audit_events SET actor_id = actor_id",
			"UPDATE audit_events SET token_name = 'forged'",
			"DELETE FROM audit_events",
		} {
			err := env.DB.Exec(stmt).Error
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: got %v, want the append-only error", stmt, err)
			}
		}
		var name string
		if err := env.DB.Raw("SELECT e.token_name FROM audit_events e JOIN organizations o ON o.id = e.organization_id WHERE o.external_id = ?", org).Scan(&name).Error; err != nil || name != "a" {
			t.Errorf("audit row: got name %q (err %v), want it unchanged", name, err)
		}
		if n := env.AuditRows(t, org); n != 1 {
			t.Errorf("audit rows: got %d, want 1", n)
		}
	})
}
