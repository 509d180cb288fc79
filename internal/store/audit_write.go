package store

import (
	"context"

	"github.com/patgov/pats/internal/entity"
)

// RecordEvent writes an audit event about something that changes no row
// of its own (an export): the event is the whole write.
func (s *Store) RecordEvent(ctx context.Context, orgID int64, e *entity.AuditEvent) error {
	return insertAuditEvents(s.db.WithContext(ctx), orgID, []*entity.AuditEvent{e})
}
