// Package cursor builds opaque, integrity-protected Relay keyset cursors for
// paginated lists.
//
// A cursor records the position of the last row a client has seen (its sort
// value and its ID, see [Key]) so the next page can be fetched with a keyset
// ("seek") predicate instead of an OFFSET. Because the position is turned
// straight into a SQL predicate, the server must be able to trust it:
//
//   - Every cursor carries a truncated HMAC-SHA256 tag, so a client cannot
//     forge or edit a position (for example to skip past rows, or to feed
//     crafted values into the query). Any altered, truncated or extended
//     cursor is rejected.
//   - The tag also covers a caller-supplied "shape" (filter, order and
//     caller identity) that is not stored in the cursor itself. A cursor
//     obtained for one query shape and replayed with another filter, another
//     order or by another caller is therefore rejected rather than silently
//     producing a wrong or leaking page.
//
// All failures are reported as the single error [ErrInvalid], which never
// echoes the input, so clients learn nothing about why a cursor was refused.
//
// Wire format (before base64.RawURLEncoding):
//
//	payload = version(1) || flags || varint(Int) || uvarint(len(Str)) || Str || uvarint(len(ID)) || ID
//	cursor  = payload || HMAC-SHA256(key, uvarint(len(shape)) || shape || payload)[:16]
//
// Decoding accepts only the canonical encoding, so each Key has exactly one
// valid cursor string per shape and key.
package cursor

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"unicode/utf8"
)

// Limits enforced by Decode. They bound the work done on untrusted input and
// keep cursors short enough to travel in URLs and GraphQL arguments.
const (
	// MinKeyLen is the minimum HMAC key length accepted by NewCodec (256
	// bits, the output size of SHA-256), so tags cannot be brute-forced via
	// a weak key.
	MinKeyLen = 32
	// MaxStrLen is the maximum length in bytes of Key.Str.
	MaxStrLen = 1000
	// MaxIDLen is the maximum length in bytes of Key.ID.
	MaxIDLen = 100
	// MaxCursorLen is the maximum length of an encoded cursor string; longer
	// inputs are rejected before any decoding work is done.
	MaxCursorLen = 2048
)

const (
	version  = 1
	flagNull = 1 << 0
	macLen   = 16
	// minPayload is version + flags + 1-byte varint + two 1-byte lengths.
	minPayload = 5
)

// ErrInvalid is returned by Decode for every malformed, tampered, foreign
// (other key) or misused (other shape) cursor. A single error value is used
// on purpose: distinguishing the cases would only help an attacker probe the
// format, and the message never contains the input.
var ErrInvalid = errors.New("invalid cursor")

// errShortKey is returned by NewCodec for keys shorter than MinKeyLen.
var errShortKey = errors.New("cursor: HMAC key must be at least 32 bytes")

// Key is the position of a row in an ordered list: the sort value of the row
// and its ID (the tie-breaker). It is exactly what a keyset query needs to
// resume after that row, and nothing more.
type Key struct {
	// Int holds the sort value for integer keys (Unix milliseconds); Null
	// is true when the sort value is SQL NULL (Int is then 0).
	Int  int64
	Null bool
	// Str holds the sort value for string keys (a lower-cased name).
	Str string
	// ID is the row's ID, the tie-breaker that makes positions unique when
	// sort values are equal.
	ID string
}

// Codec signs and verifies cursors with an HMAC-SHA256 key, so that clients
// can hold and return positions without being able to forge them. A Codec is
// immutable and safe for concurrent use.
type Codec struct {
	key []byte
}

// NewCodec returns a Codec using key as the HMAC-SHA256 secret. The key is
// copied. It returns an error if key is shorter than MinKeyLen bytes, since a
// short secret would make forged cursors feasible.
func NewCodec(key []byte) (*Codec, error) {
	if len(key) < MinKeyLen {
		return nil, errShortKey
	}
	return &Codec{key: bytes.Clone(key)}, nil
}

