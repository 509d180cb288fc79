package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"

	"github.com/patgov/pats/internal/entity"
)

// TestOrgScopingEveryStatement runs each store method against the exact
// statements it must send and checks that every one of them names the
// caller's organization and binds its ID (Provision and
// EnsureOrganization, which run before the organization ID is known, bind
// the external ID). Every aliased reference to the tokens table (the
// outer query and each index scan of a page) must carry its own condition.
// Every audit INSERT must write the caller's organization in each row, and
// every audited change must send exactly one. ChangesSince and RecordUses
// span all organizations by design (cache invalidation and batched
// last-use writes have no caller); they are pinned in
// introspect_mock_test.go.
func TestOrgScopingEveryStatement(t *testing.T) {
	ctx := context.Background()
	now := entity.TimeFromMillis(testNow)
	owner := testOwnerID
	memberReach := Reach{OrgID: testOrgID, OwnerID: &owner}
	adminReach := Reach{OrgID: testOrgID}
	subjects := []string{"alice", "bob"}
	const lifespan = int64(90 * 24 * 3600 * 1000)
	actions := []entity.AuditAction{entity.AuditTokenCreated, entity.AuditTokenRevoked}
	tokenIDs := []string{"01A"}
	ab := []string{"A", "B"}
	none := []string{}
	noActions := []entity.AuditAction{}
	since, until, after := testNow-86_400_000, testNow, testNow-1000

	tests := []struct {
		name  string
		steps []step
		call  func(s *Store) error
		// member: every statement on the tokens table must also bind the
		// caller's user ID to its owner_id condition.
		member bool
		// audited: the call is a change and sends one audit INSERT.
		audited bool
	}{
		{
			name: "ListTokens admin",
			steps: []step{query("SELECT t.* FROM personal_access_tokens AS t JOIN (SELECT k.id FROM personal_access_tokens AS k "+
				"WHERE k.organization_id = ? ORDER BY k.created_at DESC, k.id DESC LIMIT ?) page ON page.id = t.id "+
				"WHERE t.organization_id = ? ORDER BY t.created_at DESC, t.id DESC LIMIT ?", testOrgID, 51, testOrgID, 51).
				returning(tokenRows(nil, "A")).scopedBy("t.organization_id = ?", testOrgID, "k.organization_id = ?")},
			call: func(s *Store) error {
				toks, err := s.ListTokens(ctx, ListQuery{Reach: adminReach, Order: OrderCreatedAt, Desc: true, Limit: 51})
				if err == nil && (len(toks) != 1 || toks[0].ID != "A" || toks[0].OrganizationID != testOrgID) {
					t.Errorf("ListTokens: got %+v, want token A of org %d", toks, testOrgID)
				}
				return err
			},
		},
		{
			name: "ListTokens admin filtered, effective expiry while capping is possible",
			steps: []step{query("SELECT t.* FROM personal_access_tokens AS t JOIN ("+
				"SELECT id FROM (SELECT k.id FROM personal_access_tokens AS k WHERE k.organization_id = ? "+
				"AND (k.owner_id IN (SELECT o.id FROM users o WHERE o.organization_id = ? AND o.subject IN (?,?))) "+
				"AND k.expires_at <= k.created_at + 7776000000 "+
				"AND ((k.expires_at > ? OR (k.expires_at = ? AND k.id > ?))) ORDER BY k.expires_at ASC, k.id ASC LIMIT ?) a "+
				"UNION ALL SELECT id FROM (SELECT k.id FROM personal_access_tokens AS k WHERE k.organization_id = ? "+
				"AND (k.owner_id IN (SELECT o.id FROM users o WHERE o.organization_id = ? AND o.subject IN (?,?))) "+
				"AND k.expires_at > k.created_at + 7776000000 "+
				"AND ((k.created_at > ? OR (k.created_at = ? AND k.id > ?))) ORDER BY k.created_at ASC, k.id ASC LIMIT ?) b"+
				") page ON page.id = t.id WHERE t.organization_id = ? "+
				"ORDER BY (CASE WHEN t.expires_at < t.created_at + 7776000000 THEN t.expires_at ELSE t.created_at + 7776000000 END) ASC, t.id ASC LIMIT ?",
				testOrgID, testOrgID, "alice", "bob", testNow, testNow, "X", 11,
				testOrgID, testOrgID, "alice", "bob", testNow-lifespan, testNow-lifespan, "X", 11,
				testOrgID, 11).
				returning(tokenRows(nil, "A")).scopedBy("t.organization_id = ?", testOrgID, "k.organization_id = ?", "o.organization_id = ?")},
			call: func(s *Store) error {
				_, err := s.ListTokens(ctx, ListQuery{Reach: adminReach, Now: testNow, LifespanMillis: lifespan,
					OwnerSubjects: &subjects, Order: OrderExpiresAt, CapPossible: true,
					After: afterKey(testNow, false, "", "X"), Limit: 11})
				return err
			},
		},
		{
			name: "ListTokens admin last use ascending",
			steps: []step{query("SELECT t.* FROM personal_access_tokens AS t JOIN ("+
				"SELECT id FROM (SELECT k.id FROM personal_access_tokens AS k WHERE k.organization_id = ? AND k.last_used_at IS NOT NULL "+
				"AND ((k.last_used_at > ? OR (k.last_used_at = ? AND k.id > ?) OR k.last_used_at IS NULL)) ORDER BY k.last_used_at ASC, k.id ASC LIMIT ?) a "+
				"UNION ALL SELECT id FROM (SELECT k.id FROM personal_access_tokens AS k WHERE k.organization_id = ? AND k.last_used_at IS NULL "+
				"ORDER BY k.id ASC LIMIT ?) b"+
				") page ON page.id = t.id WHERE t.organization_id = ? "+
				"ORDER BY (t.last_used_at IS NULL) ASC, t.last_used_at ASC, t.id ASC LIMIT ?",
				testOrgID, 700, 700, "X", 11, testOrgID, 11, testOrgID, 11).
				returning(tokenRows(nil, "A")).scopedBy("t.organization_id = ?", testOrgID, "k.organization_id = ?")},
			call: func(s *Store) error {
				_, err := s.ListTokens(ctx, ListQuery{Reach: adminReach, Order: OrderLastUsedAt,
					After: afterKey(700, false, "", "X"), Limit: 11})
				return err
			},
		},
		{
			name: "ListTokens admin search reads rows",
			steps: []step{query("SELECT t.* FROM personal_access_tokens AS t JOIN users u ON u.id = t.owner_id "+
				"WHERE t.organization_id = ? AND ((INSTR(t.name_key, ?) > 0 OR INSTR(u.name_key, ?) > 0 OR INSTR(u.email_key, ?) > 0)) "+
				"ORDER BY t.created_at DESC, t.id DESC LIMIT ?", testOrgID, "deploy", "deploy", "deploy", 11).
				returning(tokenRows(nil, "A")).scopedBy("t.organization_id = ?", testOrgID)},
			call: func(s *Store) error {
				_, err := s.ListTokens(ctx, ListQuery{Reach: adminReach, Search: "Deploy", Order: OrderCreatedAt, Desc: true, Limit: 11})
				return err
			},
		},
		{
			name:   "ListTokens member with every filter",
			member: true,
			steps: []step{query("SELECT t.* FROM personal_access_tokens AS t JOIN users u ON u.id = t.owner_id "+
				"WHERE t.organization_id = ? AND t.owner_id = ? "+
				"AND (t.revoked_at IS NULL AND t.expires_at > ? AND t.created_at > ?) "+
				"AND (t.owner_id IN (SELECT o.id FROM users o WHERE o.organization_id = ? AND o.subject IN (?,?))) "+
				"AND ((INSTR(t.name_key, ?) > 0 OR INSTR(u.name_key, ?) > 0 OR INSTR(u.email_key, ?) > 0)) "+
				"AND INSTR(t.scopes, ?) > 0 "+
				"AND ((t.expires_at < ? OR t.created_at < ?)) "+
				"AND (t.expires_at > ? AND t.created_at > ?) "+
				"AND t.last_used_at < ? "+
				"AND t.last_used_at IS NOT NULL "+
				"ORDER BY t.name_key ASC, t.id ASC LIMIT ?",
				testOrgID, testOwnerID, testNow, testNow-lifespan, testOrgID, "alice", "bob",
				"ci_bot%", "ci_bot%", "ci_bot%", " OR.Jobs ",
				int64(2000), 2000-lifespan, int64(1000), 1000-lifespan, int64(1500), 21).
				returning(tokenRows(nil)).scopedBy("t.organization_id = ?", testOrgID)},
			call: func(s *Store) error {
				before, after, used, never := int64(2000), int64(1000), int64(1500), false
				_, err := s.ListTokens(ctx, ListQuery{
					Reach: memberReach, Now: testNow, LifespanMillis: lifespan,
					Statuses: []entity.TokenStatus{entity.TokenStatusActive}, OwnerSubjects: &subjects,
					Search: "CI_Bot%", Scopes: []string{"OR.Jobs"}, ExpiresBefore: &before, ExpiresAfter: &after,
					LastUsedBefore: &used, NeverUsed: &never, Order: OrderName, Limit: 21,
				})
				return err
			},
		},
		{
			name: "CountTokens admin",
			steps: []step{query("SELECT count(*) FROM personal_access_tokens AS t WHERE t.organization_id = ?", testOrgID).
				returning(countRows(12)).scopedBy("t.organization_id = ?", testOrgID)},
			call: func(s *Store) error {
				n, err := s.CountTokens(ctx, ListQuery{Reach: adminReach, Order: OrderCreatedAt, Limit: 5})
				if err == nil && n != 12 {
					t.Errorf("CountTokens: got %d, want 12", n)
				}
				return err
			},
		},
		{
			name:   "CountTokens member",
			member: true,
			steps: []step{query("SELECT count(*) FROM personal_access_tokens AS t WHERE t.organization_id = ? AND t.owner_id = ?", testOrgID, testOwnerID).
				returning(countRows(3)).scopedBy("t.organization_id = ?", testOrgID)},
			call: func(s *Store) error {
				n, err := s.CountTokens(ctx, ListQuery{Reach: memberReach})
				if err == nil && n != 3 {
					t.Errorf("CountTokens: got %d, want 3", n)
				}
				return err
			},
		},
		{
			name: "CountTokens ignores the cursor",
			steps: []step{query("SELECT count(*) FROM personal_access_tokens AS t WHERE t.organization_id = ? AND (t.owner_id IN (SELECT o.id FROM users o WHERE o.organization_id = ? AND o.subject IN (?,?)))",
				testOrgID, testOrgID, "alice", "bob").returning(countRows(0)).scopedBy("t.organization_id = ?", testOrgID)},
			call: func(s *Store) error {
				_, err := s.CountTokens(ctx, ListQuery{Reach: adminReach, OwnerSubjects: &subjects,
					Order: OrderCreatedAt, After: afterKey(5, false, "", "X"), Limit: 5})
				return err
			},
		},
		{
			name: "UsersByIDs",
			steps: []step{query("SELECT * FROM `users` WHERE organization_id = ? AND id IN (?,?,?)", testOrgID, 1, 2, 3).
				returning(userRows(1)).scopedBy("organization_id = ?", testOrgID)},
			call: func(s *Store) error {
				users, err := s.UsersByIDs(ctx, testOrgID, []int64{1, 2, 3})
				if err == nil && (len(users) != 1 || users[0].ID != 1 || users[0].OrganizationID != testOrgID) {
					t.Errorf("UsersByIDs: got %+v, want user 1 of org %d", users, testOrgID)
				}
				return err
			},
		},
		{
			name: "ListUsers",
			steps: []step{query("SELECT * FROM `users` WHERE organization_id = ? AND account_type <> ? ORDER BY name_key, subject LIMIT ?", testOrgID, "system", 51).
				returning(userRows(1)).scopedBy("organization_id = ?", testOrgID)},
			call: func(s *Store) error {
				_, err := s.ListUsers(ctx, UserQuery{OrgID: testOrgID, Limit: 51})
				return err
			},
		},
		{
			name: "ListUsers search after",
			steps: []step{query("SELECT * FROM `users` WHERE organization_id = ? AND account_type <> ? AND ((INSTR(name_key, ?) > 0 OR INSTR(email_key, ?) > 0))"+
				" AND ((name_key > ? OR (name_key = ? AND subject > ?))) ORDER BY name_key, subject LIMIT ?",
				testOrgID, "system", "al%", "al%", "bob", "bob", "u-7", 3).returning(userRows(1)).scopedBy("organization_id = ?", testOrgID)},
			call: func(s *Store) error {
				after := "bob"
				_, err := s.ListUsers(ctx, UserQuery{OrgID: testOrgID, Search: "AL%", AfterName: &after, AfterSubject: "u-7", Limit: 3})
				return err
			},
		},
		{
			name:    "RevokeTokens admin",
			audited: true,
			steps:   revokeSteps(nil, ab, ab, 2, revokedEvents(ab...)),
			call: func(s *Store) error {
				_, _, err := s.RevokeTokens(ctx, adminReach, []string{"A", "B"}, testOwnerID, now, planEvents(revokedEvents("A", "B")))
				return err
			},
		},
		{
			name:    "RevokeTokens member",
			member:  true,
			audited: true,
			steps:   revokeSteps(&owner, ab, ab, 2, revokedEvents(ab...)),
			call: func(s *Store) error {
				_, _, err := s.RevokeTokens(ctx, memberReach, []string{"A", "B"}, testOwnerID, now, planEvents(revokedEvents("A", "B")))
				return err
			},
		},
		{
			name:    "RevokeByDigest",
			audited: true,
			steps: []step{begin(), revokeOrgLock(), digestLock(tokenRows(nil, "A")), digestRevoke(1), auditInsertStep(byValueEvent("A")),
				counterStep(-1), logStep(), commit()},
			call: func(s *Store) error {
				_, _, err := s.RevokeByDigest(ctx, testOrgID, testDigest, testOwnerID, now, byValueAudit)
				return err
			},
		},
		{
			name:    "UpdateSettings",
			audited: true,
			steps: []step{begin(), orgLock(orgRows()), updateSettingsStep(30, 365, false),
				auditInsertStep(settingsChangedEvent(settingsAuditID, true, false, 90, 30)), commit()},
			call: func(s *Store) error {
				_, err := s.UpdateSettings(ctx, testOrgID, func(org *entity.Organization) (*entity.AuditEvent, error) {
					at, by := now, testOwnerID
					org.PatEnabled, org.MaxLifespanDays, org.SettingsUpdatedAt, org.SettingsUpdatedByID = false, 30, &at, &by
					return settingsChangedEvent(settingsAuditID, true, false, 90, 30), nil
				})
				return err
			},
		},
		{
			name:    "CreateToken",
			audited: true,
			steps:   createTokenSteps(),
			call: func(s *Store) error {
				_, _, err := s.CreateToken(ctx, testOrgID, testOwnerID, now, buildTestToken)
				return err
			},
		},
		{
			name:  "ListAuditEvents without filter",
			steps: []step{query(auditListSQL(""), testOrgID, 51).returning(auditListRows()).scopedBy("e.organization_id = ?", testOrgID)},
			call: func(s *Store) error {
				events, err := s.ListAuditEvents(ctx, AuditQuery{OrgID: testOrgID, Limit: 51})
				if err == nil && (len(events) != 2 || events[0].OrganizationID != testOrgID || events[1].OrganizationID != testOrgID) {
					t.Errorf("ListAuditEvents: got %+v, want the 2 events of org %d", events, testOrgID)
				}
				return err
			},
		},
		{
			name: "ListAuditEvents with every filter after a cursor",
			steps: []step{query(auditListSQL(" AND e.action IN (?,?)"+
				" AND (e.actor_id IN (SELECT a.id FROM users a WHERE a.organization_id = ? AND a.subject IN (?,?)))"+
				" AND e.token_id IN (?) AND e.occurred_at >= ? AND e.occurred_at < ?"+auditCursorCond),
				testOrgID, "TOKEN_CREATED", "TOKEN_REVOKED", testOrgID, "alice", "bob", "01A", since, until, after, after, "01E", 11).
				returning(sqlmock.NewRows(auditColumns)).scopedBy("e.organization_id = ?", testOrgID, "a.organization_id = ?")},
			call: func(s *Store) error {
				_, err := s.ListAuditEvents(ctx, AuditQuery{OrgID: testOrgID, Actions: &actions, ActorSubjects: &subjects,
					TokenIDs: &tokenIDs, Since: &since, Until: &until, AfterTime: &after, AfterID: "01E", Limit: 11})
				return err
			},
		},
		{
			name: "ListAuditEvents cursor only",
			steps: []step{query(auditListSQL(auditCursorCond), testOrgID, after, after, "01E", 11).
				returning(sqlmock.NewRows(auditColumns)).scopedBy("e.organization_id = ?", testOrgID)},
			call: func(s *Store) error {
				_, err := s.ListAuditEvents(ctx, AuditQuery{OrgID: testOrgID, AfterTime: &after, AfterID: "01E", Limit: 11})
				return err
			},
		},
		{
			name: "ListAuditEvents empty lists match nothing",
			steps: []step{query(auditListSQL(" AND 1 = 0 AND 1 = 0 AND 1 = 0"), testOrgID, 11).
				returning(sqlmock.NewRows(auditColumns)).scopedBy("e.organization_id = ?", testOrgID)},
			call: func(s *Store) error {
				_, err := s.ListAuditEvents(ctx, AuditQuery{OrgID: testOrgID, Actions: &noActions, ActorSubjects: &none,
					TokenIDs: &none, Limit: 11})
				return err
			},
		},
		{
			name: "Provision steady state",
			steps: []step{prepare(provisionSelectSQL), query(provisionSelectSQL, "ext-org", "sub").
				returning(provisionRows("a@example.com", "A", entity.AccountTypeLocal)).scopedBy("o.external_id = ?", "ext-org")},
			call: func(s *Store) error {
				org, _, refreshed, err := s.Provision(ctx, Identity{OrgExternalID: "ext-org", Subject: "sub", Email: "a@example.com",
					Name: "A", AccountType: entity.AccountTypeLocal}, OrgDefaults{Enabled: true, MaxLifespanDays: 90}, now)
				if err == nil && (refreshed || org.UnrevokedTokenCount != 12 || org.MaxLifespanDaysEver != 120) {
					t.Errorf("Provision: got refreshed %v, org %+v, want false and 12 unrevoked tokens, 120 days ever", refreshed, org)
				}
				return err
			},
		},
		{
			name: "Provision refreshes changed claims",
			steps: []step{
				prepare(provisionSelectSQL),
				query(provisionSelectSQL, "ext-org", "sub").
					returning(provisionRows("old@example.com", "Old", entity.AccountTypeLocal)).scopedBy("o.external_id = ?", "ext-org"),
				begin(),
				exec("UPDATE `users` SET `account_type`=?,`email`=?,`email_key`=?,`name`=?,`name_key`=?,`updated_at`=? WHERE id = ? AND organization_id = ?",
					"directory", "New@Example.com", "new@example.com", "New", "new", testNow, testOwnerID, testOrgID).
					affecting(1).scopedBy("organization_id = ?", testOrgID),
				implicitCommit(),
			},
			call: func(s *Store) error {
				_, u, refreshed, err := s.Provision(ctx, Identity{OrgExternalID: "ext-org", Subject: "sub", Email: "New@Example.com",
					Name: "New", AccountType: entity.AccountTypeDirectory}, OrgDefaults{Enabled: true, MaxLifespanDays: 90}, now)
				if err == nil && (!refreshed || u.Email != "New@Example.com" || u.EmailKey != "new@example.com" || u.AccountType != entity.AccountTypeDirectory) {
					t.Errorf("Provision user: got refreshed %v, %+v, want true and the refreshed claims", refreshed, u)
				}
				return err
			},
		},
		{
			name:  "RecountTokens",
			steps: []step{exec(recountSQL, testOrgID, testOrgID).affecting(1).scopedBy("t.organization_id = ?", testOrgID, "WHERE id = ?")},
			call:  func(s *Store) error { return s.RecountTokens(ctx, testOrgID) },
		},
		{
			name: "EnsureOrganization",
			steps: []step{
				begin(),
				insertOrg().scopedBy("`external_id`", "ext-org"),
				implicitCommit(),
				query("SELECT * FROM `organizations` WHERE external_id = ? LIMIT ?", "ext-org", 1).
					returning(orgRows()).scopedBy("external_id = ?", "ext-org"),
			},
			call: func(s *Store) error {
				org, err := s.EnsureOrganization(ctx, "ext-org", OrgDefaults{Enabled: true, MaxLifespanDays: 60}, now)
				if err == nil && org.ID != testOrgID {
					t.Errorf("EnsureOrganization: got org %d, want %d", org.ID, testOrgID)
				}
				return err
			},
		},
		{
			name: "InsertUsers",
			steps: []step{
				begin(),
				exec(insertUsersSQL(2), testOrgID, "s1", "", "", "local", "", "", testNow, testNow,
					testOrgID, "s2", "", "", "local", "", "", testNow, testNow).
					inserting(100, 2).scopedBy("`organization_id`", testOrgID),
				implicitCommit(),
				query("SELECT `id`,`subject` FROM `users` WHERE organization_id = ? AND subject IN (?,?)", testOrgID, "s1", "s2").
					returning(sqlmock.NewRows([]string{"id", "subject"}).AddRow(5, "s2").AddRow(4, "s1")).
					scopedBy("organization_id = ?", testOrgID),
				begin(),
				exec(insertUsersSQL(1), testOrgID, "s3", "", "", "local", "", "", testNow, testNow).
					inserting(6, 1).scopedBy("`organization_id`", testOrgID),
				implicitCommit(),
				query("SELECT `id`,`subject` FROM `users` WHERE organization_id = ? AND subject IN (?)", testOrgID, "s3").
					returning(sqlmock.NewRows([]string{"id", "subject"}).AddRow(6, "s3")).scopedBy("organization_id = ?", testOrgID),
			},
			call: func(s *Store) error {
				users := make([]*entity.User, 3)
				for i := range users {
					users[i] = &entity.User{OrganizationID: testOrgID, Subject: fmt.Sprintf("s%d", i+1),
						AccountType: entity.AccountTypeLocal, CreatedAt: now, UpdatedAt: now}
				}
				err := s.InsertUsers(ctx, testOrgID, users, 2)
				for i, want := range []int64{4, 5, 6} {
					if err == nil && users[i].ID != want {
						t.Errorf("InsertUsers: got ID %d for %s, want %d", users[i].ID, users[i].Subject, want)
					}
				}
				return err
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			audits := 0
			for i, st := range flatten(tt.steps) {
				if st.kind != "query" && st.kind != "exec" {
					continue
				}
				if st.scope == "" {
					t.Fatalf("step %d (%s) declares no organization condition", i, st.sql)
				}
				if strings.HasPrefix(st.sql, "INSERT INTO `audit_events` ") {
					// Whatever the step declares: every row names the caller's organization.
					audits++
					checkInsertColumn(t, st.sql, st.args, "`organization_id`", testOrgID)
				}
				for _, cond := range append([]string{st.scope}, st.moreScopes...) {
					if strings.HasPrefix(cond, "`") {
						checkInsertColumn(t, st.sql, st.args, cond, st.scopeArg)
					} else {
						checkBound(t, st.sql, st.args, cond, st.scopeArg, 1)
					}
				}
				checkTokenRefsScoped(t, st.sql, st.args, testOrgID)
				if tt.member && strings.Contains(st.sql, "personal_access_tokens") {
					checkBound(t, st.sql, st.args, "owner_id = ?", testOwnerID, 1)
				}
			}
			if want := map[bool]int{true: 1, false: 0}[tt.audited]; audits != want {
				t.Errorf("audit INSERTs: got %d, want %d", audits, want)
			}
			if err := tt.call(mockStore(t, tt.steps...)); err != nil {
				t.Fatalf("call: got %v, want nil", err)
			}
		})
	}
}

