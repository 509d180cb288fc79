package mail

import "time"

// Data is what a notification may say. It deliberately has no field for a
// token's secret or digest, so no template can print one; a test fails if
// such a field is added.
//
// Every string here may come from users (token names, display names), so
// Render strips control and format characters from them, html/template
// escapes them in the HTML part, and the subject is kept to one line.
type Data struct {
	// RecipientName greets the owner; empty greets without a name.
	RecipientName string
	// OrganizationName and OrganizationID say which organization the token
	// belongs to; either may be empty.
	OrganizationName string
	OrganizationID   string
	// TokenName and TokenID identify the token; both are required.
	TokenName string
	TokenID   string
	// Scopes are the token's scopes, listed as given.
	Scopes []string
	// ExpiresAt is when the token expires; zero means it never does.
	ExpiresAt time.Time
	// DaysLeft is the whole days until ExpiresAt that a TokenExpiring
	// mail announces (7 or 1); the caller's schedule decides it, so the
	// mail says what the warning was for even if it is sent late.
	DaysLeft int
	// LastUsedAt is the token's last use; zero means never used.
	LastUsedAt time.Time
	// Reason is why a token was revoked (TokenRevoked).
	Reason Reason
	// ActorName is who revoked the token, when a person did.
	ActorName string
	// RevokeOn is when an unused token will be revoked
	// (TokenStaleWarning).
	RevokeOn time.Time
	// ConsoleURL, when set, is linked as the place to manage tokens; it
	// must be an absolute http or https URL.
	ConsoleURL string
}

// cleaned returns d with clean applied to every string.
func (d Data) cleaned() Data {
	d.RecipientName = clean(d.RecipientName)
	d.OrganizationName = clean(d.OrganizationName)
	d.OrganizationID = clean(d.OrganizationID)
	d.TokenName = clean(d.TokenName)
	d.TokenID = clean(d.TokenID)
	scopes := make([]string, len(d.Scopes))
	for i, s := range d.Scopes {
		scopes[i] = clean(s)
	}
	d.Scopes = scopes
	d.Reason = Reason(clean(string(d.Reason)))
	d.ActorName = clean(d.ActorName)
	d.ConsoleURL = clean(d.ConsoleURL)
	return d
}
