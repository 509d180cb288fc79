package webhook

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// MaxURLLength bounds a webhook URL, as browsers and most servers do;
// a longer one is more likely an attempt to stuff data than a receiver.
const MaxURLLength = 2048

// ErrInvalidURL is wrapped by every error of ValidateURL. The wrapping
// message says what is wrong in words meant for the admin who typed the
// URL (a GraphQL BAD_USER_INPUT message); it never repeats the URL,
// whose path or query may hold a receiver's token.
var ErrInvalidURL = errors.New("invalid webhook URL")

// ValidateURL checks a webhook URL when an admin configures it: absolute
// https (http only with allowPrivate, for local receivers), a host, no
// credentials (they would be stored and shown in the console), no
// fragment (never sent, so surely a mistake), at most MaxURLLength bytes.
// An IP literal that the address rules forbid is refused here with the
// reason; a host name is checked when it is dialed, on every delivery,
// since what it resolves to can change after this check.
func ValidateURL(raw string, allowPrivate bool) error {
	if raw == "" {
		return invalidURL("it is empty")
	}
	if len(raw) > MaxURLLength {
		return invalidURL(fmt.Sprintf("it is longer than %d bytes", MaxURLLength))
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error would quote the URL back; say less.
		return invalidURL("it is not a valid URL")
	}
	switch {
	case !u.IsAbs() || u.Opaque != "":
		return invalidURL("it must be an absolute https:// URL")
	case u.Scheme == "http" && !allowPrivate:
		return invalidURL("it must use https://, not http://")
	case u.Scheme != "https" && u.Scheme != "http":
		return invalidURL("it must use https://")
	case u.User != nil:
		return invalidURL("it must not contain a user name or password")
	case strings.Contains(raw, "#"):
		return invalidURL("it must not have a #fragment")
	case u.Hostname() == "":
		return invalidURL("it has no host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return invalidURL("its port must be between 1 and 65535")
		}
	}
	if allowPrivate {
		return nil
	}
	return checkHost(u.Hostname())
}

// checkHost refuses what can be refused without DNS: a forbidden IP
// literal, and localhost names, which RFC 6761 makes loopback always.
func checkHost(host string) error {
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Zone() != "" {
			return invalidURL("an IPv6 address must not carry a zone")
		}
		if policy.SafeAddr(a.Unmap()) != nil {
			return invalidURL(fmt.Sprintf("%s is %s, which webhooks may not reach", a, addrKind(a)))
		}
		return nil
	}
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return invalidURL("localhost is a loopback name, which webhooks may not reach")
	}
	return nil
}

func invalidURL(reason string) error {
	return fmt.Errorf("%w: %s", ErrInvalidURL, reason)
}
