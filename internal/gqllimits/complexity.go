package gqllimits

import (
	"github.com/patgov/pats/graph"
	"github.com/patgov/pats/internal/pat"
	"github.com/patgov/pats/model"
)

// DefaultPageSize is what a list field costs when its size is not given:
// the page the domain serves then (pat.DefaultPageSize, the schema's
// default for first:), so pricing and serving cannot disagree.
const DefaultPageSize = pat.DefaultPageSize

// Complexity sets the cost of the list fields of the schema: the number of
// items they may return times the cost of one item. Other fields cost 1
// plus their children (gqlgen's default). Pair it with
// extension.FixedComplexityLimit.
func Complexity() graph.ComplexityRoot {
	var c graph.ComplexityRoot
	c.Query.PersonalAccessTokens = func(child int, first *int, _ *string, _ *model.PersonalAccessTokenFilter, _ *model.PersonalAccessTokenOrder) int {
		return 1 + pageSize(first)*child
	}
	c.Query.Users = func(child int, first *int, _ *string, _ *string) int {
		return 1 + pageSize(first)*child
	}
	c.Query.AuditEvents = func(child int, first *int, _ *string, _ *model.AuditEventFilter) int {
		return 1 + pageSize(first)*child
	}
	c.Mutation.RevokeTokens = func(child int, ids []string) int {
		return 1 + max(len(ids), 1)*child
	}
	return c
}

// pageSize is the number of items a page of first items may return.
func pageSize(first *int) int {
	if first != nil && *first > 0 {
		return *first
	}
	return DefaultPageSize
}
