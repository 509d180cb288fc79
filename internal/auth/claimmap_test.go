package auth

import (
	"errors"
	"testing"
	"time"

	"github.com/patgov/pats/internal/entity"
)

// mappedVerifier verifies testKey tokens with mapping m.
func mappedVerifier(m ClaimMapping) *Verifier {
	v := NewVerifier(testKey, "", "", WithClaimMapping(m))
	v.now = func() time.Time { return testNow }
	return v
}

// keycloak maps as the README's Keycloak example does: org from a
// nested tenant object, the role from realm_access.roles.
func keycloak() ClaimMapping {
	m := DefaultClaimMapping()
	m.Org, m.Role, m.AdminValues = "tenant.id", "realm_access.roles", []string{"pats-admin", "security"}
	m.AccountType, m.LocalValues = "account.kind", []string{"local", "service"}
	m.Email, m.Name = "profile.email", "preferred_username"
	return m
}

// TestClaimMappingAccepts: each row a token whose claims the mapping
// reads; the result is the service's identity.
func TestClaimMappingAccepts(t *testing.T) {
	const sub, exp = `"sub":"alice"`, `"exp":`
	tests := []struct {
		name        string
		mapping     ClaimMapping
		claims      string
		org, email  string
		role        Role
		accountType entity.AccountType
	}{
		{"default mapping: the service's own format", DefaultClaimMapping(),
			`"org":"acme","role":"admin","account_type":"local","email":"a@x.test","name":"A"`,
			"acme", "a@x.test", RoleAdmin, entity.AccountTypeLocal},
		{"default mapping: unknown role and account type fall to member and directory", DefaultClaimMapping(),
			`"org":"acme","role":"owner","account_type":"federated"`,
			"acme", "", RoleMember, entity.AccountTypeDirectory},
		{"default mapping: values compared exactly (ADMIN, LOCAL)", DefaultClaimMapping(),
			`"org":"acme","role":"ADMIN","account_type":"LOCAL"`,
			"acme", "", RoleMember, entity.AccountTypeDirectory},
		{"default mapping: arrays handled", DefaultClaimMapping(),
			`"org":"acme","role":["member","admin"],"account_type":["local"]`,
			"acme", "", RoleAdmin, entity.AccountTypeLocal},
		{"nested org, role found in an array", keycloak(),
			`"tenant":{"id":"acme"},"realm_access":{"roles":["offline_access","pats-admin"]},"account":{"kind":"service"},"profile":{"email":"a@x.test"}`,
			"acme", "a@x.test", RoleAdmin, entity.AccountTypeLocal},
		{"array without an admin value: member", keycloak(),
			`"tenant":{"id":"acme"},"realm_access":{"roles":["offline_access","uma_authorization"]},"account":{"kind":"sso"}`,
			"acme", "", RoleMember, entity.AccountTypeDirectory},
		{"empty role array: member", keycloak(),
			`"tenant":{"id":"acme"},"realm_access":{"roles":[]},"account":{"kind":"local"}`,
			"acme", "", RoleMember, entity.AccountTypeLocal},
		{"non-string elements are skipped", keycloak(),
			`"tenant":{"id":"acme"},"realm_access":{"roles":[1,{"a":"pats-admin"},"security"]},"account":{"kind":["x","local"]}`,
			"acme", "", RoleAdmin, entity.AccountTypeLocal},
		{"string role not an admin value: member", keycloak(),
			`"tenant":{"id":"acme"},"realm_access":{"roles":"owner"},"account":{"kind":"local"}`,
			"acme", "", RoleMember, entity.AccountTypeLocal},
		{"values compared exactly (case)", keycloak(),
			`"tenant":{"id":"acme"},"realm_access":{"roles":["PATS-ADMIN"]},"account":{"kind":"LOCAL"}`,
			"acme", "", RoleMember, entity.AccountTypeDirectory},
		{"a claim name holding dots, exact name first", ClaimMapping{
			Org: "https://pats.example/org", Role: "https://pats.example/roles", AdminValues: []string{"admin"},
			AccountType: "https://pats.example/account", LocalValues: []string{"local"}, Email: "email", Name: "name"},
			`"https://pats.example/org":"acme","https://pats.example/roles":["admin"],"https://pats.example/account":"local","https://pats":{"example/org":"other"}`,
			"acme", "", RoleAdmin, entity.AccountTypeLocal},
		{"a dotted path where a prefix holds dots", ClaimMapping{
			Org: "ext.tenant.id", Role: "roles", AdminValues: []string{"admin"},
			AccountType: "kind", LocalValues: []string{"local"}},
			`"ext.tenant":{"id":"acme"},"roles":"admin","kind":"local"`,
			"acme", "", RoleAdmin, entity.AccountTypeLocal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := mappedVerifier(tt.mapping).Verify(signRaw(validHeader, "{"+sub+","+exp+at(time.Hour)+","+tt.claims+"}"))
			if err != nil {
				t.Fatalf("Verify: got %v, want nil", err)
			}
			if c.Org != tt.org || c.Email != tt.email || c.Role != tt.role || c.AccountType != tt.accountType {
				t.Errorf("got org %q email %q role %q account type %q, want %q %q %q %q",
					c.Org, c.Email, c.Role, c.AccountType, tt.org, tt.email, tt.role, tt.accountType)
			}
		})
	}
}

