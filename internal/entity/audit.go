package entity

// AuditEvent is a row of the append-only audit trail: one change, written
// in the same transaction as the change. The token columns are a snapshot
// of the token at the time (TOKEN_CREATED, TOKEN_REVOKED); the settings
// columns hold the policy before and after (SETTINGS_UPDATED).
type AuditEvent struct {
	// ID is a ULID. Not a database sequence: that would tell every
	// organization how much the others change.
	ID             string `gorm:"primaryKey"`
	OrganizationID int64
	Action         AuditAction
	OccurredAt     Time
	ActorID        int64

	TokenID          *string
	TokenOwnerID     *int64
	TokenName        *string
	TokenScopes      *string
	TokenExpiresAt   *Time
	TokenHint        *string
	RevocationSource *RevocationSource

	PreviousEnabled         *bool
	Enabled                 *bool
	PreviousMaxLifespanDays *int
	MaxLifespanDays         *int
	// PreviousRevokeUnusedAfterDays and RevokeUnusedAfterDays are the
	// stale-token policy before and after (SETTINGS_UPDATED).
	PreviousRevokeUnusedAfterDays *int
	RevokeUnusedAfterDays         *int

	// The request that made the change: the service's ID of it, and the
	// X-Request-ID the client sent, if any (origin.ValidClientRequestID).
	RequestID       string
	ClientRequestID *string
	ClientIP        string `gorm:"column:client_ip"`
	UserAgent       string

	// AlertURL and AlertSource are where a secret scanner found the token
	// and what kind of place that is (source SECRET_SCANNING only).
	AlertURL    *string `gorm:"column:alert_url"`
	AlertSource *string

	// ExportFormat and ExportFilter are what a TOKENS_EXPORTED event
	// exported: the file format and the normalized filter and order, as
	// JSON.
	ExportFormat *string
	ExportFilter *string

	// RevocationJobID is the revocation by filter that revoked the token
	// (source FILTER only).
	RevocationJobID *string

	// WebhookEndpointID and WebhookURL are the endpoint a WEBHOOK_* event
	// is about, its URL after the change (before it, for a deletion).
	WebhookEndpointID *string
	WebhookURL        *string `gorm:"column:webhook_url"`
}

// Token returns the snapshot of the token the event is about, or nil.
func (e *AuditEvent) Token() *AuditedToken {
	if e.TokenID == nil {
		return nil
	}
	t := &AuditedToken{ID: *e.TokenID}
	if e.TokenOwnerID != nil {
		t.OwnerID = *e.TokenOwnerID
	}
	if e.TokenName != nil {
		t.Name = *e.TokenName
	}
	if e.TokenScopes != nil {
		t.Scopes = *e.TokenScopes
	}
	if e.TokenExpiresAt != nil {
		t.ExpiresAt = *e.TokenExpiresAt
	}
	if e.TokenHint != nil {
		t.Hint = *e.TokenHint
	}
	return t
}

// SettingsChange returns the policy before and after, or nil.
func (e *AuditEvent) SettingsChange() *AuditedSettingsChange {
	if e.Enabled == nil || e.PreviousEnabled == nil || e.MaxLifespanDays == nil || e.PreviousMaxLifespanDays == nil {
		return nil
	}
	c := &AuditedSettingsChange{
		PreviousEnabled: *e.PreviousEnabled, Enabled: *e.Enabled,
		PreviousMaxLifespanDays: *e.PreviousMaxLifespanDays, MaxLifespanDays: *e.MaxLifespanDays,
	}
	// Events written before the stale-token policy existed hold no value:
	// it was off (0) then.
	if e.PreviousRevokeUnusedAfterDays != nil {
		c.PreviousRevokeUnusedAfterDays = *e.PreviousRevokeUnusedAfterDays
	}
	if e.RevokeUnusedAfterDays != nil {
		c.RevokeUnusedAfterDays = *e.RevokeUnusedAfterDays
	}
	return c
}

// AuditedToken is a token as it stood when an event was recorded.
type AuditedToken struct {
	ID        string
	Name      string
	OwnerID   int64
	Scopes    string // encoded as PersonalAccessToken.Scopes
	ExpiresAt Time
	Hint      string
}

// ScopeList returns the scopes as a list.
func (t *AuditedToken) ScopeList() []string { return splitScopes(t.Scopes) }

// AuditedSettingsChange is the policy before and after a change.
type AuditedSettingsChange struct {
	PreviousEnabled         bool
	Enabled                 bool
	PreviousMaxLifespanDays int
	MaxLifespanDays         int
	// The stale-token policy before and after (0: off).
	PreviousRevokeUnusedAfterDays int
	RevokeUnusedAfterDays         int
}

// AuditAction is what an audit event records, spelled as the API spells
// it and stored as such.
type AuditAction string

// The audited actions.
const (
	AuditTokenCreated    AuditAction = "TOKEN_CREATED"
	AuditTokenRevoked    AuditAction = "TOKEN_REVOKED"
	AuditSettingsUpdated AuditAction = "SETTINGS_UPDATED"
	// AuditTokensExported: someone downloaded the token inventory (or
	// their own tokens) as a file.
	AuditTokensExported AuditAction = "TOKENS_EXPORTED"
	// The webhook endpoint changes: an endpoint receives the
	// organization's token events, so who points it where is recorded.
	AuditWebhookCreated       AuditAction = "WEBHOOK_CREATED"
	AuditWebhookUpdated       AuditAction = "WEBHOOK_UPDATED"
	AuditWebhookDeleted       AuditAction = "WEBHOOK_DELETED"
	AuditWebhookSecretRotated AuditAction = "WEBHOOK_SECRET_ROTATED"
)

// RevocationSource is how a token was revoked, spelled as the API spells
// it and stored as such.
type RevocationSource string

// The ways a token is revoked.
const (
	RevokedByOwner RevocationSource = "OWNER"
	RevokedByAdmin RevocationSource = "ADMIN"
	RevokedByValue RevocationSource = "BY_VALUE"
	// RevokedBySecretScanning: a secret scanner found the token in public
	// code and alerted the service, which revoked it.
	RevokedBySecretScanning RevocationSource = "SECRET_SCANNING"
	// RevokedByFilter: an admin's revocation by filter (a RevocationJob).
	RevokedByFilter RevocationSource = "FILTER"
	// RevokedAsUnused: by the stale-token sweeper, the token having gone
	// unused for longer than the organization's revokeUnusedAfterDays.
	RevokedAsUnused RevocationSource = "UNUSED"
	// RevokedByRotation: replaced by rotatePersonalAccessToken.
	RevokedByRotation RevocationSource = "ROTATED"
	// RevokedOnReuse: a token rotated away was presented again, so every
	// active token descended from it was revoked.
	RevokedOnReuse RevocationSource = "REUSE_DETECTED"
)
