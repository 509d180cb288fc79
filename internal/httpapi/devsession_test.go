package httpapi

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/origin"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/config"
	"github.com/patgov/pats/internal/entity"
)

var devKey = []byte("dev-session-test-key-0123456789abcdef-0123")

// productionConfig has a JWT secret: production mode.
var productionConfig = config.Config{JWTSecret: strings.Repeat("p", config.MinSecretLength)}

// consoleHandler is the service's handler with only what the console's
// routes use (no database behind it).
func consoleHandler(t *testing.T, cfg config.Config) http.Handler {
	t.Helper()
	return New(Config{
		Verifier:      auth.NewVerifier(devKey, cfg.JWTIssuer, cfg.JWTAudience),
		Logger:        slog.New(slog.DiscardHandler),
		DevSessions:   NewDevSessions(cfg, devKey),
		ConsoleSignIn: NewConsoleSignIn(cfg),
	})
}

// signInConfig has an identity provider and a console client.
var signInConfig = config.Config{
	OIDCIssuer: "https://login.acme.example:8443/realms/acme", JWTAudience: "pats",
	ConsoleClientID: "pats-console", ConsoleScopes: []string{"openid", "email", "api://pats/access"}, ProviderName: "Acme SSO",
}

// send makes a request with a fixed request ID, so responses can be
// compared byte for byte.
func send(t *testing.T, h http.Handler, method, target, contentType string, body io.Reader) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set(origin.RequestIDHeader, "req-1")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func errorCode(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var body graphQLErrorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Errors) != 1 {
		t.Fatalf("body: got %q, want one error", rec.Body)
	}
	// The service's own ID, as the response header says; never the
	// client's "req-1".
	if id := body.Errors[0].Extensions["requestId"]; id != rec.Header().Get(origin.RequestIDHeader) || id == "req-1" {
		t.Errorf("requestId: got %v, want the response's %s %q", id, origin.RequestIDHeader, rec.Header().Get(origin.RequestIDHeader))
	}
	code, _ := body.Errors[0].Extensions["code"].(string)
	return code
}

// TestDevSessionIdentities: each role mints a 12-hour token of its demo
// identity in demo-org, with the configured issuer and audience, which
// the service's verifier accepts.
func TestDevSessionIdentities(t *testing.T) {
	tests := []struct {
		role, subject, name, email string
		wantRole                   auth.Role
		accountType                entity.AccountType
	}{
		{"admin", "demo-admin", "Demo Admin", "admin@demo.example", auth.RoleAdmin, entity.AccountTypeLocal},
		{"member", "demo-member", "Demo Member", "member@demo.example", auth.RoleMember, entity.AccountTypeLocal},
		{"directory", "demo-directory", "Demo Directory User", "directory@demo.example", auth.RoleMember, entity.AccountTypeDirectory},
	}
	for _, cfg := range []config.Config{{}, {JWTIssuer: "https://idp.example", JWTAudience: "pats"}} {
		h := consoleHandler(t, cfg)
		verifier := auth.NewVerifier(devKey, cfg.JWTIssuer, cfg.JWTAudience)
		for _, tt := range tests {
			t.Run(tt.role+"/issuer="+cfg.JWTIssuer, func(t *testing.T) {
				before := time.Now().Truncate(time.Second)
				rec := send(t, h, http.MethodPost, "/admin/api/dev-session", "application/json", strings.NewReader(`{"role":"`+tt.role+`"}`))
				if rec.Code != http.StatusOK {
					t.Fatalf("status: got %d %s, want 200", rec.Code, rec.Body)
				}
				if got := rec.Header().Get("Cache-Control"); got != "no-store" {
					t.Errorf("Cache-Control: got %q, want no-store", got)
				}
				if got := rec.Header().Get("Referrer-Policy"); got != "no-referrer" {
					t.Errorf("Referrer-Policy: got %q, want no-referrer", got)
				}
				var resp struct{ Token, ExpiresAt string }
				if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
					t.Fatalf("body: %v: %s", err, rec.Body)
				}
				claims, err := verifier.Verify(resp.Token)
				if err != nil {
					t.Fatalf("Verify: got %v, want a valid token", err)
				}
				if claims.Subject != tt.subject || claims.Org != "demo-org" || claims.Role != tt.wantRole ||
					claims.Name != tt.name || claims.Email != tt.email || claims.AccountType != tt.accountType {
					t.Errorf("claims: got %+v, want %s of demo-org, %s, %s, %s, %s", claims, tt.subject, tt.wantRole, tt.name, tt.email, tt.accountType)
				}
				if lifetime := claims.ExpiresAt.Sub(claims.IssuedAt.Time); lifetime != 12*time.Hour {
					t.Errorf("lifetime: got %v, want 12h", lifetime)
				}
				if claims.IssuedAt.Before(before) || claims.IssuedAt.After(time.Now()) {
					t.Errorf("iat: got %v, want now", claims.IssuedAt)
				}
				if want := claims.ExpiresAt.UTC().Format("2006-01-02T15:04:05.000Z07:00"); resp.ExpiresAt != want {
					t.Errorf("expiresAt: got %q, want %q (the token's exp)", resp.ExpiresAt, want)
				}
			})
		}
	}
}