// TestClaimMappingRefuses: mapped claims missing or unusable are an
// invalid token, whatever the mapping.
func TestClaimMappingRefuses(t *testing.T) {
	const prefix = `"sub":"alice","exp":`
	tests := []struct {
		name    string
		mapping ClaimMapping
		claims  string
		want    error
	}{
		{"org missing (nested object absent)", keycloak(),
			`"realm_access":{"roles":["pats-admin"]},"account":{"kind":"local"}`, errClaimMissing},
		{"org not a string", keycloak(),
			`"tenant":{"id":7},"realm_access":{"roles":["pats-admin"]},"account":{"kind":"local"}`, errClaimNotText},
		{"org path stops at a string", keycloak(),
			`"tenant":"acme","realm_access":{"roles":["pats-admin"]},"account":{"kind":"local"}`, errClaimMissing},
		{"role missing", keycloak(),
			`"tenant":{"id":"acme"},"realm_access":{},"account":{"kind":"local"}`, errClaimMissing},
		{"role null", keycloak(),
			`"tenant":{"id":"acme"},"realm_access":{"roles":null},"account":{"kind":"local"}`, errClaimMissing},
		{"role an object", keycloak(),
			`"tenant":{"id":"acme"},"realm_access":{"roles":{"pats-admin":true}},"account":{"kind":"local"}`, errClaimNotText},
		{"account type missing", keycloak(),
			`"tenant":{"id":"acme"},"realm_access":{"roles":["pats-admin"]}`, errClaimMissing},
		{"account type a number", keycloak(),
			`"tenant":{"id":"acme"},"realm_access":{"roles":["pats-admin"]},"account":{"kind":1}`, errClaimNotText},
		{"email not a string", keycloak(),
			`"tenant":{"id":"acme"},"realm_access":{"roles":["pats-admin"]},"account":{"kind":"local"},"profile":{"email":["a@x.test"]}`, errClaimNotText},
		{"mapped org blank", keycloak(),
			`"tenant":{"id":" "},"realm_access":{"roles":["pats-admin"]},"account":{"kind":"local"}`, errBlankIdentifier},
		{"mapped org with an invisible character", keycloak(),
			`"tenant":{"id":"ac\u200bme"},"realm_access":{"roles":["pats-admin"]},"account":{"kind":"local"}`, errInvisibleIdentifier},
		{"default mapping: role empty", DefaultClaimMapping(),
			`"org":"acme","role":"","account_type":"local"`, errClaimMissing},
		{"default mapping: account type empty", DefaultClaimMapping(),
			`"org":"acme","role":"admin","account_type":""`, errClaimMissing},
		{"default mapping: role a number", DefaultClaimMapping(),
			`"org":"acme","role":1,"account_type":"local"`, errClaimNotText},
		{"default mapping: claim names are exact (ORG is not org)", DefaultClaimMapping(),
			`"ORG":"acme","role":"member","account_type":"local"`, errClaimMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mappedVerifier(tt.mapping).Verify(signRaw(validHeader, "{"+prefix+at(time.Hour)+","+tt.claims+"}"))
			if !errors.Is(err, ErrInvalidToken) || !errors.Is(err, tt.want) {
				t.Errorf("Verify: got %v, want ErrInvalidToken wrapping %v", err, tt.want)
			}
		})
	}
	t.Run("reserved subject through a mapping", func(t *testing.T) {
		_, err := mappedVerifier(keycloak()).Verify(signRaw(validHeader,
			`{"sub":"pats:secret-scanning","exp":`+at(time.Hour)+`,"tenant":{"id":"acme"},"realm_access":{"roles":["pats-admin"]},"account":{"kind":"local"}}`))
		if !errors.Is(err, errReservedSubject) {
			t.Errorf("Verify: got %v, want %v", err, errReservedSubject)
		}
	})
	t.Run("max session length through a mapping", func(t *testing.T) {
		_, err := mappedVerifier(keycloak()).Verify(signRaw(validHeader,
			`{"sub":"alice","exp":`+at(DefaultMaxSessionLength+Leeway+time.Second)+`,"tenant":{"id":"acme"},"realm_access":{"roles":["pats-admin"]},"account":{"kind":"local"}}`))
		if !errors.Is(err, errSessionTooLong) {
			t.Errorf("Verify: got %v, want %v", err, errSessionTooLong)
		}
	})
}

func TestValidPath(t *testing.T) {
	for path, want := range map[string]bool{
		"role": true, "realm_access.roles": true, "https://x.example/roles": true,
		"": false, ".role": false, "role.": false, "a..b": false,
	} {
		if got := ValidPath(path); got != want {
			t.Errorf("ValidPath(%q): got %v, want %v", path, got, want)
		}
	}
}
