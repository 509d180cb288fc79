package access

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// TestHTTPRoutes: the probes, the playground and the method rules.
func TestHTTPRoutes(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		cases := []struct {
			name, method, path string
			status             int
			contentType        string
			bodyHas            string
		}{
			{"healthz", http.MethodGet, "/healthz", http.StatusOK, "application/json", `"ok"`},
			{"readyz", http.MethodGet, "/readyz", http.StatusOK, "application/json", `"ok"`},
			{"playground", http.MethodGet, "/", http.StatusOK, "text/html", "graphiql"},
			{"GET /query", http.MethodGet, "/query", http.StatusMethodNotAllowed, "", ""},
			{"GET /query with a query", http.MethodGet, "/query?query=%7Bviewer%7Bid%7D%7D", http.StatusMethodNotAllowed, "", ""},
			{"PUT /query", http.MethodPut, "/query", http.StatusMethodNotAllowed, "", ""},
			{"GET /introspect", http.MethodGet, "/introspect", http.StatusMethodNotAllowed, "", ""},
			{"unknown path", http.MethodGet, "/nope", http.StatusNotFound, "", ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				h := http.Header{"Authorization": {"Bearer " + env.Member(t, testenv.UniqueOrg("http"), "alice").Bearer}}
				status, header, body := doHTTP(t, tc.method, env.URL+tc.path, h, nil)
				if status != tc.status {
					t.Errorf("HTTP status: got %d, want %d", status, tc.status)
				}
				if tc.contentType != "" && !strings.HasPrefix(header.Get("Content-Type"), tc.contentType) {
					t.Errorf("Content-Type: got %q, want %s", header.Get("Content-Type"), tc.contentType)
				}
				if tc.bodyHas != "" && !strings.Contains(strings.ToLower(body), tc.bodyHas) {
					t.Errorf("body: got %.200q, want it to contain %q", body, tc.bodyHas)
				}
			})
		}
	})
}

// TestDuplicateJSONKeys: a /query body with a key twice in one object, at
// any depth (at the top level also in another case, which encoding/json
// would match to the same field), is refused with 400 BAD_REQUEST and
// nothing runs: a proxy or log that reads the first occurrence cannot be
// shown one operation while another executes.
func TestDuplicateJSONKeys(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("dupkeys")
		alice := env.Member(t, org, "alice")
		create := `mutation { createPersonalAccessToken(input: {name: \"sneaky\", scopes: [\"OR.Jobs\"]}) { token } }`
		createVars := `mutation($in: CreatePersonalAccessTokenInput!) { createPersonalAccessToken(input: $in) { token } }`
		bodies := map[string]string{
			"query twice":            `{"query":"{ viewer { id } }","query":"` + create + `"}`,
			"query in another case":  `{"query":"{ viewer { id } }","QUERY":"` + create + `"}`,
			"query escaped":          `{"query":"{ viewer { id } }","\u0071uery":"` + create + `"}`,
			"operationName twice":    `{"query":"query A { viewer { id } } ` + strings.ReplaceAll(create, "mutation", "mutation B") + `","operationName":"A","operationName":"B"}`,
			"variables twice":        `{"query":"` + createVars + `","variables":{"in":{"name":"a","scopes":["OR.Jobs"]}},"variables":{"in":{"name":"b","scopes":["OR.Jobs"]}}}`,
			"a variable's key twice": `{"query":"` + createVars + `","variables":{"in":{"name":"a","name":"b","scopes":["OR.Jobs"]}}}`,
			"extensions key twice":   `{"query":"{ viewer { id } }","extensions":{"persistedQuery":{"version":1,"version":2}}}`,
		}
		for name, body := range bodies {
			t.Run(name, func(t *testing.T) {
				r := postQuery(t, env, "Bearer "+alice.Bearer, []byte(body))
				if r.Status != http.StatusBadRequest || r.Code() != "BAD_REQUEST" || !strings.Contains(r.Raw, "duplicate key") {
					t.Errorf("got %d %s, want 400 BAD_REQUEST naming the duplicate key", r.Status, r.Raw)
				}
				if strings.Contains(r.Raw, "sneaky") {
					t.Errorf("the answer echoes the body: %s", r.Raw)
				}
			})
		}
		if n := tokenCount(t, env, org); n != 0 {
			t.Errorf("tokens after the refused requests: got %d, want 0", n)
		}
		// The same key in sibling objects, or in another case below the
		// top level, is no duplicate.
		r := postQuery(t, env, "Bearer "+alice.Bearer, []byte(`{"query":"`+createVars+`","variables":{"in":{"name":"ok","scopes":["OR.Jobs"]}},"extensions":{"a":{"name":1},"b":{"name":1,"NAME":2}}}`))
		if r.Status != http.StatusOK || len(r.Errors) > 0 {
			t.Errorf("no duplicate: got %d %s, want 200", r.Status, r.Raw)
		}
	})
}

