// Package gqllimits bounds what one GraphQL document may ask for, before
// any resolver runs: its depth, its aliases, and (with complexity.go) its
// cost, where a list field costs its page size times its children. They
// protect the service from documents that are valid but exhausting.
package gqllimits

import (
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// Rules returns gqlparser's default validation rules plus the depth and
// alias limits (a limit of 0 or less turns that check off).
func Rules(maxDepth, maxAliases int) *rules.Rules {
	r := rules.NewDefaultRules()
	if maxDepth > 0 {
		r.AddRule("MaxDepth", depthRule(maxDepth))
	}
	if maxAliases > 0 {
		r.AddRule("MaxAliases", aliasRule(maxAliases))
	}
	return r
}

// depthRule rejects an operation whose selections nest deeper than max
// (a root field is depth 1), following fragments.
func depthRule(max int) core.RuleFunc {
	return func(observers *core.Events, addError core.AddErrFunc) {
		observers.OnOperation(func(_ *core.Walker, op *ast.OperationDefinition) {
			if depth(op.SelectionSet, map[string]bool{}) > max {
				addError(core.Message("operation nests deeper than %d levels", max), core.At(op.Position))
			}
		})
	}
}

// depth is the nesting depth of set. visiting holds the fragments on the
// current path, so a fragment cycle (reported by another rule) ends the
// walk instead of looping.
//
// Introspection's __Type.ofType does not count: it unwraps one list or
// non-null wrapper and returns a single type (or null once unwrapped), so
// a chain of them costs a few objects, never a fan-out. The standard
// introspection query of GraphiQL and codegen tools chains seven of them
// and would otherwise exceed the limit. Fields that fan out (__Type.fields
// and the types they reach) count as usual. No field of this schema is
// named ofType.
func depth(set ast.SelectionSet, visiting map[string]bool) int {
	deepest := 0
	for _, sel := range set {
		d := 0
		switch s := sel.(type) {
		case *ast.Field:
			d = depth(s.SelectionSet, visiting)
			if s.Name != "ofType" {
				d++
			}
		case *ast.InlineFragment:
			d = depth(s.SelectionSet, visiting)
		case *ast.FragmentSpread:
			if s.Definition == nil || visiting[s.Name] {
				continue
			}
			visiting[s.Name] = true
			d = depth(s.Definition.SelectionSet, visiting)
			delete(visiting, s.Name)
		}
		deepest = max(deepest, d)
	}
	return deepest
}

// aliasRule rejects an operation that uses more than max aliases,
// counting those inside fragments each time a fragment is spread (that is
// how often they are resolved).
func aliasRule(max int) core.RuleFunc {
	return func(observers *core.Events, addError core.AddErrFunc) {
		observers.OnOperation(func(_ *core.Walker, op *ast.OperationDefinition) {
			if n := aliases(op.SelectionSet, map[string]bool{}, max); n > max {
				addError(core.Message("operation uses more than %d aliases", max), core.At(op.Position))
			}
		})
	}
}

// aliases counts the aliased fields of set, stopping early past limit.
func aliases(set ast.SelectionSet, visiting map[string]bool, limit int) int {
	n := 0
	for _, sel := range set {
		if n > limit {
			return n
		}
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				n++
			}
			n += aliases(s.SelectionSet, visiting, limit-n)
		case *ast.InlineFragment:
			n += aliases(s.SelectionSet, visiting, limit-n)
		case *ast.FragmentSpread:
			if s.Definition == nil || visiting[s.Name] {
				continue
			}
			visiting[s.Name] = true
			n += aliases(s.Definition.SelectionSet, visiting, limit-n)
			delete(visiting, s.Name)
		}
	}
	return n
}
