package scanalert_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/patgov/pats/internal/scanalert"
	"github.com/patgov/pats/internal/scanalert/scanalerttest"
)

var body = []byte(`[{"token":"opat_x","type":"pats_personal_access_token","url":"https://github.com/o/r/blob/main/.env","source":"content"}]`)

// TestVerify: a body signed by a published key verifies; a tampered body,
// another key's signature under the identifier, garbage and missing
// headers do not.
func TestVerify(t *testing.T) {
	is := scanalerttest.New(t, "k1")
	is.AddKey(t, "impostor", false)
	v := scanalert.New(is.URL, scanalert.Options{})
	ctx := context.Background()
	good := is.Sign(t, "k1", body)
	if err := v.Verify(ctx, "k1", good, body); err != nil {
		t.Fatalf("valid signature: got %v, want nil", err)
	}
	tampered := append([]byte{}, body...)
	tampered[len(tampered)-3] = 'X'
	for _, tc := range []struct {
		name       string
		keyID, sig string
		body       []byte
		want       error
	}{
		{"tampered body", "k1", good, tampered, scanalert.ErrBadSignature},
		{"another key's signature", "k1", is.Sign(t, "impostor", body), body, scanalert.ErrBadSignature},
		{"not base64", "k1", "%%%", body, scanalert.ErrBadSignature},
		{"base64 but not a signature", "k1", "AAAA", body, scanalert.ErrBadSignature},
		{"no signature", "k1", "", body, scanalert.ErrMissingSignature},
		{"no key identifier", "", good, body, scanalert.ErrMissingSignature},
	} {
		if err := v.Verify(ctx, tc.keyID, tc.sig, tc.body); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
	if n := is.Fetches.Load(); n != 1 {
		t.Errorf("keys fetched %d times, want once (cached)", n)
	}
}

// fakeClock is a settable clock for the verifier's fetch spacing.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// TestUnknownKeyRefreshes: an unknown identifier fetches the keys again, but
// never sooner than MinRefresh after the last fetch; meanwhile it cannot be
// checked (retry later), not refused; after a fetch without it, it is
// refused. However many unknown identifiers arrive, there is one fetch per
// MinRefresh at most.
func TestUnknownKeyRefreshes(t *testing.T) {
	is := scanalerttest.New(t, "k1")
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	v := scanalert.New(is.URL, scanalert.Options{MinRefresh: time.Minute, Now: clock.Now})
	ctx := context.Background()
	if err := v.Verify(ctx, "k1", is.Sign(t, "k1", body), body); err != nil {
		t.Fatal(err)
	}
	is.AddKey(t, "k2", true) // GitHub rotates
	if err := v.Verify(ctx, "k2", is.Sign(t, "k2", body), body); !errors.Is(err, scanalert.ErrKeyNotChecked) {
		t.Fatalf("a rotated key right after the first fetch: got %v, want ErrKeyNotChecked (retry later)", err)
	}
	for range 5 {
		if err := v.Verify(ctx, "forged", "AAAA", body); !errors.Is(err, scanalert.ErrKeyNotChecked) {
			t.Fatalf("forged identifier within MinRefresh: got %v, want ErrKeyNotChecked", err)
		}
	}
	if n := is.Fetches.Load(); n != 1 {
		t.Fatalf("fetches within MinRefresh of the first: got %d, want 1", n)
	}
	clock.Advance(time.Minute)
	if err := v.Verify(ctx, "k2", is.Sign(t, "k2", body), body); err != nil {
		t.Fatalf("the rotated key a minute later: got %v, want the keys fetched again and the signature valid", err)
	}
	if err := v.Verify(ctx, "k1", is.Sign(t, "k1", body), body); err != nil {
		t.Errorf("an older, still published key: got %v, want nil", err)
	}
	clock.Advance(time.Minute)
	if err := v.Verify(ctx, "forged", "AAAA", body); !errors.Is(err, scanalert.ErrUnknownKey) {
		t.Errorf("a forged identifier after a fetch that lacks it: got %v, want ErrUnknownKey", err)
	}
	if n := is.Fetches.Load(); n != 3 {
		t.Errorf("fetches: got %d, want 3 (first use, the rotation, the forged identifier a minute later)", n)
	}
}

// TestKeysUnavailable: when the keys cannot be fetched the alert cannot be
// checked, which is not the same as a bad signature (the sender retries);
// a failing keys URL is not asked again before MinRefresh either.
func TestKeysUnavailable(t *testing.T) {
	is := scanalerttest.New(t, "k1")
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	is.FailWith(http.StatusForbidden) // GitHub's answer past its API rate limit
	v := scanalert.New(is.URL, scanalert.Options{Now: clock.Now})
	for range 10 {
		if err := v.Verify(context.Background(), "k1", is.Sign(t, "k1", body), body); !errors.Is(err, scanalert.ErrKeysUnavailable) {
			t.Fatalf("keys endpoint failing: got %v, want ErrKeysUnavailable", err)
		}
	}
	if n := is.Fetches.Load(); n != 1 {
		t.Fatalf("fetches while the keys URL fails: got %d, want 1 (one per MinRefresh)", n)
	}
	is.FailWith(0)
	clock.Advance(time.Minute)
	if err := v.Verify(context.Background(), "k1", is.Sign(t, "k1", body), body); err != nil {
		t.Fatalf("keys endpoint back, a minute later: got %v, want nil", err)
	}
	if v.RetryAfter() != time.Minute {
		t.Errorf("RetryAfter: got %v, want the refresh interval", v.RetryAfter())
	}
}

// TestFetchNeverBlocksKnownKeys: while a fetch hangs (a slow keys URL, set
// off by a forged identifier), alerts signed by known keys verify at once,
// concurrent unknown identifiers share the one fetch, and a waiting caller
// gives up at its own deadline.
func TestFetchNeverBlocksKnownKeys(t *testing.T) {
	is := scanalerttest.New(t, "k1")
	release := make(chan struct{})
	var fetches atomic.Int64
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fetches.Add(1) > 1 {
			<-release
		}
		resp, err := http.Get(is.URL)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		_, _ = io.Copy(w, resp.Body)
	}))
	defer slow.Close()
	defer close(release)
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	v := scanalert.New(slow.URL, scanalert.Options{Now: clock.Now})
	if err := v.Verify(context.Background(), "k1", is.Sign(t, "k1", body), body); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	var waiting sync.WaitGroup
	for range 3 {
		waiting.Add(1)
		go func() { // forged identifiers: all wait on one hanging fetch
			defer waiting.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			if err := v.Verify(ctx, "forged", "AAAA", body); !errors.Is(err, scanalert.ErrKeysUnavailable) {
				t.Errorf("a caller waiting past its deadline: got %v, want ErrKeysUnavailable", err)
			}
		}()
	}
	for fetches.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	done := make(chan error, 1)
	go func() { done <- v.Verify(context.Background(), "k1", is.Sign(t, "k1", body), body) }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("a known key during a fetch: got %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a known key waited for the hanging fetch")
	}
	waiting.Wait()
	if n := fetches.Load(); n != 2 {
		t.Errorf("fetches: got %d, want 2 (concurrent unknown identifiers share one)", n)
	}
}
