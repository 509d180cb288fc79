package scanalert_test

import (
	"context"
	"errors"
	"net/http"
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

// TestUnknownKeyRefreshes: an unknown identifier re-fetches the keys once
// (a rotation is picked up at once), then no more than once per
// MinRefresh however many unknown identifiers arrive.
func TestUnknownKeyRefreshes(t *testing.T) {
	is := scanalerttest.New(t, "k1")
	v := scanalert.New(is.URL, scanalert.Options{MinRefresh: time.Hour})
	ctx := context.Background()
	if err := v.Verify(ctx, "k1", is.Sign(t, "k1", body), body); err != nil {
		t.Fatal(err)
	}
	is.AddKey(t, "k2", true) // GitHub rotates
	if err := v.Verify(ctx, "k2", is.Sign(t, "k2", body), body); err != nil {
		t.Fatalf("rotated key: got %v, want the keys re-fetched and the signature valid", err)
	}
	if n := is.Fetches.Load(); n != 2 {
		t.Fatalf("fetches after a rotation: got %d, want 2", n)
	}
	is.AddKey(t, "k3", true)
	for range 5 {
		if err := v.Verify(ctx, "forged", "AAAA", body); !errors.Is(err, scanalert.ErrUnknownKey) {
			t.Fatalf("forged identifier: got %v, want ErrUnknownKey", err)
		}
	}
	if err := v.Verify(ctx, "k3", is.Sign(t, "k3", body), body); !errors.Is(err, scanalert.ErrUnknownKey) {
		t.Errorf("a new key within MinRefresh of the last re-fetch: got %v, want ErrUnknownKey", err)
	}
	if n := is.Fetches.Load(); n != 2 {
		t.Errorf("fetches after forged identifiers: got %d, want still 2 (rate-limited)", n)
	}
	// Keys that are not current still verify: alerts signed before a rotation.
	if err := v.Verify(ctx, "k1", is.Sign(t, "k1", body), body); err != nil {
		t.Errorf("an older, still published key: got %v, want nil", err)
	}
}

// TestKeysUnavailable: when the keys cannot be fetched the alert cannot be
// checked, which is not the same as a bad signature (the sender retries).
func TestKeysUnavailable(t *testing.T) {
	is := scanalerttest.New(t, "k1")
	is.FailWith(http.StatusServiceUnavailable)
	v := scanalert.New(is.URL, scanalert.Options{})
	if err := v.Verify(context.Background(), "k1", is.Sign(t, "k1", body), body); !errors.Is(err, scanalert.ErrKeysUnavailable) {
		t.Fatalf("keys endpoint down: got %v, want ErrKeysUnavailable", err)
	}
	is.FailWith(0)
	if err := v.Verify(context.Background(), "k1", is.Sign(t, "k1", body), body); err != nil {
		t.Fatalf("keys endpoint back: got %v, want nil (a failed first fetch is retried)", err)
	}
}
