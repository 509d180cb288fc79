package pat

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/ratelimit"
	"github.com/patgov/pats/internal/store"
	"github.com/patgov/pats/pattoken"
)

// Revoked is the result of a bulk revocation.
type Revoked struct {
	// Count is how many tokens this call revoked.
	Count int
	// Tokens holds every requested token as it now stands, in first-seen order.
	Tokens []*entity.PersonalAccessToken
}

// RevokeTokens revokes the tokens with the given IDs, all or nothing:
// admins may name any token of the organization, members only their own;
// if any ID is out of reach nothing is revoked and the error names the
// missing IDs. Already revoked tokens count as success.
func (s *Service) RevokeTokens(ctx context.Context, p *auth.Principal, ids []string) (*Revoked, error) {
	if len(ids) < 1 || len(ids) > MaxRevokeIDs {
		return nil, apperr.New(apperr.BadUserInput, "ids must hold between 1 and %d IDs", MaxRevokeIDs).With("field", "ids")
	}
	distinct := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			distinct = append(distinct, id)
		}
	}
	now := s.clock()
	found, count, err := s.store.RevokeTokens(ctx, reachOf(p), distinct, p.User.ID, now,
		func(found []*entity.PersonalAccessToken) ([]*entity.AuditEvent, error) {
			if len(found) != len(distinct) {
				return nil, errMissing(distinct, found)
			}
			return revocationEvents(ctx, p, now, found), nil
		})
	if err != nil {
		return nil, err
	}
	revokedNow := store.Changes{}
	byID := make(map[string]*entity.PersonalAccessToken, len(found))
	for _, t := range found {
		byID[t.ID] = t
		revokedNow.RevokedDigests = append(revokedNow.RevokedDigests, t.TokenDigest)
	}
	s.validator.invalidate(revokedNow)
	out := make([]*entity.PersonalAccessToken, len(distinct))
	for i, id := range distinct {
		out[i] = byID[id]
	}
	deriveStatus(p.Org, now, out...)
	return &Revoked{Count: int(count), Tokens: out}, nil
}

// errMissing names the requested IDs that were not found.
func errMissing(requested []string, found []*entity.PersonalAccessToken) error {
	have := make(map[string]bool, len(found))
	for _, t := range found {
		have[t.ID] = true
	}
	var missing []string
	for _, id := range requested {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	shown := make([]string, 0, len(missing))
	for i, id := range missing {
		if i == 20 {
			shown = append(shown, "…")
			break
		}
		shown = append(shown, truncate(id, 40))
	}
	return apperr.New(apperr.NotFound, "tokens not found: %s; nothing was revoked", strings.Join(shown, ", ")).
		With("ids", missing)
}

// Outcome says what revokeTokenByValue did.
type Outcome string

// The outcomes of revoking by value, spelled as in the GraphQL enums.
const (
	OutcomeRevoked        Outcome = "REVOKED"
	OutcomeAlreadyRevoked Outcome = "ALREADY_REVOKED"
	// OutcomeNotFound is every value that names no token of the caller's
	// organization (batch only: the single call answers NOT_FOUND errors).
	OutcomeNotFound Outcome = "NOT_FOUND"
)

// errTokenNotFound is the one answer for every value that does not name a
// token of the caller's organization: malformed, unknown or foreign.
func errTokenNotFound() error { return apperr.New(apperr.NotFound, "token not found") }

// RevokeTokenByValue revokes the organization's token whose secret is
// value, e.g. one found in a leak (admins only). Expired tokens are revoked
// too, so no later policy change can revive them.
func (s *Service) RevokeTokenByValue(ctx context.Context, p *auth.Principal, value string) (Outcome, *entity.PersonalAccessToken, error) {
	if !p.IsAdmin() {
		return "", nil, errForbiddenAdmin()
	}
	if err := s.allowByValue(p, 1); err != nil {
		return "", nil, err
	}
	digest, err := pattoken.Parse(CleanTokenValue(value))
	if err != nil {
		return "", nil, errTokenNotFound()
	}
	now := s.clock()
	tok, revoked, err := s.store.RevokeByDigest(ctx, p.Org.ID, digest[:], p.User.ID, now,
		func(tok *entity.PersonalAccessToken) *entity.AuditEvent {
			return revocationEvent(ctx, p, now, tok, entity.RevokedByValue)
		})
	if errors.Is(err, store.ErrNotFound) {
		return "", nil, errTokenNotFound()
	}
	if err != nil {
		return "", nil, err
	}
	s.validator.invalidate(store.Changes{RevokedDigests: [][]byte{tok.TokenDigest}})
	deriveStatus(p.Org, now, tok)
	if revoked {
		return OutcomeRevoked, tok, nil
	}
	return OutcomeAlreadyRevoked, tok, nil
}

// allowByValue takes n values from the caller's by-value budget, or says
// when to retry; a batch larger than the whole budget is refused as input.
func (s *Service) allowByValue(p *auth.Principal, n int) error {
	ok, wait := s.byValue.AllowN(fmt.Sprintf("%d/%d", p.Org.ID, p.User.ID), n)
	switch {
	case ok:
		return nil
	case wait < 0:
		limit := s.byValue.Burst()
		return apperr.New(apperr.BadUserInput, "at most %d token values may be revoked by value a minute; send fewer", limit).
			With("field", "tokens").With("limit", limit)
	default:
		secs := ratelimit.RetryAfterSeconds(wait)
		return apperr.New(apperr.RateLimited, "too many revocations by value; try again in %d s", secs).
			With("retryAfter", secs)
	}
}

// CleanTokenValue trims a pasted value and removes a leading "Bearer "
// (any case), as copied from an HTTP header.
func CleanTokenValue(value string) string {
	v := strings.TrimSpace(value)
	if len(v) >= 7 && strings.EqualFold(v[:7], "bearer ") {
		v = v[7:]
	}
	return strings.TrimSpace(v)
}
