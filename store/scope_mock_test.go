package store

import (
	"context"
	"strings"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"

	"github.com/patgov/pats/model"
)

// TestOrgScopingEveryStatement runs each store method against the exact
// statements it must send and checks that every one of them names the
// caller's organization and binds its ID (Provision, which runs before
// the organization ID is known, binds the external ID).
func TestOrgScopingEveryStatement(t *testing.T) {
	ctx := context.Background()
	now := model.TimeFromMillis(testNow)
	owner := testOwnerID
	memberScope := Scope{OrgID: testOrgID, OwnerID: &owner}
	adminScope := Scope{OrgID: testOrgID}
	digest := []byte("0123456789abcdef0123456789abcdef")
	subjects := []string{"alice", "bob"}
	noop := func([]*model.PersonalAccessToken) error { return nil }
	const lifespan = int64(90 * 24 * 3600 * 1000)

	tests := []struct {
		name  string
		steps []step
		call  func(s *Store) error
	}{
		{
			name: "ListTokens admin",
			steps: []step{{kind: "query",
				sql:   "SELECT t.* FROM personal_access_tokens AS t WHERE t.organization_id = ? ORDER BY t.created_at DESC, t.id DESC LIMIT ?",
				args:  argsOf(testOrgID, 51),
				rows:  tokenRows(nil, "A"),
				scope: "t.organization_id = ?", scopeArg: testOrgID}},
			call: func(s *Store) error {
				toks, err := s.ListTokens(ctx, ListQuery{Scope: adminScope, Order: OrderCreatedAt, Desc: true, Limit: 51})
				if err == nil && (len(toks) != 1 || toks[0].ID != "A" || toks[0].OrganizationID != testOrgID) {
					t.Errorf("ListTokens: got %+v, want token A of org %d", toks, testOrgID)
				}
				return err
			},
		},
		{
			name: "ListTokens member with every filter",
			steps: []step{{kind: "query",
				sql: "SELECT t.* FROM personal_access_tokens AS t JOIN users u ON u.id = t.owner_id " +
					"WHERE t.organization_id = ? AND t.owner_id = ? " +
					"AND (t.revoked_at IS NULL AND t.expires_at > ? AND t.created_at > ?) " +
					"AND (t.owner_id IN (SELECT o.id FROM users o WHERE o.organization_id = ? AND o.subject IN (?,?))) " +
					"AND ((INSTR(t.name_key, ?) > 0 OR INSTR(u.name_key, ?) > 0 OR INSTR(u.email_key, ?) > 0)) " +
					"AND INSTR(t.scopes, ?) > 0 " +
					"AND ((t.expires_at < ? OR t.created_at < ?)) " +
					"AND (t.expires_at > ? AND t.created_at > ?) " +
					"AND t.last_used_at < ? " +
					"AND t.last_used_at IS NOT NULL " +
					"ORDER BY t.name_key ASC, t.id ASC LIMIT ?",
				args: argsOf(testOrgID, testOwnerID, testNow, testNow-lifespan, testOrgID, "alice", "bob",
					"ci_bot%", "ci_bot%", "ci_bot%", " OR.Jobs ",
					int64(2000), 2000-lifespan, int64(1000), 1000-lifespan, int64(1500), 21),
				rows:  tokenRows(nil),
				scope: "t.organization_id = ?", scopeArg: testOrgID}},
			call: func(s *Store) error {
				before, after, used, never := int64(2000), int64(1000), int64(1500), false
				_, err := s.ListTokens(ctx, ListQuery{
					Scope: memberScope, Now: testNow, LifespanMillis: lifespan,
					Statuses: []model.TokenStatus{model.TokenStatusActive}, OwnerSubjects: &subjects,
					Search: "CI_Bot%", Scopes: []string{"OR.Jobs"}, ExpiresBefore: &before, ExpiresAfter: &after,
					LastUsedBefore: &used, NeverUsed: &never, Order: OrderName, Limit: 21,
				})
				return err
			},
		},
		{
			name: "CountTokens admin",
			steps: []step{{kind: "query",
				sql:   "SELECT count(*) FROM personal_access_tokens AS t WHERE t.organization_id = ?",
				args:  argsOf(testOrgID),
				rows:  sqlmock.NewRows([]string{"count(*)"}).AddRow(12),
				scope: "t.organization_id = ?", scopeArg: testOrgID}},
			call: func(s *Store) error {
				n, err := s.CountTokens(ctx, ListQuery{Scope: adminScope, Order: OrderCreatedAt, Limit: 5})
				if err == nil && n != 12 {
					t.Errorf("CountTokens: got %d, want 12", n)
				}
				return err
			},
		},
		{
			name: "CountTokens member",
			steps: []step{{kind: "query",
				sql:   "SELECT count(*) FROM personal_access_tokens AS t WHERE t.organization_id = ? AND t.owner_id = ?",
				args:  argsOf(testOrgID, testOwnerID),
				rows:  sqlmock.NewRows([]string{"count(*)"}).AddRow(3),
				scope: "t.organization_id = ?", scopeArg: testOrgID}},
			call: func(s *Store) error {
				n, err := s.CountTokens(ctx, ListQuery{Scope: memberScope})
				if err == nil && n != 3 {
					t.Errorf("CountTokens: got %d, want 3", n)
				}
				return err
			},
		},
		{
			name: "CountTokens ignores the cursor",
			steps: []step{{kind: "query",
				sql:   "SELECT count(*) FROM personal_access_tokens AS t WHERE t.organization_id = ? AND (t.owner_id IN (SELECT o.id FROM users o WHERE o.organization_id = ? AND o.subject IN (?,?)))",
				args:  argsOf(testOrgID, testOrgID, "alice", "bob"),
				rows:  sqlmock.NewRows([]string{"count(*)"}).AddRow(0),
				scope: "t.organization_id = ?", scopeArg: testOrgID}},
			call: func(s *Store) error {
				_, err := s.CountTokens(ctx, ListQuery{Scope: adminScope, OwnerSubjects: &subjects,
					Order: OrderCreatedAt, After: afterKey(5, false, "", "X"), Limit: 5})
				return err
			},
		},
		{
			name: "UsersByIDs",
			steps: []step{{kind: "query",
				sql:   "SELECT * FROM `users` WHERE organization_id = ? AND id IN (?,?,?)",
				args:  argsOf(testOrgID, 1, 2, 3),
				rows:  userRows(1),
				scope: "organization_id = ?", scopeArg: testOrgID}},
			call: func(s *Store) error {
				users, err := s.UsersByIDs(ctx, testOrgID, []int64{1, 2, 3})
				if err == nil && (len(users) != 1 || users[0].ID != 1 || users[0].OrganizationID != testOrgID) {
					t.Errorf("UsersByIDs: got %+v, want user 1 of org %d", users, testOrgID)
				}
				return err
			},
		},
		{
			name: "RevokeTokens admin",
			steps: []step{
				begin(),
				{kind: "query", sql: "SELECT * FROM `personal_access_tokens` WHERE organization_id = ? AND id IN (?,?) FOR UPDATE",
					args: argsOf(testOrgID, "A", "B"), rows: tokenRows(nil, "A", "B"),
					scope: "organization_id = ?", scopeArg: testOrgID},
				{kind: "exec", sql: "UPDATE `personal_access_tokens` SET `revoked_at`=?,`revoked_by_id`=? WHERE organization_id = ? AND (id IN (?,?) AND revoked_at IS NULL)",
					args: argsOf(testNow, testOwnerID, testOrgID, "A", "B"), result: sqlmock.NewResult(0, 2),
					scope: "organization_id = ?", scopeArg: testOrgID},
				commit(),
			},
			call: func(s *Store) error {
				_, _, err := s.RevokeTokens(ctx, adminScope, []string{"A", "B"}, testOwnerID, now, noop)
				return err
			},
		},
		{
			name: "RevokeTokens member",
			steps: []step{
				begin(),
				{kind: "query", sql: "SELECT * FROM `personal_access_tokens` WHERE organization_id = ? AND owner_id = ? AND id IN (?,?) FOR UPDATE",
					args: argsOf(testOrgID, testOwnerID, "A", "B"), rows: tokenRows(nil, "A", "B"),
					scope: "organization_id = ? AND owner_id = ?", scopeArg: testOrgID},
				{kind: "exec", sql: "UPDATE `personal_access_tokens` SET `revoked_at`=?,`revoked_by_id`=? WHERE organization_id = ? AND owner_id = ? AND (id IN (?,?) AND revoked_at IS NULL)",
					args: argsOf(testNow, testOwnerID, testOrgID, testOwnerID, "A", "B"), result: sqlmock.NewResult(0, 2),
					scope: "organization_id = ? AND owner_id = ?", scopeArg: testOrgID},
				commit(),
			},
			call: func(s *Store) error {
				_, _, err := s.RevokeTokens(ctx, memberScope, []string{"A", "B"}, testOwnerID, now, noop)
				return err
			},
		},
		{
			name: "RevokeByDigest",
			steps: []step{
				begin(),
				{kind: "query", sql: "SELECT * FROM `personal_access_tokens` WHERE organization_id = ? AND token_digest = ? LIMIT ? FOR UPDATE",
					args: argsOf(testOrgID, digest, 1), rows: tokenRows(nil, "A"),
					scope: "organization_id = ?", scopeArg: testOrgID},
				{kind: "exec", sql: "UPDATE `personal_access_tokens` SET `revoked_at`=?,`revoked_by_id`=? WHERE organization_id = ? AND id = ? AND revoked_at IS NULL",
					args: argsOf(testNow, testOwnerID, testOrgID, "A"), result: sqlmock.NewResult(0, 1),
					scope: "organization_id = ?", scopeArg: testOrgID},
				commit(),
			},
			call: func(s *Store) error {
				_, _, err := s.RevokeByDigest(ctx, testOrgID, digest, testOwnerID, now)
				return err
			},
		},
		{
			name: "UpdateSettings",
			steps: []step{
				begin(),
				{kind: "query", sql: "SELECT * FROM `organizations` WHERE id = ? LIMIT ? FOR UPDATE",
					args: argsOf(testOrgID, 1), rows: orgRows(), scope: "`organizations` WHERE id = ?", scopeArg: testOrgID},
				{kind: "exec", sql: "UPDATE `organizations` SET `max_lifespan_days`=?,`pat_enabled`=?,`settings_updated_at`=?,`settings_updated_by_id`=? WHERE id = ?",
					args: argsOf(30, false, testNow, testOwnerID, testOrgID), result: sqlmock.NewResult(0, 1),
					scope: "WHERE id = ?", scopeArg: testOrgID},
				commit(),
			},
			call: func(s *Store) error {
				_, err := s.UpdateSettings(ctx, testOrgID, func(org *model.Organization) (bool, error) {
					at, by := now, testOwnerID
					org.PatEnabled, org.MaxLifespanDays, org.SettingsUpdatedAt, org.SettingsUpdatedByID = false, 30, &at, &by
					return true, nil
				})
				return err
			},
		},
		{
			name: "CreateToken",
			steps: append(createTokenReadSteps(),
				step{kind: "exec", sql: createTokenInsertSQL, args: createTokenInsertArgs(), result: sqlmock.NewResult(0, 1),
					scope: "`organization_id`", scopeArg: testOrgID},
				commit()),
			call: func(s *Store) error {
				_, _, err := s.CreateToken(ctx, testOrgID, testOwnerID, now, buildTestToken)
				return err
			},
		},
		{
			name: "Provision steady state",
			steps: []step{{kind: "query", sql: provisionSelectSQL, args: argsOf("ext-org", "sub"),
				rows:  provisionRows("a@example.com", "A", model.AccountTypeLocal),
				scope: "o.external_id = ?", scopeArg: "ext-org"}},
			call: func(s *Store) error {
				_, _, _, err := s.Provision(ctx, Identity{OrgExternalID: "ext-org", Subject: "sub", Email: "a@example.com",
					Name: "A", AccountType: model.AccountTypeLocal}, OrgDefaults{Enabled: true, MaxLifespanDays: 90}, now)
				return err
			},
		},
		{
			name: "Provision refreshes changed claims",
			steps: []step{
				{kind: "query", sql: provisionSelectSQL, args: argsOf("ext-org", "sub"),
					rows:  provisionRows("old@example.com", "Old", model.AccountTypeLocal),
					scope: "o.external_id = ?", scopeArg: "ext-org"},
				begin(),
				{kind: "exec", sql: "UPDATE `users` SET `account_type`=?,`email`=?,`email_key`=?,`name`=?,`name_key`=?,`updated_at`=? WHERE id = ? AND organization_id = ?",
					args:   argsOf("directory", "New@Example.com", "new@example.com", "New", "new", testNow, testOwnerID, testOrgID),
					result: sqlmock.NewResult(0, 1),
					scope:  "organization_id = ?", scopeArg: testOrgID},
				commit(),
			},
			call: func(s *Store) error {
				_, u, _, err := s.Provision(ctx, Identity{OrgExternalID: "ext-org", Subject: "sub", Email: "New@Example.com",
					Name: "New", AccountType: model.AccountTypeDirectory}, OrgDefaults{Enabled: true, MaxLifespanDays: 90}, now)
				if err == nil && (u.Email != "New@Example.com" || u.EmailKey != "new@example.com" || u.AccountType != model.AccountTypeDirectory) {
					t.Errorf("Provision user: got %+v, want the refreshed claims", u)
				}
				return err
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, st := range tt.steps {
				if st.kind != "query" && st.kind != "exec" {
					continue
				}
				if st.scope == "" {
					t.Fatalf("step %d (%s) declares no organization condition", i, st.sql)
				}
				if !strings.Contains(st.sql, st.scope) {
					t.Errorf("step %d: got SQL %q, want it to contain %q", i, st.sql, st.scope)
				}
				if !containsArg(st.args, st.scopeArg) {
					t.Errorf("step %d: got args %v, want %v among them", i, st.args, st.scopeArg)
				}
			}
			s, mock := newMockStore(t)
			expectSteps(mock, tt.steps)
			if err := tt.call(s); err != nil {
				t.Fatalf("call: got %v, want nil", err)
			}
			assertMet(t, mock)
		})
	}
}

