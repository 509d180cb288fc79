package faults

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// The operations the tests send.
const (
	revokeTokensOp  = `mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount tokens { id status revokedAt } } }`
	revokeByValueOp = `mutation($v: String!) { revokeTokenByValue(token: $v) { outcome token { id status } } }`
	readOp          = `{ viewer { id } personalAccessTokens(first: 5, filter: {status: [ACTIVE, REVOKED]}) { nodes { id status owner { id name } } } }`
)

// httpClient bounds every call, so a hung server fails the test instead
// of hanging it.
var httpClient = &http.Client{Timeout: 40 * time.Second}

// outcome is one HTTP exchange with the service.
type outcome struct {
	start   time.Time
	elapsed time.Duration
	status  int
	raw     string
	data    opData
	errors  []testenv.Error
	// err is a transport or decoding failure.
	err error
}

// opData is the data of the operations whose payload the tests check;
// the root field of any other operation is left out.
type opData struct {
	RevokeTokens       *testenv.RevokePayload
	RevokeTokenByValue *testenv.RevokeByValuePayload
}

// post sends a GraphQL operation; safe to call from any goroutine.
func post(env *testenv.Env, bearer, query string, vars map[string]any) (o outcome) {
	o.start = time.Now()
	defer func() { o.elapsed = time.Since(o.start) }()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		o.err = err
		return o
	}
	req, err := http.NewRequest(http.MethodPost, env.URL+"/query", bytes.NewReader(body))
	if err != nil {
		o.err = err
		return o
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+bearer)
	resp, err := httpClient.Do(req)
	if err != nil {
		o.err = err
		return o
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	o.status, o.raw = resp.StatusCode, string(raw)
	if err != nil {
		o.err = err
		return o
	}
	var decoded struct {
		Data   opData          `json:"data"`
		Errors []testenv.Error `json:"errors"`
	}
	if err := json.Unmarshal(raw, &decoded); err != nil {
		o.err = fmt.Errorf("decode response (HTTP %d): %w", resp.StatusCode, err)
		return o
	}
	o.data, o.errors = decoded.Data, decoded.Errors
	return o
}

func (o outcome) ok() bool { return o.err == nil && o.status == http.StatusOK && len(o.errors) == 0 }

// leaks are fragments of SQL, driver and network errors that must never
// reach a client.
var leaks = []string{
	"SELECT", "UPDATE", "INSERT", "sql", "mysql", "MySQL", "driver", "invalid connection", "bad connection",
	"refused", "reset by peer", "broken pipe", "i/o timeout", "deadline", "context canceled", "EOF",
	"127.0.0.1", "personal_access_tokens", "organizations",
}

// cleanFailure reports why o is not a clean failure: every error is
// "internal error" with code INTERNAL and nothing else but the request ID,
// the HTTP status is 200 (an error inside GraphQL execution) or 503 (the
// caller could not be looked up, see httpapi.rejecter), and no SQL, driver
// or network text appears anywhere in the body. "" means clean.
func cleanFailure(o outcome) string {
	switch {
	case o.err != nil:
		return fmt.Sprintf("no response: %v", o.err)
	case len(o.errors) == 0:
		return fmt.Sprintf("HTTP %d without errors: %s", o.status, o.raw)
	case o.status != http.StatusOK && o.status != http.StatusServiceUnavailable:
		return fmt.Sprintf("HTTP %d, want 200 or 503: %s", o.status, o.raw)
	}
	for _, e := range o.errors {
		if e.Message != "internal error" || e.Extensions["code"] != "INTERNAL" {
			return fmt.Sprintf("error %q (code %v), want \"internal error\" with code INTERNAL: %s", e.Message, e.Extensions["code"], o.raw)
		}
		for k := range e.Extensions {
			if k != "code" && k != "requestId" {
				return fmt.Sprintf("unexpected extension %q: %s", k, o.raw)
			}
		}
	}
	if w := leaked(o.raw); w != "" {
		return fmt.Sprintf("body leaks %q: %s", w, o.raw)
	}
	return ""
}

// leaked returns the first of leaks that body contains, or "".
func leaked(body string) string {
	for _, w := range leaks {
		if strings.Contains(body, w) {
			return w
		}
	}
	return ""
}

// probe GETs path and returns the status (0 on a transport error).
func probe(env *testenv.Env, path string) int {
	resp, err := httpClient.Get(env.URL + path)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// awaitProbe polls path until its status satisfies want, and returns how
// long that took; it fails the test after within.
func awaitProbe(t *testing.T, env *testenv.Env, path string, within time.Duration, what string, want func(int) bool) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		status := probe(env, path)
		if want(status) {
			return time.Since(start)
		}
		if time.Since(start) > within {
			t.Fatalf("%s: %s still answers %d after %v", what, path, status, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// introspect posts a token to /introspect; safe from any goroutine.
func introspect(env *testenv.Env, secret string) (status int, body string, elapsed time.Duration, err error) {
	start := time.Now()
	req, err := http.NewRequest(http.MethodPost, env.URL+"/introspect", strings.NewReader(url.Values{"token": {secret}}.Encode()))
	if err != nil {
		return 0, "", 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+testenv.IntrospectionSecret)
	resp, err := httpClient.Do(req)
	if err != nil {
		return 0, "", time.Since(start), err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw), time.Since(start), err
}

const inactive = `{"active":false}` + "\n"