// insertOrg inserts organization ext-org with a 60-day default lifespan,
// ignoring a conflict on its external ID; a new organization's highest
// lifespan ever is its default.
func insertOrg() step {
	return exec("INSERT INTO `organizations` (`external_id`,`pat_enabled`,`max_lifespan_days`,`revoke_unused_after_days`,`settings_updated_at`,`settings_updated_by_id`,`created_at`,`unrevoked_token_count`,`max_lifespan_days_ever`) VALUES (?,?,?,?,?,?,?,?,?) ON DUPLICATE KEY UPDATE `id`=`id`",
		"ext-org", true, 60, 0, nil, nil, testNow, 0, 60).inserting(testOrgID, 1)
}

// insertUsersSQL inserts n users in one statement, ignoring conflicts.
func insertUsersSQL(n int) string {
	rows := strings.TrimSuffix(strings.Repeat("(?,?,?,?,?,?,?,?,?),", n), ",")
	return "INSERT INTO `users` (`organization_id`,`subject`,`email`,`name`,`account_type`,`name_key`,`email_key`,`created_at`,`updated_at`) VALUES " +
		rows + " ON DUPLICATE KEY UPDATE `id`=`id`"
}

// orgIDSQL reads an organization's ID by its external ID.
const orgIDSQL = "SELECT `id` FROM `organizations` WHERE external_id = ? LIMIT ?"

