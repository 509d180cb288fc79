package mail

// TLSMode is how a Sender protects its SMTP connection.
type TLSMode int

// The connection's protections. The zero value is the safe default: a
// server that does not offer STARTTLS is refused rather than spoken to in
// plaintext, because the credentials and the token details in the mail
// would otherwise cross the network readable and alterable.
const (
	// StartTLSRequired connects in plaintext and upgrades with STARTTLS,
	// failing when the server does not offer it (smtp://, the default).
	StartTLSRequired TLSMode = iota
	// StartTLSOpportunistic upgrades when the server offers STARTTLS and
	// carries on in plaintext otherwise (smtp://...?starttls=opportunistic).
	// An attacker on the path can strip the offer, so it is for local
	// development servers only.
	StartTLSOpportunistic
	// NoTLS never upgrades (smtp://...?starttls=none), for development
	// servers such as Mailpit that speak no TLS at all.
	NoTLS
	// ImplicitTLS speaks TLS from the first byte (smtps://, RFC 8314).
	ImplicitTLS
)

// String returns the mode as PATS_SMTP_URL spells it.
func (m TLSMode) String() string {
	switch m {
	case StartTLSRequired:
		return "starttls=required"
	case StartTLSOpportunistic:
		return "starttls=opportunistic"
	case NoTLS:
		return "starttls=none"
	case ImplicitTLS:
		return "smtps"
	}
	return "unknown"
}
