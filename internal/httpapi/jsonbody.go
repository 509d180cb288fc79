package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/strictjson"
)

// maxBodyDepth bounds the nesting of a JSON request body: GraphQL
// variables of this schema are a few levels deep.
const maxBodyDepth = 64

// readJSONObject reads a request body that must be one JSON object sent as
// application/json in UTF-8 (within the limit limitBody set). On any other
// body it answers BAD_REQUEST itself, with HTTP 415, 413 or 400, never echoing the
// input, and reports false. Duplicate keys are refused at any depth (at
// the top level also in another letter case). example shows the expected shape in the
// message.
func readJSONObject(w http.ResponseWriter, r *http.Request, example string) ([]byte, bool) {
	if !isJSONUTF8(r.Header.Get("Content-Type")) {
		writeGraphQLError(w, r, http.StatusUnsupportedMediaType, string(apperr.BadRequest), "Content-Type must be application/json (UTF-8)")
		return nil, false
	}
	body, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeGraphQLError(w, r, http.StatusRequestEntityTooLarge, string(apperr.BadRequest), "request body too large")
		return nil, false
	case err != nil:
		writeGraphQLError(w, r, http.StatusBadRequest, string(apperr.BadRequest), "could not read request body")
		return nil, false
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' || !json.Valid(trimmed) {
		writeGraphQLError(w, r, http.StatusBadRequest, string(apperr.BadRequest), "request body must be one JSON object: "+example)
		return nil, false
	}
	// encoding/json keeps the last of duplicate keys (and matches struct
	// fields case-insensitively): {"query": a, "QUERY": b} runs b where a
	// proxy or log reading the first sees a.
	switch err := strictjson.Walk(trimmed, strictjson.Options{FoldTop: true, MaxDepth: maxBodyDepth}, nil); {
	case errors.Is(err, strictjson.ErrDuplicateKey):
		writeGraphQLError(w, r, http.StatusBadRequest, string(apperr.BadRequest), "request body has a duplicate key: each key may appear once per object")
		return nil, false
	case errors.Is(err, strictjson.ErrTooDeep):
		writeGraphQLError(w, r, http.StatusBadRequest, string(apperr.BadRequest), fmt.Sprintf("request body is nested deeper than %d levels", maxBodyDepth))
		return nil, false
	case err != nil:
		writeGraphQLError(w, r, http.StatusBadRequest, string(apperr.BadRequest), "request body must be one JSON object: "+example)
		return nil, false
	}
	return trimmed, true
}

// isJSONUTF8 reports whether a Content-Type is application/json in UTF-8:
// without a charset (JSON is UTF-8, RFC 8259) or with charset utf-8.
func isJSONUTF8(header string) bool {
	mt, params, err := mime.ParseMediaType(header)
	if err != nil || mt != mediaJSON {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "utf8")
}
