package testop

import (
	"context"
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// AddPublicClient registers a browser application (a public client: no
// secret, so PKCE is required) that signs users in with the
// authorization code flow at redirectURIs; its access tokens are JWTs
// for the API's audience as well as for itself. http redirect URIs are
// allowed, as the tests serve everything over http.
func (s *Storage) AddPublicClient(clientID string, redirectURIs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.publicClients[clientID] = &browserClient{id: clientID, redirects: slices.Clone(redirectURIs)}
}

// AddRedirectURI allows one more redirect URI for a public client.
func (s *Storage) AddRedirectURI(clientID, uri string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.publicClients[clientID]
	if ok {
		c.redirects = append(slices.Clone(c.redirects), uri)
	}
	return ok
}

// GetClientByClientID finds the public clients, then the example's.
func (s *Storage) GetClientByClientID(ctx context.Context, clientID string) (op.Client, error) {
	s.mu.Lock()
	c, ok := s.publicClients[clientID]
	var snapshot browserClient
	if ok {
		snapshot = *c
	}
	s.mu.Unlock()
	if ok {
		return &snapshot, nil
	}
	return s.Storage.GetClientByClientID(ctx, clientID)
}

// AuthRequestByCode is the example's, with the API's audience added for
// the public clients' tokens: a real provider does the same when the
// API is configured as the token's resource (an audience mapper, a
// project scope, an Auth0 "audience" parameter).
func (s *Storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	req, err := s.Storage.AuthRequestByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	_, public := s.publicClients[req.GetClientID()]
	s.mu.Unlock()
	if !public {
		return req, nil
	}
	return forAPI{AuthRequest: req, audience: []string{req.GetClientID(), s.audience}}, nil
}

// forAPI is an authorization request whose tokens name the API too. op
// gives the access token and the ID token one audience, so the ID token
// names the API as well, unlike a real provider's; it carries no org or
// role claim (those are the access token's private claims), so the
// service refuses it as a session all the same.
type forAPI struct {
	op.AuthRequest
	audience []string
}

func (r forAPI) GetAudience() []string { return r.audience }

// browserClient is a single-page application: a public client of the
// user-agent type using the authorization code flow.
type browserClient struct {
	id        string
	redirects []string
}

func (c *browserClient) GetID() string                       { return c.id }
func (c *browserClient) RedirectURIs() []string              { return c.redirects }
func (c *browserClient) PostLogoutRedirectURIs() []string    { return nil }
func (c *browserClient) ApplicationType() op.ApplicationType { return op.ApplicationTypeUserAgent }
func (c *browserClient) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodNone }
func (c *browserClient) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *browserClient) GrantTypes() []oidc.GrantType { return []oidc.GrantType{oidc.GrantTypeCode} }

// LoginURL is the example's login page.
func (c *browserClient) LoginURL(id string) string           { return "/login/username?authRequestID=" + id }
func (c *browserClient) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeJWT }
func (c *browserClient) IDTokenLifetime() time.Duration      { return time.Hour }

// DevMode allows http redirect URIs.
func (c *browserClient) DevMode() bool { return true }
func (c *browserClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(scopes []string) []string { return scopes }
}
func (c *browserClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(scopes []string) []string { return scopes }
}
func (c *browserClient) IsScopeAllowed(string) bool           { return true }
func (c *browserClient) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c *browserClient) ClockSkew() time.Duration             { return 0 }
