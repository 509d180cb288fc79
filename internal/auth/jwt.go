package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"github.com/patgov/pats/internal/entity"
)

// Claims are the session-token claims the service relies on.
type Claims struct {
	jwt.RegisteredClaims
	Org         string             `json:"org"`
	Role        Role               `json:"role"`
	Email       string             `json:"email"`
	Name        string             `json:"name"`
	AccountType entity.AccountType `json:"account_type"`
}

// ReservedSubjectPrefix starts the subjects of the service's own actors in
// each organization (such as pats:secret-scanning); sessions may not claim
// them.
const ReservedSubjectPrefix = "pats:"

// Claim length limits match the database columns; longer values are
// rejected as malformed rather than truncated.
const (
	maxIDLength    = 255
	maxEmailLength = 320
	maxNameLength  = 255
)

// ErrInvalidToken is returned for every unusable session token. Details go
// to the wrapped error, which is logged, never shown.
var ErrInvalidToken = errors.New("invalid or expired session token")

// Reasons a token is refused that jwt/v5 alone would accept; each is
// wrapped under ErrInvalidToken, so only logs ever tell them apart.
var (
	errBlankIdentifier     = errors.New("sub and org must not be blank")
	errInvisibleIdentifier = errors.New("sub and org must not contain control or format characters")
	errReservedSubject     = errors.New("sub must not start with " + ReservedSubjectPrefix + " (reserved for the service's own actors)")
	errSessionTooLong      = errors.New("exp is further ahead than the maximum session length")
)

// Validate checks the service's own claims; jwt calls it after the
// registered claims (exp, nbf, iat, iss, aud) pass.
func (c *Claims) Validate() error {
	switch {
	case c.Subject == "" || c.Org == "":
		return errors.New("sub and org are required")
	case strings.TrimSpace(c.Subject) == "" || strings.TrimSpace(c.Org) == "":
		return errBlankIdentifier
	case strings.IndexFunc(c.Subject, invisible) >= 0 || strings.IndexFunc(c.Org, invisible) >= 0:
		// sub and org are keys, compared byte for byte: a zero-width or
		// bidirectional character would make a look-alike of another
		// user or organization.
		return errInvisibleIdentifier
	case strings.HasPrefix(c.Subject, ReservedSubjectPrefix):
		// The service's own actors (secret scanning) are users of the
		// organization too: no session may pose as one.
		return errReservedSubject
	case c.Role != RoleAdmin && c.Role != RoleMember:
		return errors.New("role must be admin or member")
	case !c.AccountType.Valid():
		return errors.New("account_type must be local or directory")
	case !utf8.ValidString(c.Subject + c.Org + c.Email + c.Name):
		return errors.New("claims must be valid UTF-8")
	case utf8.RuneCountInString(c.Subject) > maxIDLength || utf8.RuneCountInString(c.Org) > maxIDLength:
		return errors.New("sub or org too long")
	case utf8.RuneCountInString(c.Email) > maxEmailLength || utf8.RuneCountInString(c.Name) > maxNameLength:
		return errors.New("email or name too long")
	}
	return nil
}

// invisible reports whether r is a control (Cc) or format (Cf) character:
// C0/C1 controls, zero-width characters (U+200B-U+200D, U+FEFF) and
// bidirectional marks, embeddings, overrides and isolates (U+200E,
// U+200F, U+202A-U+202E, U+2066-U+2069).
func invisible(r rune) bool {
	return unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r)
}

// DefaultMaxSessionLength bounds how far ahead a session token's exp may
// be unless WithMaxSessionLength says otherwise.
const DefaultMaxSessionLength = 24 * time.Hour

// Leeway is the clock skew tolerated between the identity provider and
// the service for iat and nbf (and the maximum session length). exp has
// none: a token is refused from the second it expires.
const Leeway = 60 * time.Second

// Verifier checks session tokens: HS256 with a shared key (NewVerifier),
// or signed by an identity provider's published keys
// (NewProviderVerifier). Both go through the same checks.
type Verifier struct {
	// keyfunc picks the verification key of a token.
	keyfunc    func(ctx context.Context) jwt.Keyfunc
	parser     *jwt.Parser
	maxSession time.Duration
	mapping    ClaimMapping
	// now is the clock; tests replace it.
	now func() time.Time
}

// VerifierOption configures a Verifier.
type VerifierOption func(*Verifier)

// WithMaxSessionLength refuses tokens whose exp is more than d ahead of
// now (beyond Leeway); d <= 0 keeps DefaultMaxSessionLength.
func WithMaxSessionLength(d time.Duration) VerifierOption {
	return func(v *Verifier) {
		if d > 0 {
			v.maxSession = d
		}
	}
}

// WithClaimMapping reads the org, role, account type, email and name
// where m says (default: DefaultClaimMapping).
func WithClaimMapping(m ClaimMapping) VerifierOption {
	return func(v *Verifier) { v.mapping = m }
}