// TestAnonymousBodyNotRead: /query answers a request without a valid
// session with 401 as soon as its headers arrive, without waiting for the
// megabyte its Content-Length announces: anonymous clients cannot make the
// service read a body, or hold a connection for the body timeout.
func TestAnonymousBodyNotRead(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		for name, authorization := range map[string]string{
			"no Authorization": "",
			"a bad session":    "Authorization: Bearer not-a-jwt\r\n",
		} {
			t.Run(name, func(t *testing.T) {
				u, err := url.Parse(env.URL)
				if err != nil {
					t.Fatal(err)
				}
				conn, err := net.Dial("tcp", u.Host)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				// Headers only: the announced body never comes.
				fmt.Fprintf(conn, "POST /query HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n%sContent-Length: %d\r\n\r\n{\"query\":", u.Host, authorization, 1<<20)
				if err := conn.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
					t.Fatal(err)
				}
				resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
				if err != nil {
					t.Fatalf("no answer before the body was sent: %v", err)
				}
				defer resp.Body.Close()
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("HTTP status: got %d, want 401", resp.StatusCode)
				}
			})
		}
	})
}

// TestHTTPBodyLimit: bodies over 1 MiB are refused with 413, declared or
// streamed; exactly 1 MiB is accepted.
func TestHTTPBodyLimit(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		const limit = 1 << 20
		bearer := env.Member(t, testenv.UniqueOrg("limit"), "alice").Bearer
		queryBody := func(size int) []byte {
			b := []byte(`{"query":"{ viewer { id } }"}`)
			return append(b, bytes.Repeat([]byte(" "), size-len(b))...)
		}
		formBody := func(size int) []byte {
			b := []byte("token=x&pad=")
			return append(b, bytes.Repeat([]byte("a"), size-len(b))...)
		}
		cases := []struct {
			name, path, authorization, contentType string
			body                                   []byte
			streamed                               bool
			status                                 int
		}{
			{"query over 1 MiB", "/query", "Bearer " + bearer, "application/json", queryBody(limit + 1), false, http.StatusRequestEntityTooLarge},
			{"query over 1 MiB streamed", "/query", "Bearer " + bearer, "application/json", queryBody(limit + 1), true, http.StatusRequestEntityTooLarge},
			{"query of 2 MiB", "/query", "Bearer " + bearer, "application/json", queryBody(2 * limit), false, http.StatusRequestEntityTooLarge},
			// Authentication comes first: the body of an anonymous request
			// is never read (TestAnonymousBodyNotRead).
			{"query over 1 MiB without a session", "/query", "", "application/json", queryBody(limit + 1), false, http.StatusUnauthorized},
			{"query of exactly 1 MiB", "/query", "Bearer " + bearer, "application/json", queryBody(limit), false, http.StatusOK},
			{"query of exactly 1 MiB streamed", "/query", "Bearer " + bearer, "application/json", queryBody(limit), true, http.StatusOK},
			{"introspect over 1 MiB", "/introspect", "Bearer " + testenv.IntrospectionSecret, "application/x-www-form-urlencoded", formBody(limit + 1), false, http.StatusRequestEntityTooLarge},
			{"introspect over 1 MiB streamed", "/introspect", "Bearer " + testenv.IntrospectionSecret, "application/x-www-form-urlencoded", formBody(limit + 1), true, http.StatusRequestEntityTooLarge},
			{"introspect of exactly 1 MiB", "/introspect", "Bearer " + testenv.IntrospectionSecret, "application/x-www-form-urlencoded", formBody(limit), false, http.StatusOK},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var body io.Reader = bytes.NewReader(tc.body)
				if tc.streamed {
					body = io.MultiReader(bytes.NewReader(tc.body)) // unknown length: chunked
				}
				h := http.Header{"Content-Type": {tc.contentType}}
				if tc.authorization != "" {
					h.Set("Authorization", tc.authorization)
				}
				status, _, raw := doHTTP(t, http.MethodPost, env.URL+tc.path, h, body)
				if status != tc.status {
					t.Errorf("HTTP status: got %d, want %d (body %.300s)", status, tc.status, raw)
				}
			})
		}
	})
}

