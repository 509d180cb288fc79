package store

// White-box go-sqlmock tests of the MySQL data layer. Every statement is
// pinned to the exact SQL GORM emits (sqlmock.QueryMatcherEqual), so a
// change to a query, a lost organization condition or an extra round trip
// fails here.

import (
	"context"
	"database/sql/driver"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"
	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/migrations"
)

// testOrgID is the caller's organization and testOwnerID the caller in
// every test; testNow is the clock.
const (
	testOrgID   int64 = 42
	testOwnerID int64 = 7
	testNow     int64 = 1_767_225_600_000 // 2026-01-01T00:00:00Z
)

// newMockStore returns a MySQL store over a go-sqlmock connection that
// matches SQL exactly.
func newMockStore(t *testing.T) (*Store, sqlmock.Sqlmock) {
	t.Helper()
	sqlDB, mock, err := sqlmock.New(sqlmock.QueryMatcherOption(sqlmock.QueryMatcherEqual))
	if err != nil {
		t.Fatalf("sqlmock.New: got %v, want nil", err)
	}
	t.Cleanup(func() { _ = sqlDB.Close() })
	gdb, err := gorm.Open(mysql.New(mysql.Config{Conn: sqlDB, SkipInitializeWithVersion: true}),
		&gorm.Config{TranslateError: true, Logger: logger.Discard})
	if err != nil {
		t.Fatalf("gorm.Open: got %v, want nil", err)
	}
	return New(gdb, migrations.MySQL), mock
}

// assertMet fails t if an expected statement was not executed.
func assertMet(t *testing.T, mock sqlmock.Sqlmock) {
	t.Helper()
	if err := mock.ExpectationsWereMet(); err != nil {
		t.Errorf("ExpectationsWereMet: got %v, want nil", err)
	}
}

// step is one expected round trip: a transaction boundary, a query or an
// exec, with its exact SQL and arguments.
type step struct {
	kind   string // "begin", "commit", "rollback", "query", "exec"
	sql    string
	args   []driver.Value
	rows   *sqlmock.Rows
	result driver.Result
	err    error
	// scope is the organization condition the statement must contain, and
	// scopeArg the value bound to it, for the org-scoping checks.
	scope    string
	scopeArg driver.Value
	// moreScopes are further conditions of the statement bound to scopeArg.
	moreScopes []string
	// implicit marks the COMMIT of GORM's own single-write transaction.
	implicit bool
}

func begin() step { return step{kind: "begin"} }

// prepare expects a server-side prepared statement of sql.
func prepare(sql string) step { return step{kind: "prepare", sql: sql} }
func commit() step            { return step{kind: "commit"} }

// implicitCommit is the COMMIT of GORM's own transaction around a single
// write (outside Store.transaction): no COMMIT statement precedes it.
func implicitCommit() step { return step{kind: "commit", implicit: true} }
func rollback() step       { return step{kind: "rollback"} }

// expectSteps registers steps on mock, in order.
func expectSteps(mock sqlmock.Sqlmock, steps []step) {
	for _, st := range steps {
		switch st.kind {
		case "begin":
			mock.ExpectBegin()
		case "commit":
			// Store.transaction sends COMMIT as a statement, bounded by
			// the context (see Store.commit); database/sql's COMMIT follows.
			if !st.implicit {
				mock.ExpectExec(commitStatement).WillReturnResult(sqlmock.NewResult(0, 0))
			}
			mock.ExpectCommit()
		case "rollback":
			mock.ExpectRollback()
		case "prepare":
			// A hot-path query's first run on a connection prepares it
			// server-side; later runs reuse the statement.
			mock.ExpectPrepare(st.sql)
		case "query":
			e := mock.ExpectQuery(st.sql).WithArgs(st.args...)
			if st.err != nil {
				e.WillReturnError(st.err)
			} else {
				e.WillReturnRows(st.rows)
			}
		case "exec":
			e := mock.ExpectExec(st.sql).WithArgs(st.args...)
			if st.err != nil {
				e.WillReturnError(st.err)
			} else {
				e.WillReturnResult(st.result)
			}
		default:
			panic("unknown step kind " + st.kind)
		}
	}
}

// kinds lists the kinds of steps, e.g. [begin query exec commit].
func kinds(steps []step) []string {
	out := make([]string, len(steps))
	for i, st := range steps {
		out[i] = st.kind
	}
	return out
}

