package fuzz

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/patgov/pats/internal/origin"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/testenv"
)

// leakMarkers betray internals (SQL, drivers, Go runtime, source paths,
// Go types) in a message shown to a client. Compared in lower case, and
// only when the request itself does not contain the marker, since
// messages may quote the caller's input.
var leakMarkers = []string{
	"sql", "gorm", "select ", "insert ", "delete from", " where ", "mysql", "mariadb", "sqlite", "modernc",
	"constraint", "deadlock", "database", "driver", "syntax error", "error 1", "transaction",
	"goroutine", ".go:", "panic", "runtime error", "nil pointer", "index out of range", "invalid memory",
	"/tmp/", "/root/", "/home/", "/work/", "/usr/", "github.com/", "gopkg.in", "gorm.io",
	"context deadline", "context canceled", "json: ", "model.", "*model", "map[", "interface {", "reflect",
}

// exchange is one fuzzed request and its response.
type exchange struct {
	caller  caller
	op      *operation // nil when the body was fuzzed as a whole
	body    []byte     // placeholders replaced
	request []byte     // echoable body and fuzzed header values: what a response may echo
	resp    response
}

// statusPartialSuccess is the GraphQL-over-HTTP status of a response
// with both data and errors, under application/graphql-response+json.
const statusPartialSuccess = 294

// gqlResponse is a GraphQL response body.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// check fails t if the response breaks an invariant, and reports whether
// the request may have changed the fixture (a mutation that ran).
func (tg *target) check(t *testing.T, codes map[string]bool, x exchange) (mutated bool) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf(format+"\nrequest body: %s\nresponse (HTTP %d): %s", append(args, x.body, x.resp.status, x.resp.raw)...)
	}
	status := x.resp.status
	switch status {
	case http.StatusOK, statusPartialSuccess, http.StatusBadRequest, http.StatusForbidden, http.StatusNotAcceptable,
		http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
	default:
		fail("status: got %d, want 200, 294, 400, 403, 406, 413 or 415", status)
	}
	// The media type is negotiated from Accept (GraphQL over HTTP): with
	// application/json every well-formed request is HTTP 200, documents and
	// variables that fail included; with application/graphql-response+json
	// those are HTTP 400 and have no data entry.
	ct := x.resp.header.Get("Content-Type")
	graphQLResponse := ct == "application/graphql-response+json; charset=utf-8"
	if ct != "application/json; charset=utf-8" && !graphQLResponse {
		fail("Content-Type: got %q, want application/json or application/graphql-response+json, with charset=utf-8", ct)
	}
	if !graphQLResponse && (status == statusPartialSuccess || status == http.StatusForbidden) {
		fail("HTTP %d under application/json: want 200 for every well-formed request", status)
	}
	if !utf8.Valid(x.resp.raw) {
		fail("body: got invalid UTF-8, want JSON text (RFC 8259: UTF-8)")
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(x.resp.raw, &keys); err != nil {
		fail("body: got %v, want one JSON object", err)
	}
	for k := range keys {
		if k != "data" && k != "errors" && k != "extensions" {
			fail("body: got key %q, want only data, errors and extensions", k)
		}
	}
	var body gqlResponse
	if err := json.Unmarshal(x.resp.raw, &body); err != nil {
		fail("body: got %v, want a GraphQL response", err)
	}
	hasData := len(body.Data) > 0 && !bytes.Equal(body.Data, []byte("null"))
	if len(body.Errors) == 0 && (status != http.StatusOK || !hasData) {
		fail("got neither errors nor data")
	}
	_, dataEntry := keys["data"]
	switch {
	case !graphQLResponse && !dataEntry:
		fail("application/json: got no data entry, want data (null if the request did not run)")
	case graphQLResponse && dataEntry != (status == http.StatusOK || status == statusPartialSuccess):
		fail("application/graphql-response+json: HTTP %d with data entry %v, want data exactly with 200 and 294", status, dataEntry)
	case graphQLResponse && status == statusPartialSuccess && len(body.Errors) == 0:
		fail("HTTP 294 without errors")
	case graphQLResponse && status == http.StatusOK && len(body.Errors) > 0:
		fail("application/graphql-response+json: HTTP 200 with errors, want 294")
	}
	reqID := x.resp.header.Get(origin.RequestIDHeader)
	lowerReq := strings.ToLower(string(x.request))
	for _, e := range body.Errors {
		code, _ := e.Extensions["code"].(string)
		switch {
		case code == "":
			fail("error %q: got no extensions.code, want one of the schema's ErrorCode", e.Message)
		case !codes[code]:
			fail("error %q: got code %q, not in the schema's ErrorCode enum", e.Message, code)
		case code == "INTERNAL":
			fail("error %q: got INTERNAL, want a client error for bad input (the server log has the cause)", e.Message)
		case e.Message == "":
			fail("error with code %s: got an empty message", code)
		case e.Extensions["requestId"] != reqID:
			fail("error %q: got requestId %v, want the X-Request-ID %q", e.Message, e.Extensions["requestId"], reqID)
		}
		requestError := code == "GRAPHQL_PARSE_FAILED" || code == "GRAPHQL_VALIDATION_FAILED" || code == "BAD_USER_INPUT" ||
			code == "COMPLEXITY_LIMIT_EXCEEDED" || code == "PERSISTED_QUERY_NOT_FOUND"
		switch {
		case status == http.StatusBadRequest && graphQLResponse && requestError:
		case status == http.StatusBadRequest || status == http.StatusNotAcceptable ||
			status == http.StatusRequestEntityTooLarge || status == http.StatusUnsupportedMediaType:
			if code != "BAD_REQUEST" {
				fail("HTTP %d: got code %s, want BAD_REQUEST", status, code)
			}
		case status == http.StatusForbidden:
			if code != "FORBIDDEN" {
				fail("HTTP 403: got code %s, want FORBIDDEN", code)
			}
		case status == http.StatusOK || status == statusPartialSuccess:
			if code == "BAD_REQUEST" || code == "UNAUTHENTICATED" {
				fail("HTTP %d: got code %s", status, code)
			}
		}
		ext, _ := json.Marshal(e.Extensions)
		shown := strings.ToLower(e.Message + " " + string(ext))
		for _, m := range leakMarkers {
			if strings.Contains(shown, m) && !strings.Contains(lowerReq, m) {
				fail("error %q leaks internals: contains %q", e.Message, m)
			}
		}
	}
	for _, s := range tg.privateStrings() {
		if bytes.Contains(x.resp.raw, []byte(s)) && !bytes.Contains(x.request, []byte(s)) {
			fail("response leaks a private value (secret, session token, digest or another organization's data): %q", s)
		}
	}
	if x.op != nil && hasData {
		checkRoles(t, fail, x.caller, body.Data)
	}
	if status != http.StatusOK {
		return false
	}
	if x.op != nil {
		return x.op.mutation && hasData
	}
	return mayMutate(x.body)
}

