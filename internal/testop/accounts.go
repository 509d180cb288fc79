package testop

import (
	"context"
	"errors"
	"sync"

	"github.com/zitadel/oidc/v3/example/server/storage"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// identity is a service account: its token's subject and custom claims.
type identity struct {
	subject string
	claims  map[string]any
}

// AddServiceAccount registers a client-credentials client (secret
// ServiceAccountSecret(clientID)) whose JWT access tokens name subject
// and carry claims.
func (s *Storage) AddServiceAccount(clientID, subject string, claims map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.identities[clientID] = identity{subject: subject, claims: claims}
}

// ServiceAccountSecret is the client secret of a service account.
func ServiceAccountSecret(clientID string) string { return "secret-" + clientID }

// User is someone who signs in on the login page.
type User struct {
	// ID is the tokens' subject; Username and Password are typed into
	// the login page.
	ID, Username, Password string
	FirstName, LastName    string
	Email                  string
	// Claims go into the user's JWT access tokens (org, role, ...).
	Claims map[string]any
}

// AddUser registers u.
func (s *Storage) AddUser(u User) {
	s.users.add(&storage.User{
		ID: u.ID, Username: u.Username, Password: u.Password,
		FirstName: u.FirstName, LastName: u.LastName,
		Email: u.Email, EmailVerified: true, PreferredLanguage: language.English,
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	s.userClaims[u.ID] = u.Claims
}

// ClientCredentials authenticates the service accounts as clients like
// the example's own service user, whose access tokens are JWTs.
func (s *Storage) ClientCredentials(ctx context.Context, clientID, clientSecret string) (op.Client, error) {
	s.mu.Lock()
	_, ok := s.identities[clientID]
	s.mu.Unlock()
	if !ok || clientSecret != ServiceAccountSecret(clientID) {
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
func (s *Storage) ClientCredentialsTokenRequest(_ context.Context, clientID string, scopes []string) (op.TokenRequest, error) {
	s.mu.Lock()
	id, ok := s.identities[clientID]
	s.mu.Unlock()
	if !ok {
		return nil, errors.New("unknown client")
	}
	return &zoidc.JWTTokenRequest{Subject: id.subject, Audience: []string{s.audience}, Scopes: scopes}, nil
}

// GetPrivateClaimsFromScopes puts a service account's or a user's
// custom claims in its JWT access token.
func (s *Storage) GetPrivateClaimsFromScopes(_ context.Context, userID, clientID string, _ []string) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.identities[clientID]; ok {
		return id.claims, nil
	}
	return s.userClaims[userID], nil
}

// jwtClient is the example's service user under another ID, issuing JWT
// access tokens (the example's issues opaque ones).
type jwtClient struct {
	op.Client
	id string
}

func (c jwtClient) GetID() string                       { return c.id }
func (c jwtClient) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeJWT }

// userStore is the example's UserStore over users added at run time.
type userStore struct {
	mu   sync.Mutex
	byID map[string]*storage.User
}

func (u *userStore) add(user *storage.User) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.byID[user.ID] = user
}

func (u *userStore) GetUserByID(id string) *storage.User {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.byID[id]
}

func (u *userStore) GetUserByUsername(username string) *storage.User {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, user := range u.byID {
		if user.Username == username {
			return user
		}
	}
	return nil
}

// ExampleClientID names the example's JWT-profile service user, which
// the tests do not use.
func (u *userStore) ExampleClientID() string { return storage.ServiceUserID }
