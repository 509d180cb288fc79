package model

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/patgov/pats/internal/entity"
)

// The GraphQL wire form of the entity types gqlgen binds to (gqlgen.yml
// names these functions): the entities stay free of GraphQL.

// MarshalTime writes t as an RFC 3339 string in UTC with milliseconds.
func MarshalTime(t entity.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(t.String())) })
}

// UnmarshalTime accepts an RFC 3339 string, keeping its full precision so
// that comparisons with stored (millisecond) times stay exact; storage
// truncates to milliseconds. A bad value is a user input error.
func UnmarshalTime(v any) (entity.Time, error) {
	s, ok := v.(string)
	if !ok {
		return entity.Time{}, ErrInvalidTime
	}
	parsed, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return entity.Time{}, ErrInvalidTime
	}
	return entity.Time{Time: parsed.UTC()}, nil
}

// ErrInvalidTime reports a Time input that is not an RFC 3339 string. The
// error presenter maps it to BAD_USER_INPUT.
var ErrInvalidTime = InputError("invalid Time: expected an RFC 3339 string such as 2026-01-31T12:00:00Z")

// InputError is a bad-input error raised while decoding a scalar or an
// enum, before any domain code runs.
type InputError string

func (e InputError) Error() string { return string(e) }

// MarshalAccountType writes LOCAL, DIRECTORY or SYSTEM; the store keeps
// the JWT claim values.
func MarshalAccountType(a entity.AccountType) graphql.Marshaler {
	switch a {
	case entity.AccountTypeLocal:
		return graphql.MarshalString("LOCAL")
	case entity.AccountTypeSystem:
		return graphql.MarshalString("SYSTEM")
	}
	return graphql.MarshalString("DIRECTORY")
}

// UnmarshalAccountType reads LOCAL, DIRECTORY or SYSTEM.
func UnmarshalAccountType(v any) (entity.AccountType, error) {
	switch v {
	case "LOCAL":
		return entity.AccountTypeLocal, nil
	case "DIRECTORY":
		return entity.AccountTypeDirectory, nil
	case "SYSTEM":
		return entity.AccountTypeSystem, nil
	}
	return "", InputError(fmt.Sprintf("invalid AccountType %v", v))
}

// MarshalTokenStatus writes the enum value.
func MarshalTokenStatus(s entity.TokenStatus) graphql.Marshaler { return marshalEnum(s) }

// UnmarshalTokenStatus reads the enum value.
func UnmarshalTokenStatus(v any) (entity.TokenStatus, error) {
	return unmarshalEnum(v, "TokenStatus", entity.TokenStatusActive, entity.TokenStatusExpired, entity.TokenStatusRevoked)
}

// MarshalAuditAction writes the enum value.
func MarshalAuditAction(a entity.AuditAction) graphql.Marshaler { return marshalEnum(a) }

// UnmarshalAuditAction reads the enum value.
func UnmarshalAuditAction(v any) (entity.AuditAction, error) {
	return unmarshalEnum(v, "AuditAction", entity.AuditTokenCreated, entity.AuditTokenRevoked, entity.AuditSettingsUpdated, entity.AuditTokensExported,
		entity.AuditWebhookCreated, entity.AuditWebhookUpdated, entity.AuditWebhookDeleted, entity.AuditWebhookSecretRotated)
}

// MarshalRevocationSource writes the enum value.
func MarshalRevocationSource(r entity.RevocationSource) graphql.Marshaler { return marshalEnum(r) }

// UnmarshalRevocationSource reads the enum value.
func UnmarshalRevocationSource(v any) (entity.RevocationSource, error) {
	return unmarshalEnum(v, "RevocationSource", entity.RevokedByOwner, entity.RevokedByAdmin, entity.RevokedByValue, entity.RevokedBySecretScanning, entity.RevokedByFilter,
		entity.RevokedAsUnused, entity.RevokedByRotation, entity.RevokedOnReuse)
}

// MarshalRevocationJobState writes the enum value.
func MarshalRevocationJobState(s entity.RevocationJobState) graphql.Marshaler { return marshalEnum(s) }

// UnmarshalRevocationJobState reads the enum value.
func UnmarshalRevocationJobState(v any) (entity.RevocationJobState, error) {
	return unmarshalEnum(v, "RevocationJobState", entity.JobRunning, entity.JobSucceeded, entity.JobFailed)
}

// marshalEnum writes an enum whose Go value is its GraphQL name.
func marshalEnum[T ~string](v T) graphql.Marshaler { return graphql.MarshalString(string(v)) }

// unmarshalEnum returns v if it names one of valid, else the input error
// naming the enum.
func unmarshalEnum[T ~string](v any, enum string, valid ...T) (T, error) {
	str, _ := v.(string)
	for _, ok := range valid {
		if T(str) == ok {
			return ok, nil
		}
	}
	return "", InputError(fmt.Sprintf("invalid %s %v", enum, v))
}
