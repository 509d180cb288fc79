package pat

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/patgov/pats/model"
	"github.com/patgov/pats/pattoken"
	"github.com/patgov/pats/store"
)

// Introspection describes an active token to a resource server (RFC 7662).
type Introspection struct {
	Scope    string
	Subject  string
	Username string
	Org      string
	Exp      int64
	Iat      int64
}

// Introspect returns the description of the token with the given secret
// value if it authenticates, or nil if it does not (malformed, unknown,
// revoked, expired, organization disabled, owner no longer local). An
// error means the answer is unknown (e.g. the database is unreachable).
// A successful authentication is recorded as a use.
func (s *Service) Introspect(ctx context.Context, value string) (*Introspection, error) {
	digest, err := pattoken.Parse(value)
	if err != nil {
		return nil, nil // malformed: rejected without a database query
	}
	cred, err := s.store.CredentialByDigest(ctx, digest[:])
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	now := s.clock()
	effective := EffectiveExpiry(cred.CreatedAt, cred.ExpiresAt, cred.OrgMaxLifespanDays)
	if !Authenticates(cred, effective, now) {
		return nil, nil
	}
	if err := s.store.TouchLastUsed(ctx, cred.TokenID, now); err != nil {
		// Recording the use is best effort: it never fails a validation.
		slog.WarnContext(ctx, "record token use failed", "token_id", cred.TokenID, "err", err)
	}
	return &Introspection{
		Scope: strings.Join(strings.Fields(cred.Scopes), " "), Subject: cred.OwnerSubject,
		Username: cred.OwnerEmail, Org: cred.OrgExternalID,
		Exp: effective.Unix(), Iat: cred.CreatedAt.Unix(),
	}, nil
}

// Authenticates is the validity predicate of a token: not revoked, its
// effective expiry in the future, its organization allowing tokens, and
// its owner (as last seen) holding a local account.
func Authenticates(c *store.Credential, effective, now model.Time) bool {
	return c.RevokedAt == nil &&
		effective.Millis() > now.Millis() &&
		c.OrgPatEnabled &&
		c.OwnerAccountType == model.AccountTypeLocal
}
