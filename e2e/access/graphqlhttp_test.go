package access

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

// The GraphQL-over-HTTP rules of POST /query that the graphql-http audit
// (.ci/graphql-http-audit) checks too, here so that go test guards them
// without Node: content negotiation, the Content-Type of responses, the
// status codes of each media type, and the data entry.

const (
	jsonType            = "application/json; charset=utf-8"
	graphQLResponseType = "application/graphql-response+json; charset=utf-8"
	statusPartial       = 294
)

// gqlHTTP is one answer of /query.
type gqlHTTP struct {
	status      int
	contentType string
	allow       string
	keys        map[string]json.RawMessage
	code        string // errors[0].extensions.code
	raw         string
}

func (g gqlHTTP) hasData() bool { _, ok := g.keys["data"]; return ok }

func sendGraphQL(t *testing.T, env *testenv.Env, method string, h http.Header, body string) gqlHTTP {
	t.Helper()
	status, header, raw := doHTTP(t, method, env.URL+"/query", h, strings.NewReader(body))
	g := gqlHTTP{status: status, contentType: header.Get("Content-Type"), allow: header.Get("Allow"), raw: raw}
	if method == http.MethodHead {
		return g
	}
	if err := json.Unmarshal([]byte(raw), &g.keys); err != nil {
		t.Fatalf("body: %v: %.300s", err, raw)
	}
	var errs []struct {
		Extensions map[string]any `json:"extensions"`
	}
	if e, ok := g.keys["errors"]; ok {
		if err := json.Unmarshal(e, &errs); err != nil {
			t.Fatalf("errors: %v: %s", err, e)
		}
	}
	if len(errs) > 0 {
		g.code, _ = errs[0].Extensions["code"].(string)
	}
	return g
}

// TestGraphQLHTTPNegotiation: the response media type follows Accept,
// q-values and wildcards included; no Accept means application/json;
// an Accept allowing neither type is 406 (in application/json).
func TestGraphQLHTTPNegotiation(t *testing.T) {
	env := testenv.New(t, "sqlite")
	bearer := "Bearer " + env.Member(t, testenv.UniqueOrg("negotiate"), "alice").Bearer
	cases := []struct {
		name, accept string
		status       int
		contentType  string
	}{
		{"no Accept", "", http.StatusOK, jsonType},
		{"application/json", "application/json", http.StatusOK, jsonType},
		{"graphql-response+json", "application/graphql-response+json", http.StatusOK, graphQLResponseType},
		{"the specification's advice", "application/graphql-response+json, application/json;q=0.9", http.StatusOK, graphQLResponseType},
		{"json preferred by q", "application/graphql-response+json;q=0.8, application/json", http.StatusOK, jsonType},
		{"*/*", "*/*", http.StatusOK, jsonType},
		{"application/*", "application/*", http.StatusOK, jsonType},
		{"a browser's default", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", http.StatusOK, jsonType},
		{"json refused, */* allowed", "application/json;q=0, */*", http.StatusOK, graphQLResponseType},
		{"charset utf-8", "application/graphql-response+json; charset=utf-8", http.StatusOK, graphQLResponseType},
		{"html only", "text/html", http.StatusNotAcceptable, jsonType},
		{"both refused", "application/json;q=0, application/graphql-response+json;q=0", http.StatusNotAcceptable, jsonType},
		{"another charset", "application/json; charset=iso-8859-1", http.StatusNotAcceptable, jsonType},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{"Content-Type": {"application/json"}, "Authorization": {bearer}}
			if tc.accept != "" {
				h.Set("Accept", tc.accept)
			}
			g := sendGraphQL(t, env, http.MethodPost, h, `{"query":"{ viewer { id } }"}`)
			if g.status != tc.status || g.contentType != tc.contentType {
				t.Fatalf("got %d %q, want %d %q: %s", g.status, g.contentType, tc.status, tc.contentType, g.raw)
			}
			if tc.status == http.StatusNotAcceptable && g.code != "BAD_REQUEST" {
				t.Errorf("406: got code %q, want BAD_REQUEST: %s", g.code, g.raw)
			}
			if tc.status == http.StatusOK && (!g.hasData() || g.keys["errors"] != nil) {
				t.Errorf("200: got %s, want data and no errors", g.raw)
			}
		})
	}
}

