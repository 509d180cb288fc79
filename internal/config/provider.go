package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/patgov/pats/internal/auth"
)

// loadProvider reads the identity-provider variables into c (already
// holding PATS_OIDC_ISSUER, PATS_JWKS_URL, PATS_JWT_ISSUER and
// PATS_JWT_AUDIENCE) and returns what is wrong with them, naming the
// variables: a half-configured provider stops the service at start.
func (c *Config) loadProvider(getenv func(string) string) []error {
	var errs []error
	algs := getenv("PATS_JWT_ALGORITHMS")
	if !c.Provider() {
		if algs != "" {
			errs = append(errs, errors.New("PATS_JWT_ALGORITHMS needs PATS_OIDC_ISSUER or PATS_JWKS_URL (PATS_JWT_SECRET sessions are HS256 only)"))
		}
		return errs
	}
	if c.OIDCIssuer != "" && c.JWKSURL != "" {
		errs = append(errs, errors.New("set PATS_OIDC_ISSUER or PATS_JWKS_URL, not both (the issuer's discovery document names its key set)"))
	}
	if c.JWTAudience == "" {
		errs = append(errs, errors.New("PATS_JWT_AUDIENCE is required with PATS_OIDC_ISSUER or PATS_JWKS_URL: a provider's token for another application must not open a session here"))
	}
	if c.OIDCIssuer != "" {
		if err := auth.CheckProviderURL(c.OIDCIssuer); err != nil {
			errs = append(errs, fmt.Errorf("PATS_OIDC_ISSUER %w", err))
		}
		if c.JWTIssuer != "" && c.JWTIssuer != c.OIDCIssuer {
			errs = append(errs, errors.New("PATS_JWT_ISSUER differs from PATS_OIDC_ISSUER: unset it (the provider's issuer is checked)"))
		}
	}
	if c.JWKSURL != "" {
		if err := auth.CheckProviderURL(c.JWKSURL); err != nil {
			errs = append(errs, fmt.Errorf("PATS_JWKS_URL %w", err))
		}
	}
	c.JWTAlgorithms = slices.Clone(auth.DefaultProviderAlgorithms)
	if algs != "" {
		c.JWTAlgorithms = splitList(algs)
		for _, alg := range c.JWTAlgorithms {
			if !slices.Contains(auth.ProviderAlgorithms, alg) {
				errs = append(errs, fmt.Errorf("PATS_JWT_ALGORITHMS: %q is not allowed; choose among %s (never none, never HS*)",
					alg, strings.Join(auth.ProviderAlgorithms, ", ")))
			}
		}
		if len(c.JWTAlgorithms) == 0 {
			errs = append(errs, errors.New("PATS_JWT_ALGORITHMS lists no algorithm"))
		}
	}
	return errs
}

// loadClaimMapping reads PATS_CLAIM_*. A role (account type) mapping
// that is configured at all maps leniently: anything but an admin
// (local) value is member (directory). Left at its defaults, it keeps
// the service's own format, where any other value is refused. In
// development mode (dev) none may be set: the development sign-in and
// the printed credential carry the service's own claim names, which a
// mapping would refuse.
func loadClaimMapping(getenv func(string) string, dev bool) (auth.ClaimMapping, []error) {
	m := auth.DefaultClaimMapping()
	var errs []error
	set := false
	path := func(name string, dst *string) bool {
		v := getenv(name)
		if v == "" {
			return false
		}
		if !auth.ValidPath(v) {
			errs = append(errs, fmt.Errorf("%s must be a claim name or a dotted path (such as realm_access.roles)", name))
		}
		*dst, set = v, true
		return true
	}
	values := func(name string, dst *[]string) bool {
		v := getenv(name)
		if v == "" {
			return false
		}
		if *dst = splitList(v); len(*dst) == 0 {
			errs = append(errs, fmt.Errorf("%s lists no value", name))
		}
		set = true
		return true
	}
	path("PATS_CLAIM_ORG", &m.Org)
	path("PATS_CLAIM_EMAIL", &m.Email)
	path("PATS_CLAIM_NAME", &m.Name)
	path("PATS_CLAIM_ROLE", &m.Role)
	values("PATS_CLAIM_ADMIN_VALUES", &m.AdminValues)
	path("PATS_CLAIM_ACCOUNT_TYPE", &m.AccountType)
	values("PATS_CLAIM_LOCAL_VALUES", &m.LocalValues)
	if set && dev {
		errs = append(errs, errors.New("PATS_CLAIM_* need PATS_JWT_SECRET or an identity provider: development sessions carry the service's own claim names"))
	}
	return m, errs
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
