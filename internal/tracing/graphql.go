package tracing

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// maxOperationName bounds the operation name a span records.
const maxOperationName = 100

// errorCodesKey lists the extensions.code of an operation's errors.
const errorCodesKey = attribute.Key("graphql.error.codes")

// GraphQL returns the gqlgen extension that wraps every operation in a
// span, child of the request's: named "mutation RevokeToken" (type and
// name), or "GraphQL operation" when the document did not parse. It
// records the operation's type and name as parsed from the document,
// never the document, its literal values or the variables, and for
// errors only their extensions.code, never their messages (which can
// quote a literal value). Register it first, so it is the outermost
// extension. Off, it returns nil.
func (p *Provider) GraphQL() graphql.HandlerExtension {
	if p == nil {
		return nil
	}
	return operationTracer{tracer: p.tracer}
}

type operationTracer struct{ tracer trace.Tracer }

var (
	_ graphql.HandlerExtension    = operationTracer{}
	_ graphql.ResponseInterceptor = operationTracer{}
)

func (operationTracer) ExtensionName() string { return "Tracing" }

func (operationTracer) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptResponse runs around the execution of the operation, and
// around the answer to a document refused before it (parse, validation,
// limits), so both are spans.
func (o operationTracer) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	name, attrs := "GraphQL operation", []attribute.KeyValue(nil)
	if graphql.HasOperationContext(ctx) {
		if op := graphql.GetOperationContext(ctx).Operation; op != nil {
			kind := string(op.Operation)
			attrs = append(attrs, semconv.GraphQLOperationTypeKey.String(kind))
			name = kind
			if op.Name != "" {
				// A GraphQL Name ([_A-Za-z][_0-9A-Za-z]*) from the parsed
				// document, not the request's operationName string.
				opName := op.Name
				if len(opName) > maxOperationName {
					opName = opName[:maxOperationName]
				}
				attrs = append(attrs, semconv.GraphQLOperationName(opName))
				name += " " + opName
			}
		}
	}
	ctx, span := o.tracer.Start(ctx, name, trace.WithAttributes(attrs...))
	defer span.End()
	resp := next(ctx)
	if resp != nil && len(resp.Errors) > 0 && span.IsRecording() {
		var found []string
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			if code == "" {
				code = "UNKNOWN"
			}
			if !slices.Contains(found, code) {
				found = append(found, code)
			}
		}
		span.SetAttributes(errorCodesKey.StringSlice(found), semconv.ErrorTypeKey.String(found[0]))
		span.SetStatus(codes.Error, found[0])
	}
	return resp
}
