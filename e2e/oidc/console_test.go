package oidc

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestConsoleSignInConfigured: with PATS_CONSOLE_CLIENT_ID the service,
// started as production starts it, tells the console (unauthenticated)
// how to sign in through the provider, and lets the console connect to
// the provider's origin; without it, neither.
func TestConsoleSignInConfigured(t *testing.T) {
	p := newProvider(t)
	type config struct {
		DevMode bool `json:"devMode"`
		SignIn  *struct {
			Issuer, ClientID, Scope, ProviderName string
		} `json:"signIn"`
	}
	read := func(t *testing.T, base string) (config, string) {
		t.Helper()
		var c config
		getJSON(t, base+"/admin/api/config", &c)
		resp, err := http.Get(base + "/admin/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return c, resp.Header.Get("Content-Security-Policy")
	}

	env := startService(t, "sqlite", p, map[string]string{"PATS_CONSOLE_CLIENT_ID": "pats-console", "PATS_OIDC_PROVIDER_NAME": "Acme SSO"})
	c, csp := read(t, env.URL)
	got, _ := json.Marshal(c)
	if c.DevMode || c.SignIn == nil || c.SignIn.Issuer != p.Issuer || c.SignIn.ClientID != "pats-console" ||
		c.SignIn.Scope != "openid profile email" || c.SignIn.ProviderName != "Acme SSO" {
		t.Errorf("GET /admin/api/config: got %s, want the provider's sign-in", got)
	}
	if want := "connect-src 'self' " + p.Issuer + ";"; !strings.Contains(csp, want) {
		t.Errorf("console CSP: got %q, want it to contain %q", csp, want)
	}

	env = startService(t, "sqlite", p, nil)
	if c, csp = read(t, env.URL); c.SignIn != nil || !strings.Contains(csp, "connect-src 'self';") {
		t.Errorf("without PATS_CONSOLE_CLIENT_ID: got sign-in %v, CSP %q; want none, connect-src 'self' only", c.SignIn, csp)
	}
}
