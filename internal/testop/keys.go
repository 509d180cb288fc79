package testop

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"

	"github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// SigningKey is one of the provider's keys (an op.SigningKey); tests
// also sign tokens of their own with it, or with a look-alike.
type SigningKey struct {
	KID     string
	Alg     jose.SignatureAlgorithm
	Private crypto.Signer
}

// NewSigningKey makes a key of alg (RS256, ES256 or EdDSA) named kid.
func NewSigningKey(kid string, alg jose.SignatureAlgorithm) (*SigningKey, error) {
	var key crypto.Signer
	var err error
	switch alg {
	case jose.RS256:
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	case jose.ES256:
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case jose.EdDSA:
		_, key, err = ed25519.GenerateKey(rand.Reader)
	default:
		return nil, fmt.Errorf("testop: no key for %s", alg)
	}
	if err != nil {
		return nil, err
	}
	return &SigningKey{KID: kid, Alg: alg, Private: key}, nil
}

func (k *SigningKey) SignatureAlgorithm() jose.SignatureAlgorithm { return k.Alg }
func (k *SigningKey) Algorithm() jose.SignatureAlgorithm          { return k.Alg }
func (k *SigningKey) ID() string                                  { return k.KID }
func (k *SigningKey) Use() string                                 { return "sig" }

// Key is the private key to op's signer: op.SigningKey's Key.
func (k *SigningKey) Key() any { return k.Private }

// publicKey is a SigningKey as the key set publishes it.
type publicKey struct{ *SigningKey }

// Key is the public key: op.Key's Key.
func (k publicKey) Key() any { return k.Private.Public() }

// Rotate makes a new key of alg the signing key and returns the previous
// one; that stays published when keepOld is set (a graceful rotation),
// else it leaves the key set at once.
func (s *Storage) Rotate(alg jose.SignatureAlgorithm, keepOld bool) (*SigningKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keySeq++
	k, err := NewSigningKey(fmt.Sprintf("%s-key-%d", alg, s.keySeq), alg)
	if err != nil {
		return nil, err
	}
	old := s.signing
	s.signing, s.published = k, []*SigningKey{k}
	if keepOld && old != nil {
		s.published = append(s.published, old)
	}
	return old, nil
}

// Current is the signing key.
func (s *Storage) Current() *SigningKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.signing
}

// SigningKey is op.Storage's: the current key.
func (s *Storage) SigningKey(context.Context) (op.SigningKey, error) { return s.Current(), nil }

// SignatureAlgorithms is op.Storage's: the current key's.
func (s *Storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{s.Current().Alg}, nil
}

// KeySet is op.Storage's: the published keys.
func (s *Storage) KeySet(context.Context) ([]op.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]op.Key, len(s.published))
	for i, k := range s.published {
		keys[i] = publicKey{k}
	}
	return keys, nil
}
