package pat

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/store"
	"github.com/patgov/pats/internal/webhook"
)

// Webhook limits.
const (
	// MaxWebhookEndpoints bounds an organization's endpoints: each event
	// is a delivery per endpoint.
	MaxWebhookEndpoints = 10
	// SecretRotationOverlap is how long the previous secret keeps signing
	// beside the new one after rotateWebhookSecret, for receivers to
	// switch.
	SecretRotationOverlap = 24 * time.Hour
)

// WebhookEventTypes are the event types an endpoint may subscribe to.
var WebhookEventTypes = []entity.EventType{
	entity.EventTokenCreated, entity.EventTokenRevoked, entity.EventTokenRotated, entity.EventTokenExpiring,
	entity.EventTokenExpired, entity.EventTokenStaleWarning, entity.EventSettingsUpdated,
}

// WebhookChange is an endpoint's URL and event types to set; nil fields
// keep their value.
type WebhookChange struct {
	URL        *string
	EventTypes []entity.EventType
}

// CreatedWebhook is a new endpoint and its secret, shown this once.
type CreatedWebhook struct {
	Endpoint *entity.WebhookEndpoint
	Secret   string
}

// WebhookEndpoints lists the organization's endpoints (admins only).
func (s *Service) WebhookEndpoints(ctx context.Context, p *auth.Principal) ([]*entity.WebhookEndpoint, error) {
	if !p.IsAdmin() {
		return nil, errForbiddenAdmin()
	}
	return s.store.WebhookEndpoints(ctx, p.Org.ID)
}

// CreateWebhookEndpoint adds an endpoint (admins only): an https URL that
// is no private address (unless PATS_WEBHOOKS_ALLOW_PRIVATE), at least one
// event type; its new whsec_ secret is returned once and stored sealed.
func (s *Service) CreateWebhookEndpoint(ctx context.Context, p *auth.Principal, url string, types []entity.EventType) (*CreatedWebhook, error) {
	if !p.IsAdmin() {
		return nil, errForbiddenAdmin()
	}
	if err := s.validWebhookURL(url); err != nil {
		return nil, err
	}
	types, err := validEventTypes(types)
	if err != nil {
		return nil, err
	}
	secret, err := webhook.NewSecret()
	if err != nil {
		return nil, err
	}
	now := s.clock()
	e := &entity.WebhookEndpoint{
		ID: ulid.Make().String(), OrganizationID: p.Org.ID, URL: url, EventTypes: entity.JoinEventTypes(types),
		Status: entity.WebhookActive, CreatedAt: now, CreatedByID: p.User.ID, UpdatedAt: now,
		PreviousSecretCiphertext: []byte{},
	}
	if e.SecretCiphertext, err = s.webhooks.box.seal(e.ID, secret); err != nil {
		return nil, err
	}
	if err := s.store.CreateWebhookEndpoint(ctx, e, MaxWebhookEndpoints, webhookEvent(ctx, p, entity.AuditWebhookCreated, now, e)); err != nil {
		if errors.Is(err, store.ErrTooMany) {
			return nil, apperr.New(apperr.BadUserInput, "an organization has at most %d webhook endpoints", MaxWebhookEndpoints).
				With("limit", MaxWebhookEndpoints)
		}
		return nil, err
	}
	return &CreatedWebhook{Endpoint: e, Secret: secret}, nil
}

// UpdateWebhookEndpoint changes an endpoint's URL or event types (admins
// only; another organization's endpoint is NOT_FOUND).
func (s *Service) UpdateWebhookEndpoint(ctx context.Context, p *auth.Principal, id string, in WebhookChange) (*entity.WebhookEndpoint, error) {
	if !p.IsAdmin() {
		return nil, errForbiddenAdmin()
	}
	if in.URL == nil && in.EventTypes == nil {
		return nil, apperr.New(apperr.BadUserInput, "set at least one of url and eventTypes")
	}
	if in.URL != nil {
		if err := s.validWebhookURL(*in.URL); err != nil {
			return nil, err
		}
	}
	var types []entity.EventType
	if in.EventTypes != nil {
		var err error
		if types, err = validEventTypes(in.EventTypes); err != nil {
			return nil, err
		}
	}
	now := s.clock()
	e, err := s.store.UpdateWebhookEndpoint(ctx, p.Org.ID, id, func(e *entity.WebhookEndpoint) (*entity.AuditEvent, error) {
		if in.URL != nil {
			e.URL = *in.URL
		}
		if types != nil {
			e.EventTypes = entity.JoinEventTypes(types)
		}
		e.UpdatedAt = now
		return webhookEvent(ctx, p, entity.AuditWebhookUpdated, now, e), nil
	})
	return e, webhookNotFound(err)
}

