package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/httpapi"
	"github.com/patgov/pats/internal/testenv"
)

// TestDocumentLimits: documents over the depth, alias, complexity and
// token limits are refused before any resolver runs, with a GraphQL code;
// documents just within them are served.
func TestDocumentLimits(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		admin := env.Admin(t, testenv.UniqueOrg("limits"), "admin")
		aliased := func(n int) string {
			var b strings.Builder
			b.WriteString("{")
			for i := range n {
				fmt.Fprintf(&b, " a%d: viewer { id }", i)
			}
			b.WriteString(" }")
			return b.String()
		}
		// Aliases.
		for _, c := range []struct {
			n    int
			code string
		}{{20, ""}, {21, "GRAPHQL_VALIDATION_FAILED"}} {
			r := admin.Do(aliased(c.n), nil)
			if r.Code() != c.code {
				t.Errorf("%d aliases: got code %q (%s), want %q", c.n, r.Code(), r.Raw, c.code)
			}
		}
		// Complexity: 16 aliased full pages of 100 cost about 16 x 100 x 22.
		var heavy strings.Builder
		heavy.WriteString("{")
		for i := range 16 {
			fmt.Fprintf(&heavy, ` p%d: personalAccessTokens(first: 100) { nodes { id name scopes createdAt expiresAt lastUsedAt status revokedAt hint owner { id name email accountType } revokedBy { id name email accountType } } }`, i)
		}
		heavy.WriteString(" }")
		if r := admin.Do(heavy.String(), nil); r.Code() != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Errorf("16 full pages of 100: got code %q (%s), want COMPLEXITY_LIMIT_EXCEEDED", r.Code(), r.Raw)
		}
		if r := admin.Do(`{ personalAccessTokens(first: 100) { totalCount edges { cursor node { id name scopes createdAt expiresAt lastUsedAt status revokedAt hint owner { id name email accountType } revokedBy { id name email accountType } } } } }`, nil); len(r.Errors) > 0 {
			t.Errorf("one full page of 100: got %s, want it served", r.Raw)
		}
		// The audit trail's pages cost the same way.
		var audits strings.Builder
		audits.WriteString("{")
		for i := range 16 {
			fmt.Fprintf(&audits, ` a%d: auditEvents(first: 100) { nodes { id action occurredAt requestId clientIp userAgent revocationSource actor { id name email accountType } token { id name scopes expiresAt hint owner { id name email } } settingsChange { enabled maxLifespanDays } } }`, i)
		}
		audits.WriteString(" }")
		if r := admin.Do(audits.String(), nil); r.Code() != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Errorf("16 audit pages of 100: got code %q (%.300s), want COMPLEXITY_LIMIT_EXCEEDED", r.Code(), r.Raw)
		}
		if r := admin.Do(`{ auditEvents(first: 100) { nodes { id action occurredAt actor { id name } token { id name owner { id } } } } }`, nil); len(r.Errors) > 0 {
			t.Errorf("one audit page of 100: got %s, want it served", r.Raw)
		}
		// Parser tokens: a document of 6,000 tokens.
		big := "{ " + strings.Repeat("viewer { id } ", 1500) + "}"
		if r := admin.Do(big, nil); r.Code() != "GRAPHQL_PARSE_FAILED" {
			t.Errorf("6,000-token document: got code %q, want GRAPHQL_PARSE_FAILED", r.Code())
		}
	})
}

