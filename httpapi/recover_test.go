package httpapi

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/patgov/pats/requestid"
)

// TestPanicsBecomeInternalErrors: a panicking handler answers HTTP 500
// with code INTERNAL and the request ID, logs the panic with that ID, and
// the handler keeps serving.
func TestPanicsBecomeInternalErrors(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(requestid.LogHandler{Handler: slog.NewJSONHandler(&logs, nil)})
	calls := 0
	h := requestid.Middleware(recoverPanics(log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 1 {
			panic("boom: secret-looking detail")
		}
		w.WriteHeader(http.StatusNoContent)
	})))

	req := httptest.NewRequest(http.MethodPost, "/query", nil)
	req.Header.Set(requestid.Header, "req-123")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status: got %d, want 500", rec.Code)
	}
	var body graphQLErrorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body: %v: %s", err, rec.Body)
	}
	ext := body.Errors[0].Extensions
	if body.Errors[0].Message != "internal error" || ext["code"] != "INTERNAL" || ext["requestId"] != "req-123" {
		t.Fatalf("error: got %+v, want internal error with code INTERNAL and requestId req-123", body.Errors[0])
	}
	if strings.Contains(rec.Body.String(), "boom") {
		t.Fatalf("the panic's text reached the client: %s", rec.Body)
	}
	if !strings.Contains(logs.String(), `"request_id":"req-123"`) || !strings.Contains(logs.String(), "panic in handler") {
		t.Fatalf("log: got %s, want the panic with request_id", logs.String())
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/query", nil))
	if rec.Code != http.StatusNoContent {
		t.Fatalf("after a panic: got %d, want the handler still serving", rec.Code)
	}
}

// TestRequestIDs: a safe client ID is kept, anything else replaced by a
// generated one; the ID is echoed in the response header.
func TestRequestIDs(t *testing.T) {
	var seen string
	h := requestid.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = requestid.FromContext(r.Context())
	}))
	for _, tc := range []struct {
		name, in string
		keep     bool
	}{
		{"safe", "abc-DEF_1.2", true},
		{"empty", "", false},
		{"too long", strings.Repeat("a", 65), false},
		{"log injection", "a\nlevel=ERROR msg=forged", false},
		{"spaces", "a b", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			if tc.in != "" {
				req.Header.Set(requestid.Header, tc.in)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if got := seen == tc.in; got != tc.keep {
				t.Errorf("ID: got %q for %q, want kept=%v", seen, tc.in, tc.keep)
			}
			if seen == "" || rec.Header().Get(requestid.Header) != seen {
				t.Errorf("response header: got %q, want %q", rec.Header().Get(requestid.Header), seen)
			}
		})
	}
}