// DeleteWebhookEndpoint removes an endpoint and its deliveries (admins
// only).
func (s *Service) DeleteWebhookEndpoint(ctx context.Context, p *auth.Principal, id string) error {
	if !p.IsAdmin() {
		return errForbiddenAdmin()
	}
	now := s.clock()
	return webhookNotFound(s.store.DeleteWebhookEndpoint(ctx, p.Org.ID, id, func(e *entity.WebhookEndpoint) *entity.AuditEvent {
		return webhookEvent(ctx, p, entity.AuditWebhookDeleted, now, e)
	}))
}

// RotateWebhookSecret gives an endpoint a new secret, returned once; the
// previous one keeps signing beside it for SecretRotationOverlap (admins
// only).
func (s *Service) RotateWebhookSecret(ctx context.Context, p *auth.Principal, id string) (*CreatedWebhook, error) {
	if !p.IsAdmin() {
		return nil, errForbiddenAdmin()
	}
	secret, err := webhook.NewSecret()
	if err != nil {
		return nil, err
	}
	now := s.clock()
	e, err := s.store.UpdateWebhookEndpoint(ctx, p.Org.ID, id, func(e *entity.WebhookEndpoint) (*entity.AuditEvent, error) {
		sealed, err := s.webhooks.box.seal(e.ID, secret)
		if err != nil {
			return nil, err
		}
		until := entity.TimeOf(now.Add(SecretRotationOverlap))
		e.PreviousSecretCiphertext, e.PreviousSecretExpiresAt = e.SecretCiphertext, &until
		e.SecretCiphertext, e.UpdatedAt = sealed, now
		return webhookEvent(ctx, p, entity.AuditWebhookSecretRotated, now, e), nil
	})
	if err != nil {
		return nil, webhookNotFound(err)
	}
	return &CreatedWebhook{Endpoint: e, Secret: secret}, nil
}

// webhookEvent is the audit event of the caller's change of endpoint e
// (never its secret).
func webhookEvent(ctx context.Context, p *auth.Principal, action entity.AuditAction, now entity.Time, e *entity.WebhookEndpoint) *entity.AuditEvent {
	ev := newAuditEvent(ctx, p, action, now)
	id, url := e.ID, e.URL
	ev.WebhookEndpointID, ev.WebhookURL = &id, &url
	return ev
}

// validWebhookURL refuses what webhook.ValidateURL refuses, as bad input
// on the url field.
func (s *Service) validWebhookURL(url string) error {
	if err := webhook.ValidateURL(url, s.webhooks.allowPrivate); err != nil {
		return apperr.New(apperr.BadUserInput, "%s", err.Error()).With("field", "url")
	}
	return nil
}

// validEventTypes returns types once each, in the canonical order, or bad
// input when there are none.
func validEventTypes(types []entity.EventType) ([]entity.EventType, error) {
	var out []entity.EventType
	for _, t := range WebhookEventTypes {
		if slices.Contains(types, t) {
			out = append(out, t)
		}
	}
	if len(out) == 0 || len(out) != len(compact(types)) {
		return nil, apperr.New(apperr.BadUserInput, "eventTypes must list at least one event type").With("field", "eventTypes")
	}
	return out, nil
}

func compact(types []entity.EventType) []entity.EventType {
	c := slices.Clone(types)
	slices.Sort(c)
	return slices.Compact(c)
}

// webhookNotFound is the API's answer for an endpoint out of reach.
func webhookNotFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return apperr.New(apperr.NotFound, "webhook endpoint not found")
	}
	return err
}
