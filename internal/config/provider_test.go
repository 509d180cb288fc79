package config

import (
	"slices"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/auth"
)

// TestLoadProvider: an identity provider means production mode, with or
// without PATS_JWT_SECRET.
func TestLoadProvider(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		check func(t *testing.T, c Config)
	}{
		{"issuer, no secret", map[string]string{"PATS_OIDC_ISSUER": "https://idp.example/realms/acme", "PATS_JWT_AUDIENCE": "pats"},
			func(t *testing.T, c Config) {
				if c.DevMode() || !c.Provider() || c.Playground || c.LogFormat != "json" || c.MetricsAddr != DefaultMetricsAddr {
					t.Errorf("got DevMode %v Provider %v Playground %v LogFormat %v MetricsAddr %v, want production",
						c.DevMode(), c.Provider(), c.Playground, c.LogFormat, c.MetricsAddr)
				}
				if c.SessionIssuer() != "https://idp.example/realms/acme" {
					t.Errorf("SessionIssuer: got %q, want the OIDC issuer", c.SessionIssuer())
				}
				if !slices.Equal(c.JWTAlgorithms, []string{"RS256", "ES256", "EdDSA"}) {
					t.Errorf("JWTAlgorithms: got %v, want the default", c.JWTAlgorithms)
				}
			}},
		{"issuer with a secret: still the provider's tokens", map[string]string{"PATS_OIDC_ISSUER": "https://idp.example", "PATS_JWT_AUDIENCE": "pats", "PATS_JWT_SECRET": secret32},
			func(t *testing.T, c Config) {
				if c.DevMode() || !c.Provider() {
					t.Errorf("got DevMode %v Provider %v, want production with a provider", c.DevMode(), c.Provider())
				}
			}},
		{"issuer and the same PATS_JWT_ISSUER", map[string]string{"PATS_OIDC_ISSUER": "https://idp.example", "PATS_JWT_ISSUER": "https://idp.example", "PATS_JWT_AUDIENCE": "pats"},
			func(t *testing.T, c Config) {}},
		{"key set URL with PATS_JWT_ISSUER", map[string]string{"PATS_JWKS_URL": "https://idp.example/keys", "PATS_JWT_ISSUER": "https://idp.example", "PATS_JWT_AUDIENCE": "pats"},
			func(t *testing.T, c Config) {
				if c.DevMode() || !c.Provider() || c.SessionIssuer() != "https://idp.example" {
					t.Errorf("got DevMode %v Provider %v SessionIssuer %q", c.DevMode(), c.Provider(), c.SessionIssuer())
				}
			}},
		{"loopback http is allowed", map[string]string{"PATS_JWKS_URL": "http://127.0.0.1:8081/keys", "PATS_JWT_AUDIENCE": "pats"},
			func(t *testing.T, c Config) {}},
		{"algorithms listed", map[string]string{"PATS_OIDC_ISSUER": "https://idp.example", "PATS_JWT_AUDIENCE": "pats", "PATS_JWT_ALGORITHMS": " PS256, ES384 ,"},
			func(t *testing.T, c Config) {
				if !slices.Equal(c.JWTAlgorithms, []string{"PS256", "ES384"}) {
					t.Errorf("JWTAlgorithms: got %v, want [PS256 ES384]", c.JWTAlgorithms)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(env(tt.env))
			if err != nil {
				t.Fatalf("Load: got %v, want nil", err)
			}
			tt.check(t, c)
		})
	}
}

