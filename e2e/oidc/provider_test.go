package oidc

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/patgov/pats/internal/testop"
)

// audience is the API's audience at the test provider (PATS_JWT_AUDIENCE).
const audience = "pats-api"

// provider is a real OpenID Provider (package testop: zitadel/oidc's
// example provider), served in-process. Service accounts get JWT access
// tokens from its token endpoint with the client-credentials grant,
// carrying the custom claims the test gives them; its signing keys can be
// rotated, and the server closed, mid-test.
type provider struct {
	Issuer string
	srv    *httptest.Server
	op     *testop.Provider
}

// newProvider starts a provider signing with an RS256 key.
func newProvider(t *testing.T) *provider {
	t.Helper()
	p := &provider{srv: httptest.NewUnstartedServer(nil)}
	p.Issuer = "http://" + p.srv.Listener.Addr().String()
	var err error
	if p.op, err = testop.New(p.Issuer, audience, jose.RS256); err != nil {
		t.Fatalf("start the OpenID provider: %v", err)
	}
	p.srv.Config.Handler = p.op
	p.srv.Start()
	t.Cleanup(p.srv.Close)
	return p
}

// Close stops the provider: every later request to it fails.
func (p *provider) Close() { p.srv.Close() }

// keyFetches counts requests to the key set (jwks_uri).
func (p *provider) keyFetches() int64 { return p.op.KeyFetches() }

// current is the signing key.
func (p *provider) current() *testop.SigningKey { return p.op.Storage.Current() }

// rotate makes a new key of alg the signing key (see testop's Rotate).
func (p *provider) rotate(t *testing.T, alg jose.SignatureAlgorithm, keepOld bool) {
	t.Helper()
	if _, err := p.op.Storage.Rotate(alg, keepOld); err != nil {
		t.Fatal(err)
	}
}

// token registers a service account with subject and claims and returns
// an access token the provider's token endpoint issued for it (found
// through discovery, as any client would).
func (p *provider) token(t *testing.T, subject string, claims map[string]any) string {
	t.Helper()
	clientID := "client-" + subject
	p.op.Storage.AddServiceAccount(clientID, subject, claims)
	var doc struct {
		Issuer        string `json:"issuer"`
		TokenEndpoint string `json:"token_endpoint"`
		JWKSURI       string `json:"jwks_uri"`
	}
	getJSON(t, p.Issuer+"/.well-known/openid-configuration", &doc)
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"openid"}}
	req, err := http.NewRequest(http.MethodPost, doc.TokenEndpoint, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// RFC 6749 section 2.3.1: form-encoded, then Basic.
	req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(testop.ServiceAccountSecret(clientID)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("token request: %v", err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || out.AccessToken == "" {
		t.Fatalf("token endpoint: HTTP %d, %+v (decode: %v)", resp.StatusCode, out, err)
	}
	if strings.Count(out.AccessToken, ".") != 2 {
		t.Fatalf("access token %q is not a JWT", out.AccessToken)
	}
	return out.AccessToken
}

func getJSON(t *testing.T, u string, out any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d", u, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}
