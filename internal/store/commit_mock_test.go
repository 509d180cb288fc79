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
// a statement, which the driver cancels with the context.
func TestCommitIsBoundedByTheContext(t *testing.T) {
	s, mock := newMockStore(t)
	steps := append(createTokenReadSteps(), createTokenWriteSteps()...)
	expectSteps(mock, steps)
	mock.ExpectExec(commitStatement).WillDelayFor(10 * time.Second).WillReturnResult(sqlmock.NewResult(0, 0))
	mock.ExpectRollback()

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := s.CreateToken(ctx, testOrgID, testOwnerID, entity.TimeFromMillis(testNow), buildTestToken)
	elapsed := time.Since(start)
	if err == nil {
		t.Fatal("CreateToken: got nil error, want the deadline's")
	}
	if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, sqlmock.ErrCancelled) {
		t.Errorf("CreateToken error: got %v, want a cancelled COMMIT", err)
	}
	if elapsed > 2*time.Second {
		t.Errorf("CreateToken returned after %v, want about the 200 ms deadline", elapsed)
	}
}
