package credcache

import (
	"encoding/binary"
	"sync"
	"testing"
	"time"

	"github.com/patgov/pats/internal/store"
)

// wideDigest returns a digest numbered i, distinct from every digestOf.
func wideDigest(i int) (d [32]byte) {
	d[0] = 0xff
	binary.BigEndian.PutUint64(d[1:], uint64(i))
	return d
}

func TestPutAbsentGet(t *testing.T) {
	c := fresh(t, &fakeClock{})
	if c.Absent(digestOf(1)) {
		t.Fatal("Absent before any put: got true, want false")
	}
	c.PutAbsent(c.Generation(), digestOf(1))
	if !c.Absent(digestOf(1)) {
		t.Fatal("Absent after PutAbsent: got false, want true")
	}
	if c.Absent(digestOf(2)) {
		t.Error("Absent of another digest: got true, want false")
	}
	if _, ok := c.Get(digestOf(1)); ok {
		t.Error("Get of an absent digest: got a credential, want a miss")
	}
}

// TestCreationForgetsAbsence: a created digest is no longer absent; the
// other kinds of change leave absent digests alone, and a creation leaves
// the facts of tokens alone.
func TestCreationForgetsAbsence(t *testing.T) {
	tests := []struct {
		name       string
		ch         store.Changes
		wantAbsent bool
	}{
		{"created", store.Changes{CreatedDigests: [][]byte{digestSlice(1)}}, false},
		{"another digest created", store.Changes{CreatedDigests: [][]byte{digestSlice(2)}}, true},
		{"revoked", store.Changes{RevokedDigests: [][]byte{digestSlice(1)}}, true},
		{"policy and owner", store.Changes{OrgIDs: []int64{10}, UserIDs: []int64{20}}, true},
		{"malformed digest is ignored", store.Changes{CreatedDigests: [][]byte{{1, 2}}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fresh(t, &fakeClock{})
			g := c.Generation()
			c.PutAbsent(g, digestOf(1))
			c.Put(g, digestOf(3), credential(10, 20, "T3"))
			c.Invalidate(tt.ch)
			if got := c.Absent(digestOf(1)); got != tt.wantAbsent {
				t.Errorf("Absent: got %v, want %v", got, tt.wantAbsent)
			}
			if _, ok := c.Get(digestOf(3)); !ok && len(tt.ch.OrgIDs) == 0 {
				t.Error("Get of an unrelated token: got a miss, want a hit")
			}
		})
	}
}

// TestPutAbsentAfterCreationIsDropped: an absence read before a creation
// was forgotten must not be cached (the read may predate the creation).
func TestPutAbsentAfterCreationIsDropped(t *testing.T) {
	c := fresh(t, &fakeClock{})
	g := c.Generation()
	c.Invalidate(store.Changes{CreatedDigests: [][]byte{digestSlice(1)}})
	c.PutAbsent(g, digestOf(1))
	if c.Absent(digestOf(1)) {
		t.Fatal("Absent: got an absence read before the creation, want none")
	}
}

// TestPutAbsentRacingCreation: whatever the interleaving of a PutAbsent
// and a creation's invalidation that began after the absence was read,
// the absence does not survive.
func TestPutAbsentRacingCreation(t *testing.T) {
	c := fresh(t, &fakeClock{})
	for i := range 2000 {
		d := wideDigest(i)
		g := c.Generation() // the absence is read...
		var wg sync.WaitGroup
		wg.Go(func() { c.Invalidate(store.Changes{CreatedDigests: [][]byte{d[:]}}) }) // ...then the token is created
		wg.Go(func() { c.PutAbsent(g, d) })
		wg.Wait()
		if c.Absent(d) {
			t.Fatalf("round %d: an absence read before the creation survived it", i)
		}
	}
}

// TestAbsentIsBounded: a flood of unknown values fills the absent cache
// up to its own bound and evicts none of the tokens' facts.
func TestAbsentIsBounded(t *testing.T) {
	const size = 100
	c := newCache(size, time.Hour, &fakeClock{})
	c.MarkFresh(time.Now())
	g := c.Generation()
	for i := range size / 2 {
		c.Put(g, wideDigest(i), credential(int64(i), int64(i), "T"))
	}
	for i := size; i < 100*size; i++ {
		c.PutAbsent(g, wideDigest(i))
	}
	c.absent.CleanUp()
	if n := c.absent.EstimatedSize(); n > size {
		t.Errorf("absent digests kept: got %d, want at most %d", n, size)
	}
	for i := range size / 2 {
		if _, ok := c.Get(wideDigest(i)); !ok {
			t.Fatalf("token %d: evicted by the flood of absent digests", i)
		}
	}
}

// TestAbsentExpires: an absence is kept at most TTL, like a token's facts.
func TestAbsentExpires(t *testing.T) {
	clock := &fakeClock{}
	c := fresh(t, clock)
	c.PutAbsent(c.Generation(), digestOf(1))
	clock.advance(TTL - time.Second)
	if !c.Absent(digestOf(1)) {
		t.Fatal("Absent before the TTL: got false, want true")
	}
	clock.advance(2 * time.Second)
	if c.Absent(digestOf(1)) {
		t.Fatal("Absent after the TTL: got true, want false")
	}
}

// TestStaleAbsenceIsNotTrusted: without a recent successful poll (which
// would report creations elsewhere), an absence is not trusted.
func TestStaleAbsenceIsNotTrusted(t *testing.T) {
	c := newCache(100, 50*time.Millisecond, &fakeClock{})
	c.PutAbsent(c.Generation(), digestOf(1))
	if c.Absent(digestOf(1)) {
		t.Fatal("Absent before any poll: got true, want false")
	}
	c.MarkFresh(time.Now())
	if !c.Absent(digestOf(1)) {
		t.Fatal("Absent after a poll: got false, want true")
	}
	time.Sleep(80 * time.Millisecond)
	if c.Absent(digestOf(1)) {
		t.Fatal("Absent after the staleness bound: got true, want false")
	}
}

func TestDisabledCacheAbsent(t *testing.T) {
	var c *Cache
	c.PutAbsent(c.Generation(), digestOf(1))
	if c.Absent(digestOf(1)) {
		t.Fatal("disabled cache: got an absence, want none")
	}
}

// TestEmptyChangesKeepGeneration: a poll that found nothing changed does
// not refuse the reads in flight (they cannot predate a change it saw).
func TestEmptyChangesKeepGeneration(t *testing.T) {
	c := fresh(t, &fakeClock{})
	g := c.Generation()
	c.Invalidate(store.Changes{})
	c.PutAbsent(g, digestOf(1))
	c.Put(g, digestOf(2), credential(10, 20, "T2"))
	if _, ok := c.Get(digestOf(2)); !ok || !c.Absent(digestOf(1)) {
		t.Fatal("after an empty poll: got a read in flight refused, want it cached")
	}
}
