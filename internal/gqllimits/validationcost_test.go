package gqllimits

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/gqllimits/gqllimitstest"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// Documents whose validation is quadratic in gqlparser, by shape; each
// takes its size n.
var costlyShapes = map[string]func(n int) string{
	// n copies of one field with a child: pairs of viewer and viewer.id.
	"same field": func(n int) string { return "{" + strings.Repeat(" viewer { id }", n) + " }" },
	// n copies of one leaf.
	"same leaf": func(n int) string { return "{ viewer {" + strings.Repeat(" id", n) + " } }" },
	// n inline fragments selecting the same field.
	"inline fragments": func(n int) string { return "{" + strings.Repeat(" ... on Query { viewer { id } }", n) + " }" },
	// n fragments, each spreading the one before once.
	"fragment chain": gqllimitstest.Chain,
	// n fragments, all spread by the operation, selecting the same field.
	"flat fragments": func(n int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			fmt.Fprintf(&b, " ...F%d", i)
		}
		b.WriteString(" }\n")
		for i := range n {
			fmt.Fprintf(&b, "fragment F%d on Query { viewer { id } }\n", i)
		}
		return b.String()
	},
	// An unused fragment with n copies of a field: validation walks it
	// even though no operation spreads it.
	"unused fragment": func(n int) string {
		return "{ __typename }\nfragment U on Query {" + strings.Repeat(" viewer { id }", n) + " }"
	},
}

// cost parses query and returns its ValidationCost under the defaults,
// uncapped.
func cost(t testing.TB, query string) int {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		t.Fatalf("parse %.80q: %v", query, err)
	}
	return ValidationCost(doc, defaults.MaxSelections, 1<<50)
}

// largestUnder finds the largest n whose document costs at most limit.
func largestUnder(t testing.TB, shape func(int) string, limit int) int {
	lo, hi := 1, 2
	for cost(t, shape(hi)) <= limit {
		lo, hi = hi, hi*2
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if cost(t, shape(mid)) <= limit {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// TestValidationCostCounts: the cost counts pairs of fields sharing a
// response path, pairs of spreads in one selection set, and the
// expansions of operations and fragment definitions.
func TestValidationCostCounts(t *testing.T) {
	tests := []struct {
		query string
		want  int
	}{
		// 2 selections expanded, no pairs.
		{`{ viewer { id } }`, FragmentWeight * 2},
		// Different response names: no pairs.
		{`{ a: viewer { id } b: viewer { id } }`, FragmentWeight * 4},
		// Two viewers and their ids: one pair each.
		{`{ viewer { id } viewer { id } }`, FragmentWeight*4 + 2},
		// Three ids under one viewer: 3 pairs.
		{`{ viewer { id id id } }`, FragmentWeight*4 + 3},
		// Two spreads of one fragment: the operation expands to 6, the
		// fragment to 2; one pair of spreads; viewer and id pair once in
		// the operation.
		{`{ ...V ...V } fragment V on Query { viewer { id } }`, FragmentWeight*(6+2) + FragmentWeight + 2},
		// Inline fragments are transparent.
		{`{ ... on Query { viewer { id } } viewer { id } }`, FragmentWeight*5 + 2},
		// A cycle is followed once per path (validation refuses it
		// anyway): from A's own definition, its spread of itself reaches
		// viewer and id once more, a pair each.
		{`{ ...A } fragment A on Query { ...A viewer { id } }`, FragmentWeight*(4+3) + 2},
	}
	for _, tt := range tests {
		if got := cost(t, tt.query); got != tt.want {
			t.Errorf("%q: cost %d, want %d", tt.query, got, tt.want)
		}
	}
}

// TestValidationCostRefusesQuadraticShapes: each costly shape is over the
// default at a size the token limit allows (5,000 tokens), and counting
// stops early: a doubling document costs no more to measure than its
// length.
func TestValidationCostRefusesQuadraticShapes(t *testing.T) {
	for name, shape := range costlyShapes {
		n := largestUnder(t, shape, DefaultMaxValidationCost)
		doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: shape(n + 1)}, 5000)
		if err != nil {
			t.Fatalf("%s: the first size over the limit (n=%d) is beyond the token limit, so the check is moot: %v", name, n+1, err)
		}
		if got := ValidationCost(doc, defaults.MaxSelections, DefaultMaxValidationCost); got <= DefaultMaxValidationCost {
			t.Errorf("%s n=%d: cost %d, want over %d", name, n+1, got, DefaultMaxValidationCost)
		}
	}
	doc, _ := parser.ParseQuery(&ast.Source{Input: gqllimitstest.Doubling(60, false)})
	if got := ValidationCost(doc, defaults.MaxSelections, DefaultMaxValidationCost); got <= DefaultMaxValidationCost {
		t.Errorf("doubling n=60: cost %d, want over the limit", got)
	}
}

// TestShippedOperationsFit: the standard introspection query and every
// operation the typed client and the console send cost under a quarter
// of the default.
func TestShippedOperationsFit(t *testing.T) {
	docs := map[string]string{"standard introspection": gqllimitstest.IntrospectionQuery}
	for _, dir := range []string{"../../client/operations", "../../console/web/src/graphql"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.graphql"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no operations in %s: %v", dir, err)
		}
		// All of a folder's files as one document: its fragments are
		// shared, and the sum is an upper bound of each operation's cost.
		var all strings.Builder
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			all.Write(b)
			all.WriteString("\n")
		}
		docs[dir] = all.String()
	}
	for name, q := range docs {
		c := cost(t, q)
		t.Logf("%s: validation cost %d", name, c)
		if c*4 > DefaultMaxValidationCost {
			t.Errorf("%s: validation cost %d, want under a quarter of the default %d", name, c, DefaultMaxValidationCost)
		}
	}
}

// BenchmarkValidationCost validates (parse plus gqlparser's rules plus
// the limits) each costly shape at the largest size the default cost
// accepts, and at twice and four times that: the accepted sizes are the
// worst a client can make the service validate. ns/op divided by the
// cost printed is the time per unit (docs/PERFORMANCE.md).
func BenchmarkValidationCost(b *testing.B) {
	for _, name := range []string{"same field", "same leaf", "inline fragments", "fragment chain", "flat fragments", "unused fragment"} {
		shape := costlyShapes[name]
		n := largestUnder(b, shape, DefaultMaxValidationCost)
		for _, k := range []int{1, 2, 4} {
			q := shape(n * k)
			c := cost(b, q)
			b.Run(fmt.Sprintf("%s/n=%d/cost=%d", strings.ReplaceAll(name, " ", "_"), n*k, c), func(b *testing.B) {
				for b.Loop() {
					doc, err := parser.ParseQuery(&ast.Source{Input: q})
					if err != nil {
						b.Fatal(err)
					}
					validator.ValidateWithRules(schema, doc, Rules(defaults))
				}
			})
		}
	}
}