// TestHTTPRequestErrors: bodies that are not one JSON object, unparsable
// documents and invalid fields get their codes, never an echo of the input.
// Under application/json (no Accept) a body that is not a well-formed
// GraphQL-over-HTTP request is HTTP 400 and a well-formed one whose
// document fails is HTTP 200, both with "data": null; under
// application/graphql-response+json all are HTTP 400 with no data entry.
func TestHTTPRequestErrors(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		bearer := "Bearer " + env.Member(t, testenv.UniqueOrg("reqerr"), "alice").Bearer
		const marker = "ECHO_MARKER_7f3a"
		cases := []struct {
			name   string
			body   string
			status int // under application/json
			code   string
		}{
			{"batch array", `[{"query":"{ viewer { id } }","extensions":{"x":"` + marker + `"}}]`, http.StatusBadRequest, "BAD_REQUEST"},
			{"array with spaces", `  [ {"query":"{ viewer { id } }"} ] ` + "\n", http.StatusBadRequest, "BAD_REQUEST"},
			{"invalid JSON", `{"query": "` + marker, http.StatusBadRequest, "BAD_REQUEST"},
			{"two objects", `{"query":"{ viewer { id } }"}{"query":"` + marker + `"}`, http.StatusBadRequest, "BAD_REQUEST"},
			{"not JSON at all", marker, http.StatusBadRequest, "BAD_REQUEST"},
			{"JSON string", `"` + marker + `"`, http.StatusBadRequest, "BAD_REQUEST"},
			{"empty body", ``, http.StatusBadRequest, "BAD_REQUEST"},
			{"object of the wrong shape", `{"query": 42, "variables": {"token": "` + marker + `"}}`, http.StatusBadRequest, "BAD_REQUEST"},
			{"no query", `{"qeury":"{ viewer { id } }"}`, http.StatusBadRequest, "BAD_REQUEST"},
			{"null query", `{"query":null}`, http.StatusBadRequest, "BAD_REQUEST"},
			{"variables not an object", `{"query":"{ viewer { id } }","variables":[7]}`, http.StatusBadRequest, "BAD_REQUEST"},
			{"empty query", `{"query":""}`, http.StatusOK, "GRAPHQL_VALIDATION_FAILED"},
			{"query syntax error", `{"query":"{ viewer { id } ` + marker + `"}`, http.StatusOK, "GRAPHQL_PARSE_FAILED"},
			{"unbalanced braces", `{"query":"{ viewer { id }"}`, http.StatusOK, "GRAPHQL_PARSE_FAILED"},
			{"unknown field", `{"query":"{ viewer { id secretField } }"}`, http.StatusOK, "GRAPHQL_VALIDATION_FAILED"},
			{"unknown root field", `{"query":"{ tokens { id } }"}`, http.StatusOK, "GRAPHQL_VALIDATION_FAILED"},
			{"missing required argument", `{"query":"mutation { revokeTokens { revokedCount } }"}`, http.StatusOK, "GRAPHQL_VALIDATION_FAILED"},
			{"unknown operation", `{"query":"query A { viewer { id } }","operationName":"B"}`, http.StatusOK, "GRAPHQL_VALIDATION_FAILED"},
			{"variable not coercible", `{"query":"query($n: Int!) { personalAccessTokens(first: $n) { totalCount } }","variables":{"n":"x"}}`, http.StatusOK, "BAD_USER_INPUT"},
			{"required variable null", `{"query":"query($n: Int!) { personalAccessTokens(first: $n) { totalCount } }","variables":{"n":null}}`, http.StatusOK, "BAD_USER_INPUT"},
		}
		for _, tc := range cases {
			for _, accept := range []string{"", "application/graphql-response+json"} {
				name := tc.name
				if accept != "" {
					name += " (graphql-response+json)"
				}
				t.Run(name, func(t *testing.T) {
					h := http.Header{"Content-Type": {"application/json"}, "Authorization": {bearer}}
					wantStatus, wantType := tc.status, "application/json; charset=utf-8"
					if accept != "" {
						h.Set("Accept", accept)
						wantStatus, wantType = http.StatusBadRequest, "application/graphql-response+json; charset=utf-8"
					}
					status, header, raw := doHTTP(t, http.MethodPost, env.URL+"/query", h, strings.NewReader(tc.body))
					r := testenv.NewResponse(t, status, header, []byte(raw))
					testenv.WantError(t, r, wantStatus, tc.code)
					if ct := header.Get("Content-Type"); ct != wantType {
						t.Errorf("Content-Type: got %q, want %q", ct, wantType)
					}
					var keys map[string]json.RawMessage
					if err := json.Unmarshal([]byte(raw), &keys); err != nil {
						t.Fatalf("body: %v: %s", err, raw)
					}
					data, hasData := keys["data"]
					switch {
					case accept == "" && string(data) != "null":
						t.Errorf("data: got %s, want null", data)
					case accept != "" && hasData:
						t.Errorf("data entry: got %s, want none", data)
					}
					if tc.code == "BAD_REQUEST" && strings.Contains(raw, marker) {
						t.Errorf("body echoed: %s", raw)
					}
				})
			}
		}
	})
}

