package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/DATA-DOG/go-sqlmock"

	"github.com/patgov/pats/internal/entity"
)

// TestCommitIsBoundedByTheContext checks that a COMMIT whose answer does
// not come (a network partition) fails when the caller's deadline passes,
// not when the driver's 30 s read timeout does: the store sends COMMIT as
// a statement, which the driver cancels with the context. Every write
// transaction does.
func TestCommitIsBoundedByTheContext(t *testing.T) {
	now := entity.TimeFromMillis(testNow)
	ab := []string{"A", "B"}
	revokeAB := revokeSteps(nil, ab, ab, 2, revokedEvents(ab...))
	tests := []struct {
		name string
		// steps are the statements before COMMIT.
		steps []step
		call  func(ctx context.Context, s *Store) error
	}{
		{
			name:  "CreateToken",
			steps: concat(createTokenReadSteps(), createTokenWriteSteps()),
			call: func(ctx context.Context, s *Store) error {
				_, _, err := s.CreateToken(ctx, testOrgID, testOwnerID, now, buildTestToken)
				return err
			},
		},
		{
			name:  "RevokeTokens",
			steps: revokeAB[:len(revokeAB)-1],
			call: func(ctx context.Context, s *Store) error {
				_, _, err := s.RevokeTokens(ctx, Reach{OrgID: testOrgID}, ab, testOwnerID, now, planEvents(revokedEvents(ab...)))
				return err
			},
		},
		{
			name:  "RevokeByDigest",
			steps: []step{begin(), revokeOrgLock(), digestLock(tokenRows(nil, "A")), digestRevoke(1), auditInsertStep(byValueEvent("A")), counterStep(-1), logStep()},
			call: func(ctx context.Context, s *Store) error {
				_, _, err := s.RevokeByDigest(ctx, testOrgID, testDigest, testOwnerID, now, byValueAudit)
				return err
			},
		},
		{
			name:  "UpdateSettings",
			steps: []step{begin(), orgLock(orgRows()), updateSettingsStep(30, 365, true), auditInsertStep(lifespanEvent(30))},
			call: func(ctx context.Context, s *Store) error {
				_, err := s.UpdateSettings(ctx, testOrgID, setTestLifespan(30))
				return err
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, mock := newMockStore(t)
			expectSteps(mock, tt.steps)
			mock.ExpectExec(commitStatement).WillDelayFor(10 * time.Second).WillReturnResult(sqlmock.NewResult(0, 0))
			mock.ExpectRollback()

			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			start := time.Now()
			err := tt.call(ctx, s)
			elapsed := time.Since(start)
			if err == nil {
				t.Fatalf("%s: got nil error, want the deadline's", tt.name)
			}
			if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, sqlmock.ErrCancelled) {
				t.Errorf("%s error: got %v, want a cancelled COMMIT", tt.name, err)
			}
			if elapsed > 2*time.Second {
				t.Errorf("%s returned after %v, want about the 200 ms deadline", tt.name, elapsed)
			}
		})
	}
}
