package config

import (
	"errors"
	"net/url"
	"slices"
	"strings"
)

// DefaultConsoleScopes are what the console asks the identity provider
// for unless PATS_CONSOLE_SCOPES says otherwise.
var DefaultConsoleScopes = []string{"openid", "profile", "email"}

// loadConsole reads the console's sign-in through the identity provider
// (PATS_CONSOLE_CLIENT_ID, PATS_CONSOLE_SCOPES, PATS_OIDC_PROVIDER_NAME)
// into c, which already holds PATS_OIDC_ISSUER, and returns what is
// wrong with them. The console discovers the provider from the issuer,
// so a client ID without PATS_OIDC_ISSUER (PATS_JWKS_URL alone names no
// authorization endpoint) stops the service at start.
func (c *Config) loadConsole(getenv func(string) string) []error {
	var errs []error
	c.ConsoleClientID = strings.TrimSpace(getenv("PATS_CONSOLE_CLIENT_ID"))
	scopes, name := getenv("PATS_CONSOLE_SCOPES"), strings.TrimSpace(getenv("PATS_OIDC_PROVIDER_NAME"))
	if c.ConsoleClientID == "" {
		for _, v := range []struct{ name, value string }{{"PATS_CONSOLE_SCOPES", scopes}, {"PATS_OIDC_PROVIDER_NAME", name}} {
			if v.value != "" {
				errs = append(errs, errors.New(v.name+" needs PATS_CONSOLE_CLIENT_ID (the console's client at the identity provider)"))
			}
		}
		return errs
	}
	if c.OIDCIssuer == "" {
		errs = append(errs, errors.New("PATS_CONSOLE_CLIENT_ID needs PATS_OIDC_ISSUER: the console signs in at the provider that issuer's discovery document names"))
	}
	c.ConsoleScopes = slices.Clone(DefaultConsoleScopes)
	if scopes != "" {
		c.ConsoleScopes = strings.FieldsFunc(scopes, func(r rune) bool { return r == ',' || r == ' ' })
		if !slices.Contains(c.ConsoleScopes, "openid") {
			errs = append(errs, errors.New("PATS_CONSOLE_SCOPES must include openid (the console checks the provider's ID token)"))
		}
	}
	c.ProviderName = name
	if c.ProviderName == "" {
		if u, err := url.Parse(c.OIDCIssuer); err == nil {
			c.ProviderName = u.Hostname()
		}
	}
	return errs
}

// ConsoleSignIn reports whether the console offers sign-in through the
// identity provider.
func (c Config) ConsoleSignIn() bool { return c.ConsoleClientID != "" && c.OIDCIssuer != "" }
