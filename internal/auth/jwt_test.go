package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var testKey = []byte("auth-test-key-0123456789abcdef-0123456789")

// testNow is the verifier's clock in these tests.
var testNow = time.Unix(1_750_000_000, 0)

// signRaw signs header and payload, given as JSON text, with testKey: the
// only way to produce duplicate keys or string times.
func signRaw(header, payload string) string {
	enc := base64.RawURLEncoding
	text := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload))
	m := hmac.New(sha256.New, testKey)
	m.Write([]byte(text))
	return text + "." + enc.EncodeToString(m.Sum(nil))
}

const validHeader = `{"alg":"HS256","typ":"JWT"}`

// at returns testNow + d as a NumericDate in JSON.
func at(d time.Duration) string { return fmt.Sprint(testNow.Add(d).Unix()) }

// payload returns valid claims (no iat or nbf) in which members replace
// or add values (JSON text), followed by the extra members given as JSON
// text, which may repeat keys.
func payload(members map[string]string, extra ...string) string {
	fields := []string{"sub", "org", "role", "email", "name", "account_type", "exp"}
	defaults := map[string]string{
		"sub": `"alice"`, "org": `"acme"`, "role": `"member"`, "email": `"alice@example.test"`,
		"name": `"Alice"`, "account_type": `"local"`, "exp": at(time.Hour),
	}
	var b strings.Builder
	b.WriteString("{")
	for i, f := range fields {
		v := defaults[f]
		if m, ok := members[f]; ok {
			v = m
		}
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%q:%s", f, v)
	}
	for k, v := range members {
		if _, ok := defaults[k]; !ok {
			fmt.Fprintf(&b, ",%q:%s", k, v)
		}
	}
	for _, e := range extra {
		b.WriteString("," + e)
	}
	b.WriteString("}")
	return b.String()
}

func testVerifier() *Verifier {
	v := NewVerifier(testKey, "", "")
	v.now = func() time.Time { return testNow }
	return v
}

// jwtAlone parses as the verifier did before these rules: jwt/v5 with
// HS256 only and exp required, into the same registered claims.
func jwtAlone(raw string) error {
	var c struct {
		jwt.RegisteredClaims
		Org string `json:"org"`
	}
	_, err := jwt.NewParser(
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(func() time.Time { return testNow }),
	).ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return testKey, nil })
	return err
}

