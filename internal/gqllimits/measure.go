package gqllimits

import (
	"math"

	"github.com/vektah/gqlparser/v2/ast"
)

// shape is what a selection set asks for once its fragments are expanded.
type shape struct {
	// depth is the deepest nesting of fields (introspection's ofType
	// does not count; see measurer.selectionSet).
	depth int
	// aliases counts aliased fields, once per time they are resolved.
	aliases int
	// selections counts fields, fragment spreads and inline fragments.
	selections int
}

// add merges a sibling's shape into s: sizes add up, depth is the deepest.
func (s *shape) add(o shape) {
	s.depth = max(s.depth, o.depth)
	s.aliases = saturatingAdd(s.aliases, o.aliases)
	s.selections = saturatingAdd(s.selections, o.selections)
}

// measurer measures selection sets, remembering each fragment's shape so
// that a fragment spread many times is walked once: the work is linear in
// the document's length, however large its expansion.
type measurer struct {
	fragments map[*ast.FragmentDefinition]shape
	// byName resolves spreads of a document not yet validated (whose
	// spreads have no Definition); nil once the validator has resolved
	// them.
	byName map[string]*ast.FragmentDefinition
	// measuring holds the fragments on the current path: a fragment
	// cycle (refused by gqlparser's NoFragmentCycles) ends there instead
	// of looping.
	measuring map[*ast.FragmentDefinition]bool
	// steps counts the selections visited, for the tests that prove the
	// walk linear.
	steps int
}

func newMeasurer() *measurer {
	return &measurer{fragments: map[*ast.FragmentDefinition]shape{}, measuring: map[*ast.FragmentDefinition]bool{}}
}

// selectionSet measures set, following fragment spreads.
//
// Introspection's __Type.ofType does not add depth: it unwraps one list or
// non-null wrapper and returns a single type (or null once unwrapped), so
// a chain of them costs a few objects, never a fan-out. The standard
// introspection query of GraphiQL and codegen tools chains seven of them
// and would otherwise exceed the depth limit. Fields that fan out
// (__Type.fields and the types they reach) count as usual, and every
// ofType still counts as a selection. No field of this schema is named
// ofType.
func (m *measurer) selectionSet(set ast.SelectionSet) shape {
	var s shape
	for _, sel := range set {
		m.steps++
		var child shape
		switch x := sel.(type) {
		case *ast.Field:
			child = m.selectionSet(x.SelectionSet)
			if x.Name != "ofType" {
				child.depth++
			}
			if x.Alias != "" && x.Alias != x.Name {
				child.aliases = saturatingAdd(child.aliases, 1)
			}
		case *ast.InlineFragment:
			child = m.selectionSet(x.SelectionSet)
		case *ast.FragmentSpread:
			def := x.Definition
			if def == nil && m.byName != nil {
				def = m.byName[x.Name]
			}
			child = m.fragment(def)
		}
		child.selections = saturatingAdd(child.selections, 1)
		s.add(child)
	}
	return s
}

// fragment measures a fragment's selection set once per document.
func (m *measurer) fragment(def *ast.FragmentDefinition) shape {
	if def == nil || m.measuring[def] { // unknown, or a cycle: both refused by other rules
		return shape{}
	}
	if s, ok := m.fragments[def]; ok {
		return s
	}
	m.measuring[def] = true
	s := m.selectionSet(def.SelectionSet)
	delete(m.measuring, def)
	m.fragments[def] = s
	return s
}

// ExpandedSelections counts the selections (fields, fragment spreads and
// inline fragments) of doc's largest operation once every fragment spread
// is expanded, in time linear in doc's length. doc need not have been
// validated: spreads are resolved by name, and unknown or cyclic ones
// (which validation refuses) count as empty.
func ExpandedSelections(doc *ast.QueryDocument) int {
	m := newMeasurer()
	m.byName = make(map[string]*ast.FragmentDefinition, len(doc.Fragments))
	for _, f := range doc.Fragments {
		if _, dup := m.byName[f.Name]; !dup { // validation refuses duplicates
			m.byName[f.Name] = f
		}
	}
	largest := 0
	for _, op := range doc.Operations {
		largest = max(largest, m.selectionSet(op.SelectionSet).selections)
	}
	return largest
}

// saturatingAdd adds non-negative counts without overflowing: an
// expansion of 2^64 selections stays the largest int, still over any
// limit.
func saturatingAdd(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}
