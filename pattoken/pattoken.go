// Package pattoken defines the format of Personal Access Token (PAT) secrets.
//
// A token is Prefix + Body + Checksum:
//
//   - Prefix is the fixed string "opat_", so secret scanners (and humans) can
//     recognise a leaked token with a simple pattern.
//   - Body is 256 bits from crypto/rand, encoded in base62 as a big-endian
//     integer left-padded with '0' to 43 characters (62^43 > 2^256).
//   - Checksum is the CRC-32 (IEEE) of Prefix+Body, base62-encoded and
//     left-padded with '0' to 6 characters (62^6 > 2^32).
//
// Every token is therefore exactly Length (54) ASCII characters. The checksum
// lets Parse reject typos, truncations and random garbage offline, without a
// database query, and lets scanners tell real tokens from look-alikes with few
// false positives. Only the SHA-256 digest of a token should be stored.
package pattoken

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// Prefix starts every token. It is distinctive so that secret scanners can
// detect leaked tokens, and it carries no secret material.
const Prefix = "opat_"

// Length is the exact length in bytes of every valid token:
// len(Prefix) + 43 body characters + 6 checksum characters.
const Length = len(Prefix) + bodyLen + checksumLen

const (
	alphabet    = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	entropyLen  = 32 // bytes of randomness in the body (256 bits)
	bodyLen     = 43 // base62 digits needed for 2^256: 62^43 > 2^256
	checksumLen = 6  // base62 digits needed for 2^32: 62^6 > 2^32
	hintLen     = 4  // trailing characters shown by Hint (all checksum)
)

// ErrMalformed is returned by Parse for any value that is not a well-formed
// token. It is a single sentinel that never includes the offending value, so
// the error can be logged or returned to clients without leaking a secret.
var ErrMalformed = errors.New("pattoken: malformed token")

// randReader is the source of token entropy; tests replace it to inject
// failures.
var randReader io.Reader = rand.Reader

// decodeTable maps a byte to its base62 digit value, or -1 if the byte is not
// in the alphabet.
var decodeTable = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = int8(i)
	}
	return t
}()

// Token is a freshly generated secret together with the values that may be
// persisted about it.
type Token struct {
	// Value is the full secret token string. Show it to the user exactly
	// once and never store or log it.
	Value string
	// Digest is the SHA-256 of Value. Store it to look tokens up: the body
	// has 256 bits of entropy, so an unsalted fast hash cannot be brute-forced.
	Digest [32]byte
	// Hint is a non-secret display form (see Hint) that lets users tell
	// their tokens apart in listings.
	Hint string
}

// Generate creates a new token from 256 bits of crypto/rand entropy. It
// returns an error only if the random source fails; it never returns a
// predictable token.
func Generate() (Token, error) {
	var raw [entropyLen]byte
	if _, err := io.ReadFull(randReader, raw[:]); err != nil {
		return Token{}, fmt.Errorf("pattoken: reading random bytes: %w", err)
	}
	v := format(raw)
	return Token{Value: v, Digest: Digest(v), Hint: Hint(v)}, nil
}

// Parse checks that value has the exact token format — prefix, length,
// alphabet, checksum and a body below 2^256 — and returns its SHA-256 digest
// for lookup. It performs no I/O: because of the checksum, malformed or
// mistyped values are rejected before any database query is made. Parse does
// not trim whitespace or strip "Bearer "; callers must do that. All failures
// return ErrMalformed, whose message never contains value.
func Parse(value string) (digest [32]byte, err error) {
	if len(value) != Length || value[:len(Prefix)] != Prefix {
		return digest, ErrMalformed
	}
	body := value[len(Prefix) : len(Prefix)+bodyLen]
	if _, ok := decodeBody(body); !ok {
		return digest, ErrMalformed
	}
	sum := checksum(value[:len(Prefix)+bodyLen])
	if value[len(Prefix)+bodyLen:] != string(sum[:]) {
		return digest, ErrMalformed
	}
	return Digest(value), nil
}

// Digest returns the SHA-256 of value, the form in which tokens are stored
// and looked up, so a database leak does not reveal usable secrets.
func Digest(value string) [32]byte {
	return sha256.Sum256([]byte(value))
}

// Hint returns Prefix + "…" + the last 4 characters of value, a display form
// that is safe to store and show. For a valid token the last 4 characters
// belong to the checksum, which is derived from the body, so the hint reveals
// no entropy. Values shorter than 4 bytes yield Prefix + "…" alone.
func Hint(value string) string {
	if len(value) < hintLen {
		return Prefix + "…"
	}
	return Prefix + "…" + value[len(value)-hintLen:]
}

// format builds the token string for the given entropy.
func format(raw [entropyLen]byte) string {
	buf := make([]byte, 0, Length)
	buf = append(buf, Prefix...)
	buf = appendBody(buf, raw)
	sum := checksum(string(buf))
	buf = append(buf, sum[:]...)
	return string(buf)
}

// appendBody appends raw as a big-endian integer in base62, left-padded with
// '0' to bodyLen digits.
func appendBody(dst []byte, raw [entropyLen]byte) []byte {
	var out [bodyLen]byte
	for i := bodyLen - 1; i >= 0; i-- {
		// Divide raw by 62 in place; the remainder is the next digit.
		rem := 0
		for j := range raw {
			cur := rem<<8 | int(raw[j])
			raw[j] = byte(cur / 62)
			rem = cur % 62
		}
		out[i] = alphabet[rem]
	}
	return append(dst, out[:]...)
}

// decodeBody parses a base62 body into a 256-bit big-endian integer. It
// reports false if a character is outside the alphabet or the value is
// >= 2^256.
func decodeBody(body string) (raw [entropyLen]byte, ok bool) {
	for i := 0; i < len(body); i++ {
		d := decodeTable[body[i]]
		if d < 0 {
			return raw, false
		}
		// raw = raw*62 + d; a final carry means overflow past 2^256.
		carry := int(d)
		for j := len(raw) - 1; j >= 0; j-- {
			cur := int(raw[j])*62 + carry
			raw[j] = byte(cur)
			carry = cur >> 8
		}
		if carry != 0 {
			return raw, false
		}
	}
	return raw, true
}

// checksum returns the CRC-32 (IEEE) of s as checksumLen base62 digits.
func checksum(s string) (out [checksumLen]byte) {
	n := crc32.ChecksumIEEE([]byte(s))
	for i := checksumLen - 1; i >= 0; i-- {
		out[i] = alphabet[n%62]
		n /= 62
	}
	return out
}
