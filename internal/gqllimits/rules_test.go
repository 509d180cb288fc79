package gqllimits

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/gqllimits/gqllimitstest"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/patgov/pats/graph"
)

var schema = graph.NewExecutableSchema(graph.Config{}).Schema()

// defaults are the service's default limits.
var defaults = Limits{MaxDepth: 12, MaxAliases: 20, MaxSelections: 2000}

// validate parses and validates query with lim, as gqlgen does.
func validate(t testing.TB, query string, lim Limits) gqlerror.List {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		t.Fatalf("parse %.80q: %v", query, err)
	}
	return validator.ValidateWithRules(schema, doc, Rules(lim))
}

// rulesOf lists the Rule of each error.
func rulesOf(errs gqlerror.List) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Rule)
	}
	return out
}

// TestDoublingDocumentsAreRefused: the review's document and its
// introspection variant are refused for their expansion at every n from
// 10 to 40, and the measure visits each selection of the text once (so
// its work is linear in the document's length, not in its expansion).
func TestDoublingDocumentsAreRefused(t *testing.T) {
	for _, inSchema := range []bool{false, true} {
		for n := 10; n <= 40; n++ {
			q := gqllimitstest.Doubling(n, inSchema)
			errs := validate(t, q, defaults)
			if got := rulesOf(errs); len(got) != 1 || got[0] != RuleMaxSelections {
				t.Fatalf("n=%d inSchema=%v: got errors %v (%v), want one %s", n, inSchema, got, errs, RuleMaxSelections)
			}
			doc, _ := parser.ParseQuery(&ast.Source{Input: q})
			validator.ValidateWithRules(schema, doc, nil) // resolve spreads
			m := newMeasurer()
			s := m.selectionSet(doc.Operations[0].SelectionSet)
			if want := textSelections(doc); m.steps != want {
				t.Errorf("n=%d: measure visited %d selections, want %d (each of the text once)", n, m.steps, want)
			}
			// 2^n copies of F0, plus the spreads that reach them.
			if wantMin := 1 << min(n, 62); s.selections < wantMin {
				t.Errorf("n=%d: got %d selections, want at least %d", n, s.selections, wantMin)
			}
		}
	}
}

// TestExpandedSelections: counted before validation, spreads resolved by
// name; the largest operation counts; unknown and cyclic spreads count as
// themselves only.
func TestExpandedSelections(t *testing.T) {
	tests := []struct {
		query string
		want  int
	}{
		{`{ viewer { id } }`, 2},
		{`{ ...V ...V } fragment V on Query { viewer { id } }`, 6},
		{`query A { viewer { id } } query B { ...V ...V } fragment V on Query { viewer { id } }`, 6},
		{`{ ...Missing viewer { id } }`, 3},
		{`{ ...A } fragment A on Query { ...B } fragment B on Query { ...A viewer { id } }`, 5},
		{gqllimitstest.Doubling(3, false), 1 + 2 + 4 + 8 + 8*2},
		{gqllimitstest.Doubling(70, false), math.MaxInt},
	}
	for _, tt := range tests {
		doc, err := parser.ParseQuery(&ast.Source{Input: tt.query})
		if err != nil {
			t.Fatalf("parse %.80q: %v", tt.query, err)
		}
		if got := ExpandedSelections(doc); got != tt.want {
			t.Errorf("%.80q: %d selections, want %d", tt.query, got, tt.want)
		}
	}
}

// textSelections counts the selections written in doc's text: those of its
// operations and of each fragment once.
func textSelections(doc *ast.QueryDocument) int {
	var count func(ast.SelectionSet) int
	count = func(set ast.SelectionSet) int {
		n := 0
		for _, sel := range set {
			n++
			switch x := sel.(type) {
			case *ast.Field:
				n += count(x.SelectionSet)
			case *ast.InlineFragment:
				n += count(x.SelectionSet)
			}
		}
		return n
	}
	n := 0
	for _, op := range doc.Operations {
		n += count(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		n += count(f.SelectionSet)
	}
	return n
}

// TestLimits: each limit refuses one past it and serves at it, through
// fragments and inline fragments too; introspection's ofType adds no depth.
func TestLimits(t *testing.T) {
	aliased := func(n int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			fmt.Fprintf(&b, " a%d: viewer { id }", i)
		}
		return b.String() + " }"
	}
	typeRef := "kind name" + strings.Repeat(" ofType { kind name", 7) + strings.Repeat(" }", 7)
	tests := []struct {
		name  string
		query string
		lim   Limits
		want  string // the rule broken, or "" for none
	}{
		{"depth at the limit", `{ personalAccessTokens { nodes { owner { id } } } }`, Limits{MaxDepth: 4}, ""},
		{"depth past the limit", `{ personalAccessTokens { edges { node { owner { id } } } } }`, Limits{MaxDepth: 4}, RuleMaxDepth},
		{"depth through a fragment", `{ personalAccessTokens { edges { ...N } } } fragment N on PersonalAccessTokenEdge { node { owner { id } } }`, Limits{MaxDepth: 4}, RuleMaxDepth},
		{"depth through an inline fragment", `{ personalAccessTokens { edges { ... on PersonalAccessTokenEdge { node { owner { id } } } } } }`, Limits{MaxDepth: 4}, RuleMaxDepth},
		{"ofType adds no depth", `{ __schema { types { fields { type { ` + typeRef + ` } } } } }`, Limits{MaxDepth: 5}, ""},
		{"aliases at the limit", aliased(20), defaults, ""},
		{"aliases past the limit", aliased(21), defaults, RuleMaxAliases},
		{"aliases count once per spread", `{ ...A ...A } fragment A on Query { a: viewer { id } b: viewer { id } }`, Limits{MaxAliases: 3}, RuleMaxAliases},
		{"an alias equal to the name is none", `{ viewer: viewer { id } }`, Limits{MaxAliases: 0, MaxDepth: 12}, ""},
		{"selections at the limit", `{ viewer { id name } }`, Limits{MaxSelections: 3}, ""},
		{"selections past the limit", `{ viewer { id name email } }`, Limits{MaxSelections: 3}, RuleMaxSelections},
		{"selections count spreads and their expansion", `{ ...V ...V } fragment V on Query { viewer { id } }`, Limits{MaxSelections: 5}, RuleMaxSelections},
		{"no limits, no rule", gqllimitstest.Doubling(30, false), Limits{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := validate(t, tt.query, tt.lim)
			got := strings.Join(rulesOf(errs), ",")
			if got != tt.want {
				t.Errorf("got rules %q (%v), want %q", got, errs, tt.want)
			}
		})
	}
}

// TestStandardIntrospectionQuery: the introspection query GraphiQL and
// codegen tools send fits the default limits with room to spare.
func TestStandardIntrospectionQuery(t *testing.T) {
	doc, err := parser.ParseQuery(&ast.Source{Input: gqllimitstest.IntrospectionQuery})
	if err != nil {
		t.Fatal(err)
	}
	if errs := validator.ValidateWithRules(schema, doc, Rules(defaults)); len(errs) > 0 {
		t.Fatalf("standard introspection query refused: %v", errs)
	}
	s := newMeasurer().selectionSet(doc.Operations[0].SelectionSet)
	t.Logf("standard introspection query: %d selections, depth %d", s.selections, s.depth)
	if s.selections*4 > defaults.MaxSelections {
		t.Errorf("standard introspection query: %d selections, want under a quarter of the default limit %d", s.selections, defaults.MaxSelections)
	}
}
