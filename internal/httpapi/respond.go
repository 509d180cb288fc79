package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/patgov/pats/internal/origin"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
)

// writeJSON writes v as a JSON response that no cache may keep.
func writeJSON(w http.ResponseWriter, status int, v any) {
	writeJSONAs(w, status, mediaJSON, v)
}

// writeJSONAs writes v as a JSON response with the given Content-Type that
// no cache may keep.
func writeJSONAs(w http.ResponseWriter, status int, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// graphQLErrorBody is a GraphQL response carrying one error, with the
// "data": null that application/json responses have always had.
type graphQLErrorBody struct {
	Errors []graphQLError `json:"errors"`
	Data   any            `json:"data"`
}

// requestErrorBody is the same without the data entry, as
// application/graphql-response+json answers a request that did not run.
type requestErrorBody struct {
	Errors []graphQLError `json:"errors"`
}

type graphQLError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

// writeGraphQLError answers outside gqlgen in the GraphQL response shape,
// so clients find the code (and the request ID) where they always do. On
// POST /query it uses the negotiated media type (negotiateGraphQL).
func writeGraphQLError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	ext := map[string]any{"code": code}
	if id := w.Header().Get(origin.RequestIDHeader); id != "" {
		ext["requestId"] = id
	}
	errs := []graphQLError{{Message: message, Extensions: ext}}
	switch mt := responseMedia(r.Context()); mt {
	case "":
		writeJSON(w, status, graphQLErrorBody{Errors: errs})
	case mediaGraphQLResponse:
		writeJSONAs(w, status, contentType(mt), requestErrorBody{Errors: errs})
	default:
		writeJSONAs(w, status, contentType(mt), graphQLErrorBody{Errors: errs})
	}
}

// apiNotFound answers a path under /admin/api/ that the API does not
// serve: HTTP 404 with code NOT_FOUND, the one answer for every such path,
// including /admin/api/dev-session in production.
func apiNotFound(w http.ResponseWriter, r *http.Request) {
	writeGraphQLError(w, r, http.StatusNotFound, string(apperr.NotFound), "not found")
}

// rejecter answers requests the auth middleware refuses: 401 for a bad
// session token; 503 with Retry-After (logged) when the caller could not
// be read or provisioned, which means the database is unavailable: the
// request did nothing, and the client may retry.
func rejecter(log *slog.Logger) func(w http.ResponseWriter, r *http.Request, err error) {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		if errors.Is(err, auth.ErrInvalidToken) {
			log.InfoContext(r.Context(), "session token rejected", "reason", err.Error())
			w.Header().Set("WWW-Authenticate", `Bearer realm="pats"`)
			writeGraphQLError(w, r, http.StatusUnauthorized, string(apperr.Unauthenticated), "authentication required: send a valid, unexpired session token as 'Authorization: Bearer <JWT>'")
			return
		}
		log.ErrorContext(r.Context(), "provision caller failed", "err", err)
		w.Header().Set("Retry-After", "1")
		writeGraphQLError(w, r, http.StatusServiceUnavailable, string(apperr.Internal), "internal error")
	}
}
