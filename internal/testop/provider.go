// Package testop is a real OpenID Provider for tests: zitadel/oidc's
// example provider (its op package, in-memory storage and username and
// password login page) with what this service's tests need on top:
// signing keys of any allowed algorithm that rotate on demand, service
// accounts whose client-credentials tokens carry the claims a test
// chooses, users who sign in on the login page, and public browser
// clients (authorization code with PKCE) whose access tokens are JWTs
// for the API's audience carrying their user's claims. It serves the
// Go e2e tests (e2e/oidc) and the console's browser tests
// (console/browser/op); it is never part of the service.
package testop

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
)

// KeysPath is where the provider publishes its key set (its discovery
// document's jwks_uri), as op's default endpoints have it.
const KeysPath = "/keys"

// Provider is the OpenID Provider's HTTP handler and its storage.
type Provider struct {
	// Issuer is the provider's issuer URL, as given to New.
	Issuer  string
	Storage *Storage
	handler http.Handler
	// keyFetches counts requests to the key set.
	keyFetches atomic.Int64
}

// New returns a provider for issuer (an http URL on a loopback host is
// allowed) whose JWT access tokens name audience (the API's
// PATS_JWT_AUDIENCE), signing with a new key of alg. The caller serves
// it at issuer.
func New(issuer, audience string, alg jose.SignatureAlgorithm) (*Provider, error) {
	s := &Storage{
		users:         &userStore{byID: map[string]*storage.User{}},
		audience:      audience,
		identities:    map[string]identity{},
		userClaims:    map[string]map[string]any{},
		publicClients: map[string]*browserClient{},
	}
	s.Storage = storage.NewStorageWithClients(s.users, map[string]*storage.Client{})
	if _, err := s.Rotate(alg, false); err != nil {
		return nil, err
	}
	p := &Provider{Issuer: strings.TrimSuffix(issuer, "/"), Storage: s}
	// The example's server: the protocol's endpoints (PKCE with S256 on),
	// its login page under /login/, over this storage.
	router := exampleop.SetupServer(p.Issuer, s, nil, false)
	p.handler = router
	return p, nil
}

// ServeHTTP serves the provider.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == KeysPath {
		p.keyFetches.Add(1)
	}
	p.handler.ServeHTTP(w, r)
}

// KeyFetches is how many requests the key set has had.
func (p *Provider) KeyFetches() int64 { return p.keyFetches.Load() }

// Compile-time check: the storage is all the example server asks for.
var _ exampleop.Storage = (*Storage)(nil)

// Storage is the example storage with this package's additions.
type Storage struct {
	*storage.Storage
	users    *userStore
	audience string

	mu            sync.Mutex
	signing       *SigningKey
	published     []*SigningKey
	keySeq        int
	identities    map[string]identity // service accounts, by client ID
	userClaims    map[string]map[string]any
	publicClients map[string]*browserClient
}