// TestDepthLimit uses a low configured limit, since the schema's own
// depth is small: a document within it is served, one past it refused.
func TestDepthLimit(t *testing.T) {
	env := testenv.NewWith(t, "sqlite", testenv.Options{Limits: httpapi.Limits{MaxDepth: 4}})
	admin := env.Admin(t, testenv.UniqueOrg("depth"), "admin")
	// personalAccessTokens(1) > nodes(2) > owner(3) > id(4)
	if r := admin.Do(`{ personalAccessTokens { nodes { owner { id } } } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("depth 4: got %s, want served", r.Raw)
	}
	// ... > edges(2) > node(3) > owner(4) > id(5), also through a fragment.
	for _, q := range []string{
		`{ personalAccessTokens { edges { node { owner { id } } } } }`,
		`{ personalAccessTokens { edges { ...N } } } fragment N on PersonalAccessTokenEdge { node { owner { id } } }`,
		`{ personalAccessTokens { edges { ... on PersonalAccessTokenEdge { node { owner { id } } } } } }`,
	} {
		if r := admin.Do(q, nil); r.Code() != "GRAPHQL_VALIDATION_FAILED" || !strings.Contains(r.Raw, "deeper than 4") {
			t.Errorf("depth 5 %q: got %s, want GRAPHQL_VALIDATION_FAILED", q, r.Raw)
		}
	}
}

// TestIntrospectionDepth: with the default limits, the standard
// introspection query (seven chained ofType) is served, while a document
// that fans out through introspection (fields of the types of fields ...)
// past the depth limit is refused like any other.
func TestIntrospectionDepth(t *testing.T) {
	env := testenv.New(t, "sqlite")
	admin := env.Admin(t, testenv.UniqueOrg("intro-depth"), "admin")
	typeRef := "kind name" + strings.Repeat(" ofType { kind name", 7) + strings.Repeat(" }", 7)
	standard := `{ __schema { types { fields(includeDeprecated: true) { args { type { ` + typeRef + ` } } type { ` + typeRef + ` } } } } }`
	if r := admin.Do(standard, nil); len(r.Errors) > 0 {
		t.Fatalf("standard introspection: got %.300s, want served", r.Raw)
	}
	fanOut := `{ __schema { types {` + strings.Repeat(" fields { type {", 6) + " name" + strings.Repeat(" } }", 6) + ` } } }`
	if r := admin.Do(fanOut, nil); r.Code() != "GRAPHQL_VALIDATION_FAILED" || !strings.Contains(r.Raw, "deeper than 12") {
		t.Errorf("introspection fanning out 15 levels: got %.300s, want GRAPHQL_VALIDATION_FAILED", r.Raw)
	}
}

// TestIntrospectionSwitch: schema introspection is served by default and
// refused when configured off, and then validation errors make no
// suggestions (they would reveal field names).
func TestIntrospectionSwitch(t *testing.T) {
	on := testenv.New(t, "sqlite")
	admin := on.Admin(t, testenv.UniqueOrg("intro"), "admin")
	if r := admin.Do(`{ __schema { queryType { name } } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("introspection on: got %s, want served", r.Raw)
	}
	if r := admin.Do(`{ viewr { id } }`, nil); !strings.Contains(r.Raw, "Did you mean") {
		t.Errorf("suggestions with introspection on: got %s, want a suggestion", r.Raw)
	}
	off := testenv.NewWith(t, "sqlite", testenv.Options{Limits: httpapi.Limits{DisableIntrospection: true}})
	admin = off.Admin(t, testenv.UniqueOrg("intro"), "admin")
	for _, q := range []string{
		`{ __schema { queryType { name } } }`,
		`{ __type(name: "Query") { name } }`,
		`{ viewer { id } ...F } fragment F on Query { ... on Query { __schema { queryType { name } } } }`,
	} {
		if r := admin.Do(q, nil); r.Code() != "FORBIDDEN" || !strings.Contains(r.Raw, "schema introspection is disabled") {
			t.Errorf("introspection off, %s: got %s, want FORBIDDEN", q, r.Raw)
		}
	}
	if r := admin.Do(`{ __typename viewer { id } }`, nil); len(r.Errors) > 0 {
		t.Errorf("introspection off, __typename: got %s, want served", r.Raw)
	}
	if r := admin.Do(`{ viewr { id } }`, nil); strings.Contains(r.Raw, "Did you mean") {
		t.Errorf("suggestions with introspection off: got %s, want none", r.Raw)
	}
}
