package pattoken

import (
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	v := validToken(11)
	seeds := []string{
		v,
		validToken(0),
		validToken(250),
		withChecksum(strings.Repeat("0", bodyLen)),
		withChecksum(maxBody()),
		withChecksum(strings.Repeat("z", bodyLen)),                // overflow
		replaceAt(v, len(Prefix)+5, otherAlpha(v[len(Prefix)+5])), // bad checksum
		replaceAt(v, len(v)-1, otherAlpha(v[len(v)-1])),
		"OPAT_" + v[len(Prefix):],
		v[:len(v)-1],
		v + "0",
		" " + v,
		"Bearer " + v,
		Prefix,
		"",
		"garbage",
		strings.Repeat("\xff", Length),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		digest, err := Parse(value)
		if err != nil {
			if err != ErrMalformed {
				t.Fatalf("got %v, want %v", err, ErrMalformed)
			}
			return
		}
		if !strings.HasPrefix(value, Prefix) {
			t.Fatalf("accepted value without prefix: got %q, want prefix %q", value, Prefix)
		}
		if len(value) != Length {
			t.Fatalf("accepted length: got %v, want %v", len(value), Length)
		}
		if want := Digest(value); digest != want {
			t.Fatalf("digest: got %x, want %x", digest, want)
		}
		// Any single-character change must be rejected: CRC-32 detects every
		// error burst of up to 32 bits, and a changed checksum no longer matches.
		for i := 0; i < len(value); i++ {
			for _, c := range []byte(alphabet + "-_ \x00\xff") {
				if c == value[i] {
					continue
				}
				if _, err := Parse(replaceAt(value, i, c)); err == nil {
					t.Fatalf("flipped byte %d to %q: got accepted, want %v", i, c, ErrMalformed)
				}
			}
		}
	})
}
