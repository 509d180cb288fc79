package gqllimits

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// Estimating what validation will cost, before it runs.
//
// gqlparser's validation is linear in a document's length except for one
// rule, OverlappingFieldsCanBeMerged, which the GraphQL specification
// defines by comparing every pair of fields that share a response name
// under the same parent, once fragments are expanded, and which gqlparser
// runs again on every fragment definition's own selection set. Its time
// therefore grows with
//   - the pairs of fields that share a response path: 1,000 copies of
//     { viewer { id } } make 500,000 pairs of each of viewer and viewer.id
//     (about 150 ms on the reference machine), and
//   - the expansion of every fragment definition, summed: a chain of n
//     fragments, each spreading the one before once, sums to n²/2 (400
//     fragments, about 45 ms),
//
// neither of which the limits on depth, aliases or the expanded size of
// the operation bound enough. ValidationCost counts both, in time linear
// in the document's length plus its (bounded) expansion, so that a
// document can be refused before gqlparser spends that time.

// DefaultMaxValidationCost is the validation cost (see ValidationCost)
// the service accepts unless configured otherwise: about 4 to 7 ms of
// validation on the reference machine (two cores, 140 to 260 ns a unit
// over the shapes in BenchmarkValidationCost). The standard introspection
// query costs 1,560; all of the console's operations together 820.
const DefaultMaxValidationCost = 25_000

// FragmentWeight is the cost of one selection of a fragment definition's
// expansion, relative to one pair of overlapping fields: gqlparser
// compares a fragment's fields with its spreads' (a map built per
// comparison), about four times the work of comparing two fields.
const FragmentWeight = 4

// ValidationCost estimates the comparisons gqlparser's validation of doc
// will make: FragmentWeight times the summed expansions of the document's
// operations and fragment definitions, plus the pairs of fields sharing a
// response path within each of them. Counting stops, and the result is
// over limit, once it passes limit (or once any operation or fragment
// expands past maxExpanded), so the work is bounded by the limits, not by
// the document's expansion. doc need not have been validated.
func ValidationCost(doc *ast.QueryDocument, maxExpanded, limit int) int {
	m := newMeasurer()
	m.byName = make(map[string]*ast.FragmentDefinition, len(doc.Fragments))
	for _, f := range doc.Fragments {
		if _, dup := m.byName[f.Name]; !dup {
			m.byName[f.Name] = f
		}
	}
	type root struct {
		set      ast.SelectionSet
		expanded int
	}
	roots := make([]root, 0, len(doc.Operations)+len(doc.Fragments))
	for _, op := range doc.Operations {
		roots = append(roots, root{op.SelectionSet, m.selectionSet(op.SelectionSet).selections})
	}
	for _, f := range doc.Fragments {
		roots = append(roots, root{f.SelectionSet, m.fragment(m.byName[f.Name]).selections})
	}
	cost := 0
	for _, r := range roots {
		if r.expanded > maxExpanded {
			return saturatingAdd(limit, 1)
		}
		cost = saturatingAdd(cost, FragmentWeight*r.expanded)
	}
	if cost > limit {
		return cost
	}
	for _, r := range roots {
		p := &pairCounter{byName: m.byName, counts: map[pathKey]pathCount{}, visiting: map[string]bool{}, budget: limit - cost}
		p.walk(r.set, 0, true)
		cost = saturatingAdd(cost, p.pairs)
		if cost > limit {
			return cost
		}
	}
	return cost
}

// pathKey names a response path: its parent path's number (0 for the
// root) and a response name.
type pathKey struct {
	parent int
	name   string
}

// pairCounter counts, over an expanded selection set, the pairs of fields
// sharing a response path.
type pairCounter struct {
	byName map[string]*ast.FragmentDefinition
	// counts holds, per response path, its number and how many fields
	// were seen at it.
	counts   map[pathKey]pathCount
	visiting map[string]bool
	pairs    int
	// budget stops the walk once the pairs alone exceed it.
	budget int
}

// walk adds set's fields, under the path parent, to the counts: the k-th
// field at a path makes k-1 new pairs. direct is true for the root's own
// text, not reached through a spread: there, the k-th fragment spread of
// a selection set makes k-1 pairs of fragments, which gqlparser compares
// field map against field map, FragmentWeight each.
func (p *pairCounter) walk(set ast.SelectionSet, parent int, direct bool) {
	spreads := 0
	for _, sel := range set {
		if p.pairs > p.budget {
			return
		}
		switch x := sel.(type) {
		case *ast.Field:
			name := x.Alias
			if name == "" {
				name = x.Name
			}
			key := pathKey{parent, name}
			c, ok := p.counts[key]
			if !ok {
				c.id = len(p.counts) + 1
			}
			p.pairs = saturatingAdd(p.pairs, c.fields)
			c.fields++
			p.counts[key] = c
			p.walk(x.SelectionSet, c.id, direct)
		case *ast.InlineFragment:
			p.walk(x.SelectionSet, parent, direct)
		case *ast.FragmentSpread:
			if direct {
				p.pairs = saturatingAdd(p.pairs, FragmentWeight*spreads)
				spreads++
			}
			def := p.byName[x.Name]
			if def == nil || p.visiting[x.Name] {
				continue
			}
			p.visiting[x.Name] = true
			p.walk(def.SelectionSet, parent, false)
			delete(p.visiting, x.Name)
		}
	}
}

// pathCount is a response path's number and the fields seen at it.
type pathCount struct {
	id     int
	fields int
}
