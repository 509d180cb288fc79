package gqllimits

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// fragmentGraph turns fuzz bytes into a document of up to 16 fragments on
// Query whose bodies mix fields (aliased or not, nested or not) and
// spreads of any fragment, cycles and repeats included; the operation
// spreads the last fragment and selects a field.
func fragmentGraph(data []byte) string {
	if len(data) == 0 {
		return "{ viewer { id } }"
	}
	n := int(data[0]%16) + 1
	data = data[1:]
	next := func() byte {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return b
	}
	var b strings.Builder
	fmt.Fprintf(&b, "query Q { viewer { id } ...F%d }\n", n-1)
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on Query {", i)
		items := int(next()%6) + 1
		for j := range items {
			switch c := next(); c % 4 {
			case 0:
				fmt.Fprintf(&b, " ...F%d", int(c/4)%n)
			case 1:
				fmt.Fprintf(&b, " a%d_%d: viewer { id }", i, j)
			case 2:
				b.WriteString(" viewer { id name }")
			default:
				b.WriteString(" personalAccessTokens { nodes { owner { id } } }")
			}
		}
		b.WriteString(" }\n")
	}
	return b.String()
}

// naive measures set by expanding every spread, as the rules did before
// they were memoized (exponential: only for small expansions). budget
// bounds the walk; ok is false when it ran out.
func naive(set ast.SelectionSet, visiting map[string]bool, budget *int) (s shape, ok bool) {
	for _, sel := range set {
		if *budget--; *budget < 0 {
			return s, false
		}
		var child shape
		switch x := sel.(type) {
		case *ast.Field:
			if child, ok = naive(x.SelectionSet, visiting, budget); !ok {
				return s, false
			}
			if x.Name != "ofType" {
				child.depth++
			}
			if x.Alias != "" && x.Alias != x.Name {
				child.aliases++
			}
		case *ast.InlineFragment:
			if child, ok = naive(x.SelectionSet, visiting, budget); !ok {
				return s, false
			}
		case *ast.FragmentSpread:
			if x.Definition != nil && !visiting[x.Name] {
				visiting[x.Name] = true
				child, ok = naive(x.Definition.SelectionSet, visiting, budget)
				delete(visiting, x.Name)
				if !ok {
					return s, false
				}
			}
		}
		child.selections++
		s.add(child)
	}
	return s, true
}

// FuzzFragmentGraphs: over random fragment graphs, validation never
// panics, the measure visits each selection of the text once whatever the
// expansion, ExpandedSelections (before validation) agrees with the rule's
// measure (after it), and on acyclic documents whose expansion is small it agrees
// with a full expansion.
func FuzzFragmentGraphs(f *testing.F) {
	f.Add([]byte{0})
	f.Add([]byte{3, 2, 0, 1, 1, 4, 8, 2, 4, 4})
	f.Add([]byte{15, 5, 0, 0, 4, 4, 8, 8, 1, 2, 3})
	f.Add([]byte("\x07\x02\x00\x04\x02\x04\x08\x03\x01\x02\x03"))
	f.Fuzz(func(t *testing.T, data []byte) {
		query := fragmentGraph(data)
		doc, err := parser.ParseQuery(&ast.Source{Input: query})
		if err != nil {
			t.Fatalf("generated document does not parse: %v\n%s", err, query)
		}
		// Before validation, by name; after it, by resolved definition:
		// the same count.
		unvalidated := ExpandedSelections(doc)
		errs := validator.ValidateWithRules(schema, doc, Rules(defaults))
		cyclic := false
		for _, e := range errs {
			cyclic = cyclic || e.Rule == "NoFragmentCycles"
		}
		m := newMeasurer()
		got := m.selectionSet(doc.Operations[0].SelectionSet)
		if want := textSelections(doc); m.steps > want {
			t.Fatalf("measure visited %d selections, more than the %d of the text:\n%s", m.steps, want, query)
		}
		if unvalidated != got.selections {
			t.Fatalf("ExpandedSelections before validation %d, measure after it %d:\n%s", unvalidated, got.selections, query)
		}
		if cyclic {
			return
		}
		budget := 100_000
		want, ok := naive(doc.Operations[0].SelectionSet, map[string]bool{}, &budget)
		if ok && got != want {
			t.Fatalf("memoized %+v, full expansion %+v:\n%s", got, want, query)
		}
	})
}
