package cursor

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"
)

var (
	testKey   = bytes.Repeat([]byte{0x42}, 32)
	otherKey  = bytes.Repeat([]byte{0x43}, 32)
	testShape = []byte("tokens|owner=alice|order=created_at desc|caller=u1")
)

func newTestCodec(t testing.TB, key []byte) *Codec {
	t.Helper()
	c, err := NewCodec(key)
	if err != nil {
		t.Fatalf("NewCodec: got %v, want nil", err)
	}
	return c
}

// sign builds a correctly authenticated cursor around an arbitrary payload,
// so the payload parser can be tested behind a valid MAC.
func sign(c *Codec, shape, payload []byte) string {
	raw := c.appendMAC(bytes.Clone(payload), shape, payload)
	return base64.RawURLEncoding.EncodeToString(raw)
}

var roundTripKeys = []struct {
	name string
	key  Key
}{
	{"zero", Key{}},
	{"typical int", Key{Int: 1700000000123, ID: "tok_01HZX"}},
	{"negative", Key{Int: -1, ID: "a"}},
	{"min int64", Key{Int: math.MinInt64, ID: "min"}},
	{"max int64", Key{Int: math.MaxInt64, ID: "max"}},
	{"null", Key{Null: true, ID: "n1"}},
	{"string key", Key{Str: "my token", ID: "id-7"}},
	{"unicode str", Key{Str: "ключ 🔑 日本語", ID: "ü"}},
	{"empty id", Key{Int: 5, Str: "x"}},
	{"max lengths", Key{Str: strings.Repeat("é", MaxStrLen/2), ID: strings.Repeat("i", MaxIDLen)}},
	{"all fields", Key{Int: 42, Str: "abc", ID: "def"}},
}

func TestRoundTrip(t *testing.T) {
	c := newTestCodec(t, testKey)
	for _, tc := range roundTripKeys {
		t.Run(tc.name, func(t *testing.T) {
			s := c.Encode(testShape, tc.key)
			if len(s) > MaxCursorLen {
				t.Fatalf("len: got %v, want <= %v", len(s), MaxCursorLen)
			}
			got, err := c.Decode(testShape, s)
			if err != nil {
				t.Fatalf("Decode: got %v, want nil", err)
			}
			if got != tc.key {
				t.Errorf("got %+v, want %+v", got, tc.key)
			}
			if again := c.Encode(testShape, got); again != s {
				t.Errorf("re-encode: got %v, want %v", again, s)
			}
		})
	}
}

func TestEncodeDeterministicAndURLSafe(t *testing.T) {
	c := newTestCodec(t, testKey)
	k := Key{Int: 99, Str: "a/b+c", ID: "x"}
	a, b := c.Encode(testShape, k), c.Encode(testShape, k)
	if a != b {
		t.Errorf("got %v, want %v", b, a)
	}
	if strings.ContainsAny(a, "+/=\n") {
		t.Errorf("got %v, want only URL-safe unpadded base64", a)
	}
}

func TestNullNormalizesInt(t *testing.T) {
	c := newTestCodec(t, testKey)
	got, err := c.Decode(testShape, c.Encode(testShape, Key{Null: true, Int: 7, ID: "a"}))
	if err != nil {
		t.Fatalf("got %v, want nil", err)
	}
	want := Key{Null: true, ID: "a"}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestShapeAndKeyBinding(t *testing.T) {
	c := newTestCodec(t, testKey)
	k := Key{Int: 123, ID: "tok"}
	s := c.Encode(testShape, k)
	tests := []struct {
		name  string
		codec *Codec
		shape []byte
	}{
		{"different filter", c, []byte("tokens|owner=bob|order=created_at desc|caller=u1")},
		{"different order", c, []byte("tokens|owner=alice|order=created_at asc|caller=u1")},
		{"different caller", c, []byte("tokens|owner=alice|order=created_at desc|caller=u2")},
		{"empty shape", c, nil},
		{"shape prefix", c, testShape[:len(testShape)-1]},
		{"shape extended", c, append(bytes.Clone(testShape), 'x')},
		{"different key", newTestCodec(t, otherKey), testShape},
		{"key differing in last byte", newTestCodec(t, append(bytes.Clone(testKey[:31]), 0x41)), testShape},
		{"longer key", newTestCodec(t, append(bytes.Clone(testKey), 0x42)), testShape},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.codec.Decode(tc.shape, s)
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want %v", err, ErrInvalid)
			}
			if got != (Key{}) {
				t.Errorf("got %+v, want zero Key", got)
			}
		})
	}
}

// TestShapeLengthPrefix checks that the shape/payload boundary is fixed by the
// length prefix: moving bytes between the shape and the payload must not
// yield the same MAC.
func TestShapeLengthPrefix(t *testing.T) {
	c := newTestCodec(t, testKey)
	payload := appendPayload(nil, Key{ID: "x"})
	a := c.appendMAC(nil, []byte("ab"), payload)
	b := c.appendMAC(nil, []byte("a"), append([]byte("b"), payload...))
	if bytes.Equal(a, b) {
		t.Errorf("got equal MACs %x, want different", a)
	}
}

