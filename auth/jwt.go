package auth

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"github.com/patgov/pats/model"
)

// Claims are the session-token claims the service relies on.
type Claims struct {
	jwt.RegisteredClaims
	Org         string            `json:"org"`
	Role        Role              `json:"role"`
	Email       string            `json:"email"`
	Name        string            `json:"name"`
	AccountType model.AccountType `json:"account_type"`
}

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

// Validate checks the service's own claims; jwt calls it after the
// registered claims (exp, iss, aud) pass.
func (c *Claims) Validate() error {
	switch {
	case c.Subject == "" || c.Org == "":
		return errors.New("sub and org are required")
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

// Verifier checks HS256 session tokens.
type Verifier struct {
	key    []byte
	parser *jwt.Parser
}

// NewVerifier returns a verifier for key. Issuer and audience are checked
// when non-empty. Only HS256 is accepted and exp is required, so an
// unsigned ("none") or RS256-confused token never passes.
func NewVerifier(key []byte, issuer, audience string) *Verifier {
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
	}
	if issuer != "" {
		opts = append(opts, jwt.WithIssuer(issuer))
	}
	if audience != "" {
		opts = append(opts, jwt.WithAudience(audience))
	}
	return &Verifier{key: key, parser: jwt.NewParser(opts...)}
}

// Verify parses and validates a session token.
func (v *Verifier) Verify(raw string) (*Claims, error) {
	var claims Claims
	_, err := v.parser.ParseWithClaims(raw, &claims, func(*jwt.Token) (any, error) { return v.key, nil })
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	return &claims, nil
}

// Sign issues an HS256 token for claims. The service uses it only to print
// a development credential; tests use it to act as the identity provider.
func Sign(key []byte, claims *Claims) (string, error) {
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(key)
}
