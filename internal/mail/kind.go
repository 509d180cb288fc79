package mail

// Kind is a kind of notification; each has its own subject and bodies.
type Kind string

// The notifications a token owner receives. The values name the template
// files under templates/.
const (
	// TokenExpiring warns ahead of a token's expiry (7 days and 1 day
	// before): Data.ExpiresAt and Data.DaysLeft are required.
	TokenExpiring Kind = "token_expiring"
	// TokenRevoked says a token was revoked and why (Data.Reason, with
	// Data.ActorName when a person did it).
	TokenRevoked Kind = "token_revoked"
	// TokenStaleWarning says an unused token will be revoked on
	// Data.RevokeOn (required) unless it is used before.
	TokenStaleWarning Kind = "token_stale_warning"
	// TokenReuseDetected says a value rotated away was presented again, so
	// the token and its whole lineage were revoked: someone else may hold
	// a copy of the token.
	TokenReuseDetected Kind = "token_reuse_detected"
)

// Kinds lists every Kind, for callers and tests that go through all of them.
var Kinds = []Kind{TokenExpiring, TokenRevoked, TokenStaleWarning, TokenReuseDetected}

// Reason is why a token was revoked. The values are spelled as
// entity.RevocationSource spells the sources it has, so a stored source
// converts with Reason(source); an unknown value renders as a plain "was
// revoked".
type Reason string

// The reasons a TokenRevoked mail explains.
const (
	// ReasonOwner: the owner (or someone signed in as the owner) revoked it.
	ReasonOwner Reason = "OWNER"
	// ReasonAdmin: an administrator revoked it (Data.ActorName says who).
	ReasonAdmin Reason = "ADMIN"
	// ReasonFilter: an administrator's bulk revocation by filter included it.
	ReasonFilter Reason = "FILTER"
	// ReasonByValue: its value was submitted for revocation, typically by
	// someone who found it exposed.
	ReasonByValue Reason = "BY_VALUE"
	// ReasonSecretScanning: a secret scanner found it in public code.
	ReasonSecretScanning Reason = "SECRET_SCANNING"
	// ReasonStale: it was revoked as unused, after a TokenStaleWarning.
	ReasonStale Reason = "STALE"
	// ReasonReuseDetected: a value rotated away from it was presented
	// again (TokenReuseDetected tells the full story).
	ReasonReuseDetected Reason = "REUSE_DETECTED"
)