// TestHTTPMediaTypes: only application/json bodies (any parameters) are
// served; other media types get 415 and upgrade requests 400, both as
// BAD_REQUEST in the usual JSON error shape.
func TestHTTPMediaTypes(t *testing.T) {
	env := testenv.New(t, "sqlite")
	bearer := "Bearer " + env.Member(t, testenv.UniqueOrg("media"), "alice").Bearer
	cases := []struct {
		name   string
		header http.Header
		status int
	}{
		{"json", http.Header{"Content-Type": {"application/json"}}, http.StatusOK},
		{"json with charset", http.Header{"Content-Type": {"application/json; charset=utf-8"}}, http.StatusOK},
		{"text/plain", http.Header{"Content-Type": {"text/plain"}}, http.StatusUnsupportedMediaType},
		{"form", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, http.StatusUnsupportedMediaType},
		{"multipart", http.Header{"Content-Type": {"multipart/form-data; boundary=x"}}, http.StatusUnsupportedMediaType},
		{"application/graphql", http.Header{"Content-Type": {"application/graphql"}}, http.StatusUnsupportedMediaType},
		{"none", http.Header{}, http.StatusUnsupportedMediaType},
		{"websocket upgrade", http.Header{"Content-Type": {"application/json"}, "Upgrade": {"websocket"}}, http.StatusBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.header.Set("Authorization", bearer)
			status, _, raw := doHTTP(t, http.MethodPost, env.URL+"/query", tc.header, bytes.NewReader(viewerBody))
			if status != tc.status {
				t.Fatalf("HTTP status: got %d, want %d: %s", status, tc.status, raw)
			}
			if tc.status != http.StatusOK && !strings.Contains(raw, `"code":"BAD_REQUEST"`) {
				t.Errorf("body: got %s, want a BAD_REQUEST error", raw)
			}
		})
	}
}

