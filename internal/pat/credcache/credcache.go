// Package credcache is the in-process, size-bounded cache of validated
// token credentials that keeps the database off the authentication path.
//
// It caches facts, never verdicts: the token's own facts (keyed by digest),
// its organization's policy and its owner's account type, each in its own
// otter cache so that one change (a revocation, a policy update, an
// account-type change) invalidates exactly what it affects. The caller
// applies the same validity predicate to cached facts as to facts read
// from the database, at request time, so an entry can never outlive the
// rules (expiry, lifespan cap). Entries are trusted only while the
// instance's change poll is fresh (see Fresh), and live at most TTL after
// they were read, a backstop should an invalidation ever be missed.
//
// It also remembers digests the database does not hold (see PutAbsent),
// so that a well-formed value that was never issued is answered from
// memory like one that was: otherwise the time an answer takes tells a
// prober whether a value ever existed. Those entries live in their own
// cache, bounded on its own, so that a flood of random values evicts only
// other absent digests, never a token's facts; a creation forgets its
// digest (on this instance at once, on the others at their next change
// poll), under the same freshness and generation rules as the facts.
package credcache

import (
	"sync/atomic"
	"time"

	"github.com/maypok86/otter/v2"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/store"
)

type tokenFacts struct {
	tokenID   string
	orgID     int64
	ownerID   int64
	scopes    string
	createdAt entity.Time
	expiresAt entity.Time
	revokedAt *entity.Time
}

type orgFacts struct {
	externalID      string
	enabled         bool
	maxLifespanDays int
}

type ownerFacts struct {
	subject     string
	email       string
	accountType entity.AccountType
}

// TTL bounds how long a fact read from the database is kept. The change
// poll invalidates changed facts within a second; the TTL only bounds the
// damage of a change the poll could not see (see pat's pollOverlap).
const TTL = 2 * time.Minute

// Cache holds validated credentials. A nil *Cache is a disabled cache:
// every lookup misses and every write is dropped.
type Cache struct {
	tokens *otter.Cache[[32]byte, tokenFacts]
	orgs   *otter.Cache[int64, orgFacts]
	owners *otter.Cache[int64, ownerFacts]
	// absent holds digests the database did not hold when read: no token
	// has them.
	absent *otter.Cache[[32]byte, struct{}]
	// generation counts invalidations: a database read that overlapped an
	// invalidation must not be cached (it may predate the change).
	generation atomic.Uint64
	// freshUntil is the monotonic deadline (ns since start) before which
	// the cache may be trusted; each successful change poll extends it.
	freshUntil atomic.Int64
	start      time.Time
	staleness  time.Duration
}

// New returns a cache of at most size tokens (and as many owners, as many
// absent digests, and size/10 organizations, at least 1,000), trusted for
// staleness after each successful change poll. size 0 returns nil:
// caching disabled.
func New(size int, staleness time.Duration) *Cache {
	return newCache(size, staleness, nil)
}

// newCache is New with the clock the entries' TTL is measured on (nil:
// the real one).
func newCache(size int, staleness time.Duration, clock otter.Clock) *Cache {
	if size <= 0 {
		return nil
	}
	return &Cache{
		tokens: otter.Must(&otter.Options[[32]byte, tokenFacts]{MaximumSize: size, Clock: clock,
			ExpiryCalculator: otter.ExpiryWriting[[32]byte, tokenFacts](TTL)}),
		orgs: otter.Must(&otter.Options[int64, orgFacts]{MaximumSize: max(size/10, 1000), Clock: clock,
			ExpiryCalculator: otter.ExpiryWriting[int64, orgFacts](TTL)}),
		owners: otter.Must(&otter.Options[int64, ownerFacts]{MaximumSize: size, Clock: clock,
			ExpiryCalculator: otter.ExpiryWriting[int64, ownerFacts](TTL)}),
		// As many as tokens: an entry is a digest (a few dozen bytes with
		// otter's node), and a prober's values then stay answered from
		// memory as long as a token's facts do.
		absent: otter.Must(&otter.Options[[32]byte, struct{}]{MaximumSize: size, Clock: clock,
			ExpiryCalculator: otter.ExpiryWriting[[32]byte, struct{}](TTL)}),
		start:     time.Now(),
		staleness: staleness,
	}
}

// Generation returns the invalidation count, to pass to Put.
func (c *Cache) Generation() uint64 {
	if c == nil {
		return 0
	}
	return c.generation.Load()
}

