package mail

import (
	"errors"
	"strings"
)

// ErrInvalidMessage is wrapped by Send's error for a Message that cannot be
// sent as it is (no valid recipient, no body, a header that would break
// the mail). Such errors are permanent: sending it again fails again.
var ErrInvalidMessage = errors.New("invalid message")

// sendError is every error Send returns. It keeps the classification that
// IsPermanent reads, so callers never parse error text.
type sendError struct {
	// step is the part of the exchange that failed: "message", "connect"
	// (dial, greeting, EHLO, STARTTLS, AUTH), "mail", "rcpt" or "data".
	step      string
	permanent bool
	err       error
}

func (e *sendError) Error() string { return "send mail: " + e.step + ": " + e.err.Error() }

func (e *sendError) Unwrap() error { return e.err }

// IsPermanent reports whether err from Send means the message will never be
// delivered, so the caller should stop retrying it: a 5xx reply to the
// message's MAIL, RCPT or DATA (an unknown recipient, content refused) or
// an invalid Message. Everything else is temporary: 4xx replies, network
// and TLS failures, timeouts, and any failure while connecting — a 5xx to
// STARTTLS or AUTH (a wrong password) is about this service's
// configuration, not the message, and a delivery abandoned for it would
// lose the mail once the configuration is fixed.
func IsPermanent(err error) bool {
	var se *sendError
	return errors.As(err, &se) && se.permanent
}

// passwordMask replaces the password wherever a server or library repeats it.
const passwordMask = "xxxxx"

// scrubbed returns err unchanged unless its text contains password; then it
// returns a flat error with the password masked, dropping the chain, so no
// Unwrap can reach the original text either.
func scrubbed(err error, password string) error {
	if err == nil || password == "" || !strings.Contains(err.Error(), password) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), password, passwordMask))
}
