package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/patgov/pats/internal/entity"
)

// ErrTooMany is returned when a create would pass a per-organization
// limit (webhook endpoints).
var ErrTooMany = errors.New("limit reached")

// CreateWebhookEndpoint inserts e and its audit event unless its
// organization already has max endpoints (ErrTooMany); the organization's
// row is locked first, so concurrent creations count each other.
func (s *Store) CreateWebhookEndpoint(ctx context.Context, e *entity.WebhookEndpoint, max int, event *entity.AuditEvent) error {
	return s.transaction(ctx, func(tx *gorm.DB) error {
		if err := s.lockOrganizations(tx, e.OrganizationID); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&entity.WebhookEndpoint{}).Where("organization_id = ?", e.OrganizationID).Count(&n).Error; err != nil {
			return fmt.Errorf("create webhook endpoint: count: %w", err)
		}
		if n >= int64(max) {
			return ErrTooMany
		}
		if err := tx.Create(e).Error; err != nil {
			return fmt.Errorf("create webhook endpoint: %w", err)
		}
		return insertAuditEvents(tx, e.OrganizationID, []*entity.AuditEvent{event})
	})
}

// WebhookEndpoints returns the organization's endpoints, oldest first.
func (s *Store) WebhookEndpoints(ctx context.Context, orgID int64) ([]*entity.WebhookEndpoint, error) {
	var out []*entity.WebhookEndpoint
	if err := s.db.WithContext(ctx).Where("organization_id = ?", orgID).Order("created_at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("webhook endpoints: %w", err)
	}
	return out, nil
}

// WebhookEndpoint returns the organization's endpoint id, or ErrNotFound
// (another organization's too).
func (s *Store) WebhookEndpoint(ctx context.Context, orgID int64, id string) (*entity.WebhookEndpoint, error) {
	var e entity.WebhookEndpoint
	if err := s.db.WithContext(ctx).Where("organization_id = ? AND id = ?", orgID, id).Take(&e).Error; err != nil {
		return nil, notFound(err, "webhook endpoint")
	}
	return &e, nil
}

// UpdateWebhookEndpoint locks the organization's endpoint id, lets apply
// change it and saves every field apply may change, with the audit event
// apply returns. ErrNotFound if there is no such endpoint; apply's error
// rolls back.
func (s *Store) UpdateWebhookEndpoint(ctx context.Context, orgID int64, id string, apply func(e *entity.WebhookEndpoint) (*entity.AuditEvent, error)) (*entity.WebhookEndpoint, error) {
	var e entity.WebhookEndpoint
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		e = entity.WebhookEndpoint{}
		if err := s.forUpdate(tx).Where("organization_id = ? AND id = ?", orgID, id).Take(&e).Error; err != nil {
			return notFound(err, "update webhook endpoint")
		}
		event, err := apply(&e)
		if err != nil {
			return err
		}
		err = tx.Model(&entity.WebhookEndpoint{}).Where("organization_id = ? AND id = ?", orgID, id).Updates(map[string]any{
			"url": e.URL, "event_types": e.EventTypes, "secret_ciphertext": e.SecretCiphertext,
			"previous_secret_ciphertext": e.PreviousSecretCiphertext, "previous_secret_expires_at": e.PreviousSecretExpiresAt,
			"updated_at": e.UpdatedAt,
		}).Error
		if err != nil {
			return fmt.Errorf("update webhook endpoint: %w", err)
		}
		return insertAuditEvents(tx, orgID, []*entity.AuditEvent{event})
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// DeleteWebhookEndpoint deletes the organization's endpoint id and its
// deliveries (pending ones are never sent), writing the audit event event
// makes of it. ErrNotFound if there is none.
func (s *Store) DeleteWebhookEndpoint(ctx context.Context, orgID int64, id string, event func(e *entity.WebhookEndpoint) *entity.AuditEvent) error {
	return s.transaction(ctx, func(tx *gorm.DB) error {
		var e entity.WebhookEndpoint
		if err := s.forUpdate(tx).Where("organization_id = ? AND id = ?", orgID, id).Take(&e).Error; err != nil {
			return notFound(err, "delete webhook endpoint")
		}
		if err := tx.Where("organization_id = ? AND endpoint_id = ?", orgID, id).Delete(&entity.Delivery{}).Error; err != nil {
			return fmt.Errorf("delete webhook endpoint: deliveries: %w", err)
		}
		res := tx.Where("organization_id = ? AND id = ?", orgID, id).Delete(&entity.WebhookEndpoint{})
		if res.Error != nil {
			return fmt.Errorf("delete webhook endpoint: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return insertAuditEvents(tx, orgID, []*entity.AuditEvent{event(&e)})
	})
}
