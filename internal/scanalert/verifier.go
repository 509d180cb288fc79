// Package scanalert verifies that a secret-scanning alert comes from GitHub:
// the ECDSA P-256 / SHA-256 signature GitHub sends with every alert of its
// secret-scanning partner program, checked against the public keys GitHub
// publishes (https://api.github.com/meta/public_keys/secret_scanning). The
// keys are fetched on first use and again when an alert names a key
// identifier they do not hold (GitHub rotates its keys), at most once per
// refresh interval whatever the outcome. Verification is the standard
// library's (crypto/ecdsa.VerifyASN1 over crypto/x509 keys); fetches are
// shared with golang.org/x/sync/singleflight and spaced with
// golang.org/x/time/rate; this package only fetches, caches and selects
// the keys.
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
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
	"golang.org/x/time/rate"
)

// Errors of Verify. ErrKeysUnavailable and ErrKeyNotChecked mean the alert
// could not be checked now (the keys could not be fetched, or a re-fetch
// for an unknown identifier must wait): the sender should retry after
// RetryAfter. The others mean the alert is not GitHub's.
var (
	ErrMissingSignature = errors.New("missing key identifier or signature")
	ErrUnknownKey       = errors.New("unknown key identifier")
	ErrBadSignature     = errors.New("signature does not verify")
	ErrKeysUnavailable  = errors.New("the scanner's public keys could not be fetched")
	ErrKeyNotChecked    = errors.New("unknown key identifier, and the keys were fetched too recently to fetch them again")
)

// maxKeysDocument bounds the keys document read from the keys URL.
const maxKeysDocument = 1 << 20

// fetchTimeout bounds one fetch of the keys document, whoever waits for it.
const fetchTimeout = 10 * time.Second

// keySet is one fetched keys document: key identifier → key.
type keySet map[string]*ecdsa.PublicKey

// Verifier checks alert signatures against a keys document. Known keys
// are read from an immutable snapshot, never waiting for a fetch; fetches
// (the first one included) are shared by concurrent callers and happen at
// most once per MinRefresh, so neither forged identifiers nor a failing
// keys URL can make the service hammer it.
type Verifier struct {
	url        string
	client     *http.Client
	minRefresh time.Duration
	refresh    *rate.Limiter
	now        func() time.Time
	flight     singleflight.Group
	keys       atomic.Pointer[keySet]
}

// Options tune a Verifier; zero fields take the defaults.
type Options struct {
	// Client fetches the keys (default: a client with a 10 s timeout).
	Client *http.Client
	// Transport carries the default client's requests (default
	// http.DefaultTransport; the service passes one that propagates
	// trace context). Ignored when Client is set.
	Transport http.RoundTripper
	// MinRefresh is the least time between two fetches of the keys
	// (default 1 minute).
	MinRefresh time.Duration
	// Now is the clock that spaces the fetches (default time.Now).
	Now func() time.Time
}

// New returns a verifier of alerts signed with the keys published at
// keysURL.
func New(keysURL string, opts Options) *Verifier {
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: fetchTimeout, Transport: opts.Transport}
	}
	if opts.MinRefresh <= 0 {
		opts.MinRefresh = time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Verifier{url: keysURL, client: opts.Client, minRefresh: opts.MinRefresh, now: opts.Now,
		refresh: rate.NewLimiter(rate.Every(opts.MinRefresh), 1)}
}

// RetryAfter is how long a sender told ErrKeysUnavailable or
// ErrKeyNotChecked should wait before sending again.
func (v *Verifier) RetryAfter() time.Duration { return v.minRefresh }

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

// errThrottled says a fetch was due but MinRefresh had not passed.
var errThrottled = errors.New("throttled")

// key returns the public key keyID: from the snapshot, or after a fetch
// (shared with concurrent callers, and at most one per MinRefresh).
func (v *Verifier) key(ctx context.Context, keyID string) (*ecdsa.PublicKey, error) {
	if ks := v.keys.Load(); ks != nil {
		if k, ok := (*ks)[keyID]; ok {
			return k, nil
		}
	}
	ch := v.flight.DoChan("keys", func() (any, error) {
		if !v.refresh.AllowN(v.now(), 1) {
			return nil, errThrottled
		}
		// The fetch is everyone's: one caller's deadline must not cut it.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
		defer cancel()
		ks, err := v.fetch(fctx)
		if err != nil {
			return nil, err
		}
		v.keys.Store(&ks)
		return nil, nil
	})
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %v", ErrKeysUnavailable, ctx.Err())
	case res := <-ch:
		switch {
		case errors.Is(res.Err, errThrottled) && v.keys.Load() == nil:
			return nil, ErrKeysUnavailable
		case errors.Is(res.Err, errThrottled):
			return nil, ErrKeyNotChecked
		case res.Err != nil:
			return nil, res.Err
		}
	}
	if k, ok := (*v.keys.Load())[keyID]; ok {
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
func (v *Verifier) fetch(ctx context.Context) (keySet, error) {
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
	keys := make(keySet, len(doc.PublicKeys))
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