// Get returns the cached credential of the token with the given digest if
// all of its facts are cached and the cache is fresh.
func (c *Cache) Get(digest [32]byte) (*store.Credential, bool) {
	if c == nil || !c.Fresh() {
		return nil, false
	}
	t, ok := c.tokens.GetIfPresent(digest)
	if !ok {
		return nil, false
	}
	o, ok := c.orgs.GetIfPresent(t.orgID)
	if !ok {
		return nil, false
	}
	u, ok := c.owners.GetIfPresent(t.ownerID)
	if !ok {
		return nil, false
	}
	return &store.Credential{
		TokenID: t.tokenID, OrganizationID: t.orgID, OwnerID: t.ownerID, Scopes: t.scopes,
		CreatedAt: t.createdAt, ExpiresAt: t.expiresAt, RevokedAt: t.revokedAt,
		OwnerSubject: u.subject, OwnerEmail: u.email, OwnerAccountType: u.accountType,
		OrgExternalID: o.externalID, OrgPatEnabled: o.enabled, OrgMaxLifespanDays: o.maxLifespanDays,
	}, true
}

// Put caches a credential read from the database, unless an invalidation
// happened since generation was read (the read may predate it).
func (c *Cache) Put(generation uint64, digest [32]byte, cred *store.Credential) {
	if c == nil || c.generation.Load() != generation {
		return
	}
	c.tokens.Set(digest, tokenFacts{
		tokenID: cred.TokenID, orgID: cred.OrganizationID, ownerID: cred.OwnerID, scopes: cred.Scopes,
		createdAt: cred.CreatedAt, expiresAt: cred.ExpiresAt, revokedAt: cred.RevokedAt,
	})
	c.orgs.Set(cred.OrganizationID, orgFacts{
		externalID: cred.OrgExternalID, enabled: cred.OrgPatEnabled, maxLifespanDays: cred.OrgMaxLifespanDays,
	})
	c.owners.Set(cred.OwnerID, ownerFacts{
		subject: cred.OwnerSubject, email: cred.OwnerEmail, accountType: cred.OwnerAccountType,
	})
	// An invalidation that raced the writes above may have been undone by
	// them: forget all three, so the next lookup reads the database.
	if c.generation.Load() != generation {
		c.tokens.Invalidate(digest)
		c.orgs.Invalidate(cred.OrganizationID)
		c.owners.Invalidate(cred.OwnerID)
	}
}

// Absent reports whether the database was found not to hold the digest
// (and the cache is fresh): no token has it, as far as this instance has
// been told.
func (c *Cache) Absent(digest [32]byte) bool {
	if c == nil || !c.Fresh() {
		return false
	}
	_, ok := c.absent.GetIfPresent(digest)
	return ok
}

// PutAbsent records that the database did not hold the digest, unless an
// invalidation happened since generation was read: the read may predate a
// creation of that digest.
func (c *Cache) PutAbsent(generation uint64, digest [32]byte) {
	if c == nil || c.generation.Load() != generation {
		return
	}
	c.absent.Set(digest, struct{}{})
	// A creation that raced the write above may have been undone by it.
	if c.generation.Load() != generation {
		c.absent.Invalidate(digest)
	}
}

// Invalidate forgets revoked tokens, changed organizations, changed users
// and the absence of created tokens' digests.
func (c *Cache) Invalidate(ch store.Changes) {
	// Nothing to forget (most polls): no read can predate a change, so
	// the reads in flight may still be cached.
	if c == nil || len(ch.RevokedDigests)+len(ch.CreatedDigests)+len(ch.OrgIDs)+len(ch.UserIDs) == 0 {
		return
	}
	c.generation.Add(1)
	for _, d := range ch.RevokedDigests {
		if len(d) == 32 {
			c.tokens.Invalidate([32]byte(d))
		}
	}
	for _, d := range ch.CreatedDigests {
		if len(d) == 32 {
			c.absent.Invalidate([32]byte(d))
		}
	}
	for _, id := range ch.OrgIDs {
		c.orgs.Invalidate(id)
	}
	for _, id := range ch.UserIDs {
		c.owners.Invalidate(id)
	}
}

// MarkFresh records a successful change poll that started at started: the
// cache may be trusted until started plus the staleness bound.
func (c *Cache) MarkFresh(started time.Time) {
	if c == nil {
		return
	}
	c.freshUntil.Store(int64(started.Add(c.staleness).Sub(c.start)))
}

// Fresh reports whether the last successful change poll is recent enough
// for cached facts to be trusted. An instance whose polls fail stops
// trusting its cache after the staleness bound.
func (c *Cache) Fresh() bool {
	return c != nil && int64(time.Since(c.start)) < c.freshUntil.Load()
}
