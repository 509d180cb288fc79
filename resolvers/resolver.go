// Package resolvers adapts GraphQL operations to the domain package pat:
// convert arguments, call the service, shape the result. No rules, no SQL.
package resolvers

// gqlgen resolves the paths in gqlgen.yml against its working directory:
// run it from the module root.
//go:generate sh -c "cd .. && go tool gqlgen generate --config gqlgen.yml"

import (
	"context"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/pat"
)

// Resolver is the dependency root of the GraphQL resolvers.
type Resolver struct {
	Service *pat.Service
}

// principal returns the authenticated caller. The HTTP layer rejects
// unauthenticated requests before GraphQL runs, so a missing principal is
// a wiring error, reported as unauthenticated rather than trusted.
func principal(ctx context.Context) (*auth.Principal, error) {
	p, ok := auth.PrincipalFrom(ctx)
	if !ok {
		return nil, apperr.New(apperr.Unauthenticated, "authentication required")
	}
	return p, nil
}
