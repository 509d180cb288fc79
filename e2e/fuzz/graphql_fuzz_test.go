package fuzz

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

// setup starts one service per dialect and reads the documented codes.
func setup(f *testing.F) ([]*target, map[string]bool) {
	f.Helper()
	codes := errorCodes(f, loadSchema(f))
	var targets []*target
	for _, d := range testenv.Dialects(f) {
		targets = append(targets, newTarget(f, d))
	}
	return targets, codes
}

// FuzzGraphQLOperations sends every root field of the schema with fuzzed
// variables (placeholders such as @ADMIN_ID name the fixture's values) as
// one of several callers of a seeded organization.
func FuzzGraphQLOperations(f *testing.F) {
	targets, codes := setup(f)
	for i, op := range operations {
		for j, vars := range append(variableSeeds[op.name], genericVariableSeeds()...) {
			f.Add(uint8(i), uint8(0), []byte(vars))
			if j == 0 {
				for c := 1; c < len(callers); c++ {
					f.Add(uint8(i), uint8(c), []byte(vars))
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, opIndex, callerIndex uint8, variables []byte) {
		op := &operations[int(opIndex)%len(operations)]
		who := int(callerIndex) % len(callers)
		for _, tg := range targets {
			fx := tg.current(t)
			body := operationBody(op.document, tg.replace(t, fx, string(variables)))
			tg.dirty = true // until the response shows otherwise
			resp := tg.post(t, fx.bearers[who], body, nil)
			request := echoable(body)
			tg.dirty = tg.check(t, codes, exchange{caller: callers[who], op: op, body: body, request: request, resp: resp})
			if tg.dirty {
				tg.readBack(t, codes, request)
			}
		}
	})
}

// FuzzGraphQLRequest sends fuzzed request bodies and headers (one
// "Name: value" a line) as one of several callers of a seeded organization.
func FuzzGraphQLRequest(f *testing.F) {
	targets, codes := setup(f)
	for _, s := range requestSeeds() {
		f.Add(s.caller, s.headers, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, callerIndex uint8, headers string, body []byte) {
		who := int(callerIndex) % len(callers)
		for _, tg := range targets {
			fx := tg.current(t)
			b := []byte(tg.replace(t, fx, string(body)))
			h := parseHeaders(tg.replace(t, fx, headers))
			request := echoable(b)
			for _, vs := range h {
				request = append(append(request, '\n'), strings.Join(vs, "\n")...)
			}
			tg.dirty = true // until the response shows otherwise
			resp := tg.post(t, fx.bearers[who], b, h)
			tg.dirty = tg.check(t, codes, exchange{caller: callers[who], body: b, request: request, resp: resp})
			if tg.dirty {
				tg.readBack(t, codes, request)
			}
		}
	})
}

// readBackDocument reads everything a mutation may have stored.
const readBackDocument = `{
  personalAccessTokens(first: 100, filter: { status: [ACTIVE, EXPIRED, REVOKED] }) {
    totalCount edges { cursor node { id } } nodes { ` + tokenFields + ` } ` + pageFields + ` }
  auditEvents(first: 100) { edges { cursor node { id } } nodes { ` + auditFields + ` } ` + pageFields + ` }
  organizationPatSettings { ` + settingsFields + ` }
}`

var readBackOp = operation{name: "readBack", document: readBackDocument}

// readBack checks, after a mutation ran, that what it stored reads back
// within the invariants (as the fixture's admin), and that the bystander
// organization is untouched. Stored values may echo the fuzzed request.
func (tg *target) readBack(t *testing.T, codes map[string]bool, fuzzed []byte) {
	t.Helper()
	body := graphQLBody(t, readBackDocument, nil)
	resp := tg.post(t, tg.fixture.bearers[0], body, nil)
	tg.check(t, codes, exchange{caller: callers[0], op: &readBackOp, body: body, request: append(append([]byte(nil), body...), fuzzed...), resp: resp})
	tg.checkBystander(t)
}

// operationBody is a request body with raw variables (left out if blank).
func operationBody(document, variables string) []byte {
	q, _ := json.Marshal(document)
	if strings.TrimSpace(variables) == "" {
		return []byte(`{"query":` + string(q) + `}`)
	}
	return []byte(`{"query":` + string(q) + `,"variables":` + variables + `}`)
}

// deniedHeaders are set by the harness or the HTTP client.
var deniedHeaders = map[string]bool{
	"Authorization": true, "Host": true, "Content-Length": true, "Transfer-Encoding": true,
	"Connection": true, "Te": true, "Trailer": true, "Keep-Alive": true, "Proxy-Connection": true,
}

// parseHeaders turns "Name: value" lines into headers an HTTP client can
// send: invalid names are skipped, control characters dropped from values
// (bytes over 0x7f are kept, as HTTP allows).
func parseHeaders(s string) http.Header {
	h := http.Header{}
	for _, line := range strings.Split(s, "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok || !validHeaderName(name) || deniedHeaders[http.CanonicalHeaderKey(name)] {
			continue
		}
		clean := make([]byte, 0, len(value))
		for i := 0; i < len(value); i++ {
			if c := value[i]; c >= 0x20 && c != 0x7f || c == '\t' {
				clean = append(clean, c)
			}
		}
		h.Add(name, strings.Trim(string(clean), " \t"))
		if len(h) == 16 {
			break
		}
	}
	return h
}

func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}
