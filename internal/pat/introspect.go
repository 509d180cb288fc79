package pat

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/store"
	"github.com/patgov/pats/pattoken"
)

// IntrospectionTimeout bounds the database read of an introspection.
const IntrospectionTimeout = 5 * time.Second

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
// error means the answer is unknown (e.g. the database is unreachable and
// the token is not cached): callers must not treat it as inactive. A
// successful authentication is recorded as a use, off the request path.
func (v *Validator) Introspect(ctx context.Context, value string) (*Introspection, error) {
	digest, err := pattoken.Parse(value)
	if err != nil {
		return nil, nil // malformed: rejected without a database query
	}
	cred, err := v.credential(ctx, digest)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	now := v.clock()
	effective := EffectiveExpiry(cred.CreatedAt, cred.ExpiresAt, cred.OrgMaxLifespanDays)
	if !Authenticates(cred, effective, now) {
		if cred.RevokedAt != nil && cred.RevocationSource != nil && *cred.RevocationSource == entity.RevokedByRotation {
			// Reuse of a token rotated away: its successors may be in
			// the wrong hands too. The answer stays inactive.
			v.reused(ctx, cred)
		}
		return nil, nil
	}
	v.uses.Record(cred.TokenID, now)
	return &Introspection{
		Scope: strings.Join(strings.Fields(cred.Scopes), " "), Subject: cred.OwnerSubject,
		Username: cred.OwnerEmail, Org: cred.OrgExternalID,
		Exp: effective.Unix(), Iat: cred.CreatedAt.Unix(),
	}, nil
}

// credential returns the facts of the token with the given digest, from
// the validation cache when it holds them and is fresh, else from the
// database (and then caches them). A digest no token has is cached too
// (as absent), so that a value that was never issued costs what a known
// one costs: the time of an answer must not tell whether it existed.
func (v *Validator) credential(ctx context.Context, digest [32]byte) (*store.Credential, error) {
	if cred, ok := v.cache.Get(digest); ok {
		v.cacheHits.Add(1)
		return cred, nil
	}
	if v.cache.Absent(digest) {
		v.cacheHits.Add(1)
		return nil, store.ErrNotFound
	}
	v.cacheMisses.Add(1)
	generation := v.cache.Generation()
	// The deadline is set here, on the database path only, so a cache
	// hit pays for no timer.
	ctx, cancel := context.WithTimeout(ctx, IntrospectionTimeout)
	defer cancel()
	cred, err := v.store.CredentialByDigest(ctx, digest[:])
	if errors.Is(err, store.ErrNotFound) {
		v.cache.PutAbsent(generation, digest)
	}
	if err != nil {
		return nil, err
	}
	v.cache.Put(generation, digest, cred)
	return cred, nil
}

// created makes a new token's digest known to this instance's cache at
// once, should it hold the digest as absent; the other instances forget
// it at their next change poll, which reports creations. Call it after
// the creation's transaction ends (committed or not: a COMMIT whose answer
// was lost may have committed), so that an absence read before the commit
// is either dropped here or, put later, refused by its generation.
func (v *Validator) created(digest [32]byte) {
	v.cache.Invalidate(store.Changes{CreatedDigests: [][]byte{digest[:]}})
}

// Authenticates is the validity predicate of a token, the same for cached
// and freshly read facts: not revoked, its effective expiry in the future,
// its organization allowing tokens, and its owner (as last seen) holding a
// local account.
func Authenticates(c *store.Credential, effective, now entity.Time) bool {
	return c.RevokedAt == nil &&
		effective.Millis() > now.Millis() &&
		c.OrgPatEnabled &&
		c.OwnerAccountType == entity.AccountTypeLocal
}