// TestDevSessionRefusals: wrong methods, content types, bodies and roles
// mint nothing.
func TestDevSessionRefusals(t *testing.T) {
	h := consoleHandler(t, config.Config{})
	big := `{"role":"admin","pad":"` + strings.Repeat("x", MaxBodyBytes) + `"}`
	tests := []struct {
		name, method, contentType string
		body                      io.Reader
		wantStatus                int
		wantCode                  string
	}{
		{"GET", http.MethodGet, "", nil, 405, "BAD_REQUEST"},
		{"PUT", http.MethodPut, "application/json", strings.NewReader(`{"role":"admin"}`), 405, "BAD_REQUEST"},
		{"DELETE", http.MethodDelete, "", nil, 405, "BAD_REQUEST"},
		{"no content type", http.MethodPost, "", strings.NewReader(`{"role":"admin"}`), 415, "BAD_REQUEST"},
		{"form post", http.MethodPost, "application/x-www-form-urlencoded", strings.NewReader(`role=admin`), 415, "BAD_REQUEST"},
		{"form post carrying JSON", http.MethodPost, "application/x-www-form-urlencoded", strings.NewReader(`{"role":"admin"}`), 415, "BAD_REQUEST"},
		{"text/plain (no preflight)", http.MethodPost, "text/plain", strings.NewReader(`{"role":"admin"}`), 415, "BAD_REQUEST"},
		{"multipart", http.MethodPost, "multipart/form-data; boundary=x", strings.NewReader(`{"role":"admin"}`), 415, "BAD_REQUEST"},
		{"JSON-like type", http.MethodPost, "application/json-patch+json", strings.NewReader(`{"role":"admin"}`), 415, "BAD_REQUEST"},
		{"malformed type", http.MethodPost, "application/json; =", strings.NewReader(`{"role":"admin"}`), 415, "BAD_REQUEST"},
		{"declared body too large", http.MethodPost, "application/json", strings.NewReader(big), 413, "BAD_REQUEST"},
		{"undeclared body too large", http.MethodPost, "application/json", io.MultiReader(strings.NewReader(big)), 413, "BAD_REQUEST"},
		{"empty body", http.MethodPost, "application/json", strings.NewReader(``), 400, "BAD_REQUEST"},
		{"not JSON", http.MethodPost, "application/json", strings.NewReader(`role=admin`), 400, "BAD_REQUEST"},
		{"array", http.MethodPost, "application/json", strings.NewReader(`[{"role":"admin"}]`), 400, "BAD_REQUEST"},
		{"two objects", http.MethodPost, "application/json", strings.NewReader(`{"role":"admin"}{"role":"admin"}`), 400, "BAD_REQUEST"},
		{"role not a string", http.MethodPost, "application/json", strings.NewReader(`{"role":1}`), 400, "BAD_REQUEST"},
		{"no role", http.MethodPost, "application/json", strings.NewReader(`{}`), 400, "BAD_USER_INPUT"},
		{"unknown role", http.MethodPost, "application/json", strings.NewReader(`{"role":"owner"}`), 400, "BAD_USER_INPUT"},
		{"role in another case", http.MethodPost, "application/json", strings.NewReader(`{"role":"Admin"}`), 400, "BAD_USER_INPUT"},
		{"role with space", http.MethodPost, "application/json", strings.NewReader(`{"role":"admin "}`), 400, "BAD_USER_INPUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A body that is not a strings.Reader has no declared length
			// (ContentLength -1), as a chunked request.
			req := httptest.NewRequest(tt.method, "/admin/api/dev-session", tt.body)
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			req.Header.Set(origin.RequestIDHeader, "req-1")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status: got %d %s, want %d", rec.Code, rec.Body, tt.wantStatus)
			}
			if code := errorCode(t, rec); code != tt.wantCode {
				t.Errorf("code: got %q, want %q", code, tt.wantCode)
			}
			if tt.wantStatus == 405 && rec.Header().Get("Allow") != "POST" {
				t.Errorf("Allow: got %q, want POST", rec.Header().Get("Allow"))
			}
			if strings.Contains(rec.Body.String(), "token") {
				t.Errorf("body: got %s, want no token", rec.Body)
			}
		})
	}
	t.Run("JSON with parameters", func(t *testing.T) {
		for _, ct := range []string{"application/json; charset=utf-8", "Application/JSON"} {
			rec := send(t, h, http.MethodPost, "/admin/api/dev-session", ct, strings.NewReader(` {"role":"member"} `))
			if rec.Code != http.StatusOK {
				t.Errorf("%s: got %d %s, want 200", ct, rec.Code, rec.Body)
			}
		}
	})
}