// TestProvisionFirstSight covers the creation path: the organization is
// looked up first and inserted (conflicts ignored) only when missing, so an
// existing organization row is never locked; the user row carries the
// organization read back by its external ID; the joined row is read again.
func TestProvisionFirstSight(t *testing.T) {
	now := entity.TimeFromMillis(testNow)
	s := mockStore(t,
		prepare(provisionSelectSQL),
		query(provisionSelectSQL, "ext-org", "sub").returning(sqlmock.NewRows(userColumns)),
		query(orgIDSQL, "ext-org", 1).returning(sqlmock.NewRows([]string{"id"})),
		begin(), insertOrg(), implicitCommit(),
		query(orgIDSQL, "ext-org", 1).returning(sqlmock.NewRows([]string{"id"}).AddRow(testOrgID)),
		begin(),
		exec(insertUsersSQL(1), testOrgID, "sub", "A@Example.com", "Ann", "local", "ann", "a@example.com", testNow, testNow).
			inserting(testOwnerID, 1),
		implicitCommit(),
		query(provisionSelectSQL, "ext-org", "sub").returning(provisionRows("A@Example.com", "Ann", entity.AccountTypeLocal)),
	)
	org, user, refreshed, err := s.Provision(context.Background(), Identity{OrgExternalID: "ext-org", Subject: "sub",
		Email: "A@Example.com", Name: "Ann", AccountType: entity.AccountTypeLocal},
		OrgDefaults{Enabled: true, MaxLifespanDays: 60}, now)
	if err != nil {
		t.Fatalf("Provision: got %v, want nil", err)
	}
	if refreshed {
		t.Errorf("Provision refreshed: got true, want false (the row read back has the claims)")
	}
	if org.ID != testOrgID || org.ExternalID != "ext-org" || org.MaxLifespanDays != 90 || org.CreatedAt.Millis() != testNow-9000 {
		t.Errorf("Provision org: got %+v, want the row read back (id %d, ext-org, 90 days)", org, testOrgID)
	}
	if user.ID != testOwnerID || user.OrganizationID != testOrgID || user.Subject != "sub" {
		t.Errorf("Provision user: got %+v, want user %d of org %d", user, testOwnerID, testOrgID)
	}
}

