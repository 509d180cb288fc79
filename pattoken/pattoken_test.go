package pattoken

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"io"
	"math/big"
	"strings"
	"testing"
)

// validToken returns a deterministic valid token whose entropy is seed
// repeated.
func validToken(seed byte) string {
	var raw [entropyLen]byte
	for i := range raw {
		raw[i] = seed + byte(i)
	}
	return format(raw)
}

// withChecksum returns Prefix+body followed by its correct checksum.
func withChecksum(body string) string {
	sum := checksum(Prefix + body)
	return Prefix + body + string(sum[:])
}

// replaceAt returns s with the byte at i replaced by c.
func replaceAt(s string, i int, c byte) string {
	b := []byte(s)
	b[i] = c
	return string(b)
}

// otherAlpha returns an alphabet character different from c.
func otherAlpha(c byte) byte {
	if c == 'a' {
		return 'b'
	}
	return 'a'
}

func TestGenerate(t *testing.T) {
	tok, err := Generate()
	if err != nil {
		t.Fatalf("Generate: got %v, want nil", err)
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"length", len(tok.Value), 54},
		{"prefix", strings.HasPrefix(tok.Value, Prefix), true},
		{"checksum", tok.Value[len(tok.Value)-checksumLen:], func() string {
			s := checksum(tok.Value[:len(tok.Value)-checksumLen])
			return string(s[:])
		}()},
		{"digest", tok.Digest, sha256.Sum256([]byte(tok.Value))},
		{"digest func", Digest(tok.Value), sha256.Sum256([]byte(tok.Value))},
		{"hint", tok.Hint, "opat_…" + tok.Value[50:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func TestGenerateUniqueAndParses(t *testing.T) {
	seen := make(map[string]bool, 1000)
	for i := 0; i < 1000; i++ {
		tok, err := Generate()
		if err != nil {
			t.Fatalf("Generate: got %v, want nil", err)
		}
		if seen[tok.Value] {
			t.Fatalf("duplicate token: got %v, want unique", tok.Hint)
		}
		seen[tok.Value] = true
		d, err := Parse(tok.Value)
		if err != nil {
			t.Fatalf("Parse(generated %s): got %v, want nil", tok.Hint, err)
		}
		if d != tok.Digest {
			t.Fatalf("Parse digest: got %x, want %x", d, tok.Digest)
		}
	}
}

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

func TestGenerateRandFailure(t *testing.T) {
	injected := errors.New("injected rand failure")
	tests := []struct {
		name    string
		r       io.Reader
		wantErr error
	}{
		{"error", failingReader{injected}, injected},
		{"short read", bytes.NewReader(make([]byte, 10)), io.ErrUnexpectedEOF},
		{"empty", bytes.NewReader(nil), io.EOF},
	}
	orig := randReader
	defer func() { randReader = orig }()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			randReader = tt.r
			tok, err := Generate()
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("got %v, want %v", err, tt.wantErr)
			}
			if tok != (Token{}) {
				t.Errorf("got %v, want zero Token", tok)
			}
		})
	}
}

func TestGenerateDeterministicReader(t *testing.T) {
	orig := randReader
	defer func() { randReader = orig }()
	tests := []struct {
		name string
		raw  byte
	}{
		{"zero entropy", 0x00},
		{"max entropy", 0xff},
		{"mixed entropy", 0x5a},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := bytes.Repeat([]byte{tt.raw}, entropyLen)
			randReader = bytes.NewReader(raw)
			tok, err := Generate()
			if err != nil {
				t.Fatalf("got %v, want nil", err)
			}
			if want := withChecksum(refBody(raw)); tok.Value != want {
				t.Errorf("got %v, want %v", tok.Value, want)
			}
		})
	}
}

// refBody is a math/big reference encoding of raw as a padded base62 body.
func refBody(raw []byte) string {
	n := new(big.Int).SetBytes(raw)
	s := n.Text(62)
	s = translateBig62(s)
	return strings.Repeat("0", bodyLen-len(s)) + s
}

// translateBig62 maps math/big's base62 digits (0-9a-zA-Z) to ours (0-9A-Za-z).
func translateBig62(s string) string {
	const bigDigits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	b := []byte(s)
	for i, c := range b {
		b[i] = alphabet[strings.IndexByte(bigDigits, c)]
	}
	return string(b)
}

func TestBodyMatchesBigInt(t *testing.T) {
	for i := 0; i < 200; i++ {
		var raw [entropyLen]byte
		if _, err := rand.Read(raw[:]); err != nil {
			t.Fatal(err)
		}
		if got, want := string(appendBody(nil, raw)), refBody(raw[:]); got != want {
			t.Fatalf("got %v, want %v", got, want)
		}
		back, ok := decodeBody(refBody(raw[:]))
		if !ok || back != raw {
			t.Fatalf("decode: got %x %v, want %x true", back, ok, raw)
		}
	}
	// The largest body is 2^256-1; its leading digit is 'y' (index 60).
	if got, want := maxBody()[0], byte('y'); got != want {
		t.Errorf("max body leading digit: got %c, want %c", got, want)
	}
}