func TestEveryCharFlipRejected(t *testing.T) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	c := newTestCodec(t, testKey)
	for _, tc := range roundTripKeys[:5] {
		t.Run(tc.name, func(t *testing.T) {
			s := c.Encode(testShape, tc.key)
			for i := range len(s) {
				for _, r := range alphabet + "=+/ .\n\r\x00\xff" {
					if byte(r) == s[i] || r > 0x7f && r != 0xff {
						continue
					}
					mod := []byte(s)
					mod[i] = byte(r)
					if _, err := c.Decode(testShape, string(mod)); !errors.Is(err, ErrInvalid) {
						t.Fatalf("pos %d -> %q: got %v, want %v", i, r, err, ErrInvalid)
					}
				}
			}
		})
	}
}

func TestEveryRawByteFlipRejected(t *testing.T) {
	c := newTestCodec(t, testKey)
	for _, tc := range roundTripKeys[:5] {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := base64.RawURLEncoding.DecodeString(c.Encode(testShape, tc.key))
			if err != nil {
				t.Fatal(err)
			}
			for i := range raw {
				for bit := range 8 {
					mod := bytes.Clone(raw)
					mod[i] ^= 1 << bit
					s := base64.RawURLEncoding.EncodeToString(mod)
					if _, err := c.Decode(testShape, s); !errors.Is(err, ErrInvalid) {
						t.Fatalf("byte %d bit %d: got %v, want %v", i, bit, err, ErrInvalid)
					}
				}
				mod := bytes.Clone(raw)
				mod[i] ^= 0xff
				if _, err := c.Decode(testShape, base64.RawURLEncoding.EncodeToString(mod)); !errors.Is(err, ErrInvalid) {
					t.Fatalf("byte %d inverted: got %v, want %v", i, err, ErrInvalid)
				}
			}
		})
	}
}

func TestTruncatedAndExtended(t *testing.T) {
	c := newTestCodec(t, testKey)
	s := c.Encode(testShape, Key{Int: 1700000000000, Str: "name", ID: "tok_1"})
	raw, _ := base64.RawURLEncoding.DecodeString(s)
	enc := base64.RawURLEncoding.EncodeToString
	var cases []struct{ name, in string }
	add := func(name, in string) { cases = append(cases, struct{ name, in string }{name, in}) }
	for n := range len(s) {
		add("string prefix "+s[:n], s[:n])
	}
	for n := range len(raw) {
		add("raw prefix", enc(raw[:n]))
	}
	add("drop first char", s[1:])
	add("drop first raw byte", enc(raw[1:]))
	add("append char", s+"A")
	add("append two chars", s+"AA")
	add("append padding", s+"=")
	add("append newline", s+"\n")
	add("insert CRLF", s[:4]+"\r\n"+s[4:])
	add("doubled", s+s)
	add("raw append zero", enc(append(bytes.Clone(raw), 0)))
	add("raw append mac byte", enc(append(bytes.Clone(raw), raw[len(raw)-1])))
	add("raw prepend zero", enc(append([]byte{0}, raw...)))
	add("std encoding", base64.StdEncoding.EncodeToString(raw))
	add("url padded", base64.URLEncoding.EncodeToString(raw))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.in == s {
				t.Skip("identical to original")
			}
			if _, err := c.Decode(testShape, tc.in); !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want %v", err, ErrInvalid)
			}
		})
	}
}

func TestGarbage(t *testing.T) {
	c := newTestCodec(t, testKey)
	valid := c.Encode(testShape, Key{Int: 1, ID: "a"})
	tests := []struct{ name, in string }{
		{"empty", ""},
		{"single char", "A"},
		{"whitespace", "   "},
		{"not base64", "!!!not-a-cursor!!!"},
		{"std alphabet chars", "ab+/cd+/ef+/gh+/ij+/kl+/mn+/op+/qr+/"},
		{"unicode", "ключ🔑"},
		{"nul bytes", "\x00\x00\x00\x00"},
		{"json", `{"id":"tok","int":1}`},
		{"plausible base64", "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
		{"all A", strings.Repeat("A", 64)},
		{"3000 chars", strings.Repeat("A", 3000)},
		{"valid plus 3000", valid + strings.Repeat("A", 3000)},
		{"just over limit", strings.Repeat("A", MaxCursorLen+1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.Decode(testShape, tc.in)
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want %v", err, ErrInvalid)
			}
			if got != (Key{}) {
				t.Errorf("got %+v, want zero Key", got)
			}
		})
	}
}