// TestHTTPInternalResolverError: a database error inside a resolver (here
// a trigger that fails one insert) is "internal error" with code INTERNAL,
// and neither the SQL error nor its text reaches the client.
func TestHTTPInternalResolverError(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("resolvererr")
		boom := "boom-" + org
		var ddl []string
		switch env.Dialect {
		case "mysql":
			ddl = []string{"CREATE TRIGGER `trg_" + strings.ReplaceAll(org, "-", "_") + "` BEFORE INSERT ON personal_access_tokens FOR EACH ROW " +
				"BEGIN IF NEW.name = '" + boom + "' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'SELECT secret FROM personal_access_tokens'; END IF; END"}
		default:
			ddl = []string{"CREATE TRIGGER trg_boom BEFORE INSERT ON personal_access_tokens WHEN NEW.name = '" + boom + "' " +
				"BEGIN SELECT RAISE(ABORT, 'SELECT secret FROM personal_access_tokens'); END"}
		}
		for _, q := range ddl {
			if err := env.DB.Exec(q).Error; err != nil {
				t.Fatalf("create trigger: %v", err)
			}
		}
		t.Cleanup(func() {
			name := "trg_boom"
			if env.Dialect == "mysql" {
				name = "`trg_" + strings.ReplaceAll(org, "-", "_") + "`"
			}
			_ = env.DB.Exec("DROP TRIGGER IF EXISTS " + name).Error
		})
		alice := env.Member(t, org, "alice")
		mustCreate(t, alice, simpleInput("fine")) // the trigger lets other rows through
		r := alice.CreateToken(simpleInput(boom))
		if r.Code() != "INTERNAL" {
			t.Errorf("extensions.code: got %q, want INTERNAL (%s)", r.Code(), r.Raw)
		}
		if len(r.Errors) != 1 || r.Errors[0].Message != "internal error" {
			t.Errorf("errors: got %s, want exactly one \"internal error\"", r.Raw)
		}
		for _, w := range []string{"SELECT", "FROM", "sql:", "Error 1", "secret", "personal_access_tokens", "45000", "insert"} {
			if strings.Contains(r.Raw, w) {
				t.Errorf("body leaks %q: %s", w, r.Raw)
			}
		}
		if n := tokenCount(t, env, org); n != 1 {
			t.Errorf("stored tokens: got %d, want 1", n)
		}
	})
}

// TestHTTPInternalErrors: database failures are "internal error" with code
// INTERNAL and no detail (HTTP 503 when the caller cannot even be read);
// readiness and introspection report unavailability.
func TestHTTPInternalErrors(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("internal")
		alice := env.Member(t, org, "alice")
		secret, _ := mustCreate(t, alice, simpleInput("ci"))
		alice.MustDo(viewerQuery, nil)
		if err := env.DB.Close(); err != nil {
			t.Fatalf("close database: %v", err)
		}
		sqlWords := []string{"SELECT", "FROM", "sql:", "Error 1", "INSERT", "UPDATE", "users", "organizations", "personal_access_tokens", "database"}
		calls := []struct {
			name string
			call func() *testenv.Response
		}{
			{"viewer", func() *testenv.Response { return alice.Do(viewerQuery, nil) }},
			{"list", func() *testenv.Response { return alice.Do(listQuery, nil) }},
			{"create", func() *testenv.Response { return alice.CreateToken(simpleInput("x")) }},
			{"new caller", func() *testenv.Response { return env.Member(t, org, "newcomer").Do(viewerQuery, nil) }},
		}
		for _, tc := range calls {
			t.Run(tc.name, func(t *testing.T) {
				r := tc.call()
				if r.Code() != "INTERNAL" {
					t.Errorf("extensions.code: got %q, want INTERNAL (body %s)", r.Code(), r.Raw)
				}
				// Every request reads its caller first: with the database
				// gone, that fails before any resolver runs.
				if r.Status != http.StatusServiceUnavailable {
					t.Errorf("HTTP status: got %d, want 503", r.Status)
				}
				if len(r.Errors) != 1 || r.Errors[0].Message != "internal error" {
					t.Errorf("errors: got %s, want exactly one \"internal error\"", r.Raw)
				}
				for _, w := range sqlWords {
					if strings.Contains(r.Raw, w) {
						t.Errorf("body leaks %q: %s", w, r.Raw)
					}
				}
			})
		}
		t.Run("readyz", func(t *testing.T) {
			status, _, body := doHTTP(t, http.MethodGet, env.URL+"/readyz", nil, nil)
			if status != http.StatusServiceUnavailable {
				t.Errorf("HTTP status: got %d, want 503 (%s)", status, body)
			}
		})
		t.Run("healthz stays up", func(t *testing.T) {
			if status, _, _ := doHTTP(t, http.MethodGet, env.URL+"/healthz", nil, nil); status != http.StatusOK {
				t.Errorf("HTTP status: got %d, want 200", status)
			}
		})
		t.Run("introspection is unavailable, not inactive", func(t *testing.T) {
			status, _, body := introspectRaw(t, env, "Bearer "+testenv.IntrospectionSecret, url.Values{"token": {secret}})
			if status != http.StatusServiceUnavailable || body == inactive {
				t.Errorf("got HTTP %d %q, want 503 and not the inactive body", status, body)
			}
			for _, w := range sqlWords {
				if strings.Contains(body, w) {
					t.Errorf("body leaks %q: %s", w, body)
				}
			}
		})
	})
}

