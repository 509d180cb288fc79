package testenv

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
)

// Identity describes a test caller; zero fields get defaults.
type Identity struct {
	Org         string
	Subject     string
	Role        auth.Role
	Email       string
	Name        string
	AccountType entity.AccountType
}

// Client calls the GraphQL API as one caller.
type Client struct {
	env    *Env
	t      testing.TB
	Bearer string
	ID     Identity
	// Header holds extra request headers (e.g. User-Agent, X-Request-ID).
	Header http.Header
}

// As returns a client for id, signing a session token valid for an hour.
func (e *Env) As(t testing.TB, id Identity) *Client {
	t.Helper()
	if id.Role == "" {
		id.Role = auth.RoleMember
	}
	if id.AccountType == "" {
		id.AccountType = entity.AccountTypeLocal
	}
	if id.Email == "" {
		id.Email = id.Subject + "@example.test"
	}
	if id.Name == "" {
		id.Name = "User " + id.Subject
	}
	token := SignToken(t, &auth.Claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: id.Subject, ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))},
		Org:              id.Org, Role: id.Role, Email: id.Email, Name: id.Name, AccountType: id.AccountType,
	})
	return &Client{env: e, t: t, Bearer: token, ID: id}
}

// Admin is a local-account admin of org.
func (e *Env) Admin(t testing.TB, org, subject string) *Client {
	return e.As(t, Identity{Org: org, Subject: subject, Role: auth.RoleAdmin})
}

// Member is a local-account member of org.
func (e *Env) Member(t testing.TB, org, subject string) *Client {
	return e.As(t, Identity{Org: org, Subject: subject, Role: auth.RoleMember})
}

// SignToken signs claims with the test JWT key.
func SignToken(t testing.TB, claims *auth.Claims) string {
	t.Helper()
	s, err := auth.Sign(JWTKey, claims)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return s
}

// Response is a decoded GraphQL response.
type Response struct {
	Status int
	// Header is the response's HTTP header (X-Request-ID among others).
	Header http.Header
	Data   map[string]any
	Errors []Error
	Raw    string
}

// Error is one GraphQL error.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Code returns the first error's extensions.code, or "".
func (r *Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// Do posts a GraphQL operation and decodes the response.
func (c *Client) Do(query string, vars map[string]any) *Response {
	c.t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		c.t.Fatalf("marshal: %v", err)
	}
	return c.env.post(c.t, c.Bearer, c.Header, body)
}

// MustDo is Do that fails the test on any GraphQL error.
func (c *Client) MustDo(query string, vars map[string]any) map[string]any {
	c.t.Helper()
	r := c.Do(query, vars)
	if len(r.Errors) > 0 || r.Status != http.StatusOK {
		c.t.Fatalf("unexpected errors (HTTP %d): %s", r.Status, r.Raw)
	}
	return r.Data
}

// Post sends a GraphQL request with an optional bearer token.
func (e *Env) Post(t testing.TB, bearer, query string, vars map[string]any) *Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return e.PostRaw(t, bearer, body)
}

// PostRaw sends body as-is to /query.
func (e *Env) PostRaw(t testing.TB, bearer string, body []byte) *Response {
	t.Helper()
	return e.post(t, bearer, nil, body)
}

// post sends body to /query with the bearer token and extra headers.
func (e *Env) post(t testing.TB, bearer string, header http.Header, body []byte) *Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.URL+"/query", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return NewResponse(t, resp.StatusCode, resp.Header, raw)
}

// NewResponse decodes raw, a GraphQL response body received with status and
// header, failing t unless it is a GraphQL response.
func NewResponse(t testing.TB, status int, header http.Header, raw []byte) *Response {
	t.Helper()
	out := &Response{Status: status, Header: header, Raw: string(raw)}
	var decoded struct {
		Data   map[string]any `json:"data"`
		Errors []Error        `json:"errors"`
	}
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatalf("decode response (HTTP %d): %v: %s", status, err, raw)
	}
	out.Data, out.Errors = decoded.Data, decoded.Errors
	return out
}

// Introspect posts token to /introspect with the given bearer secret and
// returns the status and raw body.
func (e *Env) Introspect(t testing.TB, secret, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.URL+"/introspect", strings.NewReader(url.Values{"token": {token}}.Encode()))
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("introspect: %v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// Decode converts v, a part of a decoded response (such as Response.Data
// or one of its fields), into out, failing t if it does not fit.
func Decode(t testing.TB, v any, out any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}
