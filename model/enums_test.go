package model

import (
	"bytes"
	"testing"

	"github.com/99designs/gqlgen/graphql"

	"github.com/patgov/pats/internal/entity"
)

// TestEnumsRoundTrip: every value of the entity enums marshals to
// its GraphQL name and reads back; anything else is an input error naming
// the enum.
func TestEnumsRoundTrip(t *testing.T) {
	check := func(name string, marshal func() string, unmarshal func(any) error, want string) {
		t.Helper()
		if got := marshal(); got != `"`+want+`"` {
			t.Errorf("%s: marshal got %s, want %q", name, got, want)
		}
		if err := unmarshal(want); err != nil {
			t.Errorf("%s: unmarshal %q: %v", name, want, err)
		}
		for _, bad := range []any{"", "nope", want + " ", 42, nil} {
			err := unmarshal(bad)
			if _, ok := err.(InputError); !ok || !bytes.Contains([]byte(err.Error()), []byte(name)) {
				t.Errorf("%s: unmarshal %v: got %v, want an InputError naming %s", name, bad, err, name)
			}
		}
	}
	check("AccountType", func() string { return wire(MarshalAccountType(entity.AccountTypeLocal)) }, func(in any) error { _, err := UnmarshalAccountType(in); return err }, "LOCAL")
	check("AccountType", func() string { return wire(MarshalAccountType(entity.AccountTypeDirectory)) }, func(in any) error { _, err := UnmarshalAccountType(in); return err }, "DIRECTORY")
	check("AccountType", func() string { return wire(MarshalAccountType(entity.AccountTypeSystem)) }, func(in any) error { _, err := UnmarshalAccountType(in); return err }, "SYSTEM")
	for _, v := range []entity.TokenStatus{entity.TokenStatusActive, entity.TokenStatusExpired, entity.TokenStatusRevoked} {
		check("TokenStatus", func() string { return wire(MarshalTokenStatus(v)) }, func(in any) error { _, err := UnmarshalTokenStatus(in); return err }, string(v))
	}
	for _, v := range []entity.AuditAction{entity.AuditTokenCreated, entity.AuditTokenRevoked, entity.AuditSettingsUpdated, entity.AuditTokensExported,
		entity.AuditWebhookCreated, entity.AuditWebhookUpdated, entity.AuditWebhookDeleted, entity.AuditWebhookSecretRotated} {
		check("AuditAction", func() string { return wire(MarshalAuditAction(v)) }, func(in any) error { _, err := UnmarshalAuditAction(in); return err }, string(v))
	}
	for _, v := range []entity.RevocationSource{entity.RevokedByOwner, entity.RevokedByAdmin, entity.RevokedByValue, entity.RevokedBySecretScanning, entity.RevokedByFilter, entity.RevokedAsUnused, entity.RevokedByRotation, entity.RevokedOnReuse} {
		check("RevocationSource", func() string { return wire(MarshalRevocationSource(v)) }, func(in any) error { _, err := UnmarshalRevocationSource(in); return err }, string(v))
	}
}

// wire is what m writes.
func wire(m graphql.Marshaler) string {
	var b bytes.Buffer
	m.MarshalGQL(&b)
	return b.String()
}
