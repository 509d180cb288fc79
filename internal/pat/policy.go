package pat

import (
	"github.com/patgov/pats/internal/entity"
)

// Policy limits. Days are 24 hours.
const (
	DefaultEnabled         = true
	DefaultMaxLifespanDays = 90
	MinLifespanDays        = 1
	MaxLifespanDays        = 730
	// MinUnusedDays and MaxUnusedDays bound revokeUnusedAfterDays when it
	// is not 0 (off).
	MinUnusedDays = 7
	MaxUnusedDays = 730
	// StaleWarningDays is how long before a token would be revoked as
	// unused its owner is warned.
	StaleWarningDays = 7
	// MaxActiveTokensPerUser bounds the ACTIVE tokens one user may hold.
	MaxActiveTokensPerUser = 50
	MaxNameLength          = 100
	// MaxRevokeIDs bounds one revokeTokens call, counted before de-duplication.
	MaxRevokeIDs = 1000
	// MaxRevokeValues bounds one revokeTokensByValue call, counted before
	// de-duplication.
	MaxRevokeValues = 1000
	// DefaultRevokeByValuePerMinute bounds the token values each admin may
	// revoke by value a minute, in single and batch calls alike.
	DefaultRevokeByValuePerMinute = 1000
	// DefaultPageSize and MaxPageSize bound personalAccessTokens(first:).
	DefaultPageSize = 50
	MaxPageSize     = 100
)

// DefaultScopes is the scope list used when PATS_SCOPES is not set.
var DefaultScopes = []string{
	"OR.Assets", "OR.Assets.Read",
	"OR.Folders", "OR.Folders.Read",
	"OR.Jobs", "OR.Jobs.Read",
	"OR.Queues", "OR.Queues.Read",
	"TM.Defects.Read", "TM.Projects.Read",
}

// EffectiveExpiry is the earlier of a token's own expiry and its creation
// plus the organization's current maximum lifespan: lowering the maximum
// shortens existing tokens, raising it restores them up to their own
// expiry. The store's SQL computes the same value.
func EffectiveExpiry(createdAt, expiresAt entity.Time, maxLifespanDays int) entity.Time {
	capped := createdAt.Millis() + entity.LifespanMillis(maxLifespanDays)
	if expiresAt.Millis() < capped {
		return expiresAt
	}
	return entity.TimeFromMillis(capped)
}

// LatestAllowedExpiry is the latest expiry a token created at now may ask
// for, inclusive.
func LatestAllowedExpiry(now entity.Time, maxLifespanDays int) entity.Time {
	return entity.TimeFromMillis(now.Millis() + entity.LifespanMillis(maxLifespanDays))
}

// Status is a token's state at now.
func Status(revokedAt *entity.Time, effectiveExpiry, now entity.Time) entity.TokenStatus {
	switch {
	case revokedAt != nil:
		return entity.TokenStatusRevoked
	case effectiveExpiry.Millis() > now.Millis():
		return entity.TokenStatusActive
	default:
		return entity.TokenStatusExpired
	}
}

// deriveStatus fills the fields derived from the policy: each token's
// effective expiry under org's maximum lifespan, and its status at now.
func deriveStatus(org *entity.Organization, now entity.Time, tokens ...*entity.PersonalAccessToken) {
	for _, t := range tokens {
		t.EffectiveExpiresAt = EffectiveExpiry(t.CreatedAt, t.ExpiresAt, org.MaxLifespanDays)
		t.Status = Status(t.RevokedAt, t.EffectiveExpiresAt, now)
	}
}
