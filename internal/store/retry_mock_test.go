package store

import (
	"context"
	"errors"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"
	mysqldriver "github.com/go-sql-driver/mysql"

	"github.com/patgov/pats/internal/entity"
)

// The errors on which MySQL aborts a whole transaction, which the store
// retries.
var (
	errDeadlock = &mysqldriver.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock"}
	errLockWait = &mysqldriver.MySQLError{Number: 1205, Message: "Lock wait timeout exceeded"}
)

// TestTransactionsRetryDeadlocks: a transaction that MySQL aborts for a
// deadlock (1213) or a lock-wait timeout (1205) is rolled back and run
// again whole, audit INSERT included; other errors are not retried;
// retries are bounded.
func TestTransactionsRetryDeadlocks(t *testing.T) {
	digest := []byte("0123456789abcdef0123456789abcdef")
	aborted := func(err error) []step {
		return []step{begin(), {kind: "query", sql: digestLockSQL, args: argsOf(testOrgID, digest, 1), err: err}, rollback()}
	}
	// Rows are consumed when read: every case gets its own.
	lockAndRevoke := func() []step {
		return []step{
			begin(),
			{kind: "query", sql: digestLockSQL, args: argsOf(testOrgID, digest, 1), rows: tokenRows(nil, "A")},
			{kind: "exec", sql: digestRevokeSQL, args: digestRevokeArgs("A"), result: sqlmock.NewResult(0, 1)},
		}
	}
	success := func() []step {
		return append(lockAndRevoke(), auditInsertStep(byValueEvent("A")), counterStep(-1), commit())
	}
	// auditAborted is a run that MySQL aborts at the audit INSERT.
	auditAborted := func(err error) []step {
		return append(lockAndRevoke(), failedAuditInsert(err, byValueEvent("A")), rollback())
	}
	// counterAborted is a run that MySQL aborts after the audit INSERT.
	counterAborted := func(err error) []step {
		counter := counterStep(-1)
		counter.result, counter.err = nil, err
		return append(lockAndRevoke(), auditInsertStep(byValueEvent("A")), counter, rollback())
	}
	concat := func(runs ...[]step) []step {
		var out []step
		for _, r := range runs {
			out = append(out, r...)
		}
		return out
	}
	tests := []struct {
		name       string
		steps      []step
		wantErr    error
		wantAudits int // calls of the audit callback: one per run that reaches it
	}{
		{"deadlock, then success", concat(aborted(errDeadlock), success()), nil, 1},
		{"lock-wait timeout twice, then success", concat(aborted(errLockWait), aborted(errLockWait), success()), nil, 1},
		{"deadlock on the audit insert redoes the whole transaction", concat(auditAborted(errDeadlock), success()), nil, 2},
		{"lock-wait timeout after the audit insert redoes it", concat(counterAborted(errLockWait), success()), nil, 2},
		{"other errors are not retried", aborted(errDB), errDB, 0},
		{"other audit insert errors are not retried", auditAborted(errDB), errDB, 1},
		{"five deadlocks give up", concat(aborted(errDeadlock), aborted(errDeadlock), aborted(errDeadlock), aborted(errDeadlock), aborted(errDeadlock)), errDeadlock, 0},
		{"five audit insert deadlocks give up", concat(auditAborted(errDeadlock), auditAborted(errDeadlock), auditAborted(errDeadlock), auditAborted(errDeadlock), auditAborted(errDeadlock)), errDeadlock, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, mock := newMockStore(t)
			expectSteps(mock, tt.steps)
			audits := 0
			tok, revoked, err := s.RevokeByDigest(context.Background(), testOrgID, digest, testOwnerID, entity.TimeFromMillis(testNow),
				func(tok *entity.PersonalAccessToken) *entity.AuditEvent {
					audits++
					return byValueAudit(tok)
				})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("RevokeByDigest: got %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && (!revoked || tok.RevokedAt == nil || tok.RevocationSource == nil || *tok.RevocationSource != entity.RevokedByValue) {
				t.Errorf("RevokeByDigest: got revoked=%v, want the retried transaction's result", revoked)
			}
			if audits != tt.wantAudits {
				t.Errorf("audit calls: got %d, want %d", audits, tt.wantAudits)
			}
			assertMet(t, mock)
		})
	}
}

// TestRetryRedoesAuditedWrites checks that a retried CreateToken or
// RevokeTokens runs its callback again and sends its audit INSERT again:
// the retried transaction is complete, not resumed.
func TestRetryRedoesAuditedWrites(t *testing.T) {
	ctx := context.Background()
	now := entity.TimeFromMillis(testNow)
	ids := []string{"A", "B"}
	t.Run("CreateToken deadlock at the counter", func(t *testing.T) {
		write := createTokenWriteSteps()
		write[2].result, write[2].err = nil, errDeadlock
		steps := append(append(createTokenReadSteps(), write...), rollback())
		steps = append(append(append(steps, createTokenReadSteps()...), createTokenWriteSteps()...), commit())
		s, mock := newMockStore(t)
		expectSteps(mock, steps)
		builds := 0
		tok, _, err := s.CreateToken(ctx, testOrgID, testOwnerID, now, func(org *entity.Organization, active int64) (*entity.PersonalAccessToken, *entity.AuditEvent, error) {
			builds++
			return buildTestToken(org, active)
		})
		if err != nil || tok == nil || tok.ID != "01TOKEN" {
			t.Fatalf("CreateToken: got %v, %v, want token 01TOKEN, nil", tok, err)
		}
		if builds != 2 {
			t.Errorf("build calls: got %d, want 2", builds)
		}
		assertMet(t, mock)
	})
	t.Run("RevokeTokens lock-wait timeout at the audit insert", func(t *testing.T) {
		events := revokedEvents(ids...)
		first := revokeSteps(ids, ids, 2, events)
		// BEGIN, lock, UPDATE, audit INSERT fails, ROLLBACK.
		first = append(first[:3], failedAuditInsert(errLockWait, events...), rollback())
		steps := append(first, revokeSteps(ids, ids, 2, events)...)
		s, mock := newMockStore(t)
		expectSteps(mock, steps)
		plans := 0
		found, count, err := s.RevokeTokens(ctx, Reach{OrgID: testOrgID}, ids, testOwnerID, now,
			func(found []*entity.PersonalAccessToken) ([]*entity.AuditEvent, error) {
				plans++
				return events, nil
			})
		if err != nil || count != 2 || len(found) != 2 {
			t.Fatalf("RevokeTokens: got %d tokens, count %d, %v, want 2, 2, nil", len(found), count, err)
		}
		if plans != 2 {
			t.Errorf("plan calls: got %d, want 2", plans)
		}
		assertMet(t, mock)
	})
}