func TestParseValid(t *testing.T) {
	tests := []struct {
		name  string
		value string
	}{
		{"seed 0", validToken(0)},
		{"seed 200", validToken(200)},
		{"all-zero body", withChecksum(strings.Repeat("0", bodyLen))},
		{"max 2^256-1", withChecksum(maxBody())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.value)
			if err != nil {
				t.Fatalf("got %v, want nil", err)
			}
			if want := sha256.Sum256([]byte(tt.value)); got != want {
				t.Errorf("got %x, want %x", got, want)
			}
		})
	}
}

// maxBody is the body encoding 2^256-1.
func maxBody() string {
	var raw [entropyLen]byte
	for i := range raw {
		raw[i] = 0xff
	}
	return string(appendBody(nil, raw))
}

func TestParseRejects(t *testing.T) {
	v := validToken(7)
	bodyAt := len(Prefix) + 10
	sumAt := len(v) - 2
	// Smallest overflowing body: (2^256-1) + 1, i.e. maxBody with its last
	// digit incremented (valid when that digit is not 'z').
	mb := maxBody()
	tests := []struct {
		name  string
		value string
	}{
		{"empty", ""},
		{"wrong prefix", "xpat_" + v[len(Prefix):]},
		{"uppercase prefix", "OPAT_" + v[len(Prefix):]},
		{"prefix only", Prefix},
		{"one char short", v[:len(v)-1]},
		{"one char long", v + "0"},
		{"bearer", "Bearer " + v},
		{"leading space", " " + v[1:]},
		{"trailing newline", v[:len(v)-1] + "\n"},
		{"dash in body", replaceAt(v, bodyAt, '-')},
		{"underscore in body", replaceAt(v, bodyAt, '_')},
		{"space in body", replaceAt(v, bodyAt, ' ')},
		{"NUL in body", replaceAt(v, bodyAt, 0)},
		{"non-ASCII in body", v[:bodyAt] + "é" + v[bodyAt+2:]},
		{"dash in checksum", replaceAt(v, sumAt, '-')},
		{"flipped body char", replaceAt(v, bodyAt, otherAlpha(v[bodyAt]))},
		{"flipped first body char", replaceAt(v, len(Prefix), otherAlpha(v[len(Prefix)]))},
		{"flipped checksum char", replaceAt(v, sumAt, otherAlpha(v[sumAt]))},
		{"overflow all z", withChecksum(strings.Repeat("z", bodyLen))},
		{"overflow 2^256", withChecksum(mb[:bodyLen-1] + string(mb[bodyLen-1]+1))},
		{"overflow leading digit", withChecksum("z" + strings.Repeat("0", bodyLen-1))},
		{"garbage", strings.Repeat("\xff", Length)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.value)
			if err != ErrMalformed {
				t.Errorf("got %v, want %v", err, ErrMalformed)
			}
			if got != ([32]byte{}) {
				t.Errorf("got %x, want zero digest", got)
			}
		})
	}
}

func TestParseErrorDoesNotEchoInput(t *testing.T) {
	v := validToken(42)
	tests := []struct {
		name  string
		value string
	}{
		{"flipped checksum", replaceAt(v, len(v)-1, otherAlpha(v[len(v)-1]))},
		{"too long", v + "x"},
		{"body fragment", v[len(Prefix) : len(Prefix)+20]},
		{"overflow", withChecksum(strings.Repeat("z", bodyLen))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.value)
			if err == nil {
				t.Fatalf("got nil, want %v", ErrMalformed)
			}
			if msg := err.Error(); strings.Contains(msg, tt.value) || strings.Contains(msg, tt.value[len(tt.value)-6:]) {
				t.Errorf("got %q, want a message without the input", msg)
			}
		})
	}
}

func TestDigest(t *testing.T) {
	tests := []string{"", "x", validToken(1)}
	for _, in := range tests {
		t.Run(Hint(in), func(t *testing.T) {
			if got, want := Digest(in), sha256.Sum256([]byte(in)); got != want {
				t.Errorf("got %x, want %x", got, want)
			}
		})
	}
}

func TestHint(t *testing.T) {
	v := validToken(3)
	tests := []struct {
		name, value, want string
	}{
		{"token", v, "opat_…" + v[len(v)-4:]},
		{"exactly 4", "abcd", "opat_…abcd"},
		{"short", "abc", "opat_…"},
		{"empty", "", "opat_…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Hint(tt.value); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if got, want := strings.Count(Hint(v), "…"), 1; got != want {
		t.Errorf("ellipsis count: got %v, want %v", got, want)
	}
}

func BenchmarkParse(b *testing.B) {
	v := validToken(9)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDigest(b *testing.B) {
	v := validToken(9)
	b.ReportAllocs()
	for b.Loop() {
		Digest(v)
	}
}