// checkInsertColumn checks that every row an INSERT writes binds want to
// column col (backquoted, as GORM names it).
func checkInsertColumn(t *testing.T, sql string, args []driver.Value, col string, want driver.Value) {
	t.Helper()
	open, end := strings.Index(sql, "("), strings.Index(sql, ")")
	if !strings.HasPrefix(sql, "INSERT INTO ") || open < 0 || end < open {
		t.Errorf("statement %q: got no INSERT column list, want one naming %s", sql, col)
		return
	}
	cols := strings.Split(sql[open+1:end], ",")
	idx := slices.Index(cols, col)
	if idx < 0 || len(args)%len(cols) != 0 {
		t.Errorf("statement %q: got columns %v and %d arguments, want %s among the columns and whole rows", sql, cols, len(args), col)
		return
	}
	for row := 0; row < len(args)/len(cols); row++ {
		if got := driverValue(args[row*len(cols)+idx]); !reflect.DeepEqual(got, driverValue(want)) {
			t.Errorf("row %d column %s: got %v, want %v", row, col, got, want)
		}
	}
}

// driverValue is v after the conversion database/sql applies (entity.Time
// becomes Unix milliseconds, int becomes int64).
func driverValue(v driver.Value) driver.Value {
	c, err := driver.DefaultParameterConverter.ConvertValue(v)
	if err != nil {
		return v
	}
	return c
}

