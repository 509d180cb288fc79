package entity

import "strings"

// PersonalAccessToken is a PAT row. Only the SHA-256 digest of the secret is
// stored; the secret exists in memory once, at creation.
type PersonalAccessToken struct {
	// ID is an opaque, time-ordered ULID.
	ID             string `gorm:"primaryKey"`
	OrganizationID int64
	OwnerID        int64
	Name           string
	// NameKey is the lower-cased name: the NAME sort key and search target.
	NameKey string
	// Scopes holds the scopes space-separated with a leading and trailing
	// space (" a b "), so "holds scope s" is a substring test for " s ".
	Scopes      string
	TokenDigest []byte
	Hint        string
	CreatedAt   Time `gorm:"autoCreateTime:false"`
	// ExpiresAt is the expiry chosen at creation. The effective expiry also
	// depends on the organization's current maximum lifespan.
	ExpiresAt   Time
	LastUsedAt  *Time
	RevokedAt   *Time
	RevokedByID *int64
	// RevocationSource says how the token was revoked; nil while it is not.
	RevocationSource *RevocationSource
	// StaleWarnedBasis is the inactivity basis (last use, or creation if
	// never used) for which the owner was last warned that the token
	// would be revoked as unused; nil if never warned.
	StaleWarnedBasis *Time
	// RotatedFromID is the token this one replaced by rotation; nil for a
	// token created otherwise.
	RotatedFromID *string
	// ExpiryNoticeFor is the effective expiry the last expiry notice was
	// about, and ExpiryNoticeStage how close it was (7 or 1 days ahead,
	// 0: expired); nil before any.
	ExpiryNoticeFor   *Time
	ExpiryNoticeStage *int

	// EffectiveExpiresAt and Status are derived at read time by the domain
	// (package pat) from the organization policy and the clock.
	EffectiveExpiresAt Time        `gorm:"-"`
	Status             TokenStatus `gorm:"-"`
}

// ScopeList returns the scopes as a list.
func (t *PersonalAccessToken) ScopeList() []string { return splitScopes(t.Scopes) }

// splitScopes decodes a Scopes column.
func splitScopes(s string) []string { return strings.Fields(s) }

// JoinScopes encodes scopes for the Scopes column.
func JoinScopes(scopes []string) string { return " " + strings.Join(scopes, " ") + " " }
