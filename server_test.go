package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/database"
	"github.com/patgov/pats/internal/entity"
)

// syncBuffer is a bytes.Buffer safe for the server's concurrent logging.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestShutdownWritesPendingUses starts the real server, authenticates a
// token (its use waits in memory for the next batch), stops the server as
// SIGTERM would, and finds the use written.
func TestShutdownWritesPendingUses(t *testing.T) {
	const jwtSecret = "shutdown-test-jwt-secret-0123456789abcdef"
	const introspectionSecret = "shutdown-test-introspection-0123456789ab"
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "pats.db")
	base, stop, out := startServer(t, map[string]string{
		"PATS_DATABASE_URL": dbURL, "PATS_JWT_SECRET": jwtSecret, "PATS_INTROSPECTION_SECRET": introspectionSecret,
	})
	bearer := signSession(t, jwtSecret, "u1", auth.RoleMember)
	body := `{"query":"mutation { createPersonalAccessToken(input:{name:\"ci\", scopes:[\"OR.Jobs\"]}) { token personalAccessToken { id } } }"}`
	req, _ := http.NewRequest(http.MethodPost, base+"/query", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		Data struct {
			CreatePersonalAccessToken struct {
				Token               string
				PersonalAccessToken struct{ ID string }
			}
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&created); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	secret := created.Data.CreatePersonalAccessToken.Token
	req, _ = http.NewRequest(http.MethodPost, base+"/introspect", strings.NewReader(url.Values{"token": {secret}}.Encode()))
	req.Header.Set("Authorization", "Bearer "+introspectionSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var info struct{ Active bool }
	_ = json.NewDecoder(resp.Body).Decode(&info)
	resp.Body.Close()
	if !info.Active {
		t.Fatalf("introspection: got inactive, want active")
	}

	if err := stop(); err != nil {
		t.Fatalf("run returned %v, want a clean exit", err)
	}
	db, err := database.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var lastUsed *int64
	if err := db.Raw("SELECT last_used_at FROM personal_access_tokens WHERE id = ?", created.Data.CreatePersonalAccessToken.PersonalAccessToken.ID).Scan(&lastUsed).Error; err != nil {
		t.Fatal(err)
	}
	if lastUsed == nil {
		t.Fatalf("last_used_at after shutdown: got NULL, want the pending use written")
	}
	if strings.Contains(out.String(), secret) || strings.Contains(out.String(), bearer) {
		t.Fatalf("the log contains a secret:\n%s", out.String())
	}
}

// startServer runs the real server with env (plus a free loopback address
// and JSON logs) until the returned stop is called; stop waits for run to
// return and reports its error. out collects the log.
func startServer(t *testing.T, env map[string]string) (base string, stop func() error, out *syncBuffer) {
	t.Helper()
	env["PATS_ADDR"], env["PATS_LOG_FORMAT"] = "127.0.0.1:0", "json"
	if _, ok := env["PATS_METRICS_ADDR"]; !ok {
		env["PATS_METRICS_ADDR"] = "127.0.0.1:0" // production's 9090 may be taken
	}
	ctx, cancel := context.WithCancel(context.Background())
	out = &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, func(k string) string { return env[k] }, out) }()
	t.Cleanup(cancel)
	stop = func() error {
		cancel() // as SIGTERM does
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			t.Fatal("server did not stop")
			return nil
		}
	}
	return waitServing(t, out), stop, out
}

// signSession signs a session token for subject in org-1 with key.
func signSession(t *testing.T, key, subject string, role auth.Role) string {
	t.Helper()
	s, err := auth.Sign([]byte(key), &auth.Claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: subject, ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))},
		Org:              "org-1", Role: role, Email: subject + "@example.test", Name: subject, AccountType: entity.AccountTypeLocal,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// waitServing waits for the server's "serving" log line and returns its
