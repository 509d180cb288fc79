package oidc

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/example/server/storage"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// audience is the API's audience at the test provider (PATS_JWT_AUDIENCE).
const audience = "pats-api"

// provider is a real OpenID Provider (zitadel/oidc's op package over its
// example storage), served in-process. Service accounts get JWT access
// tokens from its token endpoint with the client-credentials grant,
// carrying the custom claims the test gives them; its signing keys can be
// rotated, and the server closed, mid-test.
type provider struct {
	Issuer string
	srv    *httptest.Server
	store  *opStorage
	// keyFetches counts requests to the key set (jwks_uri).
	keyFetches atomic.Int64
}

// newProvider starts a provider signing with an RS256 key.
func newProvider(t *testing.T) *provider {
	t.Helper()
	p := &provider{srv: httptest.NewUnstartedServer(nil)}
	p.Issuer = "http://" + p.srv.Listener.Addr().String()
	p.store = &opStorage{
		Storage:    storage.NewStorage(storage.NewUserStore(p.Issuer)),
		identities: map[string]identity{},
	}
	p.store.rotate(t, jose.RS256, false)
	config := &op.Config{CryptoKey: [32]byte{1, 2, 3}}
	handler, err := op.NewProvider(config, p.store, op.StaticIssuer(p.Issuer), op.WithAllowInsecure())
	if err != nil {
		t.Fatalf("start the OpenID provider: %v", err)
	}
	keysPath := "/" + strings.TrimPrefix(handler.KeysEndpoint().Relative(), "/")
	p.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == keysPath {
			p.keyFetches.Add(1)
		}
		handler.ServeHTTP(w, r)
	})
	p.srv.Start()
	t.Cleanup(p.srv.Close)
	return p
}

// Close stops the provider: every later request to it fails.
func (p *provider) Close() { p.srv.Close() }

// identity is a service account of the provider: its token's subject and
// custom claims.
type identity struct {
	subject string
	claims  map[string]any
}

// token registers a service account with subject and claims and returns
// an access token the provider's token endpoint issued for it (found
// through discovery, as any client would).
func (p *provider) token(t *testing.T, subject string, claims map[string]any) string {
	t.Helper()
	clientID := "client-" + subject
	p.store.mu.Lock()
	p.store.identities[clientID] = identity{subject: subject, claims: claims}
	p.store.mu.Unlock()
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
	req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape("secret-"+clientID))
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

// signingKey is one of the provider's keys.
type signingKey struct {
	id  string
	alg jose.SignatureAlgorithm
	key crypto.Signer
}

func (k *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return k.alg }
func (k *signingKey) Algorithm() jose.SignatureAlgorithm          { return k.alg }
func (k *signingKey) ID() string                                  { return k.id }
func (k *signingKey) Use() string                                 { return "sig" }

// Key is the private key to op's signer: op.SigningKey's Key.
func (k *signingKey) Key() any { return k.key }

// publicKey is a signingKey as the key set publishes it.
type publicKey struct{ *signingKey }

// Key is the public key: op.Key's Key.
func (k publicKey) Key() any { return k.key.Public() }

// opStorage is the example storage with what these tests change:
// rotating signing keys, service accounts of the tests' choosing whose
// access tokens are JWTs with custom claims and the API's audience.
type opStorage struct {
	*storage.Storage

	mu         sync.Mutex
	signing    *signingKey
	published  []*signingKey
	identities map[string]identity // by client ID
	keySeq     int
}

// rotate makes a new key of alg the signing key; the previous one stays
// published when keepOld is set (a graceful rotation), else it is
// removed from the key set at once.
func (s *opStorage) rotate(t *testing.T, alg jose.SignatureAlgorithm, keepOld bool) *signingKey {
	t.Helper()
	var key crypto.Signer
	var err error
	switch alg {
	case jose.RS256:
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	case jose.ES256:
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case jose.EdDSA:
		_, key, err = ed25519.GenerateKey(rand.Reader)
	default:
		t.Fatalf("no key for %s", alg)
	}
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keySeq++
	k := &signingKey{id: fmt.Sprintf("%s-key-%d", alg, s.keySeq), alg: alg, key: key}
	old := s.signing
	s.signing, s.published = k, []*signingKey{k}
	if keepOld && old != nil {
		s.published = append(s.published, old)
	}
	return old
}

// current is the signing key.
func (s *opStorage) current() *signingKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.signing
}

func (s *opStorage) SigningKey(context.Context) (op.SigningKey, error) { return s.current(), nil }

func (s *opStorage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{s.current().alg}, nil
}

func (s *opStorage) KeySet(context.Context) ([]op.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]op.Key, len(s.published))
	for i, k := range s.published {
		keys[i] = publicKey{k}
	}
	return keys, nil
}

// ClientCredentials authenticates the tests' service accounts (secret
// "secret-" + client ID) as clients like the example's own service user,
// whose access tokens are JWTs.
func (s *opStorage) ClientCredentials(ctx context.Context, clientID, clientSecret string) (op.Client, error) {
	s.mu.Lock()
	_, ok := s.identities[clientID]
	s.mu.Unlock()
	if !ok || clientSecret != "secret-"+clientID {
		return nil, errors.New("wrong client or secret")
	}
	base, err := s.Storage.ClientCredentials(ctx, "sid1", "verysecret")
	if err != nil {
		return nil, err
	}
	return jwtClient{Client: base, id: clientID}, nil
}

// ClientCredentialsTokenRequest makes the token's subject the service
// account's, for the API's audience.
func (s *opStorage) ClientCredentialsTokenRequest(_ context.Context, clientID string, scopes []string) (op.TokenRequest, error) {
	s.mu.Lock()
	id, ok := s.identities[clientID]
	s.mu.Unlock()
	if !ok {
		return nil, errors.New("unknown client")
	}
	return &zoidc.JWTTokenRequest{Subject: id.subject, Audience: []string{audience}, Scopes: scopes}, nil
}

// GetPrivateClaimsFromScopes puts the service account's custom claims
// in its JWT access token.
func (s *opStorage) GetPrivateClaimsFromScopes(_ context.Context, _, clientID string, _ []string) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.identities[clientID].claims, nil
}

// jwtClient is the example's service user under another ID, issuing JWT
// access tokens (the example's issues opaque ones).
type jwtClient struct {
	op.Client
	id string
}

func (c jwtClient) GetID() string                       { return c.id }
func (c jwtClient) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeJWT }
