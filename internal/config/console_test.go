package config

import (
	"slices"
	"testing"
)

// TestLoadConsoleSignIn: a console client ID with an issuer offers
// sign-in through the provider, with the default scopes and the issuer's
// host as the provider's name unless configured.
func TestLoadConsoleSignIn(t *testing.T) {
	base := map[string]string{"PATS_OIDC_ISSUER": "https://login.acme.example/realms/acme", "PATS_JWT_AUDIENCE": "pats", "PATS_CONSOLE_CLIENT_ID": "pats-console"}
	c, err := Load(env(base))
	if err != nil {
		t.Fatal(err)
	}
	if !c.ConsoleSignIn() || c.ConsoleClientID != "pats-console" || !slices.Equal(c.ConsoleScopes, DefaultConsoleScopes) || c.ProviderName != "login.acme.example" {
		t.Errorf("defaults: got ConsoleSignIn %v, client %q, scopes %v, name %q", c.ConsoleSignIn(), c.ConsoleClientID, c.ConsoleScopes, c.ProviderName)
	}
	withNames := map[string]string{"PATS_CONSOLE_SCOPES": "openid, email api://pats/access", "PATS_OIDC_PROVIDER_NAME": " Acme SSO "}
	for k, v := range base {
		withNames[k] = v
	}
	if c, err = Load(env(withNames)); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.ConsoleScopes, []string{"openid", "email", "api://pats/access"}) || c.ProviderName != "Acme SSO" {
		t.Errorf("configured: got scopes %v, name %q", c.ConsoleScopes, c.ProviderName)
	}
	if c, err = Load(env(map[string]string{"PATS_OIDC_ISSUER": base["PATS_OIDC_ISSUER"], "PATS_JWT_AUDIENCE": "pats"})); err != nil || c.ConsoleSignIn() {
		t.Errorf("no client ID: got ConsoleSignIn %v, err %v, want false, nil", c.ConsoleSignIn(), err)
	}
}

// TestLoadConsoleHalfConfigured: each mistake stops the start with a
// message naming the variables.
func TestLoadConsoleHalfConfigured(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"client ID without a provider", map[string]string{"PATS_CONSOLE_CLIENT_ID": "pats-console", "PATS_JWT_SECRET": secret32},
			[]string{"PATS_CONSOLE_CLIENT_ID needs PATS_OIDC_ISSUER"}},
		{"client ID with a key set URL only", map[string]string{"PATS_CONSOLE_CLIENT_ID": "pats-console", "PATS_JWKS_URL": "https://idp.example/keys", "PATS_JWT_AUDIENCE": "pats"},
			[]string{"PATS_CONSOLE_CLIENT_ID needs PATS_OIDC_ISSUER"}},
		{"client ID in development mode", map[string]string{"PATS_CONSOLE_CLIENT_ID": "pats-console"},
			[]string{"PATS_CONSOLE_CLIENT_ID needs PATS_OIDC_ISSUER"}},
		{"scopes without openid", map[string]string{"PATS_OIDC_ISSUER": "https://idp.example", "PATS_JWT_AUDIENCE": "pats", "PATS_CONSOLE_CLIENT_ID": "c", "PATS_CONSOLE_SCOPES": "email"},
			[]string{"PATS_CONSOLE_SCOPES must include openid"}},
		{"scopes and name without a client ID", map[string]string{"PATS_OIDC_ISSUER": "https://idp.example", "PATS_JWT_AUDIENCE": "pats", "PATS_CONSOLE_SCOPES": "openid", "PATS_OIDC_PROVIDER_NAME": "Acme"},
			[]string{"PATS_CONSOLE_SCOPES needs PATS_CONSOLE_CLIENT_ID", "PATS_OIDC_PROVIDER_NAME needs PATS_CONSOLE_CLIENT_ID"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantLoadError(t, tt.env, tt.want...)
		})
	}
}
