package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm/clause"

	"github.com/patgov/pats/internal/entity"
)

// Identity is what a session token says about its bearer.
type Identity struct {
	OrgExternalID string
	Subject       string
	Email         string
	Name          string
	AccountType   entity.AccountType
}

// OrgDefaults are the settings a new organization starts with.
type OrgDefaults struct {
	Enabled         bool
	MaxLifespanDays int
}

// userWithOrg is the flat row of the provisioning join.
type userWithOrg struct {
	entity.User
	OrgExternalID          string
	OrgPatEnabled          bool
	OrgMaxLifespanDays     int
	OrgRevokeUnused        int
	OrgSettingsUpdatedAt   *entity.Time
	OrgSettingsUpdatedByID *int64
	OrgCreatedAt           entity.Time
	OrgUnrevokedTokenCount int64
	OrgMaxLifespanDaysEver int
}

// Provision returns the caller's organization and user, creating them on
// first sight and refreshing the user's name, email and account type when
// the claims changed (refreshed reports that). In the steady state it is
// one SELECT and no write.
func (s *Store) Provision(ctx context.Context, id Identity, defaults OrgDefaults, now entity.Time) (org *entity.Organization, user *entity.User, refreshed bool, err error) {
	row, err := s.findUserWithOrg(ctx, id.OrgExternalID, id.Subject)
	if err != nil && err != ErrNotFound {
		return nil, nil, false, err
	}
	if err == ErrNotFound {
		if err := s.createIdentity(ctx, id, defaults, now); err != nil {
			return nil, nil, false, err
		}
		if row, err = s.findUserWithOrg(ctx, id.OrgExternalID, id.Subject); err != nil {
			return nil, nil, false, fmt.Errorf("provision: read back: %w", err)
		}
	}
	org = &entity.Organization{
		ID: row.OrganizationID, ExternalID: row.OrgExternalID, PatEnabled: row.OrgPatEnabled,
		MaxLifespanDays: row.OrgMaxLifespanDays, RevokeUnusedAfterDays: row.OrgRevokeUnused, SettingsUpdatedAt: row.OrgSettingsUpdatedAt,
		SettingsUpdatedByID: row.OrgSettingsUpdatedByID, CreatedAt: row.OrgCreatedAt,
		UnrevokedTokenCount: row.OrgUnrevokedTokenCount, MaxLifespanDaysEver: row.OrgMaxLifespanDaysEver,
	}
	user = &row.User
	if user.Email != id.Email || user.Name != id.Name || user.AccountType != id.AccountType {
		user.Email, user.Name, user.AccountType = id.Email, id.Name, id.AccountType
		user.EmailKey, user.NameKey = strings.ToLower(id.Email), strings.ToLower(id.Name)
		user.UpdatedAt = now
		err := s.db.WithContext(ctx).Model(&entity.User{}).
			Where("id = ? AND organization_id = ?", user.ID, org.ID).
			Updates(map[string]any{
				"email": user.Email, "name": user.Name, "account_type": user.AccountType,
				"email_key": user.EmailKey, "name_key": user.NameKey, "updated_at": now,
			}).Error
		if err != nil {
			return nil, nil, false, fmt.Errorf("provision: update user: %w", err)
		}
		refreshed = true
	}
	return org, user, refreshed, nil
}

func (s *Store) findUserWithOrg(ctx context.Context, orgExternalID, subject string) (*userWithOrg, error) {
	var rows []userWithOrg
	err := s.prepared.WithContext(ctx).Raw(`SELECT u.*, o.external_id AS org_external_id,
  o.pat_enabled AS org_pat_enabled, o.max_lifespan_days AS org_max_lifespan_days,
  o.revoke_unused_after_days AS org_revoke_unused,
  o.settings_updated_at AS org_settings_updated_at,
  o.settings_updated_by_id AS org_settings_updated_by_id, o.created_at AS org_created_at,
  o.unrevoked_token_count AS org_unrevoked_token_count, o.max_lifespan_days_ever AS org_max_lifespan_days_ever
FROM users u JOIN organizations o ON o.id = u.organization_id
WHERE o.external_id = ? AND u.subject = ?`, orgExternalID, subject).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("provision: find user: %w", err)
	}
	if len(rows) == 0 {
		return nil, ErrNotFound
	}
	return &rows[0], nil
}

// createIdentity inserts the organization if it is missing, then the
// user. Concurrent first requests race benignly: conflicts are ignored and
// the caller reads back whatever row won. The organization is looked up
// before inserting, and nothing runs in a transaction, because MySQL's
// upsert would lock the existing organization row, which every creation
// and revocation in the organization also locks.
func (s *Store) createIdentity(ctx context.Context, id Identity, defaults OrgDefaults, now entity.Time) error {
	db := s.db.WithContext(ctx)
	orgID, err := s.organizationID(ctx, id.OrgExternalID)
	if errors.Is(err, ErrNotFound) {
		if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(newOrganization(id.OrgExternalID, defaults, now)).Error; err != nil {
			return fmt.Errorf("provision: create organization: %w", err)
		}
		orgID, err = s.organizationID(ctx, id.OrgExternalID)
	}
	if err != nil {
		return err
	}
	user := entity.User{
		OrganizationID: orgID, Subject: id.Subject, Email: id.Email, Name: id.Name,
		AccountType: id.AccountType, NameKey: strings.ToLower(id.Name),
		EmailKey: strings.ToLower(id.Email), CreatedAt: now, UpdatedAt: now,
	}
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&user).Error; err != nil {
		return fmt.Errorf("provision: create user: %w", err)
	}
	return nil
}

// organizationID returns the ID of the organization with the given
// external ID, or ErrNotFound.
func (s *Store) organizationID(ctx context.Context, externalID string) (int64, error) {
	var ids []int64
	if err := s.db.WithContext(ctx).Model(&entity.Organization{}).Where("external_id = ?", externalID).
		Limit(1).Pluck("id", &ids).Error; err != nil {
		return 0, fmt.Errorf("provision: read organization: %w", err)
	}
	if len(ids) == 0 {
		return 0, ErrNotFound
	}
	return ids[0], nil
}

// newOrganization is a new organization row with the default policy.
func newOrganization(externalID string, defaults OrgDefaults, now entity.Time) *entity.Organization {
	return &entity.Organization{
		ExternalID: externalID, PatEnabled: defaults.Enabled, MaxLifespanDays: defaults.MaxLifespanDays,
		MaxLifespanDaysEver: defaults.MaxLifespanDays, CreatedAt: now,
	}
}

// UsersByIDs returns the users of the organization with the given IDs, in
// no particular order. It backs the per-request user loader.
func (s *Store) UsersByIDs(ctx context.Context, orgID int64, ids []int64) ([]*entity.User, error) {
	var users []*entity.User
	err := s.db.WithContext(ctx).Where("organization_id = ? AND id IN ?", orgID, ids).Find(&users).Error
	if err != nil {
		return nil, fmt.Errorf("load users: %w", err)
	}
	return users, nil
}