// Encode returns the opaque cursor for position k in the query identified by
// shape. shape must identify the filter, the order and the caller (it is not
// stored in the cursor, only bound by the MAC), so the cursor is only accepted
// back by Decode with the same shape.
//
// If k.Null is true, k.Int is encoded as 0. Keys whose Str or ID exceed
// MaxStrLen / MaxIDLen, or that are not valid UTF-8, yield cursors that
// Decode rejects.
func (c *Codec) Encode(shape []byte, k Key) string {
	payload := appendPayload(make([]byte, 0, minPayload+2*binary.MaxVarintLen64+len(k.Str)+len(k.ID)+macLen), k)
	out := c.appendMAC(payload, shape, payload)
	return base64.RawURLEncoding.EncodeToString(out)
}

// Decode verifies s against shape and returns the position it encodes. Any
// failure — wrong shape, wrong key, altered, truncated or extended data,
// non-canonical or invalid base64, oversize input or out-of-limit fields —
// returns the zero Key and ErrInvalid.
func (c *Codec) Decode(shape []byte, s string) (Key, error) {
	if len(s) > MaxCursorLen || len(s) == 0 {
		return Key{}, ErrInvalid
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(raw) < minPayload+macLen {
		return Key{}, ErrInvalid
	}
	// The decoder skips CR/LF; requiring the exact canonical spelling keeps
	// one string per cursor.
	if base64.RawURLEncoding.EncodedLen(len(raw)) != len(s) {
		return Key{}, ErrInvalid
	}
	payload, tag := raw[:len(raw)-macLen], raw[len(raw)-macLen:]
	// Authenticate before parsing so untrusted bytes never reach the parser.
	want := c.appendMAC(make([]byte, 0, sha256.Size), shape, payload)
	if !hmac.Equal(tag, want) {
		return Key{}, ErrInvalid
	}
	k, ok := parsePayload(payload)
	if !ok {
		return Key{}, ErrInvalid
	}
	return k, nil
}

// appendMAC appends the truncated tag of (shape, payload) to dst.
func (c *Codec) appendMAC(dst, shape, payload []byte) []byte {
	h := hmac.New(sha256.New, c.key)
	var lenBuf [binary.MaxVarintLen64]byte
	h.Write(lenBuf[:binary.PutUvarint(lenBuf[:], uint64(len(shape)))])
	h.Write(shape)
	h.Write(payload)
	return h.Sum(dst)[:len(dst)+macLen]
}

// appendPayload appends the binary encoding of k to dst.
func appendPayload(dst []byte, k Key) []byte {
	var flags byte
	n := k.Int
	if k.Null {
		flags |= flagNull
		n = 0
	}
	dst = append(dst, version, flags)
	dst = binary.AppendVarint(dst, n)
	dst = binary.AppendUvarint(dst, uint64(len(k.Str)))
	dst = append(dst, k.Str...)
	dst = binary.AppendUvarint(dst, uint64(len(k.ID)))
	dst = append(dst, k.ID...)
	return dst
}

// parsePayload decodes p strictly: it rejects unknown versions and flags,
// bad varints, lengths past the end or over the limits, invalid UTF-8,
// trailing bytes and any non-canonical encoding.
func parsePayload(p []byte) (Key, bool) {
	orig := p
	if len(p) < 2 || p[0] != version || p[1]&^flagNull != 0 {
		return Key{}, false
	}
	k := Key{Null: p[1]&flagNull != 0}
	p = p[2:]
	v, n := binary.Varint(p)
	if n <= 0 {
		return Key{}, false
	}
	k.Int = v
	p = p[n:]
	var ok bool
	if k.Str, p, ok = readString(p, MaxStrLen); !ok {
		return Key{}, false
	}
	if k.ID, p, ok = readString(p, MaxIDLen); !ok {
		return Key{}, false
	}
	if len(p) != 0 {
		return Key{}, false
	}
	// Rejects overlong varints and Null with a non-zero Int: exactly one
	// payload per Key.
	if !bytes.Equal(appendPayload(make([]byte, 0, len(orig)), k), orig) {
		return Key{}, false
	}
	return k, true
}

// readString reads a uvarint length-prefixed UTF-8 string of at most max
// bytes from p and returns it with the remaining bytes.
func readString(p []byte, max int) (string, []byte, bool) {
	l, n := binary.Uvarint(p)
	if n <= 0 {
		return "", nil, false
	}
	p = p[n:]
	if l > uint64(max) || l > uint64(len(p)) {
		return "", nil, false
	}
	s := p[:l]
	if !utf8.Valid(s) {
		return "", nil, false
	}
	return string(s), p[l:], true
}
