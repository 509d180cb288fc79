package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/patgov/pats/internal/origin"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/gqllimits"
)

// MaxErrors bounds the errors of one response: past it, one last error
// says how many were left out, so a document cannot make a response of
// tens of kilobytes of errors.
const MaxErrors = 50

// errorCap is the gqlgen extension that applies MaxErrors.
type errorCap struct{ max int }

func (errorCap) ExtensionName() string                   { return "ErrorCap" }
func (errorCap) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptResponse keeps the first max errors and replaces the rest by
// one that counts them, with the code of the first.
func (c errorCap) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || len(resp.Errors) <= c.max {
		return resp
	}
	left := len(resp.Errors) - c.max
	code, _ := resp.Errors[0].Extensions["code"].(string)
	summary := &gqlerror.Error{
		Message:    fmt.Sprintf("too many errors: %d more not shown", left),
		Extensions: map[string]any{"code": code},
	}
	if id := origin.RequestID(ctx); id != "" {
		summary.Extensions["requestId"] = id
	}
	resp.Errors = append(resp.Errors[:c.max:c.max], summary)
	return resp
}

// documentCheck refuses, before gqlparser validates it, a document whose
// expansion exceeds maxSelections or whose validation would cost more than
// maxCost (gqllimits.ValidationCost). The DocumentLimits rule would refuse
// the first kind too, in linear time, but only once the whole validation
// has run, and gqlparser's overlapping-fields rule grows with the square
// of the fields sharing a response name and of the fragments in a chain:
// 1,000 copies of one field (14 KB) took 150 ms. This check parses the
// document (linear in its length, under the same token limit) and
// measures it in time bounded by the limits, never by the expansion.
type documentCheck struct {
	maxSelections int
	maxCost       int
	tokenLimit    int
	// accepted remembers documents that passed, as gqlgen's parsed-query
	// cache does, so that a client's usual operations are parsed once.
	accepted graphql.Cache[struct{}]
}

func newDocumentCheck(maxSelections, maxCost, tokenLimit int) *documentCheck {
	return &documentCheck{maxSelections: maxSelections, maxCost: maxCost, tokenLimit: tokenLimit, accepted: lru.New[struct{}](1000)}
}

func (*documentCheck) ExtensionName() string                   { return "DocumentCheck" }
func (*documentCheck) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters runs after persisted queries have filled in
// the document. A document that does not parse is left to gqlgen, which
// reports the syntax error as usual.
func (c *documentCheck) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	query := params.Query
	if query == "" {
		return nil
	}
	if _, ok := c.accepted.Get(ctx, query); ok {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, c.tokenLimit)
	if err != nil {
		return nil
	}
	var msg, rule string
	if c.maxSelections > 0 && gqllimits.ExpandedSelections(doc) > c.maxSelections {
		msg = fmt.Sprintf("operation selects more than %d fields once its fragments are expanded", c.maxSelections)
		rule = gqllimits.RuleMaxSelections
	} else if c.maxCost > 0 && gqllimits.ValidationCost(doc, max(c.maxSelections, 1), c.maxCost) > c.maxCost {
		msg = fmt.Sprintf("document repeats fields or chains fragments too much to validate (validation cost over %d)", c.maxCost)
		rule = gqllimits.RuleValidationCost
	}
	if msg == "" {
		c.accepted.Add(ctx, query, struct{}{})
		return nil
	}
	// gqlgen fills these in only after every mutator has passed;
	// documentLog reads them.
	if graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		oc.RawQuery, oc.OperationName = query, params.OperationName
	}
	return &gqlerror.Error{
		Message: msg,
		Rule:    rule,
		// A validation failure, as the DocumentLimits rule reports it
		// (a request error: graphQLStatus), and the presenter turns the
		// Rule into COMPLEXITY_LIMIT_EXCEEDED.
		Extensions: map[string]any{"code": errcode.ValidationFailed},
	}
}

// deadlineGuard refuses to execute an operation whose request deadline
// passed while it was parsed, validated and priced: time spent before
// execution counts against the request's deadline like any other.
type deadlineGuard struct{}

func (deadlineGuard) ExtensionName() string                   { return "DeadlineGuard" }
func (deadlineGuard) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext runs after validation and the complexity limit.
func (deadlineGuard) MutateOperationContext(ctx context.Context, _ *graphql.OperationContext) *gqlerror.Error {
	if ctx.Err() == nil {
		return nil
	}
	return &gqlerror.Error{
		Message:    "internal error",
		Err:        apperr.New(apperr.Internal, "internal error"),
		Extensions: map[string]any{"code": string(apperr.Internal)},
	}
}

// documentLog logs refused documents and documents whose checks before
// execution (parsing, validation, pricing) took longer than slowerThan,
// with what an operator needs to find the sender (operation name, size,
// time, first error code, request ID) and never the variables or the
// document text, which may hold token values.
type documentLog struct {
	log        *slog.Logger
	slowerThan time.Duration
}

func (documentLog) ExtensionName() string                   { return "DocumentLog" }
func (documentLog) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptResponse measures from the start of the operation, which the
// transport stamps before reading the body.
func (l documentLog) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	oc := graphql.GetOperationContext(ctx)
	start := oc.Stats.OperationStart
	if start.IsZero() {
		return resp
	}
	refused := resp.Data == nil && len(resp.Errors) > 0
	checks := oc.Stats.Validation.End.Sub(start)
	if refused {
		checks = time.Since(start)
	}
	if checks < l.slowerThan {
		return resp
	}
	code := ""
	if len(resp.Errors) > 0 {
		code, _ = resp.Errors[0].Extensions["code"].(string)
	}
	msg := "slow GraphQL document checks"
	if refused {
		msg = "slow GraphQL document refused"
	}
	l.log.WarnContext(ctx, msg,
		"operation", oc.OperationName, "document_bytes", len(oc.RawQuery),
		"checks_ms", float64(checks.Microseconds())/1000, "code", code, "errors", len(resp.Errors))
	return resp
}

// persistedQueries keeps automatic persisted queries per organization: a
// hash registered by one tenant's client does not exist for another, so
// no tenant can learn whether another sent a given document (by probing
// hashes) or run a document it never saw.
type persistedQueries struct {
	cache graphql.Cache[string]
}

func newPersistedQueries(size int) persistedQueries {
	return persistedQueries{cache: lru.New[string](size)}
}

// persistedKey prefixes the hash with the caller's organization; requests reach
// gqlgen only authenticated, so a caller without one is a bug, and gets
// a key no one else can reach.
func persistedKey(ctx context.Context, hash string) string {
	if p, ok := auth.PrincipalFrom(ctx); ok && p.Org != nil {
		return fmt.Sprintf("%d:%s", p.Org.ID, hash)
	}
	return "-:" + hash
}

// Get looks the hash up among the caller's organization's queries.
func (q persistedQueries) Get(ctx context.Context, hash string) (string, bool) {
	return q.cache.Get(ctx, persistedKey(ctx, hash))
}

// Add registers the query under the caller's organization.
func (q persistedQueries) Add(ctx context.Context, hash, query string) {
	q.cache.Add(ctx, persistedKey(ctx, hash), query)
}
