package httpapi

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/patgov/pats/internal/apperr"
)

// gqlgen reports some of the client's mistakes as errors without a code,
// told apart only by their English messages. The service recognizes
// errors by type or code, never by wording, so each such path is taken
// over here and answered with an apperr.

// graphQLRequest is a GraphQL-over-HTTP request body: gqlgen's
// RawParams, and whether the query was given at all (RawParams cannot
// tell a missing or null query from an empty one). The outer Query field,
// being shallower, takes the "query" key; RawParams.Query is filled from
// it.
type graphQLRequest struct {
	graphql.RawParams
	Query *string `json:"query"`
}

// decodeGraphQLParams decodes body as gqlgen would (encoding/json with
// UseNumber into graphql.RawParams). A body refused here is not a
// well-formed GraphQL-over-HTTP request (a query that is not a string,
// variables that are not an object, ...); the decode error is never shown,
// since it can quote the body (token values included).
func decodeGraphQLParams(body []byte) (graphQLRequest, error) {
	var req graphQLRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		return graphQLRequest{}, err
	}
	if req.Query != nil {
		req.RawParams.Query = *req.Query
	}
	return req, nil
}

// hasDocument reports whether the request carries a document: a query
// string, or an automatic persisted query's hash instead of one.
func (r graphQLRequest) hasDocument() bool {
	return r.Query != nil || r.Extensions["persistedQuery"] != nil
}

// persistedQueriesTyped is gqlgen's automatic-persisted-query extension
// with its errors typed: a miss keeps gqlgen's PERSISTED_QUERY_NOT_FOUND
// (the protocol's signal to send the query), and every other error of the
// extension (bad extension data, an unsupported version, a hash that does
// not match the query) is the client's input, BAD_USER_INPUT.
type persistedQueriesTyped struct {
	extension.AutomaticPersistedQuery
}

// MutateOperationParameters runs gqlgen's extension and types its errors.
func (p persistedQueriesTyped) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	err := p.AutomaticPersistedQuery.MutateOperationParameters(ctx, params)
	if err == nil {
		return nil
	}
	if code, _ := err.Extensions["code"].(string); code == persistedQueryNotFound {
		return err
	}
	err.Err = apperr.New(apperr.BadUserInput, "%s", err.Message)
	return err
}

// introspectionGate refuses, when introspection is off, an operation that
// selects __schema or __type at its root (directly or through fragments),
// before it runs, with FORBIDDEN: gqlgen's own refusal is an untyped
// "introspection disabled" from inside execution.
type introspectionGate struct{}

func (introspectionGate) ExtensionName() string                   { return "IntrospectionGate" }
func (introspectionGate) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext runs after validation, on the chosen operation.
func (introspectionGate) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || !selectsIntrospection(oc.Operation.SelectionSet, map[string]bool{}) {
		return nil
	}
	return &gqlerror.Error{
		Message: "schema introspection is disabled",
		Err:     apperr.New(apperr.Forbidden, "schema introspection is disabled"),
		// HTTP 200 under application/json, 403 under
		// application/graphql-response+json (graphQLStatus).
		Extensions: map[string]any{"code": string(apperr.Forbidden)},
	}
}

// selectsIntrospection reports whether a root selection set selects
// __schema or __type, following inline fragments and (once each)
// fragment spreads, which validation has resolved.
func selectsIntrospection(set ast.SelectionSet, seen map[string]bool) bool {
	for _, sel := range set {
		switch x := sel.(type) {
		case *ast.Field:
			if x.Name == "__schema" || x.Name == "__type" {
				return true
			}
		case *ast.InlineFragment:
			if selectsIntrospection(x.SelectionSet, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if x.Definition != nil && !seen[x.Name] {
				seen[x.Name] = true
				if selectsIntrospection(x.Definition.SelectionSet, seen) {
					return true
				}
			}
		}
	}
	return false
}