// TestVerifyRefuses: one row per rule, each token valid but for that one
// rule. jwtAccepts records whether jwt/v5 alone (the verifier before
// these rules) let it through.
func TestVerifyRefuses(t *testing.T) {
	tests := []struct {
		name       string
		token      string
		want       error
		jwtAccepts bool
	}{
		{"exp as a string", signRaw(validHeader, payload(map[string]string{"exp": `"` + at(time.Hour) + `"`})), errTimeNotNumber, true},
		{"iat as a string", signRaw(validHeader, payload(map[string]string{"iat": `"` + at(0) + `"`})), errTimeNotNumber, true},
		{"nbf as a string", signRaw(validHeader, payload(map[string]string{"nbf": `"` + at(0) + `"`})), errTimeNotNumber, true},
		{"EXP (another case) as a string", signRaw(validHeader,
			strings.Replace(payload(nil), `"exp":`+at(time.Hour), `"EXP":"`+at(time.Hour)+`"`, 1)), errTimeNotNumber, true},
		{"iat null", signRaw(validHeader, payload(map[string]string{"iat": `null`})), errTimeNotNumber, true},
		{"exp beyond the maximum session length", signRaw(validHeader, payload(map[string]string{"exp": at(DefaultMaxSessionLength + Leeway + time.Second)})), errSessionTooLong, true},
		{"exp in the past within the leeway", signRaw(validHeader, payload(map[string]string{"exp": at(-30 * time.Second)})), jwt.ErrTokenExpired, false},
		{"iat in the future beyond the leeway", signRaw(validHeader, payload(map[string]string{"iat": at(Leeway + time.Second)})), jwt.ErrTokenUsedBeforeIssued, true},
		{"nbf in the future beyond the leeway", signRaw(validHeader, payload(map[string]string{"nbf": at(Leeway + time.Second)})), jwt.ErrTokenNotValidYet, false},
		{"crit header", signRaw(`{"alg":"HS256","typ":"JWT","crit":["exp"]}`, payload(nil)), errCritical, true},
		{"empty crit header", signRaw(`{"alg":"HS256","crit":[]}`, payload(nil)), errCritical, true},
		{"duplicate header key", signRaw(`{"alg":"none","alg":"HS256"}`, payload(nil)), errDuplicateKey, true},
		{"duplicate nested header key", signRaw(`{"alg":"HS256","jwk":{"k":"a","k":"b"}}`, payload(nil)), errDuplicateKey, true},
		{"duplicate claim", signRaw(validHeader, payload(nil, `"sub":"mallory"`)), errDuplicateKey, true},
		{"duplicate claim in another case", signRaw(validHeader, payload(nil, `"ORG":"other"`)), errDuplicateKey, true},
		{"duplicate claim by Unicode case folding", signRaw(validHeader, payload(nil, `"\u017fub":"mallory"`)), errDuplicateKey, true},
		{"duplicate claim, escaped", signRaw(validHeader, payload(nil, `"\u0073ub":"mallory"`)), errDuplicateKey, true},
		{"duplicate key in a nested object", signRaw(validHeader, payload(nil, `"ext":{"a":1,"b":{"c":1,"c":2}}`)), errDuplicateKey, true},
		{"duplicate key in an object in an array", signRaw(validHeader, payload(nil, `"ext":[1,{"a":1,"a":1}]`)), errDuplicateKey, true},
		{"claims nested too deeply", signRaw(validHeader, payload(nil, `"ext":`+strings.Repeat("[", 40)+strings.Repeat("]", 40))), errTooDeep, true},
		{"sub blank", signRaw(validHeader, payload(map[string]string{"sub": `"  "`})), errBlankIdentifier, true},
		{"org blank (no-break space)", signRaw(validHeader, payload(map[string]string{"org": `"\u00a0"`})), errBlankIdentifier, true},
		{"sub reserved for the service's actors", signRaw(validHeader, payload(map[string]string{"sub": `"pats:secret-scanning"`})), errReservedSubject, true},
		{"sub with NUL", signRaw(validHeader, payload(map[string]string{"sub": `"ali\u0000ce"`})), errInvisibleIdentifier, true},
		{"sub with DEL", signRaw(validHeader, payload(map[string]string{"sub": `"alice\u007f"`})), errInvisibleIdentifier, true},
		{"sub with a C1 control", signRaw(validHeader, payload(map[string]string{"sub": `"alice\u0085"`})), errInvisibleIdentifier, true},
		{"sub with a newline", signRaw(validHeader, payload(map[string]string{"sub": `"alice\n"`})), errInvisibleIdentifier, true},
		{"sub with U+202E", signRaw(validHeader, payload(map[string]string{"sub": `"alice\u202egpj.exe"`})), errInvisibleIdentifier, true},
		{"sub with U+200B", signRaw(validHeader, payload(map[string]string{"sub": `"al\u200bice"`})), errInvisibleIdentifier, true},
		{"org with U+FEFF", signRaw(validHeader, payload(map[string]string{"org": `"\ufeffacme"`})), errInvisibleIdentifier, true},
		{"org with U+2066", signRaw(validHeader, payload(map[string]string{"org": `"acme\u2066"`})), errInvisibleIdentifier, true},
		{"org with U+200F", signRaw(validHeader, payload(map[string]string{"org": `"acme\u200f"`})), errInvisibleIdentifier, true},
		{"org with U+00AD (soft hyphen, Cf)", signRaw(validHeader, payload(map[string]string{"org": `"ac\u00adme"`})), errInvisibleIdentifier, true},
	}
	v := testVerifier()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(tt.token)
			if !errors.Is(err, ErrInvalidToken) || !errors.Is(err, tt.want) {
				t.Errorf("Verify: got %v, want ErrInvalidToken wrapping %v", err, tt.want)
			}
			if got := jwtAlone(tt.token) == nil; got != tt.jwtAccepts {
				t.Errorf("jwt/v5 alone accepts: got %v, want %v", got, tt.jwtAccepts)
			}
		})
	}
}

