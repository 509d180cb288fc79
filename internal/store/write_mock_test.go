package store

import (
	"context"
	"errors"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/entity"
)

// TestCreateToken checks CreateToken's transaction: the organization is
// locked FOR UPDATE, the owner locked, their active tokens counted, the
// token inserted, its audit event inserted and the organization's
// unrevoked-token counter incremented, all between one BEGIN and one
// COMMIT; and that a token is never committed without its event.
func TestCreateToken(t *testing.T) {
	ctx := context.Background()
	now := entity.TimeFromMillis(testNow)
	quota := apperr.New(apperr.QuotaExceeded, "quota")
	ownerMissing := createTokenReadSteps()[:3]
	ownerMissing[2].rows = sqlmock.NewRows(userColumns)
	tests := []struct {
		name      string
		steps     []step
		wantKinds []string
		build     func(org *entity.Organization, active int64) (*entity.PersonalAccessToken, *entity.AuditEvent, error)
		// wantErr is the error the call must wrap, nil for success;
		// wantFail a failure that wraps no particular error.
		wantErr    error
		wantFail   bool
		wantActive int64 // the count passed to build, -1 if not called
	}{
		{
			name:       "inserts the token and its event and counts it in the same transaction",
			steps:      createTokenSteps(),
			wantKinds:  []string{"begin", "query", "query", "query", "exec", "exec", "exec", "exec", "commit"}, // token, audit, outbox, counter,
			build:      buildTestToken,
			wantActive: 3,
		},
		{
			name:      "build error rolls back without insert or counter update",
			steps:     append(createTokenReadSteps(), rollback()),
			wantKinds: []string{"begin", "query", "query", "query", "rollback"},
			build: func(*entity.Organization, int64) (*entity.PersonalAccessToken, *entity.AuditEvent, error) {
				return nil, nil, quota
			},
			wantErr:    quota,
			wantActive: 3,
		},
		{
			name: "audit insert failure rolls back without counter update",
			steps: append(createTokenReadSteps(), createTokenInsert(),
				auditInsertStep(createdEvent(createTokenAuditID)).failing(errDB), rollback()),
			wantKinds:  []string{"begin", "query", "query", "query", "exec", "exec", "rollback"},
			build:      buildTestToken,
			wantErr:    errDB,
			wantActive: 3,
		},
		{
			// A build that forgets the event must not create an unaudited
			// token: GORM refuses the nil row before sending anything.
			name:      "no event rolls back the token insert",
			steps:     append(createTokenReadSteps(), createTokenInsert(), rollback()),
			wantKinds: []string{"begin", "query", "query", "query", "exec", "rollback"},
			build: func(org *entity.Organization, active int64) (*entity.PersonalAccessToken, *entity.AuditEvent, error) {
				tok, _, err := buildTestToken(org, active)
				return tok, nil, err
			},
			wantFail:   true,
			wantActive: 3,
		},
		{
			name:       "missing organization is ErrNotFound",
			steps:      []step{begin(), orgLock(sqlmock.NewRows(orgColumns)), rollback()},
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
			checkKinds(t, tt.steps, tt.wantKinds...)
			var gotActive int64 = -1
			tok, org, err := mockStore(t, tt.steps...).CreateToken(ctx, testOrgID, testOwnerID, now,
				func(org *entity.Organization, active int64) (*entity.PersonalAccessToken, *entity.AuditEvent, error) {
					gotActive = active
					return tt.build(org, active)
				})
			if gotActive != tt.wantActive {
				t.Errorf("active tokens passed to build: got %d, want %d", gotActive, tt.wantActive)
			}
			if tt.wantErr != nil || tt.wantFail {
				if err == nil || tok != nil || org != nil {
					t.Errorf("CreateToken: got %v, %v, %v, want nil, nil and an error", tok, org, err)
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("CreateToken error: got %v, want it to wrap %v", err, tt.wantErr)
				}
			} else {
				if err != nil {
					t.Fatalf("CreateToken: got %v, want nil", err)
				}
				if tok.ID != "01TOKEN" || org.ID != testOrgID || org.MaxLifespanDays != 90 || org.MaxLifespanDaysEver != 365 {
					t.Errorf("CreateToken: got token %q org %+v, want 01TOKEN and org %d (90 days, 365 ever)", tok.ID, org, testOrgID)
				}
			}
		})
	}
}

