package httpapi

import (
	"net/url"
	"strings"

	"github.com/patgov/pats/internal/config"
)

// ConsoleSignIn tells the console how to sign in through the identity
// provider: the authorization code flow with PKCE, as the public client
// ClientID, at the provider Issuer's discovery document names. All of it
// is public (a public client has no secret).
type ConsoleSignIn struct {
	Issuer   string `json:"issuer"`
	ClientID string `json:"clientId"`
	// Scope is the space-separated scopes to ask for.
	Scope string `json:"scope"`
	// ProviderName names the provider on the sign-in button.
	ProviderName string `json:"providerName"`
}

// NewConsoleSignIn returns cfg's console sign-in, or nil when cfg has
// none (no PATS_CONSOLE_CLIENT_ID).
func NewConsoleSignIn(cfg config.Config) *ConsoleSignIn {
	if !cfg.ConsoleSignIn() {
		return nil
	}
	return &ConsoleSignIn{
		Issuer: cfg.OIDCIssuer, ClientID: cfg.ConsoleClientID,
		Scope: strings.Join(cfg.ConsoleScopes, " "), ProviderName: cfg.ProviderName,
	}
}

// connectOrigins are the origins the console fetches from besides its
// own: the issuer's (its discovery document, and the token endpoint on
// it). A provider whose token endpoint is elsewhere is not supported.
func (s *ConsoleSignIn) connectOrigins() []string {
	if s == nil {
		return nil
	}
	u, err := url.Parse(s.Issuer)
	if err != nil || u.Host == "" {
		return nil // configuration checked it at start
	}
	return []string{u.Scheme + "://" + u.Host}
}
