package entity

// Organization is a tenant, created just in time from the JWT `org` claim.
// It carries the organization's personal access token policy.
type Organization struct {
	ID int64 `gorm:"primaryKey"`
	// ExternalID is the identity provider's organization ID (the `org` claim).
	ExternalID      string
	PatEnabled      bool
	MaxLifespanDays int
	// RevokeUnusedAfterDays is the stale-token policy: a token unused
	// (or, never used, since its creation) for longer than this many days
	// is revoked by the sweeper. 0 is off.
	RevokeUnusedAfterDays int
	// SettingsUpdatedAt and SettingsUpdatedByID record the last policy
	// change; both are null while the defaults hold.
	SettingsUpdatedAt   *Time
	SettingsUpdatedByID *int64
	CreatedAt           Time `gorm:"autoCreateTime:false"`
	// UnrevokedTokenCount is maintained with every creation and
	// revocation: the unfiltered totalCount of the inventory.
	UnrevokedTokenCount int64
	// MaxLifespanDaysEver is the highest MaxLifespanDays the organization
	// ever had: no token lives longer, so while the current maximum is at
	// least this, no token is capped by it.
	MaxLifespanDaysEver int
}

// LifespanMillis is a lifespan of days (of 24 hours) in milliseconds, the
// storage precision: the one conversion the domain's rules and the
// store's SQL both use, so they cannot disagree on a token's expiry.
func LifespanMillis(days int) int64 { return int64(days) * 24 * 60 * 60 * 1000 }
