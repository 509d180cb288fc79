package store

import (
	"context"
	"errors"
	"testing"

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
	aborted := func(err error) []step {
		return []step{begin(), revokeOrgLock(), digestLock(nil).failing(err), rollback()}
	}
	// Rows are consumed when read: every case gets its own.
	lockAndRevoke := func() []step {
		return []step{begin(), revokeOrgLock(), digestLock(tokenRows(nil, "A")), digestRevoke(1)}
	}
	success := func() []step {
		return append(lockAndRevoke(), auditInsertStep(byValueEvent("A")), counterStep(-1), logStep(), commit())
	}
	// auditAborted is a run that MySQL aborts at the audit INSERT.
	auditAborted := func(err error) []step {
		return append(lockAndRevoke(), auditInsertStep(byValueEvent("A")).failing(err), rollback())
	}
	// counterAborted is a run that MySQL aborts after the audit INSERT.
	counterAborted := func(err error) []step {
		return append(lockAndRevoke(), auditInsertStep(byValueEvent("A")), counterStep(-1).failing(err), rollback())
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
			audits := 0
			tok, revoked, err := mockStore(t, tt.steps...).RevokeByDigest(context.Background(), testOrgID, testDigest, testOwnerID,
				entity.TimeFromMillis(testNow),
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
		steps := concat(createTokenReadSteps(), createTokenWriteSteps()[:2],
			[]step{counterStep(+1).failing(errDeadlock), rollback()}, createTokenSteps())
		builds := 0
		tok, _, err := mockStore(t, steps...).CreateToken(ctx, testOrgID, testOwnerID, now,
			func(org *entity.Organization, active int64) (*entity.PersonalAccessToken, *entity.AuditEvent, error) {
				builds++
				return buildTestToken(org, active)
			})
		if err != nil || tok == nil || tok.ID != "01TOKEN" {
			t.Fatalf("CreateToken: got %v, %v, want token 01TOKEN, nil", tok, err)
		}
		if builds != 2 {
			t.Errorf("build calls: got %d, want 2", builds)
		}
	})
	t.Run("RevokeTokens lock-wait timeout at the audit insert", func(t *testing.T) {
		events := revokedEvents(ids...)
		// BEGIN, locks, UPDATE, audit INSERT fails, ROLLBACK; then all again.
		steps := concat(revokeSteps(nil, ids, ids, 2, events)[:4],
			[]step{auditInsertStep(events...).failing(errLockWait), rollback()}, revokeSteps(nil, ids, ids, 2, events))
		plans := 0
		found, count, err := mockStore(t, steps...).RevokeTokens(ctx, Reach{OrgID: testOrgID}, ids, testOwnerID, now,
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
	})
}
