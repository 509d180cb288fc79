package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/gqllimits/gqllimitstest"
)

// documentHandler is the GraphQL handler alone (no authentication, no
// database): enough for documents refused before any resolver runs.
func documentHandler(lim Limits, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return negotiateGraphQL(newGraphQLHandler(nil, lim, nil, log))
}

// postGraphQL sends body to h and decodes the answer.
func postGraphQL(t testing.TB, h http.Handler, body any) (int, graphQLErrorBody) {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out graphQLErrorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("response: %v: %.300s", err, rec.Body)
	}
	return rec.Code, out
}

// TestDoublingDocumentRefused: the review's document and its __schema
// variant are refused with COMPLEXITY_LIMIT_EXCEEDED (HTTP 200 under
// application/json, as every well-formed request) at every n from 10 to
// 40. (How fast: BenchmarkDoublingDocument.)
func TestDoublingDocumentRefused(t *testing.T) {
	h := documentHandler(Limits{}, nil)
	for _, inSchema := range []bool{false, true} {
		for n := 10; n <= 40; n += 5 {
			status, body := postGraphQL(t, h, map[string]any{"query": gqllimitstest.Doubling(n, inSchema)})
			if status != http.StatusOK || len(body.Errors) != 1 || body.Errors[0].Extensions["code"] != "COMPLEXITY_LIMIT_EXCEEDED" {
				t.Errorf("n=%d inSchema=%v: got %d %+v, want 200 and one COMPLEXITY_LIMIT_EXCEEDED", n, inSchema, status, body.Errors)
			}
		}
	}
}

// TestQuadraticDocumentsRefused: documents that gqlparser would take
// quadratic time to validate (a field repeated 600 times; a chain of
// 300 fragments) are refused before validation, with the same code; a
// modest repetition is served.
func TestQuadraticDocumentsRefused(t *testing.T) {
	h := documentHandler(Limits{}, nil)
	for name, query := range map[string]string{
		"same field": "{" + strings.Repeat(" __schema { queryType { name } }", 600) + " }",
		"chain":      gqllimitstest.Chain(300),
	} {
		status, body := postGraphQL(t, h, map[string]any{"query": query})
		if status != http.StatusOK || len(body.Errors) != 1 || body.Errors[0].Extensions["code"] != "COMPLEXITY_LIMIT_EXCEEDED" ||
			!strings.Contains(body.Errors[0].Message, "validation cost") {
			t.Errorf("%s: got %d %+v, want 200 and one COMPLEXITY_LIMIT_EXCEEDED naming the validation cost", name, status, body.Errors)
		}
	}
	status, body := postGraphQL(t, h, map[string]any{"query": "{" + strings.Repeat(" __schema { queryType { name } }", 10) + " }"})
	if status != http.StatusOK || len(body.Errors) != 0 {
		t.Errorf("ten repeats: got %d %+v, want 200", status, body.Errors)
	}
}

// BenchmarkDoublingDocument times the refusal of the review's document
// through the GraphQL handler (decode, parse, check, present), by n: the
// time grows with the document's length (linear in n), not with its
// expansion (2^n). "chain" is an accepted document of n fragments, every
// validation rule run in full; "baseline" is { __typename }, the smallest
// document, to compare against in the same run (docs/PERFORMANCE.md).
// It asks for application/graphql-response+json, so that refusals are
// HTTP 400 and told apart from documents served.
func BenchmarkDoublingDocument(b *testing.B) {
	h := documentHandler(Limits{}, nil)
	run := func(name, query string, want int) {
		b.Run(name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				// A distinct comment each time: gqlgen caches accepted
				// documents, and the point is to check each one afresh.
				i++
				raw, _ := json.Marshal(map[string]any{"query": fmt.Sprintf("%s\n# %d", query, i)})
				req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(raw))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", mediaGraphQLResponse)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != want {
					b.Fatalf("got %d: %.300s", rec.Code, rec.Body)
				}
			}
		})
	}
	run("baseline", "{ __typename }", http.StatusOK)
	for _, n := range []int{10, 20, 30, 40, 80, 160, 320} {
		run(fmt.Sprintf("query/n=%d", n), gqllimitstest.Doubling(n, false), http.StatusBadRequest)
		run(fmt.Sprintf("schema/n=%d", n), gqllimitstest.Doubling(n, true), http.StatusBadRequest)
		// Chains past about 100 fragments cost too much to validate.
		chainStatus := http.StatusOK
		if n > 100 {
			chainStatus = http.StatusBadRequest
		}
		run(fmt.Sprintf("chain/n=%d", n), gqllimitstest.Chain(n), chainStatus)
	}
	// gqlparser's overlapping-fields rule is quadratic in these copies.
	run("samefield/n=600", "{"+strings.Repeat(" __schema { queryType { name } }", 600)+" }", http.StatusBadRequest)
}

// TestErrorListsAreCapped: a document with 200 errors answers MaxErrors of
// them and one that counts the rest, with the same code.
func TestErrorListsAreCapped(t *testing.T) {
	h := documentHandler(Limits{}, nil)
	var q strings.Builder
	q.WriteString("{")
	for i := range 200 {
		fmt.Fprintf(&q, " f%d", i)
	}
	q.WriteString(" }")
	_, body := postGraphQL(t, h, map[string]any{"query": q.String()})
	if len(body.Errors) != MaxErrors+1 {
		t.Fatalf("got %d errors, want %d", len(body.Errors), MaxErrors+1)
	}
	last := body.Errors[MaxErrors]
	if last.Message != "too many errors: 150 more not shown" || last.Extensions["code"] != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("last error: got %+v, want the count of the rest with the first one's code", last)
	}
	// Within the cap, nothing changes.
	_, body = postGraphQL(t, h, map[string]any{"query": "{ a b c }"})
	if len(body.Errors) != 3 {
		t.Errorf("3 errors: got %d, want 3", len(body.Errors))
	}
}

// TestRefusedDocumentsAreLogged: with a threshold of zero every refused
// document is logged with its size, time and code, and never with its
// variables or text.
func TestRefusedDocumentsAreLogged(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	h := documentHandler(Limits{LogSlowerThan: time.Nanosecond}, log)
	const secret = "pat_secretvalue0123456789"
	postGraphQL(t, h, map[string]any{
		"query":     gqllimitstest.Doubling(30, false) + `query V($t: String!) { viewer { id } }`,
		"variables": map[string]any{"t": secret}, "operationName": "Q",
	})
	var entry struct {
		Msg           string
		Operation     string
		DocumentBytes int     `json:"document_bytes"`
		ChecksMs      float64 `json:"checks_ms"`
		Code          string
	}
	if err := json.Unmarshal(logs.Bytes(), &entry); err != nil {
		t.Fatalf("log: %v: %s", err, logs.String())
	}
	if entry.Msg != "slow GraphQL document refused" || entry.Operation != "Q" || entry.DocumentBytes < 1000 || entry.Code != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Errorf("log entry: got %+v, want the refusal of Q with its size and code", entry)
	}
	if strings.Contains(logs.String(), secret) || strings.Contains(logs.String(), "fragment F1") {
		t.Errorf("log holds the variables or the document: %s", logs.String())
	}
	// The default threshold logs nothing for a fast refusal.
	logs.Reset()
	postGraphQL(t, documentHandler(Limits{}, log), map[string]any{"query": gqllimitstest.Doubling(30, false)})
	if logs.Len() != 0 {
		t.Errorf("fast refusal with the default threshold: got log %s, want none", logs.String())
	}
}