// echoable returns body with every string it carries in decoded form
// appended (JSON strings, and the string literals of a GraphQL document in
// "query"), so that a message quoting the caller's input counts as an
// echo however the input was escaped.
func echoable(body []byte) []byte {
	out := append([]byte(nil), body...)
	var v any
	if json.Unmarshal(body, &v) != nil {
		return out
	}
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			out = append(append(out, '\n'), v...)
		case map[string]any:
			for k, child := range v {
				out = append(append(out, '\n'), k...)
				walk(child)
			}
		case []any:
			for _, child := range v {
				walk(child)
			}
		}
	}
	walk(v)
	if m, ok := v.(map[string]any); ok {
		if q, ok := m["query"].(string); ok {
			lex := lexer.New(&ast.Source{Input: q})
			for {
				tok, err := lex.ReadToken()
				if err != nil || tok.Kind == lexer.EOF {
					break
				}
				if tok.Kind == lexer.String || tok.Kind == lexer.BlockString {
					out = append(append(out, '\n'), tok.Value...)
				}
			}
		}
	}
	return out
}

// privateStrings lists what no response may show unless asked.
func (tg *target) privateStrings() []string {
	p := append([]string{string(testenv.JWTKey), testenv.IntrospectionSecret}, tg.bystander.private...)
	return append(p, tg.fixture.private...)
}

// checkRoles checks the access rules visible in a successful operation's
// data (operations have no aliases, so field names are known).
func checkRoles(t *testing.T, fail func(string, ...any), c caller, data json.RawMessage) {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal(data, &d); err != nil {
		fail("data: got %v, want an object", err)
	}
	if c.role != auth.RoleAdmin {
		for _, f := range []string{"updatePatSettings", "revokeTokenByValue", "revokeTokensByValue", "auditEvents",
			"tokenRevocationPreview", "revokeTokensMatching", "revocationJob"} {
			if d[f] != nil {
				fail("caller %s (not an admin): got %s served, want FORBIDDEN", c.subject, f)
			}
		}
		// Members see and revoke only their own tokens.
		walkOwners(d, func(owner string) {
			if owner != c.subject {
				fail("caller %s (not an admin): got a token of %s", c.subject, owner)
			}
		})
	}
	if c.account != entity.AccountTypeLocal && d["createPersonalAccessToken"] != nil {
		fail("caller %s (%s account): got a token created, want LOCAL_ACCOUNT_REQUIRED", c.subject, c.account)
	}
}

// walkOwners calls fn with the ID of every token owner in v.
func walkOwners(v any, fn func(string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			if o, ok := child.(map[string]any); ok && k == "owner" {
				if id, ok := o["id"].(string); ok {
					fn(id)
				}
			}
			walkOwners(child, fn)
		}
	case []any:
		for _, child := range v {
			walkOwners(child, fn)
		}
	}
}

// mayMutate reports whether a fuzzed body may have run a mutation:
// anything but a parsable document of queries only (a persisted-query hash
// may stand for a mutation sent earlier).
func mayMutate(body []byte) bool {
	var req struct {
		Query string `json:"query"`
	}
	if json.Unmarshal(body, &req) != nil || req.Query == "" {
		return true
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: req.Query})
	if err != nil {
		return true
	}
	for _, op := range doc.Operations {
		if op.Operation != ast.Query {
			return true
		}
	}
	return false
}
