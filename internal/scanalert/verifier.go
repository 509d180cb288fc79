// Package scanalert verifies that a secret-scanning alert comes from GitHub:
// the ECDSA P-256 / SHA-256 signature GitHub sends with every alert of its
// secret-scanning partner program, checked against the public keys GitHub
// publishes (https://api.github.com/meta/public_keys/secret_scanning). The
// keys are fetched on first use and again, at most once per refresh
// interval, when an alert names a key identifier they do not hold (GitHub
// rotates its keys). Verification is the standard library's
// (crypto/ecdsa.VerifyASN1 over crypto/x509 keys); this package only
// fetches, caches and selects them.
package scanalert

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Errors of Verify. ErrKeysUnavailable means the alert could not be checked
// (the keys could not be fetched): the sender should retry; the others mean
// the alert is not GitHub's.
var (
	ErrMissingSignature = errors.New("missing key identifier or signature")
	ErrUnknownKey       = errors.New("unknown key identifier")
	ErrBadSignature     = errors.New("signature does not verify")
	ErrKeysUnavailable  = errors.New("the scanner's public keys could not be fetched")
)

// maxKeysDocument bounds the keys document read from the keys URL.
const maxKeysDocument = 1 << 20

// Verifier checks alert signatures against a keys document.
type Verifier struct {
	url    string
	client *http.Client
	// refresh bounds the re-fetches that unknown key identifiers cause,
	// so forged identifiers cannot make the service flood the keys URL.
	refresh *rate.Limiter

	mu     sync.Mutex
	keys   map[string]*ecdsa.PublicKey
	loaded bool
}

// Options tune a Verifier; zero fields take the defaults.
type Options struct {
	// Client fetches the keys (default: a client with a 10 s timeout).
	Client *http.Client
	// MinRefresh is the least time between re-fetches caused by unknown
	// key identifiers (default 1 minute).
	MinRefresh time.Duration
}

// New returns a verifier of alerts signed with the keys published at
// keysURL.
func New(keysURL string, opts Options) *Verifier {
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.MinRefresh <= 0 {
		opts.MinRefresh = time.Minute
	}
	return &Verifier{url: keysURL, client: opts.Client, refresh: rate.NewLimiter(rate.Every(opts.MinRefresh), 1)}
}

// Verify reports whether signature (base64 of an ASN.1 ECDSA signature)
// by the key keyID is valid for body, the raw request body.
func (v *Verifier) Verify(ctx context.Context, keyID, signature string, body []byte) error {
	if keyID == "" || signature == "" {
		return ErrMissingSignature
	}
	sig, err := base64.StdEncoding.DecodeString(signature)
	if err != nil {
		return ErrBadSignature
	}
	key, err := v.key(ctx, keyID)
	if err != nil {
		return err
	}
	digest := sha256.Sum256(body)
	if !ecdsa.VerifyASN1(key, digest[:], sig) {
		return ErrBadSignature
	}
	return nil
}

// key returns the public key keyID, fetching the keys on first use and
// re-fetching them (rate-limited) when keyID is not among them.
func (v *Verifier) key(ctx context.Context, keyID string) (*ecdsa.PublicKey, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if k, ok := v.keys[keyID]; ok {
		return k, nil
	}
	if v.loaded && !v.refresh.Allow() {
		return nil, ErrUnknownKey
	}
	keys, err := v.fetch(ctx)
	if err != nil {
		return nil, err
	}
	v.keys, v.loaded = keys, true
	if k, ok := keys[keyID]; ok {
		return k, nil
	}
	return nil, ErrUnknownKey
}

// keysDocument is GitHub's public keys document.
type keysDocument struct {
	PublicKeys []struct {
		KeyIdentifier string `json:"key_identifier"`
		Key           string `json:"key"`
		IsCurrent     bool   `json:"is_current"`
	} `json:"public_keys"`
}

// fetch reads the keys document. Every listed key verifies (not only the
// current one): alerts signed just before a rotation are still GitHub's.
func (v *Verifier) fetch(ctx context.Context) (map[string]*ecdsa.PublicKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.url, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeysUnavailable, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := v.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeysUnavailable, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: HTTP %d", ErrKeysUnavailable, resp.StatusCode)
	}
	var doc keysDocument
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxKeysDocument)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeysUnavailable, err)
	}
	keys := make(map[string]*ecdsa.PublicKey, len(doc.PublicKeys))
	for _, k := range doc.PublicKeys {
		pub, err := parseKey(k.Key)
		if err != nil || k.KeyIdentifier == "" {
			continue // one bad entry must not disable the others
		}
		keys[k.KeyIdentifier] = pub
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: no usable key", ErrKeysUnavailable)
	}
	return keys, nil
}

// parseKey reads a PEM "PUBLIC KEY" holding an ECDSA P-256 key.
func parseKey(text string) (*ecdsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, errors.New("not PEM")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	k, ok := pub.(*ecdsa.PublicKey)
	if !ok || k.Curve != elliptic.P256() {
		return nil, errors.New("not an ECDSA P-256 key")
	}
	return k, nil
}
