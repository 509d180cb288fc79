package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/patgov/pats/internal/entity"
)

// AuditQuery is a normalized audit trail request, newest first. Nil
// filter fields are absent; a non-nil empty list matches nothing.
type AuditQuery struct {
	OrgID         int64
	Actions       *[]entity.AuditAction
	ActorSubjects *[]string
	TokenIDs      *[]string
	// Since (inclusive) and Until (exclusive) bound occurred_at, in Unix
	// milliseconds.
	Since, Until *int64
	// AfterTime and AfterID are the position of the last event of the
	// previous page.
	AfterTime *int64
	AfterID   string
	Limit     int
}

// ListAuditEvents returns up to q.Limit events of q's organization after
// the cursor, newest first (occurred_at, then ID, descending). Each filter
// has an index that starts with the organization and that column and ends
// in (occurred_at, id), so a page is a range scan in order.
func (s *Store) ListAuditEvents(ctx context.Context, q AuditQuery) ([]*entity.AuditEvent, error) {
	db := s.db.WithContext(ctx).Table("audit_events AS e").Where("e.organization_id = ?", q.OrgID)
	db = inOrNothing(db, "e.action IN ?", q.Actions)
	if q.ActorSubjects != nil && len(*q.ActorSubjects) > 0 {
		db = db.Where("e.actor_id IN (SELECT a.id FROM users a WHERE a.organization_id = ? AND a.subject IN ?)",
			q.OrgID, *q.ActorSubjects)
	} else if q.ActorSubjects != nil {
		db = db.Where("1 = 0")
	}
	db = inOrNothing(db, "e.token_id IN ?", q.TokenIDs)
	if q.Since != nil {
		db = db.Where("e.occurred_at >= ?", *q.Since)
	}
	if q.Until != nil {
		db = db.Where("e.occurred_at < ?", *q.Until)
	}
	if q.AfterTime != nil {
		db = db.Where("(e.occurred_at < ? OR (e.occurred_at = ? AND e.id < ?))", *q.AfterTime, *q.AfterTime, q.AfterID)
	}
	var events []*entity.AuditEvent
	err := db.Select("e.*").Order("e.occurred_at DESC, e.id DESC").Limit(q.Limit).Find(&events).Error
	if err != nil {
		return nil, fmt.Errorf("list audit events: %w", err)
	}
	return events, nil
}

// inOrNothing adds cond (a "column IN ?" condition) for a present list, or
// a condition nothing meets for a present empty one.
func inOrNothing[T any](db *gorm.DB, cond string, values *[]T) *gorm.DB {
	switch {
	case values == nil:
		return db
	case len(*values) == 0:
		return db.Where("1 = 0")
	default:
		return db.Where(cond, *values)
	}
}

// insertAuditEvents writes events, all of the organization orgID (the
// store sets it: the transaction's scope decides, not the caller), in one
// statement of the transaction tx. It is the only way audit rows are
// written: the table is append-only.
func insertAuditEvents(tx *gorm.DB, orgID int64, events []*entity.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	for _, e := range events {
		if e == nil {
			return errors.New("write audit events: missing event")
		}
		e.OrganizationID = orgID
	}
	if err := tx.Create(events).Error; err != nil {
		return fmt.Errorf("write audit events: %w", err)
	}
	return insertOutboxEvents(tx, outboxOf(events))
}
