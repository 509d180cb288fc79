package entity

// OutboxEvent is a row of the notification outbox: an event that webhooks
// and e-mail tell of, inserted in the same transaction as the change it
// reports, so that no event is lost when the process dies after the
// commit and none is invented when the change rolls back. A dispatcher
// later turns each event into its deliveries and sets DispatchedAt.
type OutboxEvent struct {
	// ID is a ULID: the event's identity, which its webhook deliveries
	// send as webhook-id so that receivers can drop duplicates.
	ID             string `gorm:"primaryKey"`
	OrganizationID int64
	EventType      EventType
	OccurredAt     Time
	// AuditEventID is the audit event of the change (token created,
	// revoked, settings updated), which holds the event's content; nil
	// for events that change nothing (warnings), whose content is Payload.
	AuditEventID *string
	// TokenID is the token the event is about, if any.
	TokenID *string
	// Payload is the event's content as JSON, for events without an
	// audit event. Never a secret or a digest.
	Payload *string
	// DispatchedAt is when the event was turned into deliveries; nil
	// while it is pending.
	DispatchedAt *Time
}

// EventType is a notification's type, spelled as webhook payloads spell
// it (the Standard Webhooks "type": dotted, lower case).
type EventType string

// The event types (issue 11's list); the GraphQL enum WebhookEventType
// spells them upper case with underscores.
const (
	EventTokenCreated      EventType = "token.created"
	EventTokenRevoked      EventType = "token.revoked"
	EventTokenRotated      EventType = "token.rotated"
	EventTokenExpiring     EventType = "token.expiring"
	EventTokenExpired      EventType = "token.expired"
	EventTokenStaleWarning EventType = "token.stale_warning"
	EventSettingsUpdated   EventType = "settings.updated"
)

// EventTypeOf is the notification an audit action gives rise to, and
// false for actions that notify nobody (an export).
func EventTypeOf(a AuditAction) (EventType, bool) {
	switch a {
	case AuditTokenCreated:
		return EventTokenCreated, true
	case AuditTokenRevoked:
		return EventTokenRevoked, true
	case AuditSettingsUpdated:
		return EventSettingsUpdated, true
	}
	return "", false
}

// WorkerLease is the lease of a singleton background worker (the
// stale-token sweeper): the instance named Owner runs it until
// LeaseUntil (Unix ms); after that, any instance may take it.
type WorkerLease struct {
	Name       string `gorm:"primaryKey"`
	Owner      string
	LeaseUntil int64
	// Generation counts takes and renewals: each changes the row.
	Generation int64
}
