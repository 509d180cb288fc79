package webhook

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// SecretPrefix starts every signing secret, as the Standard Webhooks
// specification recommends, so a secret is recognisable wherever it is
// pasted (and by secret scanners).
const SecretPrefix = "whsec_"

// The specification allows keys of 24 to 64 bytes; NewSecret makes 32
// (256 bits), the strength of the SHA-256 the HMAC is built on: more adds
// nothing, less would be the weakest link.
const (
	minSecretBytes = 24
	maxSecretBytes = 64
	newSecretBytes = 32
)

// ErrInvalidSecret is returned for a signing secret that is not of the
// whsec_ form. It never carries the secret itself, so it can be logged.
var ErrInvalidSecret = errors.New("invalid webhook signing secret")

// ErrNoSecrets is returned when asked to sign with no secret at all: an
// unsigned webhook would be indistinguishable from a forged one.
var ErrNoSecrets = errors.New("no webhook signing secret")

// NewSecret returns a fresh signing secret: "whsec_" followed by the
// standard base64 of 32 bytes from crypto/rand.
func NewSecret() (string, error) {
	key := make([]byte, newSecretBytes)
	if _, err := rand.Read(key); err != nil {
		return "", fmt.Errorf("new webhook secret: %w", err)
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(key), nil
}

// decodeSecret returns the key bytes of a whsec_ secret. The prefix is
// required (unlike the reference library, which also takes bare base64)
// so that a truncated or mistyped stored value fails loudly instead of
// signing with the wrong key.
func decodeSecret(secret string) ([]byte, error) {
	enc, ok := strings.CutPrefix(secret, SecretPrefix)
	if !ok {
		return nil, fmt.Errorf("%w: missing the %s prefix", ErrInvalidSecret, SecretPrefix)
	}
	key, err := base64.StdEncoding.Strict().DecodeString(enc)
	if err != nil {
		// The decoder's message names an offset only, but it is not
		// wrapped anyway: nothing about the secret's content leaves here.
		return nil, fmt.Errorf("%w: not standard base64", ErrInvalidSecret)
	}
	if len(key) < minSecretBytes || len(key) > maxSecretBytes {
		return nil, fmt.Errorf("%w: key of %d bytes, want %d to %d", ErrInvalidSecret, len(key), minSecretBytes, maxSecretBytes)
	}
	return key, nil
}
