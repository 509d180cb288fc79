package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

// TestRevokeByValueIsRateLimited: each admin may revoke by value so many
// times a minute; then RATE_LIMITED with retryAfter and a Retry-After
// header, while another admin is not affected.
func TestRevokeByValueIsRateLimited(t *testing.T) {
	env := testenv.NewWith(t, "sqlite", testenv.Options{RevokeByValuePerMinute: 3})
	org := testenv.UniqueOrg("ratelimit")
	admin, other := env.Admin(t, org, "a1"), env.Admin(t, org, "a2")
	const q = `mutation($v: String!) { revokeTokenByValue(token: $v) { outcome } }`
	for i := range 3 {
		if r := admin.Do(q, map[string]any{"v": "opat_nope"}); r.Code() != "NOT_FOUND" {
			t.Fatalf("call %d: got %s, want NOT_FOUND", i+1, r.Raw)
		}
	}
	body, _ := json.Marshal(map[string]any{"query": q, "variables": map[string]any{"v": "opat_nope"}})
	req, _ := http.NewRequest(http.MethodPost, env.URL+"/query", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+admin.Bearer)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out testenv.Response
	_ = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if out.Code() != "RATE_LIMITED" {
		t.Fatalf("4th call: got %+v, want RATE_LIMITED", out.Errors)
	}
	secs, _ := out.Errors[0].Extensions["retryAfter"].(float64)
	header, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	if secs < 1 || secs > 20 || header != int(secs) {
		t.Fatalf("retry after: got extension %v and header %q, want the same 1..20 s", secs, resp.Header.Get("Retry-After"))
	}
	if r := other.Do(q, map[string]any{"v": "opat_nope"}); r.Code() != "NOT_FOUND" {
		t.Fatalf("another admin: got %s, want NOT_FOUND (limits are per admin)", r.Raw)
	}
}

// TestIntrospectionIsRateLimited: past the per-credential rate, HTTP 429
// with Retry-After.
func TestIntrospectionIsRateLimited(t *testing.T) {
	env := testenv.NewWith(t, "sqlite", testenv.Options{IntrospectionPerSecond: 5})
	limited := 0
	for range 20 {
		req, _ := http.NewRequest(http.MethodPost, env.URL+"/introspect", strings.NewReader(url.Values{"token": {"x"}}.Encode()))
		req.Header.Set("Authorization", "Bearer "+testenv.IntrospectionSecret)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusOK:
		case http.StatusTooManyRequests:
			limited++
			if resp.Header.Get("Retry-After") != "1" {
				t.Errorf("429 Retry-After: got %q, want 1", resp.Header.Get("Retry-After"))
			}
		default:
			t.Fatalf("introspect: got HTTP %d", resp.StatusCode)
		}
	}
	if limited < 10 {
		t.Fatalf("got %d of 20 rapid introspections limited, want at least 10 (5 a second)", limited)
	}
}
