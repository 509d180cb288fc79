package metrics

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// GraphQL returns the gqlgen extension that counts root fields by outcome
// and times requests. Labels are schema field names (documents that fail
// to parse or validate count as "(invalid)"), so clients cannot grow the
// label set.
func (m *Metrics) GraphQL() graphql.HandlerExtension { return graphQLExtension{m} }

type graphQLExtension struct{ m *Metrics }

func (graphQLExtension) ExtensionName() string { return "Metrics" }

func (graphQLExtension) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptResponse records the outcome of each root field once the
// response is complete. The duration runs from the start of the operation
// (stamped by the transport before parsing), so time spent parsing,
// validating and pricing a document, refused or not, is in it.
func (e graphQLExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	start := time.Now()
	if graphql.HasOperationContext(ctx) {
		if oc := graphql.GetOperationContext(ctx); oc != nil && !oc.Stats.OperationStart.IsZero() {
			start = oc.Stats.OperationStart
		}
	}
	resp := next(ctx)
	if e.m == nil || resp == nil {
		return resp
	}
	var fields []*ast.Field
	if graphql.HasOperationContext(ctx) {
		if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil {
			for _, sel := range oc.Operation.SelectionSet {
				if f, ok := sel.(*ast.Field); ok && f.Definition != nil {
					fields = append(fields, f)
				}
			}
		}
	}
	if len(fields) == 0 {
		e.m.operations.WithLabelValues("(invalid)", firstCode(resp, "")).Inc()
		e.m.operationLatency.WithLabelValues("(invalid)").Observe(time.Since(start).Seconds())
		return resp
	}
	for _, f := range fields {
		e.m.operations.WithLabelValues(f.Name, firstCode(resp, f.Alias)).Inc()
	}
	e.m.operationLatency.WithLabelValues(fields[0].Name).Observe(time.Since(start).Seconds())
	return resp
}

// firstCode is the code of the first error under the root field alias
// (any error when alias is ""), or "OK".
func firstCode(resp *graphql.Response, alias string) string {
	for _, err := range resp.Errors {
		if alias != "" && (len(err.Path) == 0 || err.Path[0] != ast.PathName(alias)) {
			continue
		}
		if code, ok := err.Extensions["code"].(string); ok {
			return code
		}
		return "UNKNOWN"
	}
	return "OK"
}
