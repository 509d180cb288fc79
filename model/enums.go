package model

import (
	"fmt"
	"io"
	"strconv"
)

// AccountType is how a user signs in. The database stores the JWT claim
// values ("local", "directory"); GraphQL shows LOCAL and DIRECTORY.
type AccountType string

// The account types a session token may claim.
const (
	AccountTypeLocal     AccountType = "local"
	AccountTypeDirectory AccountType = "directory"
)

// Valid reports whether a is one of the known account types.
func (a AccountType) Valid() bool { return a == AccountTypeLocal || a == AccountTypeDirectory }

// MarshalGQL writes the GraphQL enum value.
func (a AccountType) MarshalGQL(w io.Writer) {
	switch a {
	case AccountTypeLocal:
		_, _ = io.WriteString(w, `"LOCAL"`)
	default:
		_, _ = io.WriteString(w, `"DIRECTORY"`)
	}
}

// UnmarshalGQL reads the GraphQL enum value.
func (a *AccountType) UnmarshalGQL(v any) error {
	switch v {
	case "LOCAL":
		*a = AccountTypeLocal
	case "DIRECTORY":
		*a = AccountTypeDirectory
	default:
		return InputError(fmt.Sprintf("invalid AccountType %v", v))
	}
	return nil
}

// TokenStatus is the lifecycle state of a token, derived at read time from
// its revocation, its effective expiry and the clock.
type TokenStatus string

// The token states, spelled as in the GraphQL enum.
const (
	TokenStatusActive  TokenStatus = "ACTIVE"
	TokenStatusExpired TokenStatus = "EXPIRED"
	TokenStatusRevoked TokenStatus = "REVOKED"
)

// MarshalGQL writes the GraphQL enum value.
func (s TokenStatus) MarshalGQL(w io.Writer) { marshalEnum(w, s) }

// UnmarshalGQL reads the GraphQL enum value.
func (s *TokenStatus) UnmarshalGQL(v any) error {
	return unmarshalEnum(s, v, "TokenStatus", TokenStatusActive, TokenStatusExpired, TokenStatusRevoked)
}

// marshalEnum writes an enum whose Go value is its GraphQL name.
func marshalEnum[T ~string](w io.Writer, v T) { _, _ = io.WriteString(w, strconv.Quote(string(v))) }

// unmarshalEnum sets *dst to v if v names one of valid, else returns the
// input error naming the enum.
func unmarshalEnum[T ~string](dst *T, v any, enum string, valid ...T) error {
	str, _ := v.(string)
	for _, ok := range valid {
		if T(str) == ok {
			*dst = ok
			return nil
		}
	}
	return InputError(fmt.Sprintf("invalid %s %v", enum, v))
}