// TestDevSessionsAbsentInProduction: with a JWT secret nothing can mint a
// session, and the dev-session path answers exactly as an unknown path,
// whatever the method or body.
func TestDevSessionsAbsentInProduction(t *testing.T) {
	if mint := NewDevSessions(productionConfig, devKey); mint != nil {
		t.Fatalf("NewDevSessions in production: got a function, want nil")
	}
	h := consoleHandler(t, productionConfig)
	for _, tt := range []struct{ method, contentType, body string }{
		{http.MethodPost, "application/json", `{"role":"admin"}`},
		{http.MethodPost, "application/json", `{"role":"member"}`},
		{http.MethodPost, "application/json", `{"role":"directory"}`},
		{http.MethodPost, "text/plain", `{"role":"admin"}`},
		{http.MethodGet, "", ""},
	} {
		got := send(t, h, tt.method, "/admin/api/dev-session", tt.contentType, strings.NewReader(tt.body))
		unknown := send(t, h, tt.method, "/admin/api/no-such-path", tt.contentType, strings.NewReader(tt.body))
		// Each request has its own ID; the answers are otherwise equal.
		gotID, unknownID := got.Header().Get(origin.RequestIDHeader), unknown.Header().Get(origin.RequestIDHeader)
		got.Header().Del(origin.RequestIDHeader)
		unknown.Header().Del(origin.RequestIDHeader)
		if got.Code != http.StatusNotFound || got.Code != unknown.Code ||
			strings.Replace(got.Body.String(), gotID, "ID", 1) != strings.Replace(unknown.Body.String(), unknownID, "ID", 1) {
			t.Errorf("%s %s: got %d %s, want 404 as an unknown path: %d %s", tt.method, tt.body, got.Code, got.Body, unknown.Code, unknown.Body)
		}
		got.Header().Set(origin.RequestIDHeader, gotID) // errorCode compares with it
		if code := errorCode(t, got); code != "NOT_FOUND" {
			t.Errorf("%s %s: code %q, want NOT_FOUND", tt.method, tt.body, code)
		}
		unknown.Header().Set(origin.RequestIDHeader, gotID)
		for name := range unknown.Header() {
			if a, b := got.Header().Values(name), unknown.Header().Values(name); strings.Join(a, ",") != strings.Join(b, ",") {
				t.Errorf("%s: header %s got %q, want %q as an unknown path", tt.method, name, a, b)
			}
		}
		if len(got.Header()) != len(unknown.Header()) {
			t.Errorf("%s: headers got %v, want %v", tt.method, got.Header(), unknown.Header())
		}
	}
}

// TestConsoleConfig: GET /admin/api/config says whether development
// sign-in is offered, to anyone, and nothing else.
func TestConsoleConfig(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  config.Config
		want string
	}{
		{"development", config.Config{}, `{"devMode":true}` + "\n"},
		{"production", productionConfig, `{"devMode":false}` + "\n"},
		{"sign-in through the provider", signInConfig, `{"devMode":false,"signIn":{"issuer":"https://login.acme.example:8443/realms/acme",` +
			`"clientId":"pats-console","scope":"openid email api://pats/access","providerName":"Acme SSO"}}` + "\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := consoleHandler(t, tt.cfg)
			rec := send(t, h, http.MethodGet, "/admin/api/config", "", nil)
			if rec.Code != http.StatusOK || rec.Body.String() != tt.want || rec.Header().Get("Content-Type") != "application/json" {
				t.Errorf("GET: got %d %q %q, want 200 %q application/json", rec.Code, rec.Body, rec.Header().Get("Content-Type"), tt.want)
			}
			if got := rec.Header().Get("X-Frame-Options"); got != "DENY" {
				t.Errorf("X-Frame-Options: got %q, want DENY", got)
			}
			rec = send(t, h, http.MethodPost, "/admin/api/config", "application/json", strings.NewReader(`{}`))
			if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
				t.Errorf("POST: got %d Allow %q, want 405 GET, HEAD", rec.Code, rec.Header().Get("Allow"))
			}
		})
	}
}

