package httpapi

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/origin"
)

// TestPanicsBecomeInternalErrors: a panicking handler answers HTTP 500
// with code INTERNAL and the request ID, logs the panic with that ID, and
// the handler keeps serving.
func TestPanicsBecomeInternalErrors(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(origin.LogHandler{Handler: slog.NewJSONHandler(&logs, nil)})
	calls := 0
	h := origin.AssignRequestID(recoverPanics(log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 1 {
			panic("boom: secret-looking detail")
		}
		w.WriteHeader(http.StatusNoContent)
	})))

	req := httptest.NewRequest(http.MethodPost, "/query", nil)
	req.Header.Set(origin.RequestIDHeader, "req-123")
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
	id := rec.Header().Get(origin.RequestIDHeader)
	if body.Errors[0].Message != "internal error" || ext["code"] != "INTERNAL" || ext["requestId"] != id {
		t.Fatalf("error: got %+v, want internal error with code INTERNAL and requestId %s", body.Errors[0], id)
	}
	if strings.Contains(rec.Body.String(), "boom") {
		t.Fatalf("the panic's text reached the client: %s", rec.Body)
	}
	if !strings.Contains(logs.String(), `"request_id":"`+id+`"`) || !strings.Contains(logs.String(), `"client_request_id":"req-123"`) ||
		!strings.Contains(logs.String(), "panic in handler") {
		t.Fatalf("log: got %s, want the panic with request_id and client_request_id", logs.String())
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/query", nil))
	if rec.Code != http.StatusNoContent {
		t.Fatalf("after a panic: got %d, want the handler still serving", rec.Code)
	}
}

// TestRequestIDs: every request gets an ID of the service's own, echoed
// in the response header, whatever the client sent; a safe client ID is
// kept beside it, anything else dropped.
func TestRequestIDs(t *testing.T) {
	var seen, client string
	h := origin.AssignRequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen, client = origin.RequestID(r.Context()), origin.ClientRequestID(r.Context())
	}))
	ids := map[string]bool{}
	for _, tc := range []struct {
		name, in string
		keep     bool
	}{
		{"safe", "abc-DEF_1.2", true},
		{"64 characters", strings.Repeat("a", 64), true},
		{"a generated-looking ID", "01M8XHNJCE7ZNQH95XT76AWDJ1", true},
		{"empty", "", false},
		{"too long", strings.Repeat("a", 65), false},
		{"log injection", "a\nlevel=ERROR msg=forged", false},
		{"spaces", "a b", false},
		{"markup", "<script>", false},
		{"non-ASCII", "réq", false},
		{"right-to-left override", "a\u202eb", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			if tc.in != "" {
				req.Header.Set(origin.RequestIDHeader, tc.in)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if len(seen) != 26 || seen == tc.in || ids[seen] {
				t.Errorf("ID: got %q for %q, want a new ULID of the service's", seen, tc.in)
			}
			ids[seen] = true
			if rec.Header().Get(origin.RequestIDHeader) != seen {
				t.Errorf("response header: got %q, want %q", rec.Header().Get(origin.RequestIDHeader), seen)
			}
			if want := map[bool]string{true: tc.in, false: ""}[tc.keep]; client != want {
				t.Errorf("client ID: got %q for %q, want %q", client, tc.in, want)
			}
		})
	}
}
