package httpapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/patgov/pats/internal/origin"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/patgov/pats/graph"
	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/gqllimits"
	"github.com/patgov/pats/internal/metrics"
	"github.com/patgov/pats/internal/pat"
	"github.com/patgov/pats/model"
	"github.com/patgov/pats/resolvers"
)

// Limits bound GraphQL documents; zero fields take the defaults.
type Limits struct {
	// MaxDepth bounds selection nesting (default 12).
	MaxDepth int
	// MaxAliases bounds aliased fields per operation (default 20).
	MaxAliases int
	// MaxSelections bounds an operation's selections once its fragments
	// are expanded, introspection included (default 2,000: the standard
	// introspection query of GraphiQL and codegen tools has about 220).
	MaxSelections int
	// MaxValidationCost bounds the work validating a document would take
	// (gqllimits.ValidationCost; default gqllimits.DefaultMaxValidationCost,
	// a few milliseconds).
	MaxValidationCost int
	// MaxComplexity bounds an operation's cost, where a list field costs
	// its page size times its children (default 30,000: a page of 100
	// tokens with everything selected costs about 4,000).
	MaxComplexity int
	// ParserTokens bounds the lexical tokens of a document (default 5,000).
	ParserTokens int
	// DisableIntrospection turns schema introspection off, and with it
	// the "Did you mean" suggestions of validation errors.
	DisableIntrospection bool
	// LogSlowerThan logs every document, refused or not, whose checks
	// before execution (reading, parsing, validating, pricing) took longer
	// than this (default 50 ms; the log line never holds the text or the
	// variables). Fast refusals are counted by the metrics, not logged, so
	// a client cannot flood the log.
	LogSlowerThan time.Duration
}

// DefaultMaxSelections is the default of Limits.MaxSelections.
const DefaultMaxSelections = 2_000

func (l Limits) withDefaults() Limits {
	l.MaxDepth = or(l.MaxDepth, 12)
	l.MaxAliases = or(l.MaxAliases, 20)
	l.MaxSelections = or(l.MaxSelections, DefaultMaxSelections)
	l.MaxValidationCost = or(l.MaxValidationCost, gqllimits.DefaultMaxValidationCost)
	l.MaxComplexity = or(l.MaxComplexity, 30_000)
	l.ParserTokens = or(l.ParserTokens, 5_000)
	if l.LogSlowerThan <= 0 {
		l.LogSlowerThan = 50 * time.Millisecond
	}
	return l
}

func or(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// newGraphQLHandler builds the production GraphQL handler: POST only
// through graphQLPOST (no GET, websocket or multipart), a parsed-query
// cache, persisted queries kept per organization, the document limits,
// capped error lists, and the allowlist error presenter. The extensions
// given (tracing) come first, outermost.
func newGraphQLHandler(svc *pat.Service, lim Limits, m *metrics.Metrics, log *slog.Logger, first ...graphql.HandlerExtension) http.Handler {
	lim = lim.withDefaults()
	srv := handler.New(graph.NewExecutableSchema(graph.Config{
		Resolvers:  &resolvers.Resolver{Service: svc},
		Complexity: gqllimits.Complexity(),
	}))
	for _, ext := range first {
		srv.Use(ext)
	}
	srv.AddTransport(graphQLPOST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(lim.ParserTokens)
	documentLimits := gqllimits.Limits{MaxDepth: lim.MaxDepth, MaxAliases: lim.MaxAliases, MaxSelections: lim.MaxSelections}
	srv.SetValidationRulesFn(func() *rules.Rules { return gqllimits.Rules(documentLimits) })
	// The complexity walk runs after validation, on an operation whose
	// expansion MaxSelections has already bounded.
	srv.Use(extension.FixedComplexityLimit(lim.MaxComplexity))
	srv.Use(deadlineGuard{})
	if lim.DisableIntrospection {
		srv.SetDisableSuggestion(true)
		srv.Use(introspectionGate{})
	} else {
		srv.Use(extension.Introspection{})
	}
	srv.Use(persistedQueriesTyped{extension.AutomaticPersistedQuery{Cache: newPersistedQueries(100)}})
	// After persisted queries, which fill in the document it reads.
	srv.Use(newDocumentCheck(lim.MaxSelections, lim.MaxValidationCost, lim.ParserTokens))
	if m != nil {
		srv.Use(m.GraphQL())
	}
	srv.Use(documentLog{log: log, slowerThan: lim.LogSlowerThan})
	srv.Use(errorCap{max: MaxErrors})
	srv.SetErrorPresenter(presenter(log))
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		return apperr.New(apperr.Internal, "internal error")
	})
	return srv
}

