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
//
// Revocations come from the revocation log, one row per revoking
// transaction: each poll lists the rows of its look-back (IDs only) and
// reads the digests of the rows it has not seen before, so a mass
// revocation is read once per instance, not at every poll of the
// following minute.
const (
	pollInterval = 250 * time.Millisecond
	pollOverlap  = time.Minute
	pollTimeout  = 500 * time.Millisecond
	// logRetention is how long revocation log rows are kept: well past
	// the look-back, so that no poll misses a row.
	logRetention = 10 * time.Minute
	// pruneInterval is how often each instance prunes the log.
	pruneInterval = time.Minute
	// CacheStaleness bounds how long a change on another instance can go
	// unseen here: cached facts are trusted only this long after the last
	// successful poll.
	CacheStaleness = time.Second
)

// Run runs the validator's background work until ctx ends: the change poll
// that keeps the validation cache fresh and the batched writing of token
// uses. After it returns, call FlushUses to write the uses still pending.
func (v *Validator) Run(ctx context.Context) {
	done := make(chan struct{}, 2)
	go func() {
		defer func() { done <- struct{}{} }()
		v.uses.Run(ctx)
	}()
	go func() {
		defer func() { done <- struct{}{} }()
		v.pruneLog(ctx)
	}()
	if v.cache != nil {
		v.pollChanges(ctx)
	}
	<-ctx.Done()
	<-done
	<-done
}

// pruneLog deletes revocation log rows older than logRetention, at start
// and every pruneInterval, until ctx ends (whether or not this instance
// caches: the log is written either way).
func (v *Validator) pruneLog(ctx context.Context) {
	t := time.NewTicker(pruneInterval)
	defer t.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, 10*pollTimeout)
		_, err := v.store.PruneRevocationLog(pctx, entity.TimeOf(v.clock().Add(-logRetention)))
		cancel()
		if err != nil && ctx.Err() == nil {
			slog.WarnContext(ctx, "revocation log: prune failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// FlushUses writes pending token uses now (graceful shutdown, tests).
func (v *Validator) FlushUses(ctx context.Context) error { return v.uses.Flush(ctx) }

// pollChanges polls until ctx ends.
func (v *Validator) pollChanges(ctx context.Context) {
	var since entity.Time // zero: the first poll only marks the cache fresh
	first := true
	seen := newSeenLog()
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		started := time.Now()
		clock := v.clock()
		if first {
			since = clock // nothing is cached yet
		}
		pctx, cancel := context.WithTimeout(ctx, pollTimeout)
		ch, err := v.changesSince(pctx, entity.TimeFromMillis(since.Millis()-pollOverlap.Milliseconds()), seen, started)
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

// changesSince is one poll: the changes since since, with the digests of
// the revocation log's rows that seen does not hold, which it then holds.
func (v *Validator) changesSince(ctx context.Context, since entity.Time, seen *seenLog, now time.Time) (*store.Changes, error) {
	ch, err := v.store.ChangesSince(ctx, since)
	if err != nil {
		return nil, err
	}
	unseen := seen.unseen(ch.RevocationLogIDs)
	if len(unseen) == 0 {
		return ch, nil
	}
	if ch.RevokedDigests, err = v.store.RevocationDigests(ctx, unseen); err != nil {
		return nil, err
	}
	seen.add(unseen, now)
	return ch, nil
}

// seenLog holds the revocation log rows a poller has read, each until it
// is past the look-back: a row's time is at most when it was first seen
// (it became visible after its stamp), so after pollOverlap it no longer
// comes back, unless the writer's clock was ahead; then it is read once
// more, which is harmless.
type seenLog struct {
	at map[int64]time.Time
}

func newSeenLog() *seenLog { return &seenLog{at: make(map[int64]time.Time)} }

// unseen returns the IDs of ids not held.
func (s *seenLog) unseen(ids []int64) []int64 {
	var out []int64
	for _, id := range ids {
		if _, ok := s.at[id]; !ok {
			out = append(out, id)
		}
	}
	return out
}

// add holds ids, read at now, and forgets those read more than
// pollOverlap (and a poll) before now.
func (s *seenLog) add(ids []int64, now time.Time) {
	for id, at := range s.at {
		if now.Sub(at) > pollOverlap+pollInterval {
			delete(s.at, id)
		}
	}
	for _, id := range ids {
		s.at[id] = now
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
