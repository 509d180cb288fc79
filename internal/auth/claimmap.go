package auth

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/patgov/pats/internal/entity"
)

// ClaimMapping says where in a session token's claims the service finds
// the organization, role, account type, email and name, and which values
// mean what. Identity providers name these their own way (Keycloak's
// realm_access.roles, Entra ID's roles and tid, Okta's groups); the
// default is the service's own claim format (org, role, account_type,
// email, name).
//
// Each path is a claim name, or a dotted path into nested objects
// (realm_access.roles); a claim whose own name holds dots (Auth0's
// namespaced https://example.com/roles) is found too, an exact name
// winning over a split.
type ClaimMapping struct {
	Org, Role, AccountType, Email, Name string
	// AdminValues are the role values that make the caller an admin; the
	// role claim may be a string or an array of strings (groups, roles),
	// any element of which counts. Any other role means member: an
	// unexpected value falls to the lesser privilege, never the greater.
	AdminValues []string
	// LocalValues are the account-type values (or array elements) that
	// mean a local account, which may own tokens; anything else means a
	// directory account, which may not.
	LocalValues []string
}

// DefaultClaimMapping is the service's own claim format: org, role
// ("admin" means admin, any other value member), account_type ("local"
// means local, any other value directory), email and name.
func DefaultClaimMapping() ClaimMapping {
	return ClaimMapping{
		Org: "org", Role: "role", AccountType: "account_type", Email: "email", Name: "name",
		AdminValues: []string{string(RoleAdmin)},
		LocalValues: []string{string(entity.AccountTypeLocal)},
	}
}

// Reasons the mapped claims are refused; wrapped under ErrInvalidToken.
var (
	errClaimMissing = errors.New("a mapped claim is missing")
	errClaimNotText = errors.New("a mapped claim is not a string")
)

// ValidPath reports whether path is usable as a claim path: not empty,
// and no empty segment between dots.
func ValidPath(path string) bool {
	return path != "" && !slices.Contains(strings.Split(path, "."), "")
}

// apply sets c's org, role, account type, email and name from the raw
// claims. Org, role and account type are required; email and name may
// be missing, but must be strings when present.
func (m *ClaimMapping) apply(raw map[string]any, c *Claims) error {
	var err error
	if c.Org, err = m.text(raw, m.Org, true); err != nil {
		return err
	}
	if c.Email, err = m.text(raw, m.Email, false); err != nil {
		return err
	}
	if c.Name, err = m.text(raw, m.Name, false); err != nil {
		return err
	}
	admin, err := m.classify(raw, m.Role, m.AdminValues)
	if err != nil {
		return err
	}
	c.Role = RoleMember
	if admin {
		c.Role = RoleAdmin
	}
	local, err := m.classify(raw, m.AccountType, m.LocalValues)
	if err != nil {
		return err
	}
	c.AccountType = entity.AccountTypeDirectory
	if local {
		c.AccountType = entity.AccountTypeLocal
	}
	return nil
}

// text reads the string at path: missing is "" unless required.
func (m *ClaimMapping) text(raw map[string]any, path string, required bool) (string, error) {
	v, ok := lookup(raw, path)
	switch s, isText := v.(string); {
	case !ok && required:
		return "", fmt.Errorf("%w: %s", errClaimMissing, path)
	case !ok:
		return "", nil
	case !isText:
		return "", fmt.Errorf("%w: %s", errClaimNotText, path)
	default:
		return s, nil
	}
}

// classify reads the claim at path, a string or an array, and reports
// whether it (or any string element) is one of yes. A missing, null or
// empty-string claim is missing: a provider that sends no role has not
// said "member".
func (m *ClaimMapping) classify(raw map[string]any, path string, yes []string) (bool, error) {
	v, ok := lookup(raw, path)
	if !ok || v == nil || v == "" {
		return false, fmt.Errorf("%w: %s", errClaimMissing, path)
	}
	switch v := v.(type) {
	case string:
		return slices.Contains(yes, v), nil
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok && slices.Contains(yes, s) {
				return true, nil
			}
		}
		return false, nil
	}
	return false, fmt.Errorf("%w: %s is neither a string nor an array", errClaimNotText, path)
}

// lookup finds path in claims: the exact name first, then each split at
// a dot, left to right, into a nested object.
func lookup(claims map[string]any, path string) (any, bool) {
	if v, ok := claims[path]; ok {
		return v, true
	}
	for i := 0; i < len(path); i++ {
		if path[i] != '.' {
			continue
		}
		if nested, ok := claims[path[:i]].(map[string]any); ok {
			if v, ok := lookup(nested, path[i+1:]); ok {
				return v, true
			}
		}
	}
	return nil, false
}
