package httpapi

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/patgov/pats/internal/apperr"
)

// graphQLPOST is the GraphQL transport of POST /query, in place of
// gqlgen's transport.POST: it answers in the media type negotiateGraphQL
// chose, with the status codes the GraphQL-over-HTTP specification gives
// that media type (graphQLStatus), and leaves out the data entry of a
// request that did not run when the media type is
// application/graphql-response+json. gqlgen's POST transport answers
// documents that fail to parse or validate with HTTP 422 under
// application/json (the specification says 200), ignores q-values, never
// answers 406, and writes "data": null for every request error.
type graphQLPOST struct{}

var _ graphql.Transport = graphQLPOST{}

// Supports takes every request that reaches the handler: the middleware
// of POST /query has already checked the method, the media types and the
// body.
func (graphQLPOST) Supports(r *http.Request) bool { return r.Method == http.MethodPost }

// Do runs one GraphQL-over-HTTP request.
func (graphQLPOST) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	mt := responseMedia(ctx)
	if mt == "" {
		mt = mediaJSON
	}
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeGraphQLError(w, r, http.StatusBadRequest, string(apperr.BadRequest), "could not read request body")
		return
	}
	req, err := decodeGraphQLParams(body)
	if err != nil {
		// requireJSONObject refuses such bodies first; never echo one.
		writeGraphQLError(w, r, http.StatusBadRequest, string(apperr.BadRequest), "request body is not a valid GraphQL request")
		return
	}
	params := &req.RawParams
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	oc, opErrs := exec.CreateOperationContext(ctx, params)
	if opErrs != nil {
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, oc), opErrs)
		writeGraphQLResponse(w, mt, resp)
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, oc)
	writeGraphQLResponse(w, mt, responses(ctx))
}

// graphQLResponseBody is graphql.Response as this service writes it:
// errors first (the GraphQL specification's advice), data only when the
// operation ran (a nil Data is left out; a JSON null is kept).
type graphQLResponseBody struct {
	Errors     gqlerror.List   `json:"errors,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	Extensions map[string]any  `json:"extensions,omitempty"`
}

// jsonNull is the data entry of a request error under application/json.
var jsonNull = json.RawMessage("null")

// writeGraphQLResponse writes resp in media type mt with its status.
func writeGraphQLResponse(w http.ResponseWriter, mt string, resp *graphql.Response) {
	if resp == nil {
		resp = &graphql.Response{Errors: gqlerror.List{{Message: "internal error", Extensions: map[string]any{"code": string(apperr.Internal)}}}}
	}
	body := graphQLResponseBody{Errors: resp.Errors, Data: resp.Data, Extensions: resp.Extensions}
	ran := resp.Data != nil
	if !ran && mt == mediaJSON {
		// The shape application/json clients have always been given.
		body.Data = jsonNull
	}
	b, err := json.Marshal(body)
	if err != nil {
		// Data is gqlgen's own marshalled JSON and errors are plain
		// values: this cannot happen, and must not be hidden if it does.
		panic(err)
	}
	w.Header().Set("Content-Type", contentType(mt))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(graphQLStatus(mt, ran, resp.Errors))
	_, _ = w.Write(b)
}

// statusPartialSuccess is the status the GraphQL-over-HTTP specification
// recommends, with application/graphql-response+json only, for a response
// holding both data (even null) and errors: the operation ran, and
// something in it failed.
const statusPartialSuccess = 294

// graphQLStatus is the HTTP status of a GraphQL response (GraphQL over
// HTTP, "Status Codes").
//
// With application/json every well-formed request is answered 200,
// whether or not its document parsed, validated and had its variables
// coerced: a legacy client can trust only a 200 to come from GraphQL
// rather than from a proxy.
//
// With application/graphql-response+json an operation that ran is 200,
// or 294 if it has errors; a request that did not run (no data entry) is
// a 4xx or 5xx by its first error's code: 401, 403, 429, 500 for
// UNAUTHENTICATED, FORBIDDEN, RATE_LIMITED, INTERNAL, and 400 for the
// rest (a document that does not parse or validate, variables that cannot
// be coerced, a limit exceeded, an unknown persisted query).
func graphQLStatus(mt string, ran bool, errs gqlerror.List) int {
	switch {
	case mt != mediaGraphQLResponse:
		return http.StatusOK
	case ran && len(errs) == 0:
		return http.StatusOK
	case ran:
		return statusPartialSuccess
	}
	if len(errs) > 0 {
		code, _ := errs[0].Extensions["code"].(string)
		switch apperr.Code(code) {
		case apperr.Unauthenticated:
			return http.StatusUnauthorized
		case apperr.Forbidden:
			return http.StatusForbidden
		case apperr.RateLimited:
			return http.StatusTooManyRequests
		case apperr.Internal:
			return http.StatusInternalServerError
		}
	}
	return http.StatusBadRequest
}
