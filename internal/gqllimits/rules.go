// Package gqllimits bounds what one GraphQL document may ask for, before
// any resolver runs: its depth, its aliases, its size once fragments are
// expanded, and (with complexity.go) its cost, where a list field costs its
// page size times its children. They protect the service from documents
// that are valid but exhausting.
//
// Every check here takes time linear in the document's length: each
// fragment is measured once and its measure reused at every spread, so a
// document whose fragments spread each other twice per level (whose
// expansion doubles with each level) costs no more to check than to parse.
package gqllimits

import (
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// Limits bound one operation of a document; a limit of 0 or less turns
// that check off.
type Limits struct {
	// MaxDepth bounds selection nesting (a root field is depth 1).
	MaxDepth int
	// MaxAliases bounds aliased fields, counted as often as they would
	// be resolved (once per spread of the fragment holding them).
	MaxAliases int
	// MaxSelections bounds the selections (fields, fragment spreads and
	// inline fragments) of the operation once every fragment is
	// expanded, introspection included. It also bounds the work of
	// whatever walks the expanded operation afterwards, such as the
	// complexity calculation.
	MaxSelections int
}

// Rule names, as gqlerror.Error.Rule carries them, so the error
// presenter can tell these refusals apart without reading messages.
const (
	RuleMaxDepth      = "MaxDepth"
	RuleMaxAliases    = "MaxAliases"
	RuleMaxSelections = "MaxSelections"
	// RuleValidationCost is not a validation rule: it names the refusal
	// of a document whose ValidationCost is over the limit, checked before
	// validation.
	RuleValidationCost = "ValidationCost"
)

// Rules returns gqlparser's default validation rules plus the limits.
func Rules(lim Limits) *rules.Rules {
	r := rules.NewDefaultRules()
	if lim.MaxDepth > 0 || lim.MaxAliases > 0 || lim.MaxSelections > 0 {
		// One rule measures all three, so each fragment is measured once;
		// the error's Rule is renamed to the limit it broke.
		r.AddRule("DocumentLimits", limitsRule(lim))
	}
	return r
}

// limitsRule measures each operation once the walker has resolved its
// fragment spreads, and reports each limit it exceeds. Measures are
// memoized per fragment for the whole document.
func limitsRule(lim Limits) core.RuleFunc {
	return func(observers *core.Events, addError core.AddErrFunc) {
		m := newMeasurer()
		observers.OnOperation(func(_ *core.Walker, op *ast.OperationDefinition) {
			s := m.selectionSet(op.SelectionSet)
			if lim.MaxSelections > 0 && s.selections > lim.MaxSelections {
				addError(core.Message("operation selects more than %d fields once its fragments are expanded", lim.MaxSelections), core.At(op.Position), rule(RuleMaxSelections))
			}
			if lim.MaxDepth > 0 && s.depth > lim.MaxDepth {
				addError(core.Message("operation nests deeper than %d levels", lim.MaxDepth), core.At(op.Position), rule(RuleMaxDepth))
			}
			if lim.MaxAliases > 0 && s.aliases > lim.MaxAliases {
				addError(core.Message("operation uses more than %d aliases", lim.MaxAliases), core.At(op.Position), rule(RuleMaxAliases))
			}
		})
	}
}

// rule names the limit an error reports.
func rule(name string) core.ErrorOption {
	return func(err *gqlerror.Error) { err.Rule = name }
}
