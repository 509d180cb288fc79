package pat

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// secretBox seals the webhook endpoints' signing secrets for storage:
// AES-256-GCM (the standard library's), a random nonce per seal, the
// endpoint's ID as additional data so a sealed secret copied to another
// row does not open there. The key derives from the master key, which
// every instance shares.
type secretBox struct{ aead cipher.AEAD }

func newSecretBox(key []byte) (*secretBox, error) {
	if len(key) != 32 {
		return nil, errors.New("webhook secret key: want 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("webhook secret key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("webhook secret key: %w", err)
	}
	return &secretBox{aead: aead}, nil
}

// seal returns nonce || ciphertext of secret, bound to id.
func (b *secretBox) seal(id, secret string) ([]byte, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal webhook secret: %w", err)
	}
	return b.aead.Seal(nonce, nonce, []byte(secret), []byte(id)), nil
}

// open is seal's inverse; it fails for a sealed value of another ID or
// key, or a tampered one.
func (b *secretBox) open(id string, sealed []byte) (string, error) {
	n := b.aead.NonceSize()
	if len(sealed) < n {
		return "", errors.New("open webhook secret: too short")
	}
	plain, err := b.aead.Open(nil, sealed[:n], sealed[n:], []byte(id))
	if err != nil {
		return "", errors.New("open webhook secret: does not open with this key")
	}
	return string(plain), nil
}
