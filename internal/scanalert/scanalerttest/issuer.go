// Package scanalerttest plays GitHub's side of secret-scanning alerts in
// tests: it publishes a keys document over HTTP, signs alert bodies the way
// GitHub does, rotates keys and counts fetches.
package scanalerttest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// Issuer is a fake GitHub keys endpoint with its signing keys.
type Issuer struct {
	// URL is the keys document's address (PATS_SECRET_SCANNING_KEYS_URL).
	URL string
	// Fetches counts the requests for the keys document.
	Fetches atomic.Int64

	mu        sync.Mutex
	keys      map[string]*ecdsa.PrivateKey
	published []string
	status    int
}

// New starts an issuer publishing one key, keyID.
func New(t testing.TB, keyID string) *Issuer {
	t.Helper()
	is := &Issuer{keys: map[string]*ecdsa.PrivateKey{}, status: http.StatusOK}
	is.AddKey(t, keyID, true)
	srv := httptest.NewServer(http.HandlerFunc(is.serve))
	t.Cleanup(srv.Close)
	is.URL = srv.URL + "/meta/public_keys/secret_scanning"
	return is
}

// AddKey creates a key; published ones appear in the keys document.
func (is *Issuer) AddKey(t testing.TB, keyID string, published bool) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	is.mu.Lock()
	defer is.mu.Unlock()
	is.keys[keyID] = k
	if published {
		is.published = append(is.published, keyID)
	}
}

// Publish adds an existing key to the keys document (a rotation).
func (is *Issuer) Publish(keyID string) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.published = append(is.published, keyID)
}

// FailWith makes the keys endpoint answer status (0: serve normally).
func (is *Issuer) FailWith(status int) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.status = status
	if status == 0 {
		is.status = http.StatusOK
	}
}

// Sign returns the Github-Public-Key-Signature of body by keyID.
func (is *Issuer) Sign(t testing.TB, keyID string, body []byte) string {
	t.Helper()
	is.mu.Lock()
	k := is.keys[keyID]
	is.mu.Unlock()
	if k == nil {
		t.Fatalf("no key %q", keyID)
	}
	digest := sha256.Sum256(body)
	sig, err := ecdsa.SignASN1(rand.Reader, k, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// serve answers the keys document, as GitHub's API does.
func (is *Issuer) serve(w http.ResponseWriter, _ *http.Request) {
	is.Fetches.Add(1)
	is.mu.Lock()
	defer is.mu.Unlock()
	if is.status != http.StatusOK {
		w.WriteHeader(is.status)
		return
	}
	type key struct {
		KeyIdentifier string `json:"key_identifier"`
		Key           string `json:"key"`
		IsCurrent     bool   `json:"is_current"`
	}
	var doc struct {
		PublicKeys []key `json:"public_keys"`
	}
	for i, id := range is.published {
		der, err := x509.MarshalPKIXPublicKey(&is.keys[id].PublicKey)
		if err != nil {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		pemText := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
		doc.PublicKeys = append(doc.PublicKeys, key{KeyIdentifier: id, Key: string(pemText), IsCurrent: i == len(is.published)-1})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(doc)
}