func TestErrorDoesNotEchoInput(t *testing.T) {
	c := newTestCodec(t, testKey)
	const in = "SECRET-INPUT-<script>"
	_, err := c.Decode(testShape, in)
	if err == nil || strings.Contains(err.Error(), "SECRET") || err.Error() != "invalid cursor" {
		t.Errorf("got %v, want %v", err, ErrInvalid)
	}
}

// TestPayloadValidation signs malformed payloads with the right key and shape,
// so the parser itself (not the MAC) must reject them.
func TestPayloadValidation(t *testing.T) {
	c := newTestCodec(t, testKey)
	p := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	uv := func(v uint64) []byte { return binary.AppendUvarint(nil, v) }
	b := func(v ...byte) []byte { return v }
	good := appendPayload(nil, Key{Int: 3, Str: "s", ID: "i"})
	tests := []struct {
		name    string
		payload []byte
		wantErr bool
	}{
		{"control: valid", good, false},
		{"control: max lengths", p(b(1, 0, 0), uv(MaxStrLen), bytes.Repeat([]byte("s"), MaxStrLen), uv(MaxIDLen), bytes.Repeat([]byte("i"), MaxIDLen)), false},
		{"empty", nil, true},
		{"version 0", p(b(0, 0, 0, 0, 0)), true},
		{"version 2", p(b(2, 0, 0, 0, 0)), true},
		{"unknown flag", p(b(1, 2, 0, 0, 0)), true},
		{"null with nonzero int", p(b(1, 1, 2, 0, 0)), true},
		{"trailing byte", append(bytes.Clone(good), 0), true},
		{"missing id", p(b(1, 0, 0, 0)), true},
		{"truncated varint", p(b(1, 0, 0x80)), true},
		{"overlong varint", p(b(1, 0, 0x80, 0x00, 0, 0)), true},
		{"overflowing varint", p(b(1, 0), bytes.Repeat([]byte{0xff}, 10), b(0x7f, 0, 0)), true},
		{"overlong str length", p(b(1, 0, 0, 0x81, 0x00, 'x', 0)), true},
		{"str length past end", p(b(1, 0, 0, 5, 'a', 'b')), true},
		{"id length past end", p(b(1, 0, 0, 0, 3, 'a')), true},
		{"huge str length", p(b(1, 0, 0), uv(math.MaxUint64), b(0)), true},
		{"str too long", p(b(1, 0, 0), uv(MaxStrLen+1), bytes.Repeat([]byte("s"), MaxStrLen+1), b(0)), true},
		{"id too long", p(b(1, 0, 0, 0), uv(MaxIDLen+1), bytes.Repeat([]byte("i"), MaxIDLen+1)), true},
		{"invalid utf8 str", p(b(1, 0, 0, 1, 0xff, 0)), true},
		{"invalid utf8 id", p(b(1, 0, 0, 0, 2, 0xc3, 0x28)), true},
		{"surrogate in id", p(b(1, 0, 0, 0, 3, 0xed, 0xa0, 0x80)), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := sign(c, testShape, tc.payload)
			if len(s) > MaxCursorLen {
				t.Fatalf("test cursor too long: %d", len(s))
			}
			_, err := c.Decode(testShape, s)
			if got := err != nil; got != tc.wantErr {
				t.Fatalf("got err %v, want error=%v", err, tc.wantErr)
			}
			if tc.wantErr && !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want %v", err, ErrInvalid)
			}
		})
	}
}

func TestEncodeOverLimitKeysRejected(t *testing.T) {
	c := newTestCodec(t, testKey)
	tests := []struct {
		name string
		key  Key
	}{
		{"str too long", Key{Str: strings.Repeat("s", MaxStrLen+1)}},
		{"id too long", Key{ID: strings.Repeat("i", MaxIDLen+1)}},
		{"invalid utf8", Key{Str: "\xff"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := c.Decode(testShape, c.Encode(testShape, tc.key)); !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want %v", err, ErrInvalid)
			}
		})
	}
}

func TestNewCodec(t *testing.T) {
	tests := []struct {
		name    string
		key     []byte
		wantErr bool
	}{
		{"nil", nil, true},
		{"empty", []byte{}, true},
		{"16 bytes", make([]byte, 16), true},
		{"31 bytes", make([]byte, 31), true},
		{"32 bytes", make([]byte, 32), false},
		{"64 bytes", make([]byte, 64), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewCodec(tc.key)
			if got := err != nil; got != tc.wantErr {
				t.Fatalf("got %v, want error=%v", err, tc.wantErr)
			}
			if got := c == nil; got != tc.wantErr {
				t.Errorf("got nil codec=%v, want %v", got, tc.wantErr)
			}
		})
	}
}

func TestNewCodecCopiesKey(t *testing.T) {
	key := bytes.Clone(testKey)
	c := newTestCodec(t, key)
	s := c.Encode(testShape, Key{ID: "a"})
	key[0] ^= 0xff
	if _, err := c.Decode(testShape, s); err != nil {
		t.Errorf("got %v, want nil", err)
	}
}
