package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/migrations"
)

// OutboxBatch is what DispatchOutbox hands its callback: pending outbox
// events, the audit events they point at, the users those name (token
// owners, actors) and each organization's webhook endpoints.
type OutboxBatch struct {
	Events    []*entity.OutboxEvent
	Audit     map[string]*entity.AuditEvent
	Users     map[int64]*entity.User
	Endpoints map[int64][]*entity.WebhookEndpoint
}

// DispatchOutbox turns up to limit pending outbox events, oldest first,
// into the deliveries build returns, and marks them dispatched at now, in
// one transaction. On MySQL the events are locked with SKIP LOCKED, so
// instances dispatching at once take different events; SQLite has one
// writer. It returns how many events it dispatched (limit: there may be
// more).
func (s *Store) DispatchOutbox(ctx context.Context, limit int, now entity.Time, build func(b OutboxBatch) []*entity.Delivery) (int, error) {
	n := 0
	err := s.readCommitted(ctx, func(tx *gorm.DB) error {
		n = 0
		q := tx.Where("dispatched_at IS NULL").Order("dispatched_at, id").Limit(limit)
		if s.dialect == migrations.MySQL {
			q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate, Options: clause.LockingOptionsSkipLocked})
		}
		var events []*entity.OutboxEvent
		if err := q.Find(&events).Error; err != nil {
			return fmt.Errorf("dispatch outbox: pending: %w", err)
		}
		if len(events) == 0 {
			return nil
		}
		b := OutboxBatch{Events: events, Audit: map[string]*entity.AuditEvent{}, Users: map[int64]*entity.User{},
			Endpoints: map[int64][]*entity.WebhookEndpoint{}}
		var auditIDs, eventIDs []string
		var orgIDs []int64
		seenOrg := map[int64]bool{}
		for _, e := range events {
			eventIDs = append(eventIDs, e.ID)
			if e.AuditEventID != nil {
				auditIDs = append(auditIDs, *e.AuditEventID)
			}
			if !seenOrg[e.OrganizationID] {
				seenOrg[e.OrganizationID] = true
				orgIDs = append(orgIDs, e.OrganizationID)
			}
		}
		userIDs := map[int64]bool{}
		if len(auditIDs) > 0 {
			var audits []*entity.AuditEvent
			if err := tx.Where("id IN ?", auditIDs).Find(&audits).Error; err != nil {
				return fmt.Errorf("dispatch outbox: audit events: %w", err)
			}
			for _, a := range audits {
				b.Audit[a.ID] = a
				userIDs[a.ActorID] = true
				if a.TokenOwnerID != nil {
					userIDs[*a.TokenOwnerID] = true
				}
			}
		}
		var tokenOwners []int64
		var tokenIDs []string
		for _, e := range events {
			if e.AuditEventID == nil && e.TokenID != nil {
				tokenIDs = append(tokenIDs, *e.TokenID)
			}
		}
		if len(tokenIDs) > 0 {
			if err := tx.Model(&entity.PersonalAccessToken{}).Where("id IN ?", tokenIDs).Pluck("owner_id", &tokenOwners).Error; err != nil {
				return fmt.Errorf("dispatch outbox: token owners: %w", err)
			}
			for _, id := range tokenOwners {
				userIDs[id] = true
			}
		}
		if len(userIDs) > 0 {
			ids := make([]int64, 0, len(userIDs))
			for id := range userIDs {
				ids = append(ids, id)
			}
			var users []*entity.User
			if err := tx.Where("id IN ?", ids).Find(&users).Error; err != nil {
				return fmt.Errorf("dispatch outbox: users: %w", err)
			}
			for _, u := range users {
				b.Users[u.ID] = u
			}
		}
		var endpoints []*entity.WebhookEndpoint
		if err := tx.Where("organization_id IN ?", orgIDs).Order("created_at, id").Find(&endpoints).Error; err != nil {
			return fmt.Errorf("dispatch outbox: endpoints: %w", err)
		}
		for _, e := range endpoints {
			b.Endpoints[e.OrganizationID] = append(b.Endpoints[e.OrganizationID], e)
		}
		if deliveries := build(b); len(deliveries) > 0 {
			if err := tx.CreateInBatches(deliveries, 200).Error; err != nil {
				return fmt.Errorf("dispatch outbox: deliveries: %w", err)
			}
		}
		if err := tx.Model(&entity.OutboxEvent{}).Where("id IN ?", eventIDs).Update("dispatched_at", now).Error; err != nil {
			return fmt.Errorf("dispatch outbox: mark: %w", err)
		}
		n = len(events)
		return nil
	})
	return n, err
}

