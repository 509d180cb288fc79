package store

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"

	"github.com/patgov/pats/apperr"
	"github.com/patgov/pats/model"
)

// TestCreateToken checks CreateToken's transaction: the organization is
// locked FOR UPDATE, the owner locked, their active tokens counted, the
// token inserted and the organization's unrevoked-token counter
// incremented, all between one BEGIN and one COMMIT.
func TestCreateToken(t *testing.T) {
	ctx := context.Background()
	now := model.TimeFromMillis(testNow)
	quota := apperr.New(apperr.QuotaExceeded, "quota")
	ownerMissing := createTokenReadSteps()[:3]
	ownerMissing[2].rows = sqlmock.NewRows(userColumns)
	tests := []struct {
		name      string
		steps     []step
		wantKinds []string
		build     func(org *model.Organization, active int64) (*model.PersonalAccessToken, error)
		// wantErr is the error the call must wrap, nil for success.
		wantErr    error
		wantActive int64 // the count passed to build, -1 if not called
	}{
		{
			name: "inserts what build returns and counts it in the same transaction",
			steps: append(createTokenReadSteps(),
				step{kind: "exec", sql: createTokenInsertSQL, args: createTokenInsertArgs(), result: sqlmock.NewResult(0, 1)},
				counterStep(+1),
				commit()),
			wantKinds:  []string{"begin", "query", "query", "query", "exec", "exec", "commit"},
			build:      buildTestToken,
			wantActive: 3,
		},
		{
			name:       "build error rolls back without insert or counter update",
			steps:      append(createTokenReadSteps(), rollback()),
			wantKinds:  []string{"begin", "query", "query", "query", "rollback"},
			build:      func(*model.Organization, int64) (*model.PersonalAccessToken, error) { return nil, quota },
			wantErr:    quota,
			wantActive: 3,
		},
		{
			name: "missing organization is ErrNotFound",
			steps: []step{
				begin(),
				{kind: "query", sql: createTokenOrgLockSQL, args: argsOf(testOrgID, 1), rows: sqlmock.NewRows(orgColumns)},
				rollback(),
			},
			wantKinds:  []string{"begin", "query", "rollback"},
			build:      buildTestToken,
			wantErr:    ErrNotFound,
			wantActive: -1,
		},
		{
			name:       "owner outside the organization is ErrNotFound",
			steps:      append(ownerMissing, rollback()),
			wantKinds:  []string{"begin", "query", "query", "rollback"},
			build:      buildTestToken,
			wantErr:    ErrNotFound,
			wantActive: -1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kinds(tt.steps); !slices.Equal(got, tt.wantKinds) {
				t.Fatalf("statements: got %v, want %v", got, tt.wantKinds)
			}
			s, mock := newMockStore(t)
			expectSteps(mock, tt.steps)
			var gotActive int64 = -1
			tok, org, err := s.CreateToken(ctx, testOrgID, testOwnerID, now, func(org *model.Organization, active int64) (*model.PersonalAccessToken, error) {
				gotActive = active
				return tt.build(org, active)
			})
			if gotActive != tt.wantActive {
				t.Errorf("active tokens passed to build: got %d, want %d", gotActive, tt.wantActive)
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || tok != nil || org != nil {
					t.Errorf("CreateToken: got %v, %v, %v, want nil, nil, %v", tok, org, err, tt.wantErr)
				}
			} else {
				if err != nil {
					t.Fatalf("CreateToken: got %v, want nil", err)
				}
				if tok.ID != "01TOKEN" || org.ID != testOrgID || org.MaxLifespanDays != 90 || org.MaxLifespanDaysEver != 365 {
					t.Errorf("CreateToken: got token %q org %+v, want 01TOKEN and org %d (90 days, 365 ever)", tok.ID, org, testOrgID)
				}
			}
			assertMet(t, mock)
		})
	}
}

// TestUpdateSettings checks that the policy is written under the lock
// only when apply reports a change, together with the highest maximum
// lifespan the organization ever had.
func TestUpdateSettings(t *testing.T) {
	ctx := context.Background()
	now := model.TimeFromMillis(testNow)
	const lockSQL = "SELECT * FROM `organizations` WHERE id = ? LIMIT ? FOR UPDATE"
	// lock is a fresh step each time: sqlmock rows are read once.
	lock := func() step { return step{kind: "query", sql: lockSQL, args: argsOf(testOrgID, 1), rows: orgRows()} }
	bad := apperr.New(apperr.BadUserInput, "bad lifespan")
	setLifespan := func(days int) func(*model.Organization) (bool, error) {
		return func(org *model.Organization) (bool, error) {
			at, by := now, testOwnerID
			org.MaxLifespanDays, org.SettingsUpdatedAt, org.SettingsUpdatedByID = days, &at, &by
			return true, nil
		}
	}
	tests := []struct {
		name    string
		steps   []step
		apply   func(org *model.Organization) (bool, error)
		wantErr error
		// wantDays and wantEver are the returned policy when wantErr is nil.
		wantDays, wantEver int
	}{
		{
			name:     "unchanged commits without update",
			steps:    []step{begin(), lock(), commit()},
			apply:    func(*model.Organization) (bool, error) { return false, nil },
			wantDays: 90, wantEver: 365,
		},
		{
			name:    "apply error rolls back",
			steps:   []step{begin(), lock(), rollback()},
			apply:   func(*model.Organization) (bool, error) { return true, bad },
			wantErr: bad,
		},
		{
			name: "missing organization is ErrNotFound",
			steps: []step{begin(),
				{kind: "query", sql: lockSQL, args: argsOf(testOrgID, 1), rows: sqlmock.NewRows(orgColumns)},
				rollback()},
			apply: func(*model.Organization) (bool, error) {
				t.Errorf("apply: got called, want not called")
				return false, nil
			},
			wantErr: ErrNotFound,
		},
		{
			name: "lowering the maximum keeps the highest ever",
			steps: []step{begin(), lock(),
				{kind: "exec", sql: updateSettingsSQL, args: argsOf(30, 365, true, testNow, testOwnerID, testOrgID),
					result: sqlmock.NewResult(0, 1)},
				commit()},
			apply:    setLifespan(30),
			wantDays: 30, wantEver: 365,
		},
		{
			name: "raising the maximum above the highest ever records it",
			steps: []step{begin(), lock(),
				{kind: "exec", sql: updateSettingsSQL, args: argsOf(400, 400, true, testNow, testOwnerID, testOrgID),
					result: sqlmock.NewResult(0, 1)},
				commit()},
			apply:    setLifespan(400),
			wantDays: 400, wantEver: 400,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, mock := newMockStore(t)
			expectSteps(mock, tt.steps)
			org, err := s.UpdateSettings(ctx, testOrgID, tt.apply)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || org != nil {
					t.Errorf("UpdateSettings: got %v, %v, want nil, %v", org, err, tt.wantErr)
				}
			} else {
				if err != nil {
					t.Fatalf("UpdateSettings: got %v, want nil", err)
				}
				if org.ID != testOrgID || org.MaxLifespanDays != tt.wantDays || org.MaxLifespanDaysEver != tt.wantEver {
					t.Errorf("UpdateSettings: got org %d, %d days, %d ever, want org %d, %d days, %d ever",
						org.ID, org.MaxLifespanDays, org.MaxLifespanDaysEver, testOrgID, tt.wantDays, tt.wantEver)
				}
			}
			assertMet(t, mock)
		})
	}
}
