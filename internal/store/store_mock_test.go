package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"
	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"github.com/patgov/pats/internal/entity"
)

func TestOrganization(t *testing.T) {
	tests := []struct {
		name    string
		rows    *sqlmock.Rows
		wantErr error
	}{
		{name: "found", rows: orgRows()},
		{name: "no rows is ErrNotFound", rows: sqlmock.NewRows(orgColumns), wantErr: ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mockStore(t, query("SELECT * FROM `organizations` WHERE id = ? LIMIT ?", testOrgID, 1).returning(tt.rows))
			org, err := s.Organization(context.Background(), testOrgID)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || org != nil {
					t.Errorf("Organization: got %v, %v, want nil, %v", org, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Organization: got %v, want nil", err)
			}
			if org.ID != testOrgID || org.ExternalID != "ext-org" || !org.PatEnabled || org.MaxLifespanDays != 90 ||
				org.SettingsUpdatedAt != nil || org.CreatedAt.Millis() != testNow-1000 ||
				org.UnrevokedTokenCount != 5 || org.MaxLifespanDaysEver != 365 {
				t.Errorf("Organization: got %+v, want org %d ext-org enabled 90 days (365 ever), 5 unrevoked tokens", org, testOrgID)
			}
		})
	}
}

// TestDatabaseErrorsAreInternal checks that a failing statement surfaces
// as an error that is not an *apperr.Error, so the GraphQL presenter logs
// it and shows clients only "internal error" with code INTERNAL, and that
// every write rolls back.
func TestDatabaseErrorsAreInternal(t *testing.T) {
	ctx := context.Background()
	now := entity.TimeFromMillis(testNow)
	dup := &mysqldriver.MySQLError{Number: 1062, Message: "Duplicate entry 'secret' for key 'uq_pat_token_digest'"}
	revokeAB := func(s *Store) error {
		_, _, err := s.RevokeTokens(ctx, Reach{OrgID: testOrgID}, []string{"A", "B"}, testOwnerID, now,
			planEvents(revokedEvents("A", "B")))
		return err
	}
	lockAB := func() step { return bulkLock(nil, tokenRows(nil, "A", "B"), "A", "B") }
	revokeByDigest := func(s *Store) error {
		_, _, err := s.RevokeByDigest(ctx, testOrgID, testDigest, testOwnerID, now, byValueAudit)
		return err
	}
	updateSettings := func(s *Store) error {
		_, err := s.UpdateSettings(ctx, testOrgID, setTestLifespan(30))
		return err
	}
	createToken := func(s *Store) error {
		_, _, err := s.CreateToken(ctx, testOrgID, testOwnerID, now, buildTestToken)
		return err
	}
	tests := []struct {
		name  string
		steps []step
		call  func(s *Store) error
		// wantIs is an error the result must wrap besides the driver's.
		wantIs error
	}{
		{
			name: "ListTokens admin page from the index",
			steps: []step{query("SELECT t.* FROM personal_access_tokens AS t JOIN (SELECT k.id FROM personal_access_tokens AS k WHERE k.organization_id = ? "+
				"ORDER BY k.created_at ASC, k.id ASC LIMIT ?) page ON page.id = t.id "+
				"WHERE t.organization_id = ? ORDER BY t.created_at ASC, t.id ASC LIMIT ?", testOrgID, 10, testOrgID, 10).failing(errDB)},
			call: func(s *Store) error {
				_, err := s.ListTokens(ctx, ListQuery{Reach: Reach{OrgID: testOrgID}, Order: OrderCreatedAt, Limit: 10})
				return err
			},
		},
		{
			name: "ListTokens member direct read",
			steps: []step{query("SELECT t.* FROM personal_access_tokens AS t WHERE t.organization_id = ? AND t.owner_id = ? ORDER BY t.created_at ASC, t.id ASC LIMIT ?",
				testOrgID, testOwnerID, 10).failing(errDB)},
			call: func(s *Store) error {
				owner := testOwnerID
				_, err := s.ListTokens(ctx, ListQuery{Reach: Reach{OrgID: testOrgID, OwnerID: &owner}, Order: OrderCreatedAt, Limit: 10})
				return err
			},
		},
		{
			name:  "CountTokens",
			steps: []step{query("SELECT count(*) FROM personal_access_tokens AS t WHERE t.organization_id = ?", testOrgID).failing(errDB)},
			call: func(s *Store) error {
				_, err := s.CountTokens(ctx, ListQuery{Reach: Reach{OrgID: testOrgID}})
				return err
			},
		},
		{
			name:  "UsersByIDs",
			steps: []step{query("SELECT * FROM `users` WHERE organization_id = ? AND id IN (?,?)", testOrgID, 1, 2).failing(errDB)},
			call: func(s *Store) error {
				_, err := s.UsersByIDs(ctx, testOrgID, []int64{1, 2})
				return err
			},
		},
		{
			name:  "Organization",
			steps: []step{query("SELECT * FROM `organizations` WHERE id = ? LIMIT ?", testOrgID, 1).failing(errDB)},
			call: func(s *Store) error {
				_, err := s.Organization(ctx, testOrgID)
				return err
			},
		},
		{
			name:  "Provision find",
			steps: []step{prepare(provisionSelectSQL), query(provisionSelectSQL, "ext-org", "sub").failing(errDB)},
			call: func(s *Store) error {
				_, _, _, err := s.Provision(ctx, Identity{OrgExternalID: "ext-org", Subject: "sub"}, OrgDefaults{}, now)
				return err
			},
		},
		{
			name:  "RevokeTokens organization lock",
			steps: []step{begin(), revokeOrgLock().failing(errDB), rollback()},
			call:  revokeAB,
		},
		{
			name:  "RevokeTokens lock",
			steps: []step{begin(), revokeOrgLock(), lockAB().failing(errDB), rollback()},
			call:  revokeAB,
		},
		{
			name:  "RevokeTokens update",
			steps: []step{begin(), revokeOrgLock(), lockAB(), bulkRevoke(nil, 0, "A", "B").failing(errDB), rollback()},
			call:  revokeAB,
		},
		{
			name: "RevokeTokens audit insert",
			steps: []step{begin(), revokeOrgLock(), lockAB(), bulkRevoke(nil, 2, "A", "B"),
				auditInsertStep(revokedEvents("A", "B")...).failing(errDB), rollback()},
			call: revokeAB,
		},
		{
			name: "RevokeTokens counter",
			steps: []step{begin(), revokeOrgLock(), lockAB(), bulkRevoke(nil, 2, "A", "B"), auditInsertStep(revokedEvents("A", "B")...),
				counterStep(-2).failing(errDB), rollback()},
			call: revokeAB,
		},
		{
			name:  "RevokeByDigest update",
			steps: []step{begin(), revokeOrgLock(), digestLock(tokenRows(nil, "A")), digestRevoke(0).failing(errDB), rollback()},
			call:  revokeByDigest,
		},
		{
			name: "RevokeByDigest audit insert",
			steps: []step{begin(), revokeOrgLock(), digestLock(tokenRows(nil, "A")), digestRevoke(1),
				auditInsertStep(byValueEvent("A")).failing(errDB), rollback()},
			call: revokeByDigest,
		},
		{
			name: "RevokeByDigest counter",
			steps: []step{begin(), revokeOrgLock(), digestLock(tokenRows(nil, "A")), digestRevoke(1), auditInsertStep(byValueEvent("A")),
				counterStep(-1).failing(errDB), rollback()},
			call: revokeByDigest,
		},
		{
			name:  "UpdateSettings update",
			steps: []step{begin(), orgLock(orgRows()), updateSettingsStep(30, 365, true).failing(errDB), rollback()},
			call:  updateSettings,
		},
		{
			name: "UpdateSettings audit insert",
			steps: []step{begin(), orgLock(orgRows()), updateSettingsStep(30, 365, true),
				auditInsertStep(lifespanEvent(30)).failing(errDB), rollback()},
			call: updateSettings,
		},
		{
			name: "CreateToken audit insert",
			steps: append(createTokenReadSteps(), createTokenInsert(),
				auditInsertStep(createdEvent(createTokenAuditID)).failing(errDB), rollback()),
			call: createToken,
		},
		{
			name: "CreateToken counter",
			steps: append(createTokenReadSteps(), createTokenInsert(), auditInsertStep(createdEvent(createTokenAuditID)),
				counterStep(+1).failing(errDB), rollback()),
			call: createToken,
		},
		{
			name:  "ListAuditEvents",
			steps: []step{query(auditListSQL(""), testOrgID, 51).failing(errDB)},
			call: func(s *Store) error {
				_, err := s.ListAuditEvents(ctx, AuditQuery{OrgID: testOrgID, Limit: 51})
				return err
			},
		},
		{
			name:  "ChangesSince",
			steps: []step{query(changesSQL, testNow, testFirstID, testNow, testNow).failing(errDB)},
			call: func(s *Store) error {
				_, err := s.ChangesSince(ctx, now)
				return err
			},
		},
		{
			name:  "RecordUses",
			steps: []step{exec(recordUsesSQL(1), "A", testNow, "A", "A", testNow).failing(errDB)},
			call:  func(s *Store) error { return s.RecordUses(ctx, map[string]entity.Time{"A": now}) },
		},
		{
			name:  "RecountTokens",
			steps: []step{exec(recountSQL, testOrgID, testOrgID).failing(errDB)},
			call:  func(s *Store) error { return s.RecountTokens(ctx, testOrgID) },
		},
		{
			name:   "CreateToken duplicate digest",
			steps:  append(createTokenReadSteps(), createTokenInsert().failing(dup), rollback()),
			call:   createToken,
			wantIs: gorm.ErrDuplicatedKey,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(mockStore(t, tt.steps...))
			if err == nil {
				t.Fatalf("error: got nil, want a database error")
			}
			checkInternal(t, err)
			if tt.wantIs != nil {
				if !errors.Is(err, tt.wantIs) {
					t.Errorf("errors.Is(err, %v): got false, want true (err %v)", tt.wantIs, err)
				}
			} else {
				var myErr *mysqldriver.MySQLError
				if !errors.As(err, &myErr) {
					t.Errorf("errors.As(err, *mysql.MySQLError): got false, want true (err %v)", err)
				}
			}
		})
	}
}

