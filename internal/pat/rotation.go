package pat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/oklog/ulid/v2"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/store"
	"github.com/patgov/pats/pattoken"
)

// RotatedPayload is the content of a token.rotated event.
type RotatedPayload struct {
	FromTokenID string `json:"fromTokenId"`
	ToTokenID   string `json:"toTokenId"`
	TokenName   string `json:"tokenName"`
	OwnerID     int64  `json:"ownerId"`
}

// RotateToken replaces the caller's own active token id with a new one of
// the same name and scopes (expiry: expiresAt, or the maximum lifespan,
// as at creation), revoking the old one in the same transaction (source
// ROTATED); the secret is returned once. Only the owner may rotate: an
// admin would learn another user's secret, so another user's token is
// NOT_FOUND like any token out of reach. Local accounts, tokens enabled.
// The quota is not counted twice (one token in, one out). A token
// already rotated is refused (its successor is the one to rotate).
func (s *Service) RotateToken(ctx context.Context, p *auth.Principal, id string, expiresAt *entity.Time) (*Created, error) {
	if p.User.AccountType != entity.AccountTypeLocal {
		return nil, apperr.New(apperr.LocalAccountRequired, "only users with a local account may rotate personal access tokens")
	}
	secret, err := pattoken.Generate()
	if err != nil {
		return nil, fmt.Errorf("rotate token: %w", err)
	}
	now := s.clock()
	var oldDigest []byte
	plan, org, err := s.store.RotateToken(ctx, p.Org.ID, p.User.ID, id, now, func(r store.Rotation) (*store.RotationPlan, error) {
		if !r.Org.PatEnabled {
			return nil, apperr.New(apperr.PatDisabled, "personal access tokens are disabled for this organization")
		}
		old := r.Old
		oldDigest = old.TokenDigest
		if Status(old.RevokedAt, EffectiveExpiry(old.CreatedAt, old.ExpiresAt, r.Org.MaxLifespanDays), now) != entity.TokenStatusActive {
			return nil, apperr.New(apperr.BadUserInput, "only an active token can be rotated; create a new one instead").With("field", "id")
		}
		expiry, err := validExpiry(expiresAt, now, r.Org.MaxLifespanDays)
		if err != nil {
			return nil, err
		}
		from := old.ID
		tok := &entity.PersonalAccessToken{
			ID: ulid.Make().String(), OrganizationID: r.Org.ID, OwnerID: p.User.ID,
			Name: old.Name, NameKey: old.NameKey, Scopes: old.Scopes,
			TokenDigest: secret.Digest[:], Hint: secret.Hint, CreatedAt: now, ExpiresAt: expiry, RotatedFromID: &from,
		}
		created := withToken(newAuditEvent(ctx, p, entity.AuditTokenCreated, now), tok, EffectiveExpiry(now, expiry, r.Org.MaxLifespanDays))
		revoked := revocationEvent(ctx, p, now, old, entity.RevokedByRotation)
		body, err := json.Marshal(RotatedPayload{FromTokenID: old.ID, ToTokenID: tok.ID, TokenName: tok.Name, OwnerID: p.User.ID})
		if err != nil {
			return nil, err
		}
		payload, tokID := string(body), tok.ID
		return &store.RotationPlan{New: tok, Created: created, Revoked: revoked, Rotated: &entity.OutboxEvent{
			ID: ulid.Make().String(), OrganizationID: r.Org.ID, EventType: entity.EventTokenRotated, OccurredAt: now,
			TokenID: &tokID, Payload: &payload,
		}}, nil
	})
	s.validator.created(secret.Digest)
	if errors.Is(err, store.ErrRotatedAway) {
		// Rotation names a token by its ID, which is no secret: asking to
		// rotate a token again (a double click, a retried request) is no
		// sign of a leak, so nothing is revoked. Reuse detection is for a
		// presented secret (Introspect).
		return nil, apperr.New(apperr.BadUserInput, "this token was already rotated; rotate the token that replaced it").
			With("field", "id")
	}
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, apperr.New(apperr.NotFound, "token not found")
		}
		return nil, err
	}
	s.validator.invalidate(store.Changes{RevokedDigests: [][]byte{oldDigest}})
	deriveStatus(org, now, plan.New)
	return &Created{Secret: secret.Value, Token: plan.New}, nil
}

// TokensByIDs returns the tokens within the caller's reach with the given
// IDs, by ID (rotatedFrom).
func (s *Service) TokensByIDs(ctx context.Context, p *auth.Principal, ids []string) (map[string]*entity.PersonalAccessToken, error) {
	list, err := s.store.TokensByIDs(ctx, reachOf(p), ids)
	if err != nil {
		return nil, err
	}
	deriveStatus(p.Org, s.clock(), list...)
	out := make(map[string]*entity.PersonalAccessToken, len(list))
	for _, t := range list {
		out[t.ID] = t
	}
	return out, nil
}

// SuccessorsOf returns, for the given token IDs, the tokens within the
// caller's reach that replaced them by rotation, keyed by the replaced
// token's ID (rotatedTo).
func (s *Service) SuccessorsOf(ctx context.Context, p *auth.Principal, ids []string) (map[string]*entity.PersonalAccessToken, error) {
	list, err := s.store.Successors(ctx, reachOf(p), ids)
	if err != nil {
		return nil, err
	}
	deriveStatus(p.Org, s.clock(), list...)
	out := make(map[string]*entity.PersonalAccessToken, len(list))
	for _, t := range list {
		if t.RotatedFromID != nil {
			out[*t.RotatedFromID] = t
		}
	}
	return out, nil
}