// TestLoadProviderHalfConfigured: each mistake stops the start with a
// message naming the variables.
func TestLoadProviderHalfConfigured(t *testing.T) {
	const iss, aud = "https://idp.example", "pats"
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"issuer and key set URL", map[string]string{"PATS_OIDC_ISSUER": iss, "PATS_JWKS_URL": iss + "/keys", "PATS_JWT_AUDIENCE": aud},
			[]string{"PATS_OIDC_ISSUER or PATS_JWKS_URL, not both"}},
		{"issuer without audience", map[string]string{"PATS_OIDC_ISSUER": iss},
			[]string{"PATS_JWT_AUDIENCE is required with PATS_OIDC_ISSUER or PATS_JWKS_URL"}},
		{"key set URL without audience", map[string]string{"PATS_JWKS_URL": iss + "/keys", "PATS_JWT_SECRET": secret32},
			[]string{"PATS_JWT_AUDIENCE is required"}},
		{"another PATS_JWT_ISSUER", map[string]string{"PATS_OIDC_ISSUER": iss, "PATS_JWT_ISSUER": "https://other.example", "PATS_JWT_AUDIENCE": aud},
			[]string{"PATS_JWT_ISSUER differs from PATS_OIDC_ISSUER"}},
		{"issuer over http", map[string]string{"PATS_OIDC_ISSUER": "http://idp.example", "PATS_JWT_AUDIENCE": aud},
			[]string{"PATS_OIDC_ISSUER must be an https URL"}},
		{"key set URL not a URL", map[string]string{"PATS_JWKS_URL": "keys.json", "PATS_JWT_AUDIENCE": aud},
			[]string{"PATS_JWKS_URL must be an absolute http(s) URL"}},
		{"HS256 allowed", map[string]string{"PATS_OIDC_ISSUER": iss, "PATS_JWT_AUDIENCE": aud, "PATS_JWT_ALGORITHMS": "RS256,HS256"},
			[]string{`PATS_JWT_ALGORITHMS: "HS256" is not allowed`}},
		{"none allowed", map[string]string{"PATS_OIDC_ISSUER": iss, "PATS_JWT_AUDIENCE": aud, "PATS_JWT_ALGORITHMS": "none"},
			[]string{`PATS_JWT_ALGORITHMS: "none" is not allowed`}},
		{"algorithm spelled in lower case", map[string]string{"PATS_OIDC_ISSUER": iss, "PATS_JWT_AUDIENCE": aud, "PATS_JWT_ALGORITHMS": "rs256"},
			[]string{`"rs256" is not allowed`}},
		{"empty algorithm list", map[string]string{"PATS_OIDC_ISSUER": iss, "PATS_JWT_AUDIENCE": aud, "PATS_JWT_ALGORITHMS": " , "},
			[]string{"PATS_JWT_ALGORITHMS lists no algorithm"}},
		{"algorithms without a provider", map[string]string{"PATS_JWT_SECRET": secret32, "PATS_JWT_ALGORITHMS": "RS256"},
			[]string{"PATS_JWT_ALGORITHMS needs PATS_OIDC_ISSUER or PATS_JWKS_URL"}},
		{"several mistakes, all reported", map[string]string{"PATS_OIDC_ISSUER": iss, "PATS_JWKS_URL": iss, "PATS_JWT_ALGORITHMS": "HS512"},
			[]string{"not both", "PATS_JWT_AUDIENCE is required", `"HS512" is not allowed`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantLoadError(t, tt.env, tt.want...)
		})
	}
}

// TestLoadClaimMapping: the defaults are the service's own format; a
// configured role or account-type mapping maps leniently.
func TestLoadClaimMapping(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Claims, auth.DefaultClaimMapping(); !mappingEqual(got, want) {
		t.Errorf("default mapping: got %+v, want %+v", got, want)
	}
	c, err = Load(env(map[string]string{
		"PATS_JWT_SECRET": secret32,
		"PATS_CLAIM_ORG":  "tid", "PATS_CLAIM_ROLE": "realm_access.roles", "PATS_CLAIM_ADMIN_VALUES": "pats-admin, security",
		"PATS_CLAIM_ACCOUNT_TYPE": "idp_kind", "PATS_CLAIM_LOCAL_VALUES": "local", "PATS_CLAIM_EMAIL": "upn", "PATS_CLAIM_NAME": "given.name",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := auth.ClaimMapping{Org: "tid", Role: "realm_access.roles", AdminValues: []string{"pats-admin", "security"},
		AccountType: "idp_kind", LocalValues: []string{"local"}, Email: "upn", Name: "given.name"}
	if !mappingEqual(c.Claims, want) {
		t.Errorf("configured mapping: got %+v, want %+v", c.Claims, want)
	}
	// Only the admin values set: the role claim stays "role", the
	// account type keeps its defaults.
	c, err = Load(env(map[string]string{"PATS_JWT_SECRET": secret32, "PATS_CLAIM_ADMIN_VALUES": "owner"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Claims.Role != "role" || !slices.Equal(c.Claims.AdminValues, []string{"owner"}) ||
		c.Claims.AccountType != "account_type" || !slices.Equal(c.Claims.LocalValues, []string{"local"}) {
		t.Errorf("admin values alone: got %+v", c.Claims)
	}
	if _, err := Load(env(map[string]string{"PATS_OIDC_ISSUER": "https://idp.example", "PATS_JWT_AUDIENCE": "pats", "PATS_CLAIM_ROLE": "groups"})); err != nil {
		t.Errorf("mapping with a provider and no secret: got %v, want nil", err)
	}
	// In development mode a mapping would refuse the development sessions.
	_, err = Load(env(map[string]string{"PATS_CLAIM_ROLE": "realm_access..roles", "PATS_CLAIM_ORG": ".tid", "PATS_CLAIM_LOCAL_VALUES": ","}))
	for _, w := range []string{"PATS_CLAIM_ROLE must be a claim name or a dotted path", "PATS_CLAIM_ORG must be", "PATS_CLAIM_LOCAL_VALUES lists no value",
		"PATS_CLAIM_* need PATS_JWT_SECRET or an identity provider"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("bad mapping: got %v, want it to contain %q", err, w)
		}
	}
}

func mappingEqual(a, b auth.ClaimMapping) bool {
	return a.Org == b.Org && a.Role == b.Role && a.AccountType == b.AccountType && a.Email == b.Email && a.Name == b.Name &&
		slices.Equal(a.AdminValues, b.AdminValues) && slices.Equal(a.LocalValues, b.LocalValues)
}

// wantLoadError fails t unless Load refuses vars with an error that
// contains each of want.
func wantLoadError(t *testing.T, vars map[string]string, want ...string) {
	t.Helper()
	_, err := Load(env(vars))
	if err == nil {
		t.Fatalf("Load: got nil, want an error containing %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("Load: got %q, want it to contain %q", err, w)
		}
	}
}