// NewVerifier returns a verifier for key. Issuer and audience are checked
// when non-empty. Only HS256 is accepted and exp is required, so an
// unsigned ("none") or RS256-confused token never passes; see Verify for
// the rest.
func NewVerifier(key []byte, issuer, audience string, opts ...VerifierOption) *Verifier {
	keyfunc := func(context.Context) jwt.Keyfunc {
		return func(*jwt.Token) (any, error) { return key, nil }
	}
	return newVerifier(keyfunc, []string{jwt.SigningMethodHS256.Alg()}, issuer, audience, opts)
}

// NewProviderVerifier returns a verifier of tokens signed with keys's
// keys, by one of algorithms (each in ProviderAlgorithms: never none,
// never HS*, so a token "signed" with a public key as an HMAC secret
// never passes). Issuer is checked when non-empty, audience always.
func NewProviderVerifier(keys *ProviderKeys, algorithms []string, issuer, audience string, opts ...VerifierOption) (*Verifier, error) {
	if audience == "" {
		return nil, errors.New("an identity provider's tokens need an audience to check")
	}
	if len(algorithms) == 0 {
		return nil, errors.New("no signing algorithm allowed")
	}
	for _, alg := range algorithms {
		if !slices.Contains(ProviderAlgorithms, alg) {
			return nil, fmt.Errorf("signing algorithm %q is not allowed for an identity provider's tokens", alg)
		}
	}
	return newVerifier(keys.keyfunc, algorithms, issuer, audience, opts), nil
}

func newVerifier(keyfunc func(context.Context) jwt.Keyfunc, algorithms []string, issuer, audience string, opts []VerifierOption) *Verifier {
	v := &Verifier{keyfunc: keyfunc, maxSession: DefaultMaxSessionLength, mapping: DefaultClaimMapping(), now: time.Now}
	for _, o := range opts {
		o(v)
	}
	popts := []jwt.ParserOption{
		jwt.WithValidMethods(algorithms),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		// jwt applies the leeway to exp too; Verify then checks exp
		// without it.
		jwt.WithLeeway(Leeway),
		jwt.WithTimeFunc(func() time.Time { return v.now() }),
	}
	if issuer != "" {
		popts = append(popts, jwt.WithIssuer(issuer))
	}
	if audience != "" {
		popts = append(popts, jwt.WithAudience(audience))
	}
	v.parser = jwt.NewParser(popts...)
	return v
}

// Verify is VerifyContext without a request context.
func (v *Verifier) Verify(raw string) (*Claims, error) {
	return v.VerifyContext(context.Background(), raw)
}

// VerifyContext parses and validates a session token; ctx bounds a
// refresh of the provider's keys that an unknown key ID may start.
// Beyond jwt's own checks (signature, alg, exp, nbf, iat, iss, aud),
// the claim mapping and Claims.Validate, it refuses what jwt/v5 would
// accept silently: a crit header, duplicate keys in the header or the
// claims, exp/iat/nbf that are not JSON numbers (jwt/v5 also takes "123"
// as a string), an exp in the past even within the leeway, and an exp
// beyond the maximum session length.
func (v *Verifier) VerifyContext(ctx context.Context, raw string) (*Claims, error) {
	claims := tokenClaims{mapping: &v.mapping}
	_, err := v.parser.ParseWithClaims(raw, &claims, v.keyfunc(ctx))
	if err == nil {
		err = checkSegments(v.parser, raw)
	}
	if err == nil {
		err = v.checkLifetime(&claims.Claims)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	return &claims.Claims, nil
}

// tokenClaims are the claims of a token being verified: the registered
// claims decoded by jwt, the whole object kept for the mapping, which
// Validate applies once jwt has checked the signature and the registered
// claims.
type tokenClaims struct {
	Claims
	raw     map[string]any
	mapping *ClaimMapping
}

// UnmarshalJSON decodes the registered claims and keeps the object.
func (t *tokenClaims) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &t.RegisteredClaims); err != nil {
		return err
	}
	return json.Unmarshal(b, &t.raw)
}

// Validate maps the claims, then checks them (Claims.Validate).
func (t *tokenClaims) Validate() error {
	if err := t.mapping.apply(t.raw, &t.Claims); err != nil {
		return err
	}
	return t.Claims.Validate()
}

// checkLifetime checks exp against the clock with no leeway, and against
// the maximum session length.
func (v *Verifier) checkLifetime(c *Claims) error {
	now := v.now()
	exp := c.ExpiresAt.Time // jwt required it
	switch {
	case !now.Before(exp):
		return jwt.ErrTokenExpired
	case exp.Sub(now) > v.maxSession+Leeway:
		return fmt.Errorf("%w (%s)", errSessionTooLong, v.maxSession)
	}
	return nil
}

// Sign issues an HS256 token for claims. The service uses it only to print
// a development credential; tests use it to act as the identity provider.
func Sign(key []byte, claims *Claims) (string, error) {
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(key)
}