// argsOf converts values to driver arguments.
func argsOf(vs ...any) []driver.Value {
	out := make([]driver.Value, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
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

// Column lists of the three tables, in model field order.
var (
	orgColumns = []string{"id", "external_id", "pat_enabled", "max_lifespan_days",
		"settings_updated_at", "settings_updated_by_id", "created_at", "unrevoked_token_count", "max_lifespan_days_ever"}
	userColumns = []string{"id", "organization_id", "subject", "email", "name", "account_type",
		"name_key", "email_key", "created_at", "updated_at"}
	tokenColumns = []string{"id", "organization_id", "owner_id", "name", "name_key", "scopes",
		"token_digest", "hint", "created_at", "expires_at", "last_used_at", "revoked_at", "revoked_by_id", "revocation_source"}
)

// orgRows is one organization row with a 90-day lifespan (365 days at
// most ever) and 5 unrevoked tokens.
func orgRows() *sqlmock.Rows {
	return sqlmock.NewRows(orgColumns).AddRow(testOrgID, "ext-org", true, 90, nil, nil, testNow-1000, 5, 365)
}

// counterSQL adds its first argument to the organization's
// unrevoked-token counter.
const counterSQL = "UPDATE `organizations` SET `unrevoked_token_count`=unrevoked_token_count + ? WHERE id = ?"

// counterStep is the counter update by delta of the test organization.
func counterStep(delta int64) step {
	return step{kind: "exec", sql: counterSQL, args: argsOf(delta, testOrgID),
		result: sqlmock.NewResult(0, 1), scope: "WHERE id = ?", scopeArg: testOrgID}
}

// userRows is one user row of the test organization.
func userRows(id int64) *sqlmock.Rows {
	return sqlmock.NewRows(userColumns).
		AddRow(id, testOrgID, "sub", "a@example.com", "A", "local", "a", "a@example.com", testNow-1000, testNow-1000)
}

// tokenRows holds one active, never-used token of the test caller per
// ID; revokedAt (if not nil) marks them revoked by their owner.
func tokenRows(revokedAt any, ids ...string) *sqlmock.Rows {
	rows := sqlmock.NewRows(tokenColumns)
	for _, id := range ids {
		var by, source any
		if revokedAt != nil {
			by, source = testOwnerID, "OWNER"
		}
		rows.AddRow(id, testOrgID, testOwnerID, "Name "+id, "name "+id, " a b ", []byte("digest-"+id),
			"pat_"+id, testNow-1000, testNow+1000, nil, revokedAt, by, source)
	}
	return rows
}

// placeholders returns "?,?,...,?" with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// errDB is a database error whose text must never reach a client.
// (Not a deadlock or lock-wait timeout, which the store retries.)
var errDB = &mysqldriver.MySQLError{Number: 1054, Message: "Unknown column 'secret_detail' in 'personal_access_tokens'"}

func TestOrganization(t *testing.T) {
	const sql = "SELECT * FROM `organizations` WHERE id = ? LIMIT ?"
	t.Run("found", func(t *testing.T) {
		s, mock := newMockStore(t)
		mock.ExpectQuery(sql).WithArgs(testOrgID, 1).WillReturnRows(orgRows())
		org, err := s.Organization(context.Background(), testOrgID)
		if err != nil {
			t.Fatalf("Organization: got %v, want nil", err)
		}
		if org.ID != testOrgID || org.ExternalID != "ext-org" || !org.PatEnabled || org.MaxLifespanDays != 90 ||
			org.SettingsUpdatedAt != nil || org.CreatedAt.Millis() != testNow-1000 ||
			org.UnrevokedTokenCount != 5 || org.MaxLifespanDaysEver != 365 {
			t.Errorf("Organization: got %+v, want org %d ext-org enabled 90 days (365 ever), 5 unrevoked tokens", org, testOrgID)
		}
		assertMet(t, mock)
	})
	t.Run("no rows is ErrNotFound", func(t *testing.T) {
		s, mock := newMockStore(t)
		mock.ExpectQuery(sql).WithArgs(testOrgID, 1).WillReturnRows(sqlmock.NewRows(orgColumns))
		org, err := s.Organization(context.Background(), testOrgID)
		if !errors.Is(err, ErrNotFound) || org != nil {
			t.Errorf("Organization: got %v, %v, want nil, ErrNotFound", org, err)
		}
		assertMet(t, mock)
	})
}

func TestRevokeByDigestNotFound(t *testing.T) {
	s, mock := newMockStore(t)
	digest := []byte("0123456789abcdef0123456789abcdef")
	expectSteps(mock, []step{
		begin(),
		{kind: "query", sql: "SELECT * FROM `personal_access_tokens` WHERE organization_id = ? AND token_digest = ? LIMIT ? FOR UPDATE",
			args: argsOf(testOrgID, digest, 1), rows: sqlmock.NewRows(tokenColumns)},
		rollback(),
	})
	tok, revoked, err := s.RevokeByDigest(context.Background(), testOrgID, digest, testOwnerID, entity.TimeFromMillis(testNow),
		func(*entity.PersonalAccessToken) *entity.AuditEvent {
			t.Errorf("audit: got called, want not called for a missing token")
			return nil
		})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("RevokeByDigest error: got %v, want ErrNotFound", err)
	}
	if tok != nil || revoked {
		t.Errorf("RevokeByDigest: got %v, %v, want nil, false", tok, revoked)
	}
	assertMet(t, mock)
}

// TestDatabaseErrorsAreInternal checks that a failing statement surfaces
// as an error that is not an *apperr.Error, so the GraphQL presenter logs
// it and shows clients only "internal error" with code INTERNAL, and that
// every write rolls back.
func TestDatabaseErrorsAreInternal(t *testing.T) {
	ctx := context.Background()
	now := entity.TimeFromMillis(testNow)
	digest := []byte("0123456789abcdef0123456789abcdef")
	dup := &mysqldriver.MySQLError{Number: 1062, Message: "Duplicate entry 'secret' for key 'uq_pat_token_digest'"}
	tests := []struct {
		name  string
		steps []step
		call  func(s *Store) error
		// wantIs is an error the result must wrap besides the driver's.
		wantIs error
	}{
		{
			name: "ListTokens admin page from the index",
			steps: []step{{kind: "query",
				sql: "SELECT t.* FROM personal_access_tokens AS t JOIN (SELECT k.id FROM personal_access_tokens AS k WHERE k.organization_id = ? " +
					"ORDER BY k.created_at ASC, k.id ASC LIMIT ?) page ON page.id = t.id " +
					"WHERE t.organization_id = ? ORDER BY t.created_at ASC, t.id ASC LIMIT ?",
				args: argsOf(testOrgID, 10, testOrgID, 10), err: errDB}},
			call: func(s *Store) error {
				_, err := s.ListTokens(ctx, ListQuery{Reach: Reach{OrgID: testOrgID}, Order: OrderCreatedAt, Limit: 10})
				return err
			},
		},
		{
			name: "ListTokens member direct read",
			steps: []step{{kind: "query", sql: "SELECT t.* FROM personal_access_tokens AS t WHERE t.organization_id = ? AND t.owner_id = ? ORDER BY t.created_at ASC, t.id ASC LIMIT ?",
				args: argsOf(testOrgID, testOwnerID, 10), err: errDB}},
			call: func(s *Store) error {
				owner := testOwnerID
				_, err := s.ListTokens(ctx, ListQuery{Reach: Reach{OrgID: testOrgID, OwnerID: &owner}, Order: OrderCreatedAt, Limit: 10})
				return err
			},
		},
		{
			name: "CountTokens",
			steps: []step{{kind: "query", sql: "SELECT count(*) FROM personal_access_tokens AS t WHERE t.organization_id = ?",
				args: argsOf(testOrgID), err: errDB}},
			call: func(s *Store) error {
				_, err := s.CountTokens(ctx, ListQuery{Reach: Reach{OrgID: testOrgID}})
				return err
			},
		},
		{
			name: "UsersByIDs",
			steps: []step{{kind: "query", sql: "SELECT * FROM `users` WHERE organization_id = ? AND id IN (?,?)",
				args: argsOf(testOrgID, 1, 2), err: errDB}},
			call: func(s *Store) error {
				_, err := s.UsersByIDs(ctx, testOrgID, []int64{1, 2})
				return err
			},
		},
		{
			name: "Organization",
			steps: []step{{kind: "query", sql: "SELECT * FROM `organizations` WHERE id = ? LIMIT ?",
				args: argsOf(testOrgID, 1), err: errDB}},
			call: func(s *Store) error {
				_, err := s.Organization(ctx, testOrgID)
				return err
			},
		},
		{
			name:  "Provision find",
			steps: []step{prepare(provisionSelectSQL), {kind: "query", sql: provisionSelectSQL, args: argsOf("ext-org", "sub"), err: errDB}},
			call: func(s *Store) error {
				_, _, _, err := s.Provision(ctx, Identity{OrgExternalID: "ext-org", Subject: "sub"}, OrgDefaults{}, now)
				return err
			},
		},
		{
			name: "RevokeTokens lock",
			steps: []step{
				begin(),
				{kind: "query", sql: bulkLockSQL(false, 2), args: argsOf(testOrgID, "A", "B"), err: errDB},
				rollback(),
			},
			call: func(s *Store) error {
				_, _, err := s.RevokeTokens(ctx, Reach{OrgID: testOrgID}, []string{"A", "B"}, testOwnerID, now,
					planEvents(revokedEvents("A", "B")))
				return err
			},
		},
		{
			name: "RevokeTokens update",
			steps: []step{
				begin(),
				{kind: "query", sql: bulkLockSQL(false, 2), args: argsOf(testOrgID, "A", "B"), rows: tokenRows(nil, "A", "B")},
				{kind: "exec", sql: bulkRevokeSQL(false, 2), args: bulkRevokeArgs(nil, "A", "B"), err: errDB},
				rollback(),
			},
			call: func(s *Store) error {
				_, _, err := s.RevokeTokens(ctx, Reach{OrgID: testOrgID}, []string{"A", "B"}, testOwnerID, now,
					planEvents(revokedEvents("A", "B")))
				return err
			},
		},
		{
			name: "RevokeTokens audit insert",
			steps: []step{
				begin(),
				{kind: "query", sql: bulkLockSQL(false, 2), args: argsOf(testOrgID, "A", "B"), rows: tokenRows(nil, "A", "B")},
				{kind: "exec", sql: bulkRevokeSQL(false, 2), args: bulkRevokeArgs(nil, "A", "B"), result: sqlmock.NewResult(0, 2)},
				failedAuditInsert(errDB, revokedEvents("A", "B")...),
				rollback(),
			},
			call: func(s *Store) error {
				_, _, err := s.RevokeTokens(ctx, Reach{OrgID: testOrgID}, []string{"A", "B"}, testOwnerID, now,
					planEvents(revokedEvents("A", "B")))
				return err
			},
		},
		{
			name: "RevokeTokens counter",
			steps: []step{
				begin(),
				{kind: "query", sql: bulkLockSQL(false, 2), args: argsOf(testOrgID, "A", "B"), rows: tokenRows(nil, "A", "B")},
				{kind: "exec", sql: bulkRevokeSQL(false, 2), args: bulkRevokeArgs(nil, "A", "B"), result: sqlmock.NewResult(0, 2)},
				auditInsertStep(revokedEvents("A", "B")...),
				{kind: "exec", sql: counterSQL, args: argsOf(-2, testOrgID), err: errDB},
				rollback(),
			},
			call: func(s *Store) error {
				_, _, err := s.RevokeTokens(ctx, Reach{OrgID: testOrgID}, []string{"A", "B"}, testOwnerID, now,
					planEvents(revokedEvents("A", "B")))
				return err
			},
		},
		{
			name: "RevokeByDigest update",
			steps: []step{
				begin(),
				{kind: "query", sql: digestLockSQL, args: argsOf(testOrgID, digest, 1), rows: tokenRows(nil, "A")},
				{kind: "exec", sql: digestRevokeSQL, args: digestRevokeArgs("A"), err: errDB},
				rollback(),
			},
			call: func(s *Store) error {
				_, _, err := s.RevokeByDigest(ctx, testOrgID, digest, testOwnerID, now, byValueAudit)
				return err
			},
		},
		{
			name: "RevokeByDigest audit insert",
			steps: []step{
				begin(),
				{kind: "query", sql: digestLockSQL, args: argsOf(testOrgID, digest, 1), rows: tokenRows(nil, "A")},
				{kind: "exec", sql: digestRevokeSQL, args: digestRevokeArgs("A"), result: sqlmock.NewResult(0, 1)},
				failedAuditInsert(errDB, byValueEvent("A")),
				rollback(),
			},
			call: func(s *Store) error {
				_, _, err := s.RevokeByDigest(ctx, testOrgID, digest, testOwnerID, now, byValueAudit)
				return err
			},
		},
		{
			name: "RevokeByDigest counter",
			steps: []step{
				begin(),
				{kind: "query", sql: digestLockSQL, args: argsOf(testOrgID, digest, 1), rows: tokenRows(nil, "A")},
				{kind: "exec", sql: digestRevokeSQL, args: digestRevokeArgs("A"), result: sqlmock.NewResult(0, 1)},
				auditInsertStep(byValueEvent("A")),
				{kind: "exec", sql: counterSQL, args: argsOf(-1, testOrgID), err: errDB},
				rollback(),
			},
			call: func(s *Store) error {
				_, _, err := s.RevokeByDigest(ctx, testOrgID, digest, testOwnerID, now, byValueAudit)
				return err
			},
		},
		{
			name: "UpdateSettings update",
			steps: []step{
				begin(),
				{kind: "query", sql: "SELECT * FROM `organizations` WHERE id = ? LIMIT ? FOR UPDATE", args: argsOf(testOrgID, 1), rows: orgRows()},
				{kind: "exec", sql: updateSettingsSQL,
					args: argsOf(30, 365, true, testNow, testOwnerID, testOrgID), err: errDB},
				rollback(),
			},
			call: func(s *Store) error {
				_, err := s.UpdateSettings(ctx, testOrgID, setTestLifespan(30))
				return err
			},
		},
		{
			name: "UpdateSettings audit insert",
			steps: []step{
				begin(),
				{kind: "query", sql: "SELECT * FROM `organizations` WHERE id = ? LIMIT ? FOR UPDATE", args: argsOf(testOrgID, 1), rows: orgRows()},
				{kind: "exec", sql: updateSettingsSQL,
					args: argsOf(30, 365, true, testNow, testOwnerID, testOrgID), result: sqlmock.NewResult(0, 1)},
				failedAuditInsert(errDB, lifespanEvent(30)),
				rollback(),
			},
			call: func(s *Store) error {
				_, err := s.UpdateSettings(ctx, testOrgID, setTestLifespan(30))
				return err
			},
		},
		{
			name: "CreateToken audit insert",
			steps: append(createTokenReadSteps(),
				step{kind: "exec", sql: createTokenInsertSQL, args: createTokenInsertArgs(), result: sqlmock.NewResult(0, 1)},
				failedAuditInsert(errDB, createdEvent(createTokenAuditID)),
				rollback()),
			call: func(s *Store) error {
				_, _, err := s.CreateToken(ctx, testOrgID, testOwnerID, now, buildTestToken)
				return err
			},
		},
		{
			name: "CreateToken counter",
			steps: append(createTokenReadSteps(),
				step{kind: "exec", sql: createTokenInsertSQL, args: createTokenInsertArgs(), result: sqlmock.NewResult(0, 1)},
				auditInsertStep(createdEvent(createTokenAuditID)),
				step{kind: "exec", sql: counterSQL, args: argsOf(1, testOrgID), err: errDB},
				rollback()),
			call: func(s *Store) error {
				_, _, err := s.CreateToken(ctx, testOrgID, testOwnerID, now, buildTestToken)
				return err
			},
		},
		{
			name:  "ListAuditEvents",
			steps: []step{{kind: "query", sql: auditListSQL(""), args: argsOf(testOrgID, 51), err: errDB}},
			call: func(s *Store) error {
				_, err := s.ListAuditEvents(ctx, AuditQuery{OrgID: testOrgID, Limit: 51})
				return err
			},
		},
		{
			name:  "ChangesSince",
			steps: []step{{kind: "query", sql: changesSQL, args: argsOf(testNow, testFirstID, testNow, testNow), err: errDB}},
			call: func(s *Store) error {
				_, err := s.ChangesSince(ctx, now)
				return err
			},
		},
		{
			name:  "RecordUses",
			steps: []step{{kind: "exec", sql: recordUsesSQL(1), args: argsOf("A", testNow, "A", "A", testNow), err: errDB}},
			call: func(s *Store) error {
				return s.RecordUses(ctx, map[string]entity.Time{"A": now})
			},
		},
		{
			name:  "RecountTokens",
			steps: []step{{kind: "exec", sql: recountSQL, args: argsOf(testOrgID, testOrgID), err: errDB}},
			call: func(s *Store) error {
				return s.RecountTokens(ctx, testOrgID)
			},
		},
		{
			name:  "CreateToken duplicate digest",
			steps: append(createTokenReadSteps(), step{kind: "exec", sql: createTokenInsertSQL, args: createTokenInsertArgs(), err: dup}, rollback()),
			call: func(s *Store) error {
				_, _, err := s.CreateToken(ctx, testOrgID, testOwnerID, now, buildTestToken)
				return err
			},
			wantIs: gorm.ErrDuplicatedKey,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, mock := newMockStore(t)
			expectSteps(mock, tt.steps)
			err := tt.call(s)
			if err == nil {
				t.Fatalf("error: got nil, want a database error")
			}
			if _, ok := apperr.As(err); ok {
				t.Errorf("apperr.As(%v): got an *apperr.Error, want none (its message would reach clients)", err)
			}
			if got := apperr.CodeOf(err); got != apperr.Internal {
				t.Errorf("apperr.CodeOf: got %v, want %v", got, apperr.Internal)
			}
			if errors.Is(err, ErrNotFound) {
				t.Errorf("errors.Is(err, ErrNotFound): got true, want false for %v", err)
			}
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
			assertMet(t, mock)
		})
	}
}