// TestHTTPBodyTypes: a JSON object whose members have the wrong types
// (gqlgen could not decode it) is refused with 400 BAD_REQUEST, and the
// answer does not echo the body.
func TestHTTPBodyTypes(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		bearer := "Bearer " + env.Member(t, testenv.UniqueOrg("types"), "alice").Bearer
		for _, body := range []string{
			`{"query": 5}`,
			`{"query": "{ viewer { id } }", "variables": ["opat_notasecretbutlooksalikeone"]}`,
			`{"query": "{ viewer { id } }", "operationName": {"a": 1}}`,
			`{"query": "{ viewer { id } }", "extensions": "opat_notasecretbutlooksalikeone"}`,
		} {
			r := postQuery(t, env, bearer, []byte(body))
			if r.Status != http.StatusBadRequest || r.Code() != "BAD_REQUEST" || !strings.Contains(r.Raw, "not a valid GraphQL request") {
				t.Errorf("%s: got %d %s, want 400 BAD_REQUEST", body, r.Status, r.Raw)
			}
			if strings.Contains(r.Raw, "opat_") {
				t.Errorf("%s: the answer echoes the body: %s", body, r.Raw)
			}
		}
	})
}

// TestHTTPPersistedQueries: automatic persisted queries follow their
// protocol: an unknown hash asks the client to send the query (it is no
// server error), and a registered hash runs the query.
func TestHTTPPersistedQueries(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		alice := env.Member(t, testenv.UniqueOrg("apq"), "alice")
		bearer := "Bearer " + alice.Bearer
		query := "{ viewer { id } }"
		sum := sha256.Sum256([]byte(query))
		hash := hex.EncodeToString(sum[:])
		apq := func(h string) map[string]any {
			return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": h}}
		}
		body := func(v map[string]any) []byte {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			return b
		}

		t.Run("unknown hash", func(t *testing.T) {
			r := postQuery(t, env, bearer, body(map[string]any{"extensions": apq(hash)}))
			if len(r.Errors) == 0 || r.Errors[0].Message != "PersistedQueryNotFound" {
				t.Errorf("message: got %s, want PersistedQueryNotFound", r.Raw)
			}
			if r.Code() == "INTERNAL" {
				t.Errorf("extensions.code: got INTERNAL, want a client-facing code: an APQ miss is no server error (%s)", r.Raw)
			}
		})
		t.Run("hash that does not match the query", func(t *testing.T) {
			r := postQuery(t, env, bearer, body(map[string]any{"query": query, "extensions": apq(strings.Repeat("0", 64))}))
			if len(r.Errors) == 0 {
				t.Fatalf("got %s, want an error", r.Raw)
			}
			if r.Code() != "BAD_USER_INPUT" {
				t.Errorf("extensions.code: got %s, want BAD_USER_INPUT for a bad hash (%s)", r.Code(), r.Raw)
			}
		})
		t.Run("unsupported version or malformed extension data", func(t *testing.T) {
			for _, ext := range []map[string]any{
				{"persistedQuery": map[string]any{"version": 2, "sha256Hash": hash}},
				{"persistedQuery": "not an object"},
			} {
				r := postQuery(t, env, bearer, body(map[string]any{"query": query, "extensions": ext}))
				if r.Code() != "BAD_USER_INPUT" {
					t.Errorf("%v: got %s, want BAD_USER_INPUT", ext, r.Raw)
				}
			}
		})
		t.Run("register, then run by hash", func(t *testing.T) {
			r := postQuery(t, env, bearer, body(map[string]any{"query": query, "extensions": apq(hash)}))
			if r.Status != http.StatusOK || len(r.Errors) != 0 {
				t.Fatalf("register: got HTTP %d %s, want 200", r.Status, r.Raw)
			}
			r = postQuery(t, env, bearer, body(map[string]any{"extensions": apq(hash)}))
			if r.Status != http.StatusOK || len(r.Errors) != 0 {
				t.Fatalf("by hash: got HTTP %d %s, want 200", r.Status, r.Raw)
			}
			if got := viewerID(t, r); got != "alice" {
				t.Errorf("viewer.id: got %v, want alice", got)
			}
		})
	})
}