// TestConsoleConnectsToTheProvider: with sign-in through the provider,
// the console's policy lets it fetch from the issuer's origin (discovery,
// the token endpoint), and from nowhere else; without, only 'self'.
func TestConsoleConnectsToTheProvider(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  config.Config
		want string
	}{
		{"provider sign-in", signInConfig, "connect-src 'self' https://login.acme.example:8443;"},
		{"none", productionConfig, "connect-src 'self';"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := send(t, consoleHandler(t, tt.cfg), http.MethodGet, "/admin/", "", nil)
			if got := rec.Header().Get("Content-Security-Policy"); !strings.Contains(got, tt.want) {
				t.Errorf("GET /admin/: Content-Security-Policy %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

// TestConsoleBehindTheMiddleware: console routes get a request ID, and the
// console (not the mux) answers /admin.
func TestConsoleBehindTheMiddleware(t *testing.T) {
	h := consoleHandler(t, config.Config{})
	for _, target := range []string{"/admin/", "/admin/tokens", "/admin/api/config", "/admin/api/nope"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Header().Get(origin.RequestIDHeader) == "" {
			t.Errorf("GET %s: got no %s, want one", target, origin.RequestIDHeader)
		}
		if rec.Header().Get("Content-Security-Policy") == "" {
			t.Errorf("GET %s: got no Content-Security-Policy, want one", target)
		}
	}
	rec := send(t, h, http.MethodGet, "/admin", "", nil)
	if rec.Code != http.StatusPermanentRedirect || rec.Header().Get("Location") != "/admin/" {
		t.Errorf("GET /admin: got %d %q, want 308 /admin/", rec.Code, rec.Header().Get("Location"))
	}
	rec = send(t, h, http.MethodGet, "/admin/tokens", "", nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Content-Type"), "text/html") {
		t.Errorf("GET /admin/tokens: got %d %q, want the application", rec.Code, rec.Header().Get("Content-Type"))
	}
}

// TestConsoleAPINotFound: every path under /admin/api/ the API does not
// serve, any method, is a JSON 404 with code NOT_FOUND and the request ID
// (in production the development sign-in is one of them), never the
// console's index.html.
func TestConsoleAPINotFound(t *testing.T) {
	h := consoleHandler(t, config.Config{JWTSecret: strings.Repeat("k", 32)})
	for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodDelete} {
		for _, target := range []string{"/admin/api", "/admin/api/", "/admin/api/nope", "/admin/api/dev-session", "/admin/api/config/x", "/admin/api/assets/index-abc123.js"} {
			req := httptest.NewRequest(method, target, nil)
			req.Header.Set(origin.RequestIDHeader, "req-1")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusNotFound || rec.Header().Get("Content-Type") != "application/json" {
				t.Errorf("%s %s: got %d %q, want 404 application/json", method, target, rec.Code, rec.Header().Get("Content-Type"))
				continue
			}
			if rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("Content-Security-Policy") == "" {
				t.Errorf("%s %s: Cache-Control %q, CSP %q; want no-store and a CSP", method, target,
					rec.Header().Get("Cache-Control"), rec.Header().Get("Content-Security-Policy"))
			}
			if method == http.MethodHead {
				continue
			}
			var body struct {
				Errors []struct {
					Message    string
					Extensions map[string]any
				}
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Errors) != 1 {
				t.Errorf("%s %s: body %q, want one error", method, target, rec.Body)
				continue
			}
			if ext := body.Errors[0].Extensions; ext["code"] != "NOT_FOUND" || ext["requestId"] != rec.Header().Get(origin.RequestIDHeader) {
				t.Errorf("%s %s: extensions %v, want code NOT_FOUND and the response's request ID", method, target, ext)
			}
		}
	}
}
