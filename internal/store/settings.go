package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/patgov/pats/internal/entity"
)

// Organization returns the organization with the given ID.
func (s *Store) Organization(ctx context.Context, orgID int64) (*entity.Organization, error) {
	var org entity.Organization
	if err := s.db.WithContext(ctx).Where("id = ?", orgID).Take(&org).Error; err != nil {
		return nil, notFound(err, "read organization")
	}
	return &org, nil
}

// UpdateSettings locks the organization row and lets apply change the
// policy fields of org. If apply returns an audit event (it changed
// something), the policy and the event are written in the same
// transaction. The lock makes concurrent updates and token creations see
// one order of events.
func (s *Store) UpdateSettings(ctx context.Context, orgID int64, apply func(org *entity.Organization) (*entity.AuditEvent, error)) (*entity.Organization, error) {
	var org entity.Organization
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		org = entity.Organization{}
		if err := s.forUpdate(tx).Where("id = ?", orgID).Take(&org).Error; err != nil {
			return notFound(err, "update settings: read organization")
		}
		event, err := apply(&org)
		if err != nil || event == nil {
			return err
		}
		err = tx.Model(&entity.Organization{}).Where("id = ?", orgID).Updates(map[string]any{
			"pat_enabled":              org.PatEnabled,
			"max_lifespan_days":        org.MaxLifespanDays,
			"revoke_unused_after_days": org.RevokeUnusedAfterDays,
			"settings_updated_at":      org.SettingsUpdatedAt,
			"settings_updated_by_id":   org.SettingsUpdatedByID,
			"max_lifespan_days_ever":   max(org.MaxLifespanDaysEver, org.MaxLifespanDays),
		}).Error
		if err != nil {
			return fmt.Errorf("update settings: %w", err)
		}
		if err := insertAuditEvents(tx, orgID, []*entity.AuditEvent{event}); err != nil {
			return err
		}
		org.MaxLifespanDaysEver = max(org.MaxLifespanDaysEver, org.MaxLifespanDays)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &org, nil
}
