package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/migrations"
)

// EnsureOrganization returns the organization with the given external ID,
// creating it with defaults if it does not exist. The seeding command
// uses it; requests go through Provision.
func (s *Store) EnsureOrganization(ctx context.Context, externalID string, defaults OrgDefaults, now entity.Time) (*entity.Organization, error) {
	org := newOrganization(externalID, defaults, now)
	db := s.db.WithContext(ctx)
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(org).Error; err != nil {
		return nil, fmt.Errorf("ensure organization: %w", err)
	}
	var stored entity.Organization
	if err := db.Where("external_id = ?", externalID).Take(&stored).Error; err != nil {
		return nil, fmt.Errorf("ensure organization: read back: %w", err)
	}
	return &stored, nil
}

// InsertUsers inserts users of one organization in multi-row statements,
// skipping subjects that already exist, and sets every user's ID to the
// stored one.
func (s *Store) InsertUsers(ctx context.Context, orgID int64, users []*entity.User, batch int) error {
	db := s.db.WithContext(ctx)
	for start := 0; start < len(users); start += batch {
		chunk := users[start:min(start+batch, len(users))]
		if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(chunk).Error; err != nil {
			return fmt.Errorf("insert users: %w", err)
		}
		subjects := make([]string, len(chunk))
		for i, u := range chunk {
			subjects[i] = u.Subject
		}
		var stored []entity.User
		if err := db.Select("id", "subject").Where("organization_id = ? AND subject IN ?", orgID, subjects).Find(&stored).Error; err != nil {
			return fmt.Errorf("insert users: read back: %w", err)
		}
		ids := make(map[string]int64, len(stored))
		for _, u := range stored {
			ids[u.Subject] = u.ID
		}
		for _, u := range chunk {
			u.ID = ids[u.Subject]
		}
	}
	return nil
}

// LoadTokens inserts every batch it receives, each in one multi-row
// statement, on one connection, until batches is closed. It is for seeding
// only: on MySQL it turns off the session's unique and foreign-key checks
// (the standard bulk-load settings, letting InnoDB buffer secondary-index
// changes), so the caller must guarantee unique digests and valid
// references.
func (s *Store) LoadTokens(ctx context.Context, batches <-chan []*entity.PersonalAccessToken) error {
	return s.db.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		// Each statement gets its own session on the one connection: a
		// shared handle would carry one statement's error to the next, and
		// an implicit transaction would hand later statements back to the
		// pool.
		on := func() *gorm.DB { return conn.Session(&gorm.Session{SkipDefaultTransaction: true}) }
		if s.dialect == migrations.MySQL {
			if err := on().Exec("SET SESSION unique_checks = 0, foreign_key_checks = 0").Error; err != nil {
				return fmt.Errorf("load tokens: %w", err)
			}
			defer on().Exec("SET SESSION unique_checks = 1, foreign_key_checks = 1")
		}
		for batch := range batches {
			if err := on().Create(batch).Error; err != nil {
				return fmt.Errorf("load tokens: %w", err)
			}
		}
		return nil
	})
}

// RecountTokens sets the organization's unrevoked-token counter from the
// rows themselves, after a bulk load that bypassed CreateToken.
func (s *Store) RecountTokens(ctx context.Context, orgID int64) error {
	err := s.db.WithContext(ctx).Exec(`UPDATE organizations SET unrevoked_token_count =
  (SELECT COUNT(*) FROM personal_access_tokens t WHERE t.organization_id = ? AND t.revoked_at IS NULL)
WHERE id = ?`, orgID, orgID).Error
	if err != nil {
		return fmt.Errorf("recount tokens: %w", err)
	}
	return nil
}
