package oidc

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/app"
	"github.com/patgov/pats/internal/config"
	"github.com/patgov/pats/internal/testenv"
)

// TestProviderStartFails: a provider that cannot be discovered, or whose
// discovery document names another issuer, stops the service at start
// with a message naming the variable.
func TestProviderStartFails(t *testing.T) {
	p := newProvider(t)
	gone := newProvider(t)
	gone.Close()
	notFound := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(notFound.Close)
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"issuer unreachable", map[string]string{"PATS_OIDC_ISSUER": gone.Issuer}, "PATS_OIDC_ISSUER"},
		{"no discovery document", map[string]string{"PATS_OIDC_ISSUER": notFound.URL}, "HTTP 404"},
		{"discovery names another issuer", map[string]string{"PATS_OIDC_ISSUER": p.Issuer + "/"}, "names issuer"},
		{"key set unreachable", map[string]string{"PATS_JWKS_URL": gone.Issuer + "/keys"}, "PATS_JWKS_URL"},
		{"key set not found", map[string]string{"PATS_JWKS_URL": notFound.URL + "/keys"}, "404"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{
				"PATS_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "pats.db"),
				"PATS_JWT_AUDIENCE": audience, "PATS_JWT_SECRET": string(testenv.JWTKey),
			}
			for k, v := range tc.env {
				env[k] = v
			}
			cfg, err := config.Load(func(k string) string { return env[k] })
			if err != nil {
				t.Fatalf("config: %v", err)
			}
			a, err := app.New(context.Background(), cfg)
			if err == nil {
				_ = a.Close(context.Background())
				t.Fatalf("app.New: got nil, want an error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("app.New: got %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestKeySetURL: PATS_JWKS_URL alone (no discovery), with PATS_JWT_ISSUER
// checked when set.
func TestKeySetURL(t *testing.T) {
	p := newProvider(t)
	org := testenv.UniqueOrg("jwks")
	env := testenv.NewWith(t, "sqlite", testenv.Options{AuthEnv: map[string]string{
		"PATS_JWKS_URL": p.Issuer + "/keys", "PATS_JWT_AUDIENCE": audience, "PATS_JWT_ISSUER": p.Issuer,
	}})
	viewer(t, env, p.token(t, "alice", map[string]any{"org": org, "role": "admin", "account_type": "local"}))
	refused(t, env, mint(t, p.current(), "https://other.example", "bob", map[string]any{"org": org, "role": "admin", "account_type": "local"}))
}