// provisionSelectSQL is Provision's one statement in the steady state.
const provisionSelectSQL = `SELECT u.*, o.external_id AS org_external_id,
  o.pat_enabled AS org_pat_enabled, o.max_lifespan_days AS org_max_lifespan_days,
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

// updateSettingsSQL writes the policy and the highest lifespan ever.
const updateSettingsSQL = "UPDATE `organizations` SET `max_lifespan_days`=?,`max_lifespan_days_ever`=?,`pat_enabled`=?,`settings_updated_at`=?,`settings_updated_by_id`=? WHERE id = ?"

// createTokenOrgLockSQL locks the organization for writing: its policy
// is read and its token counter updated in the same transaction.
const createTokenOrgLockSQL = "SELECT * FROM `organizations` WHERE id = ? LIMIT ? FOR UPDATE"

// The statements of CreateToken before its INSERT.
func createTokenReadSteps() []step {
	return []step{
		begin(),
		{kind: "query", sql: createTokenOrgLockSQL,
			args: argsOf(testOrgID, 1), rows: orgRows(), scope: "WHERE id = ?", scopeArg: testOrgID},
		{kind: "query", sql: "SELECT * FROM `users` WHERE id = ? AND organization_id = ? LIMIT ? FOR UPDATE",
			args: argsOf(testOwnerID, testOrgID, 1), rows: userRows(testOwnerID), scope: "organization_id = ?", scopeArg: testOrgID},
		{kind: "query", sql: "SELECT count(*) FROM `personal_access_tokens` WHERE (revoked_at IS NULL AND expires_at > ? AND created_at > ?) AND (organization_id = ? AND owner_id = ?)",
			args:  argsOf(testNow, testNow-90*24*3600*1000, testOrgID, testOwnerID),
			rows:  sqlmock.NewRows([]string{"count(*)"}).AddRow(3),
			scope: "organization_id = ?", scopeArg: testOrgID},
	}
}

// createTokenInsertSQL inserts one token; tokenInsertColumns is the
// number of its columns.
const (
	createTokenInsertSQL = "INSERT INTO `personal_access_tokens` (`id`,`organization_id`,`owner_id`,`name`,`name_key`,`scopes`,`token_digest`,`hint`,`created_at`,`expires_at`,`last_used_at`,`revoked_at`,`revoked_by_id`,`revocation_source`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
	tokenInsertColumns   = 14
)

func createTokenInsertArgs() []driver.Value {
	return argsOf("01TOKEN", testOrgID, testOwnerID, "CI", "ci", " a ", []byte("digest"), "pat_x",
		testNow, testNow+86_400_000, nil, nil, nil, nil)
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

// createTokenWriteSteps are CreateToken's writes after its reads: the
// token, its audit event, the counter.
func createTokenWriteSteps() []step {
	return []step{
		{kind: "exec", sql: createTokenInsertSQL, args: createTokenInsertArgs(), result: sqlmock.NewResult(0, 1),
			scope: "`organization_id`", scopeArg: testOrgID},
		auditInsertStep(createdEvent(createTokenAuditID)),
		counterStep(+1),
	}
}