// checkBound checks that cond (a condition ending in a "?" placeholder,
// e.g. "k.organization_id = ?") occurs at least min times in sql and that
// each occurrence's placeholder is bound to want in args (by position).
func checkBound(t *testing.T, sql string, args []driver.Value, cond string, want driver.Value, min int) {
	t.Helper()
	if !strings.HasSuffix(cond, "?") {
		t.Fatalf("condition %q: got no trailing placeholder, want one", cond)
	}
	if n := strings.Count(sql, "?"); n != len(args) {
		t.Errorf("placeholders: got %d in %q, want %d (one per argument)", n, sql, len(args))
		return
	}
	found := 0
	for rest, offset := sql, 0; ; {
		i := strings.Index(rest, cond)
		if i < 0 {
			break
		}
		end := offset + i + len(cond) // just past the condition's "?"
		pos := strings.Count(sql[:end], "?") - 1
		if got := driverValue(args[pos]); !reflect.DeepEqual(got, driverValue(want)) {
			t.Errorf("argument %d bound to %q: got %v, want %v", pos, cond, got, want)
		}
		found++
		rest, offset = sql[end:], end
	}
	if found < min {
		t.Errorf("occurrences of %q: got %d in %q, want at least %d", cond, found, sql, min)
	}
}

// tableRef matches an aliased reference to the tokens or audit table, or
// to users under alias o (the owner filter's subquery) or a (the actor
// filter's subquery).
var tableRef = regexp.MustCompile(`(?:personal_access_tokens|audit_events) (?:AS )?([a-z])\b|users ([oa])\b`)

// checkTokenRefsScoped checks that every aliased reference to the tokens
// table (t, k), the audit table (e) and to users under alias o or a
// carries its alias's organization condition, bound to the organization
// ID: one condition per reference.
func checkTokenRefsScoped(t *testing.T, sql string, args []driver.Value, orgID int64) {
	t.Helper()
	refs := map[string]int{}
	for _, m := range tableRef.FindAllStringSubmatch(sql, -1) {
		refs[m[1]+m[2]]++
	}
	for alias, n := range refs {
		cond := alias + ".organization_id = ?"
		if got := strings.Count(sql, cond); got != n {
			t.Errorf("alias %s: got %d references and %d conditions %q, want one condition per reference", alias, n, got, cond)
		}
		checkBound(t, sql, args, cond, orgID, n)
	}
}