// provisionSelectSQL is Provision's one statement in the steady state.
const provisionSelectSQL = `SELECT u.*, o.external_id AS org_external_id,
  o.pat_enabled AS org_pat_enabled, o.max_lifespan_days AS org_max_lifespan_days,
  o.revoke_unused_after_days AS org_revoke_unused,
  o.settings_updated_at AS org_settings_updated_at,
  o.settings_updated_by_id AS org_settings_updated_by_id, o.created_at AS org_created_at,
  o.unrevoked_token_count AS org_unrevoked_token_count, o.max_lifespan_days_ever AS org_max_lifespan_days_ever
FROM users u JOIN organizations o ON o.id = u.organization_id
WHERE o.external_id = ? AND u.subject = ?`

// provisionRows is the joined row of user 7 in organization 42 (90-day
// lifespan, 120 days at most ever, 12 unrevoked tokens).
func provisionRows(email, name string, accountType entity.AccountType) *sqlmock.Rows {
	cols := append(append([]string{}, userColumns...), "org_external_id", "org_pat_enabled",
		"org_max_lifespan_days", "org_settings_updated_at", "org_settings_updated_by_id", "org_created_at",
		"org_unrevoked_token_count", "org_max_lifespan_days_ever")
	return sqlmock.NewRows(cols).AddRow(testOwnerID, testOrgID, "sub", email, name, string(accountType),
		strings.ToLower(name), strings.ToLower(email), testNow-5000, testNow-5000,
		"ext-org", true, 90, nil, nil, testNow-9000, 12, 120)
}

