package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/patgov/pats/internal/config"
)

// TestOneCompositionRoot: outside tests, only this package constructs the
// domain service and the HTTP handler, so server.go and internal/testenv
// cannot drift apart.
func TestOneCompositionRoot(t *testing.T) {
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		for _, call := range []string{"pat.NewService(", "httpapi.New(httpapi.Config"} {
			if strings.Contains(string(src), call) && filepath.Dir(rel) != filepath.Join("internal", "app") {
				t.Errorf("%s calls %s: only internal/app builds the service", rel, call)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestAppLifecycle: New builds a working service on a fresh SQLite file,
// production mode serves no metrics on the public handler and serves them
// on the metrics listener, and Close shuts everything.
func TestAppLifecycle(t *testing.T) {
	env := map[string]string{
		"PATS_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "pats.db"),
		"PATS_JWT_SECRET":   strings.Repeat("k", 32),
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a.Run(ctx)
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	for path, want := range map[string]int{"/healthz": http.StatusOK, "/readyz": http.StatusOK, "/metrics": http.StatusNotFound, "/": http.StatusNotFound} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: got %d, want %d", path, resp.StatusCode, want)
		}
	}
	stop, err := a.ServeMetrics("127.0.0.1:0")
	if err != nil {
		t.Fatalf("ServeMetrics: %v", err)
	}
	defer stop()
	if a.DevSessions() != nil {
		t.Error("DevSessions in production: want nil")
	}
	if err := a.WriteDevBanner(io.Discard, nil); err != nil {
		t.Errorf("WriteDevBanner in production: %v", err)
	}
	a.Drain()
	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz while draining: got %d, want 503", resp.StatusCode)
	}
	if err := a.Close(context.Background()); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := a.Database().DB.Exec("SELECT 1").Error; err == nil {
		t.Error("database after Close: still open")
	}
}

// TestMasterKeyNeverEmpty: with an identity provider and no
// PATS_JWT_SECRET, the MACs' master key is the data folder's random key
// (kept across restarts), never an empty key anyone could compute.
func TestMasterKeyNeverEmpty(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Config{OIDCIssuer: "https://idp.example", JWTAudience: "pats", DatabaseURL: "sqlite:" + filepath.Join(dir, "pats.db")}
	key, err := masterKey(cfg, nil)
	if err != nil || len(key) < config.MinSecretLength {
		t.Fatalf("masterKey: got %d bytes, %v; want a random key", len(key), err)
	}
	again, err := masterKey(cfg, nil)
	if err != nil || string(again) != string(key) {
		t.Errorf("masterKey after a restart: got another key (%v)", err)
	}
	cfg.JWTSecret = strings.Repeat("s", config.MinSecretLength)
	if key, _ := masterKey(cfg, nil); string(key) != cfg.JWTSecret {
		t.Errorf("masterKey with PATS_JWT_SECRET: got %q, want the secret", key)
	}
}

// TestProviderOnMySQLNeedsTheSecret: with an identity provider on a MySQL
// database (several instances), PATS_JWT_SECRET keys the MACs every
// instance must share: without it the service does not start, before it
// reaches the provider or the database; on SQLite (one instance) the
// data folder's key serves.
func TestProviderOnMySQLNeedsTheSecret(t *testing.T) {
	for _, cfg := range []config.Config{
		{OIDCIssuer: "https://idp.invalid", JWTAudience: "pats-api", DatabaseURL: "mysql://root@127.0.0.1:1/none"},
		{JWKSURL: "https://idp.invalid/keys", JWTAudience: "pats-api", DatabaseURL: "mysql://root@127.0.0.1:1/none"},
	} {
		_, err := New(context.Background(), cfg)
		if err == nil || !strings.Contains(err.Error(), "PATS_JWT_SECRET is required") {
			t.Errorf("New(%+v): got %v, want PATS_JWT_SECRET required", cfg, err)
		}
	}
}

// TestRequestCodeLogsWithContext: the packages that run inside requests
// log only through the *Context forms of slog, so every line of a request
// carries its request ID and, when traced, its trace and span IDs (the
// handler NewLogger makes reads them from the context). A call such as
// slog.Warn("…") in a resolver would write a line no trace finds.
func TestRequestCodeLogsWithContext(t *testing.T) {
	plain := regexp.MustCompile(`\b(slog|log|logger|\w+\.log)\.(Debug|Info|Warn|Error|Log)\(`)
	for _, dir := range []string{"internal/pat", "internal/httpapi", "internal/store", "internal/auth", "internal/scanalert", "internal/origin", "resolvers"} {
		files, err := filepath.Glob(filepath.Join("..", "..", dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(string(src), "\n") {
				if plain.MatchString(line) {
					t.Errorf("%s:%d logs without a context: %s", f, i+1, strings.TrimSpace(line))
				}
			}
		}
	}
}

// TestKeySetWithoutIssuerWarns: a key set without an issuer to check is
// accepted, with a warning at start that names PATS_JWT_ISSUER; with the
// issuer set, no warning.
func TestKeySetWithoutIssuerWarns(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	set, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &priv.PublicKey, KeyID: "k", Algorithm: "RS256", Use: "sig"}}})
	if err != nil {
		t.Fatal(err)
	}
	keys := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(set) }))
	t.Cleanup(keys.Close)
	for _, issuer := range []string{"", "https://idp.example"} {
		var logs bytes.Buffer
		log := slog.New(slog.NewTextHandler(&logs, nil))
		cfg := config.Config{JWKSURL: keys.URL, JWTIssuer: issuer, JWTAudience: "pats-api", JWTAlgorithms: []string{"RS256"}}
		ctx, cancel := context.WithCancel(context.Background())
		if _, err := sessionVerifier(ctx, cfg, nil, log); err != nil {
			t.Fatalf("issuer %q: %v", issuer, err)
		}
		cancel()
		if warned := strings.Contains(logs.String(), "PATS_JWKS_URL without PATS_JWT_ISSUER"); warned != (issuer == "") {
			t.Errorf("issuer %q: warned %v, want %v; log:\n%s", issuer, warned, issuer == "", logs.String())
		}
	}
}
