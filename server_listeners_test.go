package main

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
)

// metricsAddr finds the metrics listener's address in the server's log.
func metricsAddr(t *testing.T, out *syncBuffer) string {
	t.Helper()
	for _, line := range strings.Split(out.String(), "\n") {
		var entry struct{ Msg, Addr string }
		if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "serving metrics" {
			return "http://" + entry.Addr
		}
	}
	t.Fatalf("no metrics listener in the log:\n%s", out.String())
	return ""
}

// get answers a GET of url: status and body.
func get(t *testing.T, url, bearer string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestProductionMetricsListener: in production the public listener has
// no /metrics, even for an admin; the metrics listener serves them and
// nothing else.
func TestProductionMetricsListener(t *testing.T) {
	const jwtSecret = "metrics-test-jwt-secret-0123456789abcdef"
	base, stop, out := startServer(t, map[string]string{
		"PATS_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "pats.db"),
		"PATS_JWT_SECRET":   jwtSecret,
	})
	defer stop()
	admin := signSession(t, jwtSecret, "root", auth.RoleAdmin)
	if status, _ := get(t, base+"/metrics", admin); status != http.StatusNotFound {
		t.Errorf("GET /metrics on the public listener: got %d, want 404", status)
	}
	metrics := metricsAddr(t, out)
	status, body := get(t, metrics+"/metrics", "")
	if status != http.StatusOK || !strings.Contains(body, "# TYPE") {
		t.Errorf("GET /metrics on the metrics listener: got %d %.200q, want 200 with Prometheus text", status, body)
	}
	for _, path := range []string{"/", "/query", "/healthz", "/admin/"} {
		if status, _ := get(t, metrics+path, ""); status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
			t.Errorf("GET %s on the metrics listener: got %d, want 404", path, status)
		}
	}
}

// TestMaxSessionLengthConfigured: PATS_MAX_SESSION_LENGTH reaches the
// verifier: with 1h, a session token valid for two hours is refused and
// one valid for 30 minutes is accepted.
func TestMaxSessionLengthConfigured(t *testing.T) {
	const jwtSecret = "session-length-jwt-secret-0123456789abcdef"
	base, stop, _ := startServer(t, map[string]string{
		"PATS_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "pats.db"),
		"PATS_JWT_SECRET":   jwtSecret, "PATS_MAX_SESSION_LENGTH": "1h",
	})
	defer stop()
	for lifetime, want := range map[time.Duration]int{2 * time.Hour: http.StatusUnauthorized, 30 * time.Minute: http.StatusOK} {
		now := time.Now()
		token, err := auth.Sign([]byte(jwtSecret), &auth.Claims{
			RegisteredClaims: jwt.RegisteredClaims{Subject: "u1", IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(lifetime))},
			Org:              "org-1", Role: auth.RoleMember, Name: "u1", AccountType: entity.AccountTypeLocal,
		})
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodPost, base+"/query", strings.NewReader(`{"query":"{ viewer { id } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("session valid for %s: got %d, want %d", lifetime, resp.StatusCode, want)
		}
	}
}