// base URL.
func waitServing(t *testing.T, out *syncBuffer) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(out.String(), "\n") {
			var entry struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "serving" {
				return "http://" + entry.Addr
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("server did not start:\n%s", out.String())
	return ""
}

// TestShutdownDrainsInFlightRequests stops the server while a request is
// in flight (its body still arriving): readiness fails at once, the
// request still completes with 200, and run returns cleanly.
func TestShutdownDrainsInFlightRequests(t *testing.T) {
	const jwtSecret = "shutdown-test-jwt-secret-0123456789abcdef"
	base, stop, _ := startServer(t, map[string]string{
		"PATS_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "pats.db"),
		"PATS_JWT_SECRET":   jwtSecret, "PATS_SHUTDOWN_DELAY": "1s",
	})
	bearer := signSession(t, jwtSecret, "u1", auth.RoleMember)

	// A request whose body arrives in two halves, with the shutdown
	// between them.
	body := `{"query":"{ viewer { id } }"}`
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /query HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		bearer, len(body), body[:10])
	time.Sleep(100 * time.Millisecond)
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(300 * time.Millisecond) // within the 1 s shutdown delay
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatalf("readyz during the shutdown delay: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz while shutting down: got %d, want 503", resp.StatusCode)
	}
	if _, err := io.WriteString(conn, body[10:]); err != nil {
		t.Fatal(err)
	}
	reply, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request: %v", err)
	}
	got, _ := io.ReadAll(reply.Body)
	if reply.StatusCode != http.StatusOK || !strings.Contains(string(got), `"viewer":{"id":"u1"}`) {
		t.Fatalf("in-flight request: got %d %s, want 200 with the viewer", reply.StatusCode, got)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("run returned %v, want a clean exit", err)
	}
}

// TestLogsHoldNoSecrets drives the real server through the paths that
// handle secrets (creating, introspecting, revoking by value, with good
// and bad values, bad session tokens, a body that gqlgen cannot decode)
// with debug logging, and finds none of the secrets in its log.
func TestLogsHoldNoSecrets(t *testing.T) {
	const jwtSecret = "logs-test-jwt-secret-0123456789abcdef0123"
	const introspectionSecret = "logs-test-introspection-0123456789abcdef"
	base, stop, out := startServer(t, map[string]string{
		"PATS_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "pats.db"),
		"PATS_JWT_SECRET":   jwtSecret, "PATS_INTROSPECTION_SECRET": introspectionSecret,
	})
	admin := signSession(t, jwtSecret, "admin", auth.RoleAdmin)
	forged := signSession(t, "another-key-0123456789abcdef-0123456789", "admin", auth.RoleAdmin)
	post := func(bearer, body string) string {
		req, _ := http.NewRequest(http.MethodPost, base+"/query", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+bearer)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	introspect := func(secret, token string) {
		req, _ := http.NewRequest(http.MethodPost, base+"/introspect", strings.NewReader(url.Values{"token": {token}}.Encode()))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	var created struct {
		Data struct{ CreatePersonalAccessToken struct{ Token string } }
	}
	if err := json.Unmarshal([]byte(post(admin, `{"query":"mutation { createPersonalAccessToken(input:{name:\"ci\", scopes:[\"OR.Jobs\"]}) { token } }"}`)), &created); err != nil {
		t.Fatal(err)
	}
	secret := created.Data.CreatePersonalAccessToken.Token
	if secret == "" {
		t.Fatal("no token created")
	}
	introspect(introspectionSecret, secret)
	introspect("wrong-"+introspectionSecret, secret)
	introspect(introspectionSecret, secret+"x")
	post(forged, `{"query":"{ viewer { id } }"}`)
	post(admin, `{"query": 42, "variables": {"leak": "`+secret+`"}}`)
	post(admin, `{"query":"mutation($v: String!) { revokeTokenByValue(token: $v) { outcome } }","variables":{"v":"Bearer `+secret+`"}}`)
	post(admin, `{"query":"mutation($v: String!) { revokeTokenByValue(token: $v) { outcome } }","variables":{"v":"`+secret+`zz"}}`)

	if err := stop(); err != nil {
		t.Fatalf("run returned %v, want a clean exit", err)
	}
	logs := out.String()
	for name, value := range map[string]string{
		"token": secret, "session token": admin, "forged session token": forged,
		"JWT secret": jwtSecret, "introspection secret": introspectionSecret,
		"token body": secret[5:30],
	} {
		if strings.Contains(logs, value) {
			t.Errorf("the log contains the %s", name)
		}
	}
	if !strings.Contains(logs, "session token rejected") {
		t.Errorf("the log lacks the rejected session token line, so the test did not exercise it:\n%s", logs)
	}
}

// TestDevSessionsOnlyInDevelopment: the real server mints console sessions
// without a JWT secret, and has no such endpoint with one.
func TestDevSessionsOnlyInDevelopment(t *testing.T) {
	for _, tc := range []struct {
		name   string
		env    map[string]string
		status int
	}{
		{"development", map[string]string{}, http.StatusOK},
		{"production", map[string]string{"PATS_JWT_SECRET": strings.Repeat("k", 32)}, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.env["PATS_DATABASE_URL"] = "sqlite:" + filepath.Join(t.TempDir(), "pats.db")
			_, stop, out := startServer(t, tc.env)
			base := waitServing(t, out)
			resp, err := http.Post(base+"/admin/api/dev-session", "application/json", strings.NewReader(`{"role":"admin"}`))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Errorf("POST /admin/api/dev-session: got HTTP %d %s, want %d", resp.StatusCode, body, tc.status)
			}
			if tc.status != http.StatusOK && strings.Contains(string(body), "token") {
				t.Errorf("production answer mentions a token: %s", body)
			}
			if err := stop(); err != nil {
				t.Fatalf("stop: %v", err)
			}
		})
	}
}

