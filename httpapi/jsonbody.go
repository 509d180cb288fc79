package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/patgov/pats/apperr"
)

// readJSONObject reads a request body that must be one JSON object sent as
// application/json (within the limit limitBody set). On any other body it
// answers BAD_REQUEST itself, with HTTP 415, 413 or 400, never echoing the
// input, and reports false. example shows the expected shape in the
// message.
func readJSONObject(w http.ResponseWriter, r *http.Request, example string) ([]byte, bool) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeGraphQLError(w, http.StatusUnsupportedMediaType, string(apperr.BadRequest), "Content-Type must be application/json")
		return nil, false
	}
	body, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeGraphQLError(w, http.StatusRequestEntityTooLarge, string(apperr.BadRequest), "request body too large")
		return nil, false
	case err != nil:
		writeGraphQLError(w, http.StatusBadRequest, string(apperr.BadRequest), "could not read request body")
		return nil, false
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' || !json.Valid(trimmed) {
		writeGraphQLError(w, http.StatusBadRequest, string(apperr.BadRequest), "request body must be one JSON object: "+example)
		return nil, false
	}
	return trimmed, true
}
