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
	// any element of which counts.
	AdminValues []string
	// MemberValues, when set, are the only other role values accepted
	// (meaning member), so a role that is neither is refused, as the
	// service's own format requires. When nil, any role that is not an
	// admin value means member.
	MemberValues []string
	// LocalValues are the account-type values (or array elements) that
	// mean a local account.
	LocalValues []string
	// DirectoryValues, when set, are the only other account-type values
	// accepted (meaning directory); when nil, anything else means
	// directory.
	DirectoryValues []string
}

// DefaultClaimMapping is the service's own claim format, exactly as
// before mappings existed: org, role ("admin" or "member", nothing
// else), account_type ("local" or "directory", nothing else), email and
// name.
func DefaultClaimMapping() ClaimMapping {
	return ClaimMapping{
		Org: "org", Role: "role", AccountType: "account_type", Email: "email", Name: "name",
		AdminValues: []string{string(RoleAdmin)}, MemberValues: []string{string(RoleMember)},
		LocalValues:     []string{string(entity.AccountTypeLocal)},
		DirectoryValues: []string{string(entity.AccountTypeDirectory)},
	}
}

// Reasons the mapped claims are refused; wrapped under ErrInvalidToken.
var (
	errClaimMissing       = errors.New("a mapped claim is missing")
	errClaimNotText       = errors.New("a mapped claim is not a string")
	errRoleUnknown        = errors.New("role must be admin or member")
	errAccountTypeUnknown = errors.New("account_type must be local or directory")
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
	admin, err := m.classify(raw, m.Role, m.AdminValues, m.MemberValues, errRoleUnknown)
	if err != nil {
		return err
	}
	c.Role = RoleMember
	if admin {
		c.Role = RoleAdmin
	}
	local, err := m.classify(raw, m.AccountType, m.LocalValues, m.DirectoryValues, errAccountTypeUnknown)
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
// whether it (or any string element) is one of yes. With strict values
// set (the service's own format), the claim must be a single string from
// yes or strict, else errStrict.
func (m *ClaimMapping) classify(raw map[string]any, path string, yes, strict []string, errStrict error) (bool, error) {
	v, ok := lookup(raw, path)
	if !ok || v == nil {
		return false, fmt.Errorf("%w: %s", errClaimMissing, path)
	}
	if strict != nil {
		s, _ := v.(string)
		switch {
		case slices.Contains(yes, s):
			return true, nil
		case slices.Contains(strict, s):
			return false, nil
		}
		return false, errStrict
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
