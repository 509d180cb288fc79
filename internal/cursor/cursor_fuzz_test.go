package cursor

import (
	"bytes"
	"encoding/base64"
	"math"
	"strings"
	"testing"
)

func FuzzDecode(f *testing.F) {
	c, err := NewCodec(testKey)
	if err != nil {
		f.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	for _, k := range []Key{
		{},
		{Int: 1700000000000, ID: "tok_1"},
		{Int: math.MinInt64, ID: "min"},
		{Int: math.MaxInt64, ID: "max"},
		{Null: true, ID: "n"},
		{Str: "ключ 🔑", ID: "ü"},
		{Str: strings.Repeat("s", MaxStrLen), ID: strings.Repeat("i", MaxIDLen)},
	} {
		s := c.Encode(testShape, k)
		raw, _ := base64.RawURLEncoding.DecodeString(s)
		f.Add(s)
		// Near misses.
		f.Add(s[:len(s)-1])
		f.Add(s + "A")
		f.Add(s[:3] + "\n" + s[3:])
		f.Add(c.Encode([]byte("other shape"), k))
		f.Add(enc(append(bytes.Clone(raw), 0)))
		flipped := bytes.Clone(raw)
		flipped[0] ^= 1
		f.Add(enc(flipped))
	}
	// Validly signed but malformed payloads.
	for _, p := range [][]byte{
		{1, 0, 0x80, 0x00, 0, 0},
		{1, 1, 2, 0, 0},
		{1, 0, 0, 1, 0xff, 0},
		{2, 0, 0, 0, 0},
		{1, 0, 0, 0, 0, 0},
	} {
		f.Add(sign(c, testShape, p))
	}
	f.Add("")
	f.Add("!!!")
	f.Add(strings.Repeat("A", 3000))

	f.Fuzz(func(t *testing.T, s string) {
		k, err := c.Decode(testShape, s)
		if err != nil {
			if err != ErrInvalid {
				t.Fatalf("got %v, want %v", err, ErrInvalid)
			}
			if k != (Key{}) {
				t.Fatalf("got %+v, want zero Key on error", k)
			}
			return
		}
		if got := c.Encode(testShape, k); got != s {
			t.Fatalf("got %v, want %v (non-canonical cursor accepted)", got, s)
		}
	})
}

// FuzzParsePayload signs arbitrary payloads with the right key and shape, so
// the fuzzer reaches the payload parser that the MAC otherwise shields.
func FuzzParsePayload(f *testing.F) {
	c, err := NewCodec(testKey)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(appendPayload(nil, Key{}))
	f.Add(appendPayload(nil, Key{Int: -5, Null: false, Str: "é", ID: "x"}))
	f.Add(appendPayload(nil, Key{Null: true, ID: "n"}))
	f.Add([]byte{1, 0, 0x80, 0x00, 0, 0})
	f.Add([]byte{1, 0, 0, 1, 0xff, 0})
	f.Fuzz(func(t *testing.T, payload []byte) {
		s := sign(c, testShape, payload)
		k, err := c.Decode(testShape, s)
		if err != nil {
			if err != ErrInvalid {
				t.Fatalf("got %v, want %v", err, ErrInvalid)
			}
			return
		}
		if got := c.Encode(testShape, k); got != s {
			t.Fatalf("got %v, want %v (non-canonical payload accepted)", got, s)
		}
	})
}
