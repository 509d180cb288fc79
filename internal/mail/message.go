package mail

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	netmail "net/mail"
	"sort"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one mail to one recipient, usually what Render produced.
type Message struct {
	// To is the recipient; Name is optional.
	To netmail.Address
	// Subject is one line; line breaks in it are replaced by spaces.
	Subject string
	// Text and HTML are the bodies; at least one is needed. With both, the
	// mail is multipart/alternative and clients show the one they prefer.
	Text string
	HTML string
	// MessageID is the Message-ID header, with or without angle brackets;
	// empty generates a random one in the sender's domain. A caller that
	// retries should pass the same ID each time (derived from the event),
	// so that a retry after a lost reply can be recognised as a duplicate.
	MessageID string
	// Headers are extra header fields, such as an event's ID for
	// idempotency or tracing ("X-Pats-Event-Id"). The fields this package
	// writes itself (From, To, Subject, Date, Message-ID, MIME and
	// Content-*) cannot be set here.
	Headers map[string]string
}

// reservedHeaders are written by build; a Message may not replace them,
// since a second From or Content-Type would make the mail ambiguous.
var reservedHeaders = map[string]bool{
	"from": true, "sender": true, "to": true, "cc": true, "bcc": true, "reply-to": true,
	"subject": true, "date": true, "message-id": true, "mime-version": true,
	"auto-submitted": true, "return-path": true,
}

// build turns m into go-mail's Msg, refusing with ErrInvalidMessage what
// cannot be sent as asked.
func build(from *netmail.Address, m Message, now time.Time) (*gomail.Msg, error) {
	to := m.To
	if err := checkAddress(&to); err != nil {
		return nil, fmt.Errorf("%w: recipient %s", ErrInvalidMessage, err)
	}
	if _, err := netmail.ParseAddress(to.Address); err != nil {
		return nil, fmt.Errorf("%w: recipient is not an e-mail address", ErrInvalidMessage)
	}
	if m.Text == "" && m.HTML == "" {
		return nil, fmt.Errorf("%w: no body", ErrInvalidMessage)
	}
	id, err := messageID(m.MessageID, from.Address)
	if err != nil {
		return nil, err
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(from)
	msg.EnvelopeFromMailAddress(&netmail.Address{Address: from.Address})
	msg.ToMailAddress(&to)
	msg.Subject(oneLine(m.Subject))
	msg.SetDateWithValue(now)
	msg.SetMessageIDWithValue(id)
	// RFC 3834: out-of-office and other auto-responders do not answer
	// mail marked as machine-generated.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	names := make([]string, 0, len(m.Headers))
	for name := range m.Headers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := checkHeader(name, m.Headers[name]); err != nil {
			return nil, err
		}
		msg.SetGenHeader(gomail.Header(name), m.Headers[name])
	}
	switch {
	case m.Text != "" && m.HTML != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	case m.Text != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	default:
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// checkHeader refuses a field name outside RFC 5322's printable ASCII, a
// field this package writes, and a value with a line break, which would
// start a header of the value's choosing.
func checkHeader(name, value string) error {
	if name == "" {
		return fmt.Errorf("%w: empty header name", ErrInvalidMessage)
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c > '~' || c == ':' {
			return fmt.Errorf("%w: header name %q is not printable ASCII without colon", ErrInvalidMessage, name)
		}
	}
	lower := strings.ToLower(name)
	if reservedHeaders[lower] || strings.HasPrefix(lower, "content-") {
		return fmt.Errorf("%w: header %s is written by the sender itself", ErrInvalidMessage, name)
	}
	if strings.ContainsAny(value, "\r\n") {
		return fmt.Errorf("%w: header %s has a line break in its value", ErrInvalidMessage, name)
	}
	return nil
}

// messageID returns given without angle brackets, checked, or a random ID
// at fromAddr's domain (128 random bits, so IDs never collide in practice).
func messageID(given, fromAddr string) (string, error) {
	if given != "" {
		id := strings.TrimSuffix(strings.TrimPrefix(given, "<"), ">")
		at := strings.IndexByte(id, '@')
		if at <= 0 || at == len(id)-1 || strings.ContainsAny(id, " \t\r\n<>") {
			return "", fmt.Errorf("%w: Message-ID must look like local@domain", ErrInvalidMessage)
		}
		return id, nil
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	domain := fromAddr[strings.LastIndexByte(fromAddr, '@')+1:]
	return hex.EncodeToString(b[:]) + "@" + domain, nil
}