// presenter maps errors to what clients see. It is an allowlist: domain
// errors (apperr) show their message and code; bad scalar input becomes
// BAD_USER_INPUT; gqlgen's parse and validation errors keep their codes
// (variables that cannot be coerced become BAD_USER_INPUT); anything else
// is logged in full and shown only as "internal error", so SQL, stacks and
// secrets never reach a client.
func presenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := present(ctx, err, log)
		if id := origin.RequestID(ctx); id != "" {
			if gqlErr.Extensions == nil {
				gqlErr.Extensions = map[string]any{}
			}
			gqlErr.Extensions["requestId"] = id
		}
		return gqlErr
	}
}

// present maps one error (see presenter).
func present(ctx context.Context, err error, log *slog.Logger) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	if ae, ok := apperr.As(err); ok {
		gqlErr.Message = ae.Message
		gqlErr.Extensions = map[string]any{"code": string(ae.Code)}
		for k, v := range ae.Extensions {
			gqlErr.Extensions[k] = v
		}
		if secs, ok := ae.Extensions["retryAfter"].(int); ok && ae.Code == apperr.RateLimited {
			setRetryAfter(ctx, secs)
		}
		return gqlErr
	}
	var inputErr model.InputError
	if errors.As(err, &inputErr) {
		gqlErr.Message = inputErr.Error()
		gqlErr.Extensions = map[string]any{"code": string(apperr.BadUserInput)}
		return gqlErr
	}
	code, _ := gqlErr.Extensions["code"].(string)
	switch {
	case gqlErr.Rule == gqllimits.RuleMaxSelections || gqlErr.Rule == gqllimits.RuleValidationCost:
		// An expansion past the bound is a cost, like complexity.
		gqlErr.Extensions["code"] = complexityLimitExceeded
		return gqlErr
	case code == errcode.ValidationFailed && len(gqlErr.Path) > 0 && gqlErr.Path[0] == ast.PathName("variable"):
		gqlErr.Extensions["code"] = string(apperr.BadUserInput)
		return gqlErr
	case code == errcode.ValidationFailed || code == errcode.ParseFailed || code == persistedQueryNotFound || code == complexityLimitExceeded:
		return gqlErr
	}
	// Anything else is the service's fault. Its text is logged, never
	// shown.
	log.ErrorContext(ctx, "request failed", "err", err.Error(), "path", gqlErr.Path.String())
	return &gqlerror.Error{
		Message:    "internal error",
		Path:       gqlErr.Path,
		Extensions: map[string]any{"code": string(apperr.Internal)},
	}
}

// Codes gqlgen gives errors that are the client's doing.
const (
	persistedQueryNotFound  = "PERSISTED_QUERY_NOT_FOUND"
	complexityLimitExceeded = "COMPLEXITY_LIMIT_EXCEEDED"
)

// requireJSONObject reads the (already bounded) body and refuses, with
// HTTP 400 and BAD_REQUEST, anything but a well-formed GraphQL-over-HTTP
// request before gqlgen sees it: one JSON object (a JSON array would be a
// batch of operations) whose query is a string (or absent with a
// persisted query's hash), operationName a string, variables and
// extensions objects (null counts as absent). The refusal never quotes
// the body.
func requireJSONObject(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Refused here, in our shape, rather than as "transport not
		// supported" in plain text.
		if r.Header.Get("Upgrade") != "" {
			writeGraphQLError(w, r, http.StatusBadRequest, string(apperr.BadRequest), "protocol upgrades are not supported: send one POST per operation")
			return
		}
		body, ok := readJSONObject(w, r, `{"query": ..., "variables": ...}`)
		if !ok {
			return
		}
		req, err := decodeGraphQLParams(body)
		if err != nil {
			writeGraphQLError(w, r, http.StatusBadRequest, string(apperr.BadRequest),
				"request body is not a valid GraphQL request: query and operationName must be strings, variables and extensions objects")
			return
		}
		if !req.hasDocument() {
			writeGraphQLError(w, r, http.StatusBadRequest, string(apperr.BadRequest),
				`request body has no query: send {"query": "<GraphQL document>"}`)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}
