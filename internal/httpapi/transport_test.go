package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestIntrospectionOffStatus: with introspection switched off, a
// __schema query is FORBIDDEN before it runs: HTTP 200 with "data": null
// under application/json, HTTP 403 without a data entry under
// application/graphql-response+json.
func TestIntrospectionOffStatus(t *testing.T) {
	h := documentHandler(Limits{DisableIntrospection: true}, nil)
	for _, tc := range []struct {
		accept, contentType string
		status              int
		data                bool
	}{
		{"", "application/json; charset=utf-8", http.StatusOK, true},
		{"application/graphql-response+json", "application/graphql-response+json; charset=utf-8", http.StatusForbidden, false},
	} {
		req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader([]byte(`{"query":"{ __schema { queryType { name } } }"}`)))
		req.Header.Set("Content-Type", "application/json")
		if tc.accept != "" {
			req.Header.Set("Accept", tc.accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var body map[string]json.RawMessage
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("Accept %q: %v: %s", tc.accept, err, rec.Body)
		}
		_, hasData := body["data"]
		if rec.Code != tc.status || rec.Header().Get("Content-Type") != tc.contentType || hasData != tc.data ||
			!bytes.Contains(body["errors"], []byte(`"FORBIDDEN"`)) {
			t.Errorf("Accept %q: got %d %q data %v %s, want %d %q data %v FORBIDDEN",
				tc.accept, rec.Code, rec.Header().Get("Content-Type"), hasData, rec.Body, tc.status, tc.contentType, tc.data)
		}
	}
}