// updateSettingsStep writes the policy (days, enabled) and the highest
// lifespan ever, by the test caller at testNow.
func updateSettingsStep(days, ever int, enabled bool) step {
	return exec("UPDATE `organizations` SET `max_lifespan_days`=?,`max_lifespan_days_ever`=?,`pat_enabled`=?,`revoke_unused_after_days`=?,`settings_updated_at`=?,`settings_updated_by_id`=? WHERE id = ?",
		days, ever, enabled, 0, testNow, testOwnerID, testOrgID).affecting(1).scopedBy("WHERE id = ?", testOrgID)
}

// createTokenInsertSQL inserts one token; tokenInsertColumns is the
// number of its columns.
const (
	createTokenInsertSQL = "INSERT INTO `personal_access_tokens` (`id`,`organization_id`,`owner_id`,`name`,`name_key`,`scopes`,`token_digest`,`hint`,`created_at`,`expires_at`,`last_used_at`,`revoked_at`,`revoked_by_id`,`revocation_source`,`stale_warned_basis`,`rotated_from_id`,`expiry_notice_for`,`expiry_notice_stage`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
	tokenInsertColumns   = 18
)

func createTokenInsertArgs() []driver.Value {
	return argsOf("01TOKEN", testOrgID, testOwnerID, "CI", "ci", " a ", []byte("digest"), "pat_x",
		testNow, testNow+86_400_000, nil, nil, nil, nil, nil, nil, nil, nil)
}

// createTokenAuditID is the ID of the event buildTestToken returns.
const createTokenAuditID = "01EVENTCREATE"

// buildTestToken is a CreateToken callback that builds the token
// createTokenInsertArgs describes, and its event createdEvent(createTokenAuditID).
func buildTestToken(org *entity.Organization, _ int64) (*entity.PersonalAccessToken, *entity.AuditEvent, error) {
	return &entity.PersonalAccessToken{
		ID: "01TOKEN", OrganizationID: org.ID, OwnerID: testOwnerID, Name: "CI", NameKey: "ci",
		Scopes: " a ", TokenDigest: []byte("digest"), Hint: "pat_x",
		CreatedAt: entity.TimeFromMillis(testNow), ExpiresAt: entity.TimeFromMillis(testNow + 86_400_000),
	}, createdEvent(createTokenAuditID), nil
}