// settingsAuditID is the ID of the event setTestLifespan returns.
const settingsAuditID = "01EVENTSETTINGS"

// lifespanEvent is the event of changing the test organization's maximum
// lifespan from 90 days to days.
func lifespanEvent(days int) *entity.AuditEvent {
	return settingsChangedEvent(settingsAuditID, true, true, 90, days)
}

// setTestLifespan is an UpdateSettings callback that sets the maximum
// lifespan to days, by the test caller at testNow, and returns
// lifespanEvent(days).
func setTestLifespan(days int) func(*entity.Organization) (*entity.AuditEvent, error) {
	return func(org *entity.Organization) (*entity.AuditEvent, error) {
		at, by := entity.TimeFromMillis(testNow), testOwnerID
		org.MaxLifespanDays, org.SettingsUpdatedAt, org.SettingsUpdatedByID = days, &at, &by
		return lifespanEvent(days), nil
	}
}

// TestUpdateSettings checks that the policy is written under the lock,
// then its audit event, only when apply returns an event (a change),
// together with the highest maximum lifespan the organization ever had;
// and that a failed audit INSERT rolls the change back.
func TestUpdateSettings(t *testing.T) {
	ctx := context.Background()
	// lock is a fresh step each time: sqlmock rows are read once.
	lock := func() step { return orgLock(orgRows()) }
	update := func(days, ever int) step { return updateSettingsStep(days, ever, true) }
	bad := apperr.New(apperr.BadUserInput, "bad lifespan")
	tests := []struct {
		name      string
		steps     []step
		wantKinds []string
		apply     func(org *entity.Organization) (*entity.AuditEvent, error)
		wantErr   error
		// wantDays and wantEver are the returned policy when wantErr is nil.
		wantDays, wantEver int
	}{
		{
			name:      "no event commits without update or audit insert",
			steps:     []step{begin(), lock(), commit()},
			wantKinds: []string{"begin", "query", "commit"},
			apply:     func(*entity.Organization) (*entity.AuditEvent, error) { return nil, nil },
			wantDays:  90, wantEver: 365,
		},
		{
			name:      "apply error rolls back, its event unwritten",
			steps:     []step{begin(), lock(), rollback()},
			wantKinds: []string{"begin", "query", "rollback"},
			apply:     func(*entity.Organization) (*entity.AuditEvent, error) { return lifespanEvent(30), bad },
			wantErr:   bad,
		},
		{
			name:      "missing organization is ErrNotFound",
			steps:     []step{begin(), orgLock(sqlmock.NewRows(orgColumns)), rollback()},
			wantKinds: []string{"begin", "query", "rollback"},
			apply: func(*entity.Organization) (*entity.AuditEvent, error) {
				t.Errorf("apply: got called, want not called")
				return nil, nil
			},
			wantErr: ErrNotFound,
		},
		{
			name:      "lowering the maximum keeps the highest ever, then audits",
			steps:     []step{begin(), lock(), update(30, 365), auditInsertStep(lifespanEvent(30)), commit()},
			wantKinds: []string{"begin", "query", "exec", "exec", "exec", "commit"}, // update, audit, outbox
			apply:     setTestLifespan(30),
			wantDays:  30, wantEver: 365,
		},
		{
			name:      "raising the maximum above the highest ever records it, then audits",
			steps:     []step{begin(), lock(), update(400, 400), auditInsertStep(lifespanEvent(400)), commit()},
			wantKinds: []string{"begin", "query", "exec", "exec", "exec", "commit"},
			apply:     setTestLifespan(400),
			wantDays:  400, wantEver: 400,
		},
		{
			name:      "audit insert failure rolls back",
			steps:     []step{begin(), lock(), update(30, 365), auditInsertStep(lifespanEvent(30)).failing(errDB), rollback()},
			wantKinds: []string{"begin", "query", "exec", "exec", "rollback"},
			apply:     setTestLifespan(30),
			wantErr:   errDB,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkKinds(t, tt.steps, tt.wantKinds...)
			org, err := mockStore(t, tt.steps...).UpdateSettings(ctx, testOrgID, tt.apply)
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
		})
	}
}