// TestVerifyAccepts: the edges of each rule still pass.
func TestVerifyAccepts(t *testing.T) {
	tests := []struct{ name, token string }{
		{"defaults", signRaw(validHeader, payload(nil))},
		{"exp exactly the maximum session length plus the leeway ahead", signRaw(validHeader, payload(map[string]string{"exp": at(DefaultMaxSessionLength + Leeway)}))},
		{"exp one second ahead", signRaw(validHeader, payload(map[string]string{"exp": at(time.Second)}))},
		{"fractional exp", signRaw(validHeader, payload(map[string]string{"exp": at(time.Hour) + ".5"}))},
		{"exponent exp", signRaw(validHeader, payload(map[string]string{"exp": "1.7500036e9"}))},
		{"iat and nbf within the leeway", signRaw(validHeader, payload(map[string]string{"iat": at(Leeway), "nbf": at(Leeway)}))},
		{"iat long ago", signRaw(validHeader, payload(map[string]string{"iat": at(-30 * 24 * time.Hour)}))},
		{"no typ header", signRaw(`{"alg":"HS256"}`, payload(nil))},
		{"same key in different objects", signRaw(validHeader, payload(nil, `"ext":{"a":{"a":1},"b":[{"a":1},{"a":2}]}`))},
		{"case variants in a nested object", signRaw(validHeader, payload(nil, `"ext":{"a":1,"A":2}`))},
		{"spaces inside sub and org, non-ASCII letters", signRaw(validHeader, payload(map[string]string{"sub": `"Zoë Ğ"`, "org": `"acme corp"`}))},
		{"name and email with U+202E (stored as given, shown inert)", signRaw(validHeader, payload(map[string]string{"name": `"Eve\u202e"`, "email": `"e\u200bve@example.test"`}))},
		{"signed by auth.Sign", mustSign(t, &Claims{
			RegisteredClaims: jwt.RegisteredClaims{
				Subject: "alice", IssuedAt: jwt.NewNumericDate(testNow), NotBefore: jwt.NewNumericDate(testNow),
				ExpiresAt: jwt.NewNumericDate(testNow.Add(12 * time.Hour)), Audience: jwt.ClaimStrings{"a", "b"},
			},
			Org: "acme", Role: RoleAdmin, AccountType: "directory",
		})},
	}
	v := testVerifier()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := v.Verify(tt.token); err != nil {
				t.Errorf("Verify: got %v, want nil", err)
			}
		})
	}
}

// TestWithMaxSessionLength: the configured length replaces the default.
func TestWithMaxSessionLength(t *testing.T) {
	v := NewVerifier(testKey, "", "", WithMaxSessionLength(time.Hour))
	v.now = func() time.Time { return testNow }
	if _, err := v.Verify(signRaw(validHeader, payload(map[string]string{"exp": at(time.Hour + Leeway)}))); err != nil {
		t.Errorf("exp 1h + leeway ahead: got %v, want nil", err)
	}
	if _, err := v.Verify(signRaw(validHeader, payload(map[string]string{"exp": at(2 * time.Hour)}))); !errors.Is(err, errSessionTooLong) {
		t.Errorf("exp 2h ahead: got %v, want %v", err, errSessionTooLong)
	}
	if NewVerifier(testKey, "", "", WithMaxSessionLength(0)).maxSession != DefaultMaxSessionLength {
		t.Errorf("WithMaxSessionLength(0): want the default")
	}
}

func mustSign(t *testing.T, c *Claims) string {
	t.Helper()
	s, err := Sign(testKey, c)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return s
}
