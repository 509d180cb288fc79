package mail

import (
	"errors"
	netmail "net/mail"
	"strings"
)

// ParseFrom reads PATS_MAIL_FROM, an RFC 5322 address such as
// "PATS <pats@example.com>" or a bare pats@example.com. It is both the
// From header and the envelope sender, and its domain names generated
// Message-IDs, so it is checked once at start instead of failing every
// delivery later.
func ParseFrom(raw string) (*netmail.Address, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("PATS_MAIL_FROM is empty; expected an address such as \"PATS <pats@example.com>\"")
	}
	addr, err := netmail.ParseAddress(raw)
	if err != nil {
		return nil, errors.New("PATS_MAIL_FROM is not one e-mail address (" + strings.TrimPrefix(err.Error(), "mail: ") +
			"); expected an address such as \"PATS <pats@example.com>\"")
	}
	if err := checkAddress(addr); err != nil {
		return nil, errors.New("PATS_MAIL_FROM " + err.Error())
	}
	return addr, nil
}

// checkAddress refuses what net/mail accepts but an SMTP envelope cannot
// carry: a line break (header injection) or an address without a domain.
// Its error starts with a verb so callers can put a subject before it.
func checkAddress(a *netmail.Address) error {
	if strings.ContainsAny(a.Name, "\r\n") || strings.ContainsAny(a.Address, "\r\n") {
		return errors.New("contains a line break")
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at <= 0 || at == len(a.Address)-1 {
		return errors.New("has no domain (expected local@domain)")
	}
	return nil
}
