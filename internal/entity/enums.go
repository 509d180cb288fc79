package entity

// AccountType is how a user signs in. The database stores the JWT claim
// values ("local", "directory"); the API shows LOCAL and DIRECTORY.
type AccountType string

// The account types a session token may claim.
const (
	AccountTypeLocal     AccountType = "local"
	AccountTypeDirectory AccountType = "directory"
	// AccountTypeSystem is the service's own actor in an organization,
	// such as secret scanning; no session can claim it.
	AccountTypeSystem AccountType = "system"
)

// Valid reports whether a is an account type a session token may claim.
func (a AccountType) Valid() bool { return a == AccountTypeLocal || a == AccountTypeDirectory }

// TokenStatus is the lifecycle state of a token, derived at read time from
// its revocation, its effective expiry and the clock.
type TokenStatus string

// The token states, spelled as the API spells them.
const (
	TokenStatusActive  TokenStatus = "ACTIVE"
	TokenStatusExpired TokenStatus = "EXPIRED"
	TokenStatusRevoked TokenStatus = "REVOKED"
)