// TestHTTPErrorCodesInContract: every error the service answers on /query
// carries an extensions.code from the schema's ErrorCode enum, which the
// contract declares the closed set of codes.
func TestHTTPErrorCodesInContract(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("codes")
		member := env.Member(t, org, "alice")
		codes := errorCodes(t, member)
		bearer := "Bearer " + member.Bearer
		big := append([]byte(`{"query":"{ viewer { id } }"}`), bytes.Repeat([]byte(" "), 1<<20)...)
		cases := []struct {
			name     string
			auth     string
			body     []byte
			streamed bool
		}{
			{"no session", "", viewerBody, false},
			{"body over 1 MiB", bearer, big, false},
			{"body over 1 MiB streamed", bearer, big, true},
			{"batch", bearer, []byte(`[{"query":"{ viewer { id } }"}]`), false},
			{"syntax error", bearer, []byte(`{"query":"{ viewer { id }"}`), false},
			{"unknown field", bearer, []byte(`{"query":"{ viewer { nope } }"}`), false},
			{"bad variable", bearer, []byte(`{"query":"query($f: Int) { personalAccessTokens(first: $f) { totalCount } }","variables":{"f":"x"}}`), false},
			{"forbidden", bearer, []byte(`{"query":"mutation { updatePatSettings(input: {enabled: false}) { enabled } }"}`), false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var body io.Reader = bytes.NewReader(tc.body)
				if tc.streamed {
					body = io.MultiReader(bytes.NewReader(tc.body))
				}
				h := http.Header{"Content-Type": {"application/json"}}
				if tc.auth != "" {
					h.Set("Authorization", tc.auth)
				}
				status, _, raw := doHTTP(t, http.MethodPost, env.URL+"/query", h, body)
				var decoded struct {
					Errors []testenv.Error `json:"errors"`
				}
				if err := json.Unmarshal([]byte(raw), &decoded); err != nil || len(decoded.Errors) == 0 {
					t.Fatalf("HTTP %d: got %q, want a GraphQL error response", status, raw)
				}
				for i, e := range decoded.Errors {
					if code, _ := e.Extensions["code"].(string); !codes[code] {
						t.Errorf("errors[%d].extensions.code (HTTP %d): got %q, want one of the ErrorCode enum", i, status, code)
					}
				}
			})
		}
	})
}