// ClaimDeliveries takes, for owner until leaseUntil (Unix ms), up to
// limit pending deliveries due at now whose lease has expired, counting
// an attempt for each, and returns them. On MySQL the rows are locked
// with SKIP LOCKED, so instances claiming at once take different ones;
// the conditional UPDATE is the claim either way, so no delivery is sent
// by two instances at once.
func (s *Store) ClaimDeliveries(ctx context.Context, owner string, now entity.Time, leaseUntil int64, limit int) ([]*entity.Delivery, error) {
	var claimed []*entity.Delivery
	err := s.readCommitted(ctx, func(tx *gorm.DB) error {
		claimed = nil
		q := tx.Model(&entity.Delivery{}).Where("state = ? AND next_attempt_at <= ? AND lease_until < ?", entity.DeliveryPending, now.Millis(), now.Millis()).
			Order("state, next_attempt_at, id").Limit(limit)
		if s.dialect == migrations.MySQL {
			q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate, Options: clause.LockingOptionsSkipLocked})
		}
		var ids []string
		if err := q.Pluck("id", &ids).Error; err != nil {
			return fmt.Errorf("claim deliveries: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		if err := tx.Model(&entity.Delivery{}).Where("id IN ? AND state = ? AND lease_until < ?", ids, entity.DeliveryPending, now.Millis()).
			Updates(map[string]any{"lease_owner": owner, "lease_until": leaseUntil, "attempts": gorm.Expr("attempts + 1")}).Error; err != nil {
			return fmt.Errorf("claim deliveries: lease: %w", err)
		}
		return tx.Where("id IN ? AND lease_owner = ?", ids, owner).Order("next_attempt_at, id").Find(&claimed).Error
	})
	if err != nil {
		return nil, err
	}
	return claimed, nil
}

// AttemptOutcome is what one attempt of a delivery came to.
type AttemptOutcome struct {
	// State is PENDING (retry at NextAttemptAt), SUCCEEDED or FAILED.
	State         entity.DeliveryState
	NextAttemptAt entity.Time
	StatusCode    *int
	Error         *string
	DurationMs    int
	At            entity.Time
}

// RecordAttempt writes the outcome of owner's attempt of d (nothing if
// owner lost the lease: ErrLeaseLost), and the endpoint's health: a
// success makes it ACTIVE, a delivery that gave up FAILING.
func (s *Store) RecordAttempt(ctx context.Context, d *entity.Delivery, owner string, o AttemptOutcome) error {
	return s.transaction(ctx, func(tx *gorm.DB) error {
		update := map[string]any{
			"state": o.State, "next_attempt_at": o.NextAttemptAt, "last_status_code": o.StatusCode, "last_error": o.Error,
			"last_duration_ms": o.DurationMs, "lease_owner": "", "lease_until": 0,
		}
		if o.State != entity.DeliveryPending {
			update["finished_at"] = o.At
		}
		res := tx.Model(&entity.Delivery{}).Where("id = ? AND lease_owner = ?", d.ID, owner).Updates(update)
		if res.Error != nil {
			return fmt.Errorf("record delivery attempt: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrLeaseLost
		}
		if d.EndpointID == nil || d.Test {
			return nil
		}
		ep := tx.Model(&entity.WebhookEndpoint{}).Where("organization_id = ? AND id = ?", d.OrganizationID, *d.EndpointID)
		switch o.State {
		case entity.DeliverySucceeded:
			return ep.Updates(map[string]any{"status": entity.WebhookActive, "failing_since": nil, "last_success_at": o.At}).Error
		case entity.DeliveryFailed:
			return ep.Updates(map[string]any{"status": entity.WebhookFailing, "failing_since": gorm.Expr("COALESCE(failing_since, ?)", o.At.Millis())}).Error
		}
		return nil
	})
}

// InsertDelivery writes one delivery (a test, a redelivery).
func (s *Store) InsertDelivery(ctx context.Context, d *entity.Delivery) error {
	if err := s.db.WithContext(ctx).Create(d).Error; err != nil {
		return fmt.Errorf("insert delivery: %w", err)
	}
	return nil
}

// Delivery returns the organization's delivery id, or ErrNotFound.
func (s *Store) Delivery(ctx context.Context, orgID int64, id string) (*entity.Delivery, error) {
	var d entity.Delivery
	if err := s.db.WithContext(ctx).Where("organization_id = ? AND id = ?", orgID, id).Take(&d).Error; err != nil {
		return nil, notFound(err, "delivery")
	}
	return &d, nil
}

// DeliveryQuery is a page of an endpoint's deliveries, newest first.
type DeliveryQuery struct {
	OrgID int64
	// EndpointID is the webhook endpoint; "" lists the e-mails instead.
	EndpointID string
	// States narrows the page (nil: every state).
	States []entity.DeliveryState
	// AfterCreatedAt and AfterID are the last delivery of the previous
	// page; AfterID "" is the first page.
	AfterCreatedAt int64
	AfterID        string
	Limit          int
}

// ListDeliveries returns a page of q's deliveries, newest first, along
// the (organization, endpoint, creation) index.
func (s *Store) ListDeliveries(ctx context.Context, q DeliveryQuery) ([]*entity.Delivery, error) {
	db := s.db.WithContext(ctx).Where("organization_id = ? AND endpoint_id = ?", q.OrgID, q.EndpointID)
	if q.EndpointID == "" {
		db = s.db.WithContext(ctx).Where("organization_id = ? AND endpoint_id IS NULL AND channel = ?", q.OrgID, entity.ChannelEmail)
	}
	if q.States != nil {
		db = db.Where("state IN ?", q.States)
	}
	if q.AfterID != "" {
		db = db.Where("(created_at < ? OR (created_at = ? AND id < ?))", q.AfterCreatedAt, q.AfterCreatedAt, q.AfterID)
	}
	var out []*entity.Delivery
	if err := db.Order("created_at DESC, id DESC").Limit(q.Limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	return out, nil
}
