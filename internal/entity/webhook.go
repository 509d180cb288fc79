package entity

import "strings"

// WebhookEndpoint is an organization's receiver of signed webhooks: the
// URL and the event types it subscribes to. Its signing secret is stored
// sealed (SecretCiphertext); the clear secret exists once, when it is
// created or rotated, and in memory to sign.
type WebhookEndpoint struct {
	// ID is a ULID.
	ID             string `gorm:"primaryKey"`
	OrganizationID int64
	URL            string `gorm:"column:url"`
	// EventTypes holds the subscribed types space-separated, each with a
	// space either side (" token.created token.revoked "), as Scopes does.
	EventTypes string
	// SecretCiphertext is the whsec_ secret sealed with AES-256-GCM.
	SecretCiphertext []byte
	// PreviousSecretCiphertext signs beside the current secret until
	// PreviousSecretExpiresAt, after a rotation; empty before any.
	PreviousSecretCiphertext []byte
	PreviousSecretExpiresAt  *Time
	Status                   WebhookStatus
	// FailingSince is when a delivery to the endpoint gave up, while the
	// endpoint is FAILING; LastSuccessAt its last delivered event.
	FailingSince  *Time
	LastSuccessAt *Time
	CreatedAt     Time `gorm:"autoCreateTime:false"`
	CreatedByID   int64
	UpdatedAt     Time `gorm:"autoUpdateTime:false"`
}

// EventTypeList returns the subscribed event types.
func (w *WebhookEndpoint) EventTypeList() []EventType {
	var out []EventType
	for _, f := range strings.Fields(w.EventTypes) {
		out = append(out, EventType(f))
	}
	return out
}

// Subscribes reports whether the endpoint receives events of type t.
func (w *WebhookEndpoint) Subscribes(t EventType) bool {
	return strings.Contains(w.EventTypes, " "+string(t)+" ")
}

// JoinEventTypes encodes types for the EventTypes column.
func JoinEventTypes(types []EventType) string {
	parts := make([]string, len(types))
	for i, t := range types {
		parts[i] = string(t)
	}
	return " " + strings.Join(parts, " ") + " "
}

// WebhookStatus is an endpoint's health, spelled as the API spells it.
type WebhookStatus string

// The endpoint statuses.
const (
	// WebhookActive: deliveries succeed, or are still being retried.
	WebhookActive WebhookStatus = "ACTIVE"
	// WebhookFailing: a delivery gave up after its retries; admins are
	// told in the console. The next success makes it ACTIVE again.
	WebhookFailing WebhookStatus = "FAILING"
)

// Delivery is one event to one receiver (a webhook endpoint, or an
// e-mail recipient): the unit that is sent, retried and listed.
type Delivery struct {
	// ID is a ULID.
	ID             string `gorm:"primaryKey"`
	OrganizationID int64
	Channel        DeliveryChannel
	// EndpointID is the webhook endpoint (channel webhook).
	EndpointID *string
	// RecipientUserID is the user mailed (channel email).
	RecipientUserID *int64
	// EventID is the outbox event's ID, sent as webhook-id: a redelivery
	// or retry sends the same one, so receivers can drop duplicates.
	EventID   string
	EventType EventType
	// Body is the JSON payload as sent, frozen when the delivery was made.
	Body string
	// Test marks a delivery of sendTestWebhook.
	Test          bool
	State         DeliveryState
	Attempts      int
	NextAttemptAt Time
	// LastStatusCode, LastError and LastDurationMs describe the last
	// attempt: the HTTP status (nil without a response), the failure's
	// class (webhook.Class; nil on success) and how long it took.
	LastStatusCode *int
	LastError      *string
	LastDurationMs *int
	// LeaseOwner and LeaseUntil (Unix ms) are the instance sending it.
	LeaseOwner string
	LeaseUntil int64
	CreatedAt  Time `gorm:"autoCreateTime:false"`
	FinishedAt *Time
}

// DeliveryChannel is how a delivery is sent.
type DeliveryChannel string

// The delivery channels.
const (
	ChannelWebhook DeliveryChannel = "webhook"
	ChannelEmail   DeliveryChannel = "email"
)

// DeliveryState is where a delivery stands, spelled as the API spells it.
type DeliveryState string

// The delivery states.
const (
	DeliveryPending   DeliveryState = "PENDING"
	DeliverySucceeded DeliveryState = "SUCCEEDED"
	// DeliveryFailed: the retries are exhausted (or the failure was
	// permanent); redeliverWebhook makes a new attempt.
	DeliveryFailed DeliveryState = "FAILED"
	// DeliveryKept: an e-mail kept in the database, not sent, because no
	// SMTP server is configured (development mode's default).
	DeliveryKept DeliveryState = "KEPT"
)
