package credcache

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/store"
)

// fakeClock is a settable otter clock.
type fakeClock struct{ now atomic.Int64 }

func (c *fakeClock) NowNano() int64                      { return c.now.Load() }
func (c *fakeClock) Tick(time.Duration) <-chan time.Time { return nil }
func (c *fakeClock) advance(d time.Duration)             { c.now.Add(int64(d)) }
func digestOf(b byte) (d [32]byte)                       { d[0] = b; return d }
func digestSlice(b byte) []byte                          { d := digestOf(b); return d[:] }
func credential(org, owner int64, id string) *store.Credential {
	return &store.Credential{TokenID: id, OrganizationID: org, OwnerID: owner, Scopes: " a ",
		CreatedAt: entity.TimeFromMillis(1), ExpiresAt: entity.TimeFromMillis(2),
		OwnerSubject: "s", OwnerAccountType: entity.AccountTypeLocal, OrgExternalID: "o", OrgPatEnabled: true, OrgMaxLifespanDays: 90}
}

// fresh returns a cache marked fresh for an hour.
func fresh(t *testing.T, clock *fakeClock) *Cache {
	t.Helper()
	c := newCache(100, time.Hour, clock)
	c.MarkFresh(time.Now())
	return c
}

func TestPutGet(t *testing.T) {
	c := fresh(t, &fakeClock{})
	c.Put(c.Generation(), digestOf(1), credential(10, 20, "T1"))
	got, ok := c.Get(digestOf(1))
	if !ok || got.TokenID != "T1" || got.OrganizationID != 10 || got.OwnerID != 20 || !got.OrgPatEnabled {
		t.Fatalf("Get: got %+v, %v; want T1 of org 10, owner 20", got, ok)
	}
	if _, ok := c.Get(digestOf(2)); ok {
		t.Error("Get of an unknown digest: got a hit")
	}
}

// TestInvalidateIsPrecise: a revocation forgets its token only, a policy
// change its organization's tokens only, an owner change that owner's.
func TestInvalidateIsPrecise(t *testing.T) {
	tests := []struct {
		name     string
		ch       store.Changes
		wantGone []byte // which of tokens 1 (org 10, owner 20), 2 (org 10, owner 21), 3 (org 11, owner 22) go
	}{
		{"revoked token", store.Changes{RevokedDigests: [][]byte{digestSlice(1)}}, []byte{1}},
		{"policy of org 10", store.Changes{OrgIDs: []int64{10}}, []byte{1, 2}},
		{"owner 22", store.Changes{UserIDs: []int64{22}}, []byte{3}},
		{"malformed digest is ignored", store.Changes{RevokedDigests: [][]byte{{1, 2}}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fresh(t, &fakeClock{})
			g := c.Generation()
			c.Put(g, digestOf(1), credential(10, 20, "T1"))
			c.Put(g, digestOf(2), credential(10, 21, "T2"))
			c.Put(g, digestOf(3), credential(11, 22, "T3"))
			c.Invalidate(tt.ch)
			for _, d := range []byte{1, 2, 3} {
				_, ok := c.Get(digestOf(d))
				gone := false
				for _, w := range tt.wantGone {
					gone = gone || w == d
				}
				if ok == gone {
					t.Errorf("token %d: cached %v, want %v", d, ok, !gone)
				}
			}
		})
	}
}

// TestPutAfterInvalidationIsDropped: a database read that overlapped an
// invalidation may predate the change and must not be cached.
func TestPutAfterInvalidationIsDropped(t *testing.T) {
	c := fresh(t, &fakeClock{})
	g := c.Generation()
	c.Invalidate(store.Changes{RevokedDigests: [][]byte{digestSlice(1)}})
	c.Put(g, digestOf(1), credential(10, 20, "T1"))
	if _, ok := c.Get(digestOf(1)); ok {
		t.Fatal("Get: got a credential read before the invalidation, want a miss")
	}
}

// TestEntriesExpire: nothing is kept longer than TTL, even without an
// invalidation (the backstop for a change the poll did not see).
func TestEntriesExpire(t *testing.T) {
	clock := &fakeClock{}
	c := fresh(t, clock)
	c.Put(c.Generation(), digestOf(1), credential(10, 20, "T1"))
	clock.advance(TTL - time.Second)
	if _, ok := c.Get(digestOf(1)); !ok {
		t.Fatal("Get before the TTL: got a miss, want a hit")
	}
	clock.advance(2 * time.Second)
	if _, ok := c.Get(digestOf(1)); ok {
		t.Fatal("Get after the TTL: got a hit, want a miss")
	}
}

// TestStaleCacheIsNotTrusted: without a recent successful poll, every
// lookup misses.
func TestStaleCacheIsNotTrusted(t *testing.T) {
	c := newCache(100, 50*time.Millisecond, &fakeClock{})
	c.Put(c.Generation(), digestOf(1), credential(10, 20, "T1"))
	if _, ok := c.Get(digestOf(1)); ok {
		t.Fatal("Get before any poll: got a hit, want a miss")
	}
	c.MarkFresh(time.Now())
	if _, ok := c.Get(digestOf(1)); !ok {
		t.Fatal("Get after a poll: got a miss, want a hit")
	}
	time.Sleep(80 * time.Millisecond)
	if _, ok := c.Get(digestOf(1)); ok || c.Fresh() {
		t.Fatal("Get after the staleness bound: got a hit, want a miss")
	}
}

func TestDisabledCache(t *testing.T) {
	c := New(0, time.Second)
	if c != nil {
		t.Fatalf("New(0): got %v, want nil", c)
	}
	c.Put(c.Generation(), digestOf(1), credential(10, 20, "T1"))
	c.Invalidate(store.Changes{OrgIDs: []int64{10}})
	c.MarkFresh(time.Now())
	if _, ok := c.Get(digestOf(1)); ok || c.Fresh() {
		t.Fatal("disabled cache: got a hit or fresh, want neither")
	}
}
