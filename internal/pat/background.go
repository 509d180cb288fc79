package pat

import (
	"context"
	"log/slog"
	"time"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/store"
)

// Change polling: every instance asks the database what changed (tokens
// revoked or created, policies updated, users refreshed) every
// pollInterval, looking back pollOverlap. A change is stamped with the
// time its request began (a creation by its ULID's time, which is later)
// and becomes visible when it commits, which is at most the request's
// deadline later (15 s; the store's COMMIT is bounded by it too), and the
// stamping instance's clock may be skewed: the look-back covers both with
// a wide margin. Invalidation is idempotent, so seeing a change twice is
// harmless. The cache's own time to live (credcache) is the backstop.
const (
	pollInterval = 250 * time.Millisecond
	pollOverlap  = time.Minute
	pollTimeout  = 500 * time.Millisecond
	// CacheStaleness bounds how long a change on another instance can go
	// unseen here: cached facts are trusted only this long after the last
	// successful poll.
	CacheStaleness = time.Second
)

// Run runs the validator's background work until ctx ends: the change poll
// that keeps the validation cache fresh and the batched writing of token
// uses. After it returns, call FlushUses to write the uses still pending.
func (v *Validator) Run(ctx context.Context) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		v.uses.Run(ctx)
	}()
	if v.cache != nil {
		v.pollChanges(ctx)
	}
	<-ctx.Done()
	<-done
}

// FlushUses writes pending token uses now (graceful shutdown, tests).
func (v *Validator) FlushUses(ctx context.Context) error { return v.uses.Flush(ctx) }

// pollChanges polls until ctx ends.
func (v *Validator) pollChanges(ctx context.Context) {
	var since entity.Time // zero: the first poll only marks the cache fresh
	first := true
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		started := time.Now()
		clock := v.clock()
		if first {
			since = clock // nothing is cached yet
		}
		pctx, cancel := context.WithTimeout(ctx, pollTimeout)
		ch, err := v.store.ChangesSince(pctx, entity.TimeFromMillis(since.Millis()-pollOverlap.Milliseconds()))
		cancel()
		if err == nil {
			v.cache.Invalidate(*ch)
			v.cache.MarkFresh(started)
			since, first = clock, false
		} else if ctx.Err() == nil {
			slog.WarnContext(ctx, "validation cache: change poll failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// invalidate drops changed facts from this instance's cache at once, so the
// next introspection here sees the change (other instances see it at
// their next poll).
func (v *Validator) invalidate(ch store.Changes) { v.cache.Invalidate(ch) }

// CacheFresh reports whether the validation cache is enabled and trusted.
func (v *Validator) CacheFresh() bool { return v.cache.Fresh() }

// CacheStats returns the validation cache's hits and misses so far.
func (v *Validator) CacheStats() (hits, misses int64) {
	return v.cacheHits.Load(), v.cacheMisses.Load()
}
