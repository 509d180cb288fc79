package store

import (
	"fmt"

	"github.com/oklog/ulid/v2"
	"gorm.io/gorm"

	"github.com/patgov/pats/internal/entity"
)

// outboxOf is the outbox rows of the audit events that notify (token
// created, revoked, settings updated; not an export): one per event,
// pointing at it for its content. Written by insertAuditEvents in the
// transaction of the change, the rows commit or roll back with it.
func outboxOf(events []*entity.AuditEvent) []*entity.OutboxEvent {
	var out []*entity.OutboxEvent
	for _, e := range events {
		typ, ok := entity.EventTypeOf(e.Action)
		if !ok {
			continue
		}
		auditID := e.ID
		out = append(out, &entity.OutboxEvent{
			ID: ulid.Make().String(), OrganizationID: e.OrganizationID, EventType: typ,
			OccurredAt: e.OccurredAt, AuditEventID: &auditID, TokenID: e.TokenID,
		})
	}
	return out
}

// insertOutboxEvents writes events in one statement (none: no statement).
func insertOutboxEvents(tx *gorm.DB, events []*entity.OutboxEvent) error {
	if len(events) == 0 {
		return nil
	}
	if err := tx.Create(events).Error; err != nil {
		return fmt.Errorf("write outbox events: %w", err)
	}
	return nil
}
