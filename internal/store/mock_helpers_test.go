package store

// The fixtures of the white-box go-sqlmock tests of the MySQL data layer.
// Every statement is pinned to the exact SQL GORM emits
// (sqlmock.QueryMatcherEqual), so a change to a query, a lost organization
// condition or an extra round trip fails. A test lists its round trips as
// steps (begin(), query(...).returning(rows), exec(...).affecting(n),
// commit(), ...), most of them built by the statement builders below.

import (
	"database/sql/driver"
	"errors"
	"slices"
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
// every test; testNow is the clock; testDigest the digest of a presented
// token.
const (
	testOrgID   int64 = 42
	testOwnerID int64 = 7
	testNow     int64 = 1_767_225_600_000 // 2026-01-01T00:00:00Z
)

var testDigest = []byte("0123456789abcdef0123456789abcdef")

// errDB is a database error whose text must never reach a client.
// (Not a deadlock or lock-wait timeout, which the store retries.)
var errDB = &mysqldriver.MySQLError{Number: 1054, Message: "Unknown column 'secret_detail' in 'personal_access_tokens'"}

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

// mockStore returns a MySQL store that expects exactly steps, in order,
// and fails t at its end if one was not executed.
func mockStore(t *testing.T, steps ...step) *Store {
	t.Helper()
	s, mock := newMockStore(t)
	expectSteps(mock, steps)
	t.Cleanup(func() { assertMet(t, mock) })
	return s
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
	kind   string // "begin", "commit", "rollback", "prepare", "query", "exec"
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
	// then are the statements that follow this one as part of the same
	// write (the outbox INSERT after the audit INSERT); a failing step
	// has none, the transaction rolling back instead.
	then []step
}

// flatten expands each step's then into the list.
func flatten(steps []step) []step {
	var out []step
	for _, st := range steps {
		then := st.then
		st.then = nil
		out = append(out, st)
		out = append(out, flatten(then)...)
	}
	return out
}

func begin() step    { return step{kind: "begin"} }
func commit() step   { return step{kind: "commit"} }
func rollback() step { return step{kind: "rollback"} }

// implicitCommit is the COMMIT of GORM's own transaction around a single
// write (outside Store.transaction): no COMMIT statement precedes it.
func implicitCommit() step { return step{kind: "commit", implicit: true} }

// prepare expects a server-side prepared statement of sql.
func prepare(sql string) step { return step{kind: "prepare", sql: sql} }

// query and exec expect sql with exactly args.
func query(sql string, args ...driver.Value) step { return step{kind: "query", sql: sql, args: args} }
func exec(sql string, args ...driver.Value) step  { return step{kind: "exec", sql: sql, args: args} }

// returning, affecting, inserting and failing set the answer of a step.
func (st step) returning(rows *sqlmock.Rows) step { st.rows = rows; return st }
func (st step) affecting(n int64) step            { return st.inserting(0, n) }
func (st step) inserting(id, n int64) step        { st.result = sqlmock.NewResult(id, n); return st }
func (st step) failing(err error) step {
	st.rows, st.result, st.err, st.then = nil, nil, err, nil
	return st
}

// scopedBy declares the organization conditions of a step (see
// TestOrgScopingEveryStatement): cond, and more, bound to arg.
func (st step) scopedBy(cond string, arg driver.Value, more ...string) step {
	st.scope, st.scopeArg, st.moreScopes = cond, arg, more
	return st
}

// expectSteps registers steps on mock, in order.
func expectSteps(mock sqlmock.Sqlmock, steps []step) {
	for _, st := range flatten(steps) {
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

// concat joins lists of steps.
func concat(runs ...[]step) []step { return slices.Concat(runs...) }

// checkKinds fails t now unless steps are of the kinds want, e.g.
// begin query exec commit: the test expects the round trips it says.
func checkKinds(t *testing.T, steps []step, want ...string) {
	t.Helper()
	steps = flatten(steps)
	got := make([]string, len(steps))
	for i, st := range steps {
		got[i] = st.kind
	}
	if !slices.Equal(got, want) {
		t.Fatalf("statements: got %v, want %v", got, want)
	}
}

// checkInternal checks that err is an internal error: no *apperr.Error
// (whose message would reach clients), code INTERNAL, not ErrNotFound.
func checkInternal(t *testing.T, err error) {
	t.Helper()
	if _, ok := apperr.As(err); ok {
		t.Errorf("apperr.As(%v): got an *apperr.Error, want none (its message would reach clients)", err)
	}
	if got := apperr.CodeOf(err); got != apperr.Internal {
		t.Errorf("apperr.CodeOf(%v): got %v, want %v", err, got, apperr.Internal)
	}
	if errors.Is(err, ErrNotFound) {
		t.Errorf("errors.Is(%v, ErrNotFound): got true, want false", err)
	}
}

// argsOf converts values to driver arguments.
func argsOf(vs ...any) []driver.Value {
	out := make([]driver.Value, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// placeholders returns "?,?,...,?" with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
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

// countRows is the result of a count(*).
func countRows(n int64) *sqlmock.Rows { return sqlmock.NewRows([]string{"count(*)"}).AddRow(n) }

// orgLockSQL locks the organization for writing: its policy is read, and
// written or its token counter updated, in the same transaction.
const orgLockSQL = "SELECT * FROM `organizations` WHERE id = ? LIMIT ? FOR UPDATE"

// orgLock is the lock of the test organization, finding rows.
func orgLock(rows *sqlmock.Rows) step {
	return query(orgLockSQL, testOrgID, 1).returning(rows).scopedBy("WHERE id = ?", testOrgID)
}

// revokeOrgLock is the lock every revoking transaction takes first on
// MySQL: the test organization's row (see lockOrganizations).
func revokeOrgLock() step {
	return query("SELECT `id` FROM `organizations` WHERE id IN (?) ORDER BY id FOR UPDATE", testOrgID).
		returning(sqlmock.NewRows([]string{"id"}).AddRow(testOrgID)).scopedBy("WHERE id IN (?", testOrgID)
}

// counterSQL adds its first argument to the organization's
// unrevoked-token counter.
const counterSQL = "UPDATE `organizations` SET `unrevoked_token_count`=unrevoked_token_count + ? WHERE id = ?"

// counterStep is the counter update by delta of the test organization.
func counterStep(delta int64) step {
	return exec(counterSQL, delta, testOrgID).affecting(1).scopedBy("WHERE id = ?", testOrgID)
}

// logStep is the revocation log's row that ends every revoking
// transaction, after the counter (its digests are those revoked).
func logStep() step {
	return exec("INSERT INTO revocation_log (organization_id, logged_at, digests) VALUES (?, ?, ?)", testOrgID, testNow, sqlmock.AnyArg()).
		affecting(1).scopedBy("VALUES (?", testOrgID)
}

// auditInsertStep is the one INSERT that writes events, each row carrying
// the test organization (checked by the org-scoping test).
func auditInsertStep(events ...*entity.AuditEvent) step {
	var args []driver.Value
	for _, e := range events {
		args = append(args, auditRowArgs(e)...)
	}
	st := exec(auditInsertSQL(len(events)), args...).affecting(int64(len(events))).scopedBy("`organization_id`", testOrgID)
	st.then = outboxInsertStep(events...)
	return st
}

// The statements of RevokeByDigest: the token locked by its digest, then
// revoked (source BY_VALUE) only if it is not yet.
const (
	digestLockSQL   = "SELECT * FROM personal_access_tokens FORCE INDEX (uq_pat_org_digest) WHERE organization_id = ? AND token_digest = ? LIMIT ? FOR UPDATE"
	digestRevokeSQL = "UPDATE `personal_access_tokens` SET `revocation_source`=?,`revoked_at`=?,`revoked_by_id`=? WHERE organization_id = ? AND id = ? AND revoked_at IS NULL"
)

// digestLock locks the token of testDigest, finding rows.
func digestLock(rows *sqlmock.Rows) step {
	return query(digestLockSQL, testOrgID, testDigest, 1).returning(rows).scopedBy("organization_id = ?", testOrgID)
}

// digestRevoke revokes token A by value, by the test caller at testNow,
// changing affected rows.
func digestRevoke(affected int64) step {
	return exec(digestRevokeSQL, "BY_VALUE", testNow, testOwnerID, testOrgID, "A").affecting(affected).
		scopedBy("organization_id = ?", testOrgID)
}

// ownerCond is the owner condition of a member's bulk revocation.
func ownerCond(owner *int64) string {
	if owner == nil {
		return ""
	}
	return " AND owner_id = ?"
}

// bulkLock locks ids among the organization's tokens, or owner's too
// (member) if not nil, finding rows.
func bulkLock(owner *int64, rows *sqlmock.Rows, ids ...string) step {
	args := argsOf(testOrgID)
	if owner != nil {
		args = append(args, *owner)
	}
	for _, id := range ids {
		args = append(args, id)
	}
	return query("SELECT * FROM `personal_access_tokens` WHERE organization_id = ?"+ownerCond(owner)+
		" AND id IN ("+placeholders(len(ids))+") FOR UPDATE", args...).
		returning(rows).scopedBy("organization_id = ?", testOrgID)
}

// bulkRevoke revokes those of ids not yet revoked, by the test caller at
// testNow, the source chosen per row (OWNER when the revoker owns it, else
// ADMIN), changing affected rows.
func bulkRevoke(owner *int64, affected int64, ids ...string) step {
	args := argsOf(testOwnerID, "OWNER", "ADMIN", testNow, testOwnerID, testOrgID)
	if owner != nil {
		args = append(args, *owner)
	}
	for _, id := range ids {
		args = append(args, id)
	}
	return exec("UPDATE `personal_access_tokens` SET `revocation_source`=CASE WHEN owner_id = ? THEN ? ELSE ? END,`revoked_at`=?,`revoked_by_id`=? "+
		"WHERE organization_id = ?"+ownerCond(owner)+" AND (id IN ("+placeholders(len(ids))+") AND revoked_at IS NULL)", args...).
		affecting(affected).scopedBy("organization_id = ?", testOrgID)
}

// revokeSteps are the statements of a bulk revocation of ids by an admin,
// or by owner if not nil, that finds the tokens found, revokes affected of
// them and audits events: the same round trips whatever the number of IDs
// (the audit INSERT only when there are events, the counter update only
// when the UPDATE revoked some).
func revokeSteps(owner *int64, ids, found []string, affected int64, events []*entity.AuditEvent) []step {
	steps := []step{begin(), revokeOrgLock(), bulkLock(owner, tokenRows(nil, found...), ids...), bulkRevoke(owner, affected, ids...)}
	if len(events) != 0 {
		steps = append(steps, auditInsertStep(events...))
	}
	if affected != 0 {
		steps = append(steps, counterStep(-affected), logStep())
	}
	return append(steps, commit())
}

// The statements of CreateToken before its INSERT.
func createTokenReadSteps() []step {
	return []step{
		begin(),
		orgLock(orgRows()),
		query("SELECT * FROM `users` WHERE id = ? AND organization_id = ? LIMIT ? FOR UPDATE", testOwnerID, testOrgID, 1).
			returning(userRows(testOwnerID)).scopedBy("organization_id = ?", testOrgID),
		query("SELECT count(*) FROM `personal_access_tokens` WHERE (revoked_at IS NULL AND expires_at > ? AND created_at > ?) AND (organization_id = ? AND owner_id = ?)",
			testNow, testNow-90*24*3600*1000, testOrgID, testOwnerID).
			returning(countRows(3)).scopedBy("organization_id = ?", testOrgID),
	}
}

// createTokenInsert inserts the token buildTestToken builds.
func createTokenInsert() step {
	return exec(createTokenInsertSQL, createTokenInsertArgs()...).affecting(1).scopedBy("`organization_id`", testOrgID)
}

// createTokenWriteSteps are CreateToken's writes after its reads: the
// token, its audit event, the counter.
func createTokenWriteSteps() []step {
	return []step{createTokenInsert(), auditInsertStep(createdEvent(createTokenAuditID)), counterStep(+1)}
}

// createTokenSteps is a whole successful CreateToken.
func createTokenSteps() []step {
	return concat(createTokenReadSteps(), createTokenWriteSteps(), []step{commit()})
}