// TestProvisionFirstSight covers the creation path: the organization and
// the user are inserted (conflicts ignored) in one transaction, the user
// row carries the organization read back by its external ID, and the
// joined row is read again.
func TestProvisionFirstSight(t *testing.T) {
	s, mock := newMockStore(t)
	now := model.TimeFromMillis(testNow)
	expectSteps(mock, []step{
		{kind: "query", sql: provisionSelectSQL, args: argsOf("ext-org", "sub"), rows: sqlmock.NewRows(userColumns)},
		begin(),
		{kind: "exec", sql: "INSERT INTO `organizations` (`external_id`,`pat_enabled`,`max_lifespan_days`,`settings_updated_at`,`settings_updated_by_id`,`created_at`) VALUES (?,?,?,?,?,?) ON DUPLICATE KEY UPDATE `id`=`id`",
			args: argsOf("ext-org", true, 60, nil, nil, testNow), result: sqlmock.NewResult(testOrgID, 1)},
		{kind: "query", sql: "SELECT `id` FROM `organizations` WHERE external_id = ? LIMIT ?",
			args: argsOf("ext-org", 1), rows: sqlmock.NewRows([]string{"id"}).AddRow(testOrgID)},
		{kind: "exec", sql: "INSERT INTO `users` (`organization_id`,`subject`,`email`,`name`,`account_type`,`name_key`,`email_key`,`created_at`,`updated_at`) VALUES (?,?,?,?,?,?,?,?,?) ON DUPLICATE KEY UPDATE `id`=`id`",
			args:   argsOf(testOrgID, "sub", "A@Example.com", "Ann", "local", "ann", "a@example.com", testNow, testNow),
			result: sqlmock.NewResult(testOwnerID, 1)},
		commit(),
		{kind: "query", sql: provisionSelectSQL, args: argsOf("ext-org", "sub"),
			rows: provisionRows("A@Example.com", "Ann", model.AccountTypeLocal)},
	})
	org, user, _, err := s.Provision(context.Background(), Identity{OrgExternalID: "ext-org", Subject: "sub",
		Email: "A@Example.com", Name: "Ann", AccountType: model.AccountTypeLocal},
		OrgDefaults{Enabled: true, MaxLifespanDays: 60}, now)
	if err != nil {
		t.Fatalf("Provision: got %v, want nil", err)
	}
	if org.ID != testOrgID || org.ExternalID != "ext-org" || org.MaxLifespanDays != 90 || org.CreatedAt.Millis() != testNow-9000 {
		t.Errorf("Provision org: got %+v, want the row read back (id %d, ext-org, 90 days)", org, testOrgID)
	}
	if user.ID != testOwnerID || user.OrganizationID != testOrgID || user.Subject != "sub" {
		t.Errorf("Provision user: got %+v, want user %d of org %d", user, testOwnerID, testOrgID)
	}
	assertMet(t, mock)
}
