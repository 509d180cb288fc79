package httpapi

import (
	"net/http"
	"testing"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestNegotiate: the response media type chosen for Accept header fields
// (RFC 9110 content negotiation; GraphQL over HTTP, "Body").
func TestNegotiate(t *testing.T) {
	const none = ""
	cases := []struct {
		name   string
		accept []string
		want   string
	}{
		{"no Accept", nil, mediaJSON},
		{"empty Accept", []string{""}, mediaJSON},
		{"json", []string{"application/json"}, mediaJSON},
		{"graphql-response", []string{"application/graphql-response+json"}, mediaGraphQLResponse},
		{"the specification's advice", []string{"application/graphql-response+json, application/json;q=0.9"}, mediaGraphQLResponse},
		{"json preferred by q", []string{"application/graphql-response+json;q=0.5, application/json"}, mediaJSON},
		{"equal q: the first listed", []string{"application/json, application/graphql-response+json"}, mediaJSON},
		{"equal q: the first listed (2)", []string{"application/graphql-response+json, application/json"}, mediaGraphQLResponse},
		{"*/*", []string{"*/*"}, mediaJSON},
		{"application/*", []string{"application/*"}, mediaJSON},
		{"named beats wildcard at equal q", []string{"*/*, application/graphql-response+json"}, mediaGraphQLResponse},
		{"browser default", []string{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}, mediaJSON},
		{"specific q=0 excludes despite */*", []string{"application/json;q=0, */*"}, mediaGraphQLResponse},
		{"both excluded", []string{"application/json;q=0, application/graphql-response+json;q=0, */*"}, none},
		{"wildcard q=0", []string{"*/*;q=0"}, none},
		{"charset utf-8", []string{"application/graphql-response+json; charset=utf-8"}, mediaGraphQLResponse},
		{"charset UTF-8 upper case", []string{"application/json; charset=UTF-8"}, mediaJSON},
		{"other charset only", []string{"application/json; charset=iso-8859-1"}, none},
		{"case-insensitive type", []string{"Application/GraphQL-Response+JSON"}, mediaGraphQLResponse},
		{"several header fields", []string{"text/html", "application/graphql-response+json"}, mediaGraphQLResponse},
		{"unsupported types only", []string{"text/html, application/xml"}, none},
		{"garbage", []string{";;;,,="}, none},
		{"malformed q ignored", []string{"application/json;q=2, application/graphql-response+json"}, mediaGraphQLResponse},
		{"text/*", []string{"text/*"}, none},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := negotiate(tc.accept)
			if got != tc.want || ok != (tc.want != none) {
				t.Errorf("negotiate(%q): got %q %v, want %q", tc.accept, got, ok, tc.want)
			}
		})
	}
}

// TestGraphQLStatus: the status of a GraphQL response by media type, by
// whether the operation ran (a data entry), and by the first error's code.
func TestGraphQLStatus(t *testing.T) {
	errs := func(code string) gqlerror.List {
		return gqlerror.List{{Message: "x", Extensions: map[string]any{"code": code}}}
	}
	cases := []struct {
		name string
		mt   string
		ran  bool
		errs gqlerror.List
		want int
	}{
		{"json: ran", mediaJSON, true, nil, http.StatusOK},
		{"json: field error", mediaJSON, true, errs("NOT_FOUND"), http.StatusOK},
		{"json: parse error", mediaJSON, false, errs("GRAPHQL_PARSE_FAILED"), http.StatusOK},
		{"json: introspection off", mediaJSON, false, errs("FORBIDDEN"), http.StatusOK},
		{"graphql-response: ran", mediaGraphQLResponse, true, nil, http.StatusOK},
		{"graphql-response: partial", mediaGraphQLResponse, true, errs("NOT_FOUND"), statusPartialSuccess},
		{"graphql-response: parse error", mediaGraphQLResponse, false, errs("GRAPHQL_PARSE_FAILED"), http.StatusBadRequest},
		{"graphql-response: validation", mediaGraphQLResponse, false, errs("GRAPHQL_VALIDATION_FAILED"), http.StatusBadRequest},
		{"graphql-response: variables", mediaGraphQLResponse, false, errs("BAD_USER_INPUT"), http.StatusBadRequest},
		{"graphql-response: complexity", mediaGraphQLResponse, false, errs("COMPLEXITY_LIMIT_EXCEEDED"), http.StatusBadRequest},
		{"graphql-response: persisted query", mediaGraphQLResponse, false, errs("PERSISTED_QUERY_NOT_FOUND"), http.StatusBadRequest},
		{"graphql-response: introspection off", mediaGraphQLResponse, false, errs("FORBIDDEN"), http.StatusForbidden},
		{"graphql-response: unauthenticated", mediaGraphQLResponse, false, errs("UNAUTHENTICATED"), http.StatusUnauthorized},
		{"graphql-response: rate limited", mediaGraphQLResponse, false, errs("RATE_LIMITED"), http.StatusTooManyRequests},
		{"graphql-response: internal", mediaGraphQLResponse, false, errs("INTERNAL"), http.StatusInternalServerError},
		{"graphql-response: no code", mediaGraphQLResponse, false, gqlerror.List{{Message: "x"}}, http.StatusBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := graphQLStatus(tc.mt, tc.ran, tc.errs); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
}

// FuzzNegotiate: any Accept value gives one of the two media types, or
// none (406), without a panic; adding */* to an Accept that had a choice
// never takes it away.
func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "*/*", "application/json;q=0.9, application/graphql-response+json", "text/html;q=0",
		"application/*;q=0.5;charset=utf-8", `a/b;x="1,2", c`, ";;,", "application/json;q=1.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, accept string) {
		got, ok := negotiate([]string{accept})
		if ok != (got != "") || (ok && got != mediaJSON && got != mediaGraphQLResponse) {
			t.Fatalf("negotiate(%q): got %q %v", accept, got, ok)
		}
		if ok && accept != "" {
			if again, ok2 := negotiate([]string{accept, "*/*;q=0.001"}); !ok2 || again != got {
				t.Fatalf("negotiate(%q, */*;q=0.001): got %q %v, want %q", accept, again, ok2, got)
			}
		}
	})
}