// TestGraphQLHTTPStatusCodes: for each kind of failure, the status, the
// Content-Type and the data entry under each media type. Under
// application/json a well-formed request is 200 whatever its document,
// and every answer has a data entry (null when nothing ran); under
// application/graphql-response+json a request that did not run is 4xx
// without a data entry, and one that ran with errors is 294.
func TestGraphQLHTTPStatusCodes(t *testing.T) {
	env := testenv.New(t, "sqlite")
	bearer := "Bearer " + env.Member(t, testenv.UniqueOrg("status"), "alice").Bearer
	const viewer = `{"query":"{ viewer { id } }"}`
	cases := []struct {
		name         string
		header       http.Header
		body         string
		json, gr     int // the status under application/json, application/graphql-response+json
		code         string
		grHasData    bool
		partialCheck bool
	}{
		{"served", nil, viewer, http.StatusOK, http.StatusOK, "", true, false},
		{"field error", nil, `{"query":"{ personalAccessTokens(first: 1, after: \"forged\") { totalCount } }"}`, http.StatusOK, statusPartial, "BAD_USER_INPUT", true, true},
		{"parse error", nil, `{"query":"{"}`, http.StatusOK, http.StatusBadRequest, "GRAPHQL_PARSE_FAILED", false, false},
		{"validation error", nil, `{"query":"{ nope }"}`, http.StatusOK, http.StatusBadRequest, "GRAPHQL_VALIDATION_FAILED", false, false},
		{"variables not coercible", nil, `{"query":"query($n: Int!) { personalAccessTokens(first: $n) { totalCount } }","variables":{"n":null}}`, http.StatusOK, http.StatusBadRequest, "BAD_USER_INPUT", false, false},
		{"unknown persisted query", nil, `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"` + strings.Repeat("ab", 32) + `"}}}`, http.StatusOK, http.StatusBadRequest, "PERSISTED_QUERY_NOT_FOUND", false, false},
		{"not JSON", nil, `{"query":`, http.StatusBadRequest, http.StatusBadRequest, "BAD_REQUEST", false, false},
		{"no query", nil, `{"variables":{}}`, http.StatusBadRequest, http.StatusBadRequest, "BAD_REQUEST", false, false},
		{"no session", http.Header{"Authorization": {""}}, viewer, http.StatusUnauthorized, http.StatusUnauthorized, "UNAUTHENTICATED", false, false},
		{"no Content-Type", http.Header{"Content-Type": {""}}, viewer, http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType, "BAD_REQUEST", false, false},
		{"text/plain", http.Header{"Content-Type": {"text/plain"}}, viewer, http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType, "BAD_REQUEST", false, false},
		{"JSON in UTF-16", http.Header{"Content-Type": {"application/json; charset=utf-16"}}, viewer, http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType, "BAD_REQUEST", false, false},
		{"over 1 MiB", nil, `{"query":"{ viewer { id } }"}` + strings.Repeat(" ", 1<<20), http.StatusRequestEntityTooLarge, http.StatusRequestEntityTooLarge, "BAD_REQUEST", false, false},
	}
	for _, tc := range cases {
		for _, gr := range []bool{false, true} {
			name := tc.name + " (application/json)"
			if gr {
				name = tc.name + " (graphql-response+json)"
			}
			t.Run(name, func(t *testing.T) {
				h := http.Header{"Content-Type": {"application/json"}, "Authorization": {bearer}}
				for k, v := range tc.header {
					h[k] = v
				}
				wantStatus, wantType := tc.json, jsonType
				if gr {
					h.Set("Accept", "application/graphql-response+json, application/json;q=0.9")
					wantStatus, wantType = tc.gr, graphQLResponseType
				}
				g := sendGraphQL(t, env, http.MethodPost, h, tc.body)
				if g.status != wantStatus || g.contentType != wantType {
					t.Fatalf("got %d %q, want %d %q: %.300s", g.status, g.contentType, wantStatus, wantType, g.raw)
				}
				if tc.code != "" && g.code != tc.code {
					t.Errorf("code: got %q, want %q: %.300s", g.code, tc.code, g.raw)
				}
				if wantData := !gr || tc.grHasData; g.hasData() != wantData {
					t.Errorf("data entry: got %v, want %v: %.300s", g.hasData(), wantData, g.raw)
				}
				if tc.partialCheck && g.keys["errors"] == nil {
					t.Errorf("errors: got none, want the field error: %s", g.raw)
				}
			})
		}
	}
}

// TestGraphQLHTTPMethods: /query serves POST only; every other method is
// 405 with Allow: POST, in the negotiated media type.
func TestGraphQLHTTPMethods(t *testing.T) {
	env := testenv.New(t, "sqlite")
	bearer := "Bearer " + env.Member(t, testenv.UniqueOrg("methods"), "alice").Bearer
	for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
		for _, accept := range []string{"", "application/graphql-response+json"} {
			t.Run(method+" "+accept, func(t *testing.T) {
				h := http.Header{"Authorization": {bearer}}
				wantType := jsonType
				if accept != "" {
					h.Set("Accept", accept)
					wantType = graphQLResponseType
				}
				// A query in the URL, as GraphQL over GET would send it.
				status, header, raw := doHTTP(t, method, env.URL+"/query?query=%7B__typename%7D", h, nil)
				if status != http.StatusMethodNotAllowed || header.Get("Allow") != http.MethodPost || header.Get("Content-Type") != wantType {
					t.Fatalf("got %d Allow %q %q, want 405 Allow POST %q: %s", status, header.Get("Allow"), header.Get("Content-Type"), wantType, raw)
				}
				if method != http.MethodHead && !strings.Contains(raw, `"code":"BAD_REQUEST"`) {
					t.Errorf("body: got %s, want a BAD_REQUEST error", raw)
				}
				if accept != "" && strings.Contains(raw, `"data"`) {
					t.Errorf("body: got %s, want no data entry", raw)
				}
			})
		}
	}
}
