package store

import (
	"context"
	"errors"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"
	mysqldriver "github.com/go-sql-driver/mysql"

	"github.com/patgov/pats/model"
)

// TestTransactionsRetryDeadlocks: a transaction that MySQL aborts for a
// deadlock (1213) or a lock-wait timeout (1205) is rolled back and run
// again whole; other errors are not retried; retries are bounded.
func TestTransactionsRetryDeadlocks(t *testing.T) {
	digest := []byte("0123456789abcdef0123456789abcdef")
	const (
		selectSQL = "SELECT * FROM `personal_access_tokens` WHERE organization_id = ? AND token_digest = ? LIMIT ? FOR UPDATE"
		updateSQL = "UPDATE `personal_access_tokens` SET `revoked_at`=?,`revoked_by_id`=? WHERE organization_id = ? AND id = ? AND revoked_at IS NULL"
	)
	deadlock := &mysqldriver.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock"}
	lockWait := &mysqldriver.MySQLError{Number: 1205, Message: "Lock wait timeout exceeded"}
	aborted := func(err error) []step {
		return []step{begin(), {kind: "query", sql: selectSQL, args: argsOf(testOrgID, digest, 1), err: err}, rollback()}
	}
	// Rows are consumed when read: every case gets its own.
	success := func() []step {
		return []step{
			begin(),
			{kind: "query", sql: selectSQL, args: argsOf(testOrgID, digest, 1), rows: tokenRows(nil, "A")},
			{kind: "exec", sql: updateSQL, args: argsOf(testNow, testOwnerID, testOrgID, "A"), result: sqlmock.NewResult(0, 1)},
			counterStep(-1),
			commit(),
		}
	}
	tests := []struct {
		name    string
		steps   []step
		wantErr error
	}{
		{"deadlock, then success", append(aborted(deadlock), success()...), nil},
		{"lock-wait timeout twice, then success", append(append(aborted(lockWait), aborted(lockWait)...), success()...), nil},
		{"other errors are not retried", aborted(errDB), errDB},
		{"five deadlocks give up", append(append(append(append(aborted(deadlock), aborted(deadlock)...), aborted(deadlock)...), aborted(deadlock)...), aborted(deadlock)...), deadlock},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, mock := newMockStore(t)
			expectSteps(mock, tt.steps)
			tok, revoked, err := s.RevokeByDigest(context.Background(), testOrgID, digest, testOwnerID, model.TimeFromMillis(testNow))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("RevokeByDigest: got %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && (!revoked || tok.RevokedAt == nil) {
				t.Errorf("RevokeByDigest: got revoked=%v, want the retried transaction's result", revoked)
			}
			assertMet(t, mock)
		})
	}
}
