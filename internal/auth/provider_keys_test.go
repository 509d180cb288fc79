package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
)

// publishedKey is an RSA key published under kid with the given use.
type publishedKey struct {
	kid, use string
	priv     *rsa.PrivateKey
}

func newPublishedKey(t *testing.T, kid, use string) publishedKey {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return publishedKey{kid: kid, use: use, priv: priv}
}

// keySet is a provider's key set that the test changes while it is served.
type keySet struct {
	keys atomic.Value // []publishedKey
}

func (k *keySet) set(keys ...publishedKey) { k.keys.Store(keys) }

func (k *keySet) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	var set jose.JSONWebKeySet
	for _, key := range k.keys.Load().([]publishedKey) {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: &key.priv.PublicKey, KeyID: key.kid, Algorithm: "RS256", Use: key.use})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(set)
}

// sign makes a valid session token for audience "pats-api" with key.
func sign(t *testing.T, key publishedKey) string {
	t.Helper()
	now := time.Now()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"sub": "alice", "org": "acme", "role": "admin", "account_type": "local", "aud": "pats-api",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	})
	tok.Header["kid"] = key.kid
	raw, err := tok.SignedString(key.priv)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func providerVerifier(t *testing.T, o ProviderOptions) *Verifier {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	keys, err := NewProviderKeys(ctx, o)
	if err != nil {
		t.Fatalf("NewProviderKeys: %v", err)
	}
	v, err := NewProviderVerifier(keys, DefaultProviderAlgorithms, "", "pats-api")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestProviderKeysUseOnlySigningKeys: a key the provider publishes for
// encryption ("use": "enc") never verifies a session token.
func TestProviderKeysUseOnlySigningKeys(t *testing.T) {
	sig, enc := newPublishedKey(t, "sig", "sig"), newPublishedKey(t, "enc", "enc")
	set := &keySet{}
	set.set(sig, enc)
	srv := httptest.NewServer(set)
	t.Cleanup(srv.Close)
	v := providerVerifier(t, ProviderOptions{JWKSURL: srv.URL})
	if _, err := v.Verify(sign(t, sig)); err != nil {
		t.Fatalf("token of the signing key: %v", err)
	}
	if _, err := v.Verify(sign(t, enc)); err == nil {
		t.Fatal("token signed with the encryption key accepted")
	}
}

// TestProviderKeysScheduledRefreshDropsRemovedKey: a key the provider
// withdraws stops verifying at the next scheduled fetch, with no unknown
// key ID to prompt it; while that fetch fails, the cached keys still
// verify.
func TestProviderKeysScheduledRefreshDropsRemovedKey(t *testing.T) {
	old, next := newPublishedKey(t, "old", "sig"), newPublishedKey(t, "next", "sig")
	set := &keySet{}
	set.set(old, next)
	var down atomic.Bool
	var failed atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			failed.Add(1)
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		set.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	v := providerVerifier(t, ProviderOptions{JWKSURL: srv.URL, RefreshInterval: 50 * time.Millisecond})
	oldToken := sign(t, old)
	if _, err := v.Verify(oldToken); err != nil {
		t.Fatalf("token of a published key: %v", err)
	}

	down.Store(true)
	time.Sleep(300 * time.Millisecond) // several failed scheduled fetches
	if failed.Load() == 0 {
		t.Fatal("no scheduled fetch reached the key set while it was down")
	}
	if _, err := v.Verify(oldToken); err != nil {
		t.Fatalf("with the key set unreachable, after %d failed fetches, the cached key: %v", failed.Load(), err)
	}

	down.Store(false)
	set.set(next)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := v.Verify(oldToken); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a withdrawn key still verifies 5 s after the provider dropped it")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := v.Verify(sign(t, next)); err != nil {
		t.Fatalf("token of the remaining key: %v", err)
	}
}

// TestNewProviderKeysRefusals: discovery must name the issuer it was
// fetched for and a jwks_uri that is https (or loopback http); documents
// over 1 MiB and failing key sets stop the start.
func TestNewProviderKeysRefusals(t *testing.T) {
	key := newPublishedKey(t, "k", "sig")
	set := &keySet{}
	set.set(key)
	var discovery atomic.Value // func(issuer string) string
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(discovery.Load().(func(string) string)(srv.URL)))
	})
	mux.Handle("/keys", set)
	mux.HandleFunc("/broken-keys", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "no", http.StatusInternalServerError) })
	tests := []struct {
		name, want string
		doc        func(issuer string) string
	}{
		{"another issuer", "names issuer", func(string) string {
			return `{"issuer":"https://other.example","jwks_uri":"` + srv.URL + `/keys"}`
		}},
		{"plain http elsewhere", "jwks_uri", func(iss string) string {
			return `{"issuer":"` + iss + `","jwks_uri":"http://idp.example/keys"}`
		}},
		{"over 1 MiB", "discovery", func(iss string) string {
			return `{"issuer":"` + iss + `","jwks_uri":"` + iss + `/keys","pad":"` + strings.Repeat("x", 1<<20) + `"}`
		}},
		{"failing key set", "keys", func(iss string) string {
			return `{"issuer":"` + iss + `","jwks_uri":"` + iss + `/broken-keys"}`
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			discovery.Store(tt.doc)
			_, err := NewProviderKeys(context.Background(), ProviderOptions{Issuer: srv.URL})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewProviderKeys: got %v, want an error about %q", err, tt.want)
			}
		})
	}
	discovery.Store(func(iss string) string { return `{"issuer":"` + iss + `","jwks_uri":"` + iss + `/keys"}` })
	if _, err := NewProviderKeys(context.Background(), ProviderOptions{Issuer: srv.URL}); err != nil {
		t.Fatalf("NewProviderKeys with a good document: %v", err)
	}
}
