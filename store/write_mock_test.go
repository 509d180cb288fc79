package store

import (
	"context"
	"errors"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"

	"github.com/patgov/pats/apperr"
	"github.com/patgov/pats/model"
)

func TestCreateToken(t *testing.T) {
	ctx := context.Background()
	now := model.TimeFromMillis(testNow)
	t.Run("inserts what build returns and passes the active count", func(t *testing.T) {
		s, mock := newMockStore(t)
		expectSteps(mock, append(createTokenReadSteps(),
			step{kind: "exec", sql: createTokenInsertSQL, args: createTokenInsertArgs(), result: sqlmock.NewResult(0, 1)},
			commit()))
		var gotActive int64 = -1
		tok, org, err := s.CreateToken(ctx, testOrgID, testOwnerID, now, func(org *model.Organization, active int64) (*model.PersonalAccessToken, error) {
			gotActive = active
			return buildTestToken(org, active)
		})
		if err != nil {
			t.Fatalf("CreateToken: got %v, want nil", err)
		}
		if gotActive != 3 {
			t.Errorf("active tokens: got %d, want 3", gotActive)
		}
		if tok.ID != "01TOKEN" || org.ID != testOrgID || org.MaxLifespanDays != 90 {
			t.Errorf("CreateToken: got token %q org %+v, want 01TOKEN and org %d", tok.ID, org, testOrgID)
		}
		assertMet(t, mock)
	})
	t.Run("build error rolls back without insert", func(t *testing.T) {
		s, mock := newMockStore(t)
		expectSteps(mock, append(createTokenReadSteps(), rollback()))
		quota := apperr.New(apperr.QuotaExceeded, "quota")
		_, _, err := s.CreateToken(ctx, testOrgID, testOwnerID, now, func(*model.Organization, int64) (*model.PersonalAccessToken, error) {
			return nil, quota
		})
		if !errors.Is(err, quota) {
			t.Errorf("CreateToken error: got %v, want %v", err, quota)
		}
		assertMet(t, mock)
	})
	t.Run("missing organization is ErrNotFound", func(t *testing.T) {
		s, mock := newMockStore(t)
		expectSteps(mock, []step{
			begin(),
			{kind: "query", sql: "SELECT * FROM organizations WHERE id = ? LOCK IN SHARE MODE", args: argsOf(testOrgID), rows: sqlmock.NewRows(orgColumns)},
			rollback(),
		})
		_, _, err := s.CreateToken(ctx, testOrgID, testOwnerID, now, buildTestToken)
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("CreateToken error: got %v, want ErrNotFound", err)
		}
		assertMet(t, mock)
	})
	t.Run("owner outside the organization is ErrNotFound", func(t *testing.T) {
		s, mock := newMockStore(t)
		steps := createTokenReadSteps()[:3]
		steps[2].rows = sqlmock.NewRows(userColumns)
		expectSteps(mock, append(steps, rollback()))
		_, _, err := s.CreateToken(ctx, testOrgID, testOwnerID, now, buildTestToken)
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("CreateToken error: got %v, want ErrNotFound", err)
		}
		assertMet(t, mock)
	})
}

func TestUpdateSettings(t *testing.T) {
	ctx := context.Background()
	const lockSQL = "SELECT * FROM `organizations` WHERE id = ? LIMIT ? FOR UPDATE"
	t.Run("unchanged commits without update", func(t *testing.T) {
		s, mock := newMockStore(t)
		expectSteps(mock, []step{begin(), {kind: "query", sql: lockSQL, args: argsOf(testOrgID, 1), rows: orgRows()}, commit()})
		org, err := s.UpdateSettings(ctx, testOrgID, func(*model.Organization) (bool, error) { return false, nil })
		if err != nil || org == nil || org.ID != testOrgID {
			t.Errorf("UpdateSettings: got %+v, %v, want org %d, nil", org, err, testOrgID)
		}
		assertMet(t, mock)
	})
	t.Run("apply error rolls back", func(t *testing.T) {
		s, mock := newMockStore(t)
		expectSteps(mock, []step{begin(), {kind: "query", sql: lockSQL, args: argsOf(testOrgID, 1), rows: orgRows()}, rollback()})
		bad := apperr.New(apperr.BadUserInput, "bad lifespan")
		org, err := s.UpdateSettings(ctx, testOrgID, func(*model.Organization) (bool, error) { return true, bad })
		if !errors.Is(err, bad) || org != nil {
			t.Errorf("UpdateSettings: got %v, %v, want nil, %v", org, err, bad)
		}
		assertMet(t, mock)
	})
	t.Run("missing organization is ErrNotFound", func(t *testing.T) {
		s, mock := newMockStore(t)
		expectSteps(mock, []step{begin(), {kind: "query", sql: lockSQL, args: argsOf(testOrgID, 1), rows: sqlmock.NewRows(orgColumns)}, rollback()})
		_, err := s.UpdateSettings(ctx, testOrgID, func(*model.Organization) (bool, error) {
			t.Errorf("apply: called, want not called")
			return false, nil
		})
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("UpdateSettings error: got %v, want ErrNotFound", err)
		}
		assertMet(t, mock)
	})
}