// TestPlaygroundOnlyWhereEnabled: the real server serves GraphiQL in
// development mode and, in production, only with PATS_PLAYGROUND=true;
// where it is served, with its Content-Security-Policy.
func TestPlaygroundOnlyWhereEnabled(t *testing.T) {
	production := strings.Repeat("k", 32)
	for _, tc := range []struct {
		name   string
		env    map[string]string
		status int
	}{
		{"development", map[string]string{}, http.StatusOK},
		{"development, PATS_PLAYGROUND=false", map[string]string{"PATS_PLAYGROUND": "false"}, http.StatusNotFound},
		{"production", map[string]string{"PATS_JWT_SECRET": production}, http.StatusNotFound},
		{"production, PATS_PLAYGROUND=true", map[string]string{"PATS_JWT_SECRET": production, "PATS_PLAYGROUND": "true"}, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.env["PATS_DATABASE_URL"] = "sqlite:" + filepath.Join(t.TempDir(), "pats.db")
			base, stop, out := startServer(t, tc.env)
			// The development banner points at the playground only if it is
			// served.
			if _, dev := tc.env["PATS_JWT_SECRET"]; !dev {
				if listed := strings.Contains(out.String(), "Playground: http"); listed != (tc.status == http.StatusOK) {
					t.Errorf("banner lists the playground: %v, want %v:\n%s", listed, tc.status == http.StatusOK, out.String())
				}
			}
			for _, target := range []string{"/", "/playground/vendor/graphiql.min.js"} {
				resp, err := http.Get(base + target)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tc.status {
					t.Errorf("GET %s: got HTTP %d, want %d", target, resp.StatusCode, tc.status)
				}
				served := strings.Contains(string(body), "GraphiQL")
				if served != (tc.status == http.StatusOK) {
					t.Errorf("GET %s: GraphiQL served %v, want %v", target, served, tc.status == http.StatusOK)
				}
				// The exact policy is pinned by httpapi's tests.
				if csp := resp.Header.Get("Content-Security-Policy"); served && !strings.HasPrefix(csp, "default-src 'none'; script-src 'self';") {
					t.Errorf("GET %s: Content-Security-Policy: got %q, want the playground's", target, csp)
				}
				if xfo := resp.Header.Get("X-Frame-Options"); served && xfo != "DENY" {
					t.Errorf("GET %s: X-Frame-Options: got %q, want DENY", target, xfo)
				}
			}
			if err := stop(); err != nil {
				t.Fatalf("stop: %v", err)
			}
		})
	}
}
