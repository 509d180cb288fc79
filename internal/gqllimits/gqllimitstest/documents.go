// Package gqllimitstest builds the GraphQL documents that the document
// limits exist for, for the tests and benchmarks of gqllimits and of the
// HTTP handler: one generator each, so both test the same documents.
package gqllimitstest

import (
	"fmt"
	"strings"
)

// Doubling is the security review's document (issue 15, F1): F0 selects
// one field, each Fn spreads F(n-1) twice, and the operation spreads Fn
// once, so it expands to 2^n copies of F0 from a text linear in n.
// inSchema nests it under __schema, which gqlgen's complexity walk skips.
func Doubling(n int, inSchema bool) string {
	var b strings.Builder
	on, leaf := "Query", "viewer { id }"
	if inSchema {
		on, leaf = "__Schema", "queryType { name }"
		fmt.Fprintf(&b, "query Q { __schema { ...F%d } }\n", n)
	} else {
		fmt.Fprintf(&b, "query Q { ...F%d }\n", n)
	}
	fmt.Fprintf(&b, "fragment F0 on %s { %s }\n", on, leaf)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "fragment F%d on %s { ...F%d ...F%d }\n", i, on, i-1, i-1)
	}
	return b.String()
}

// Chain nests n fragments under __schema, each spreading the one before
// once: an expansion of about 2n selections, but validation work that
// grows with n² in gqlparser.
func Chain(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "query Q { __schema { ...F%d } }\nfragment F0 on __Schema { queryType { name } }\n", n)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "fragment F%d on __Schema { ...F%d }\n", i, i-1)
	}
	return b.String()
}

// IntrospectionQuery is the query graphql-js's getIntrospectionQuery()
// builds by default (v16), which GraphiQL, graphql-codegen and most other
// tools send to read a schema.
const IntrospectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}`
