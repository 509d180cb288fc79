// Package auth verifies session tokens (HS256 JWTs with a shared key, or
// JWTs signed with an OpenID Connect provider's published keys), maps
// their claims onto the service's identity, and carries the authenticated
// caller, the Principal, in the request context.
package auth

import (
	"context"

	"github.com/patgov/pats/internal/entity"
)

// Role is the caller's role in their organization.
type Role string

// The roles a session token may claim.
const (
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// Principal is the authenticated caller: their organization (with its PAT
// policy as read at the start of the request), their user row, and role.
type Principal struct {
	Org  *entity.Organization
	User *entity.User
	Role Role
}

// IsAdmin reports whether the caller administers their organization.
func (p *Principal) IsAdmin() bool { return p.Role == RoleAdmin }

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the caller carried by ctx.
func PrincipalFrom(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*Principal)
	return p, ok && p != nil
}
