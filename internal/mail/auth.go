package mail

import (
	"errors"
	"net"
	"slices"
	"strings"

	"github.com/wneessen/go-mail/smtp"
)

// errPlaintextAuth refuses to authenticate over an unencrypted connection to
// a host that is not this machine.
var errPlaintextAuth = errors.New("refusing SMTP AUTH over an unencrypted connection to a host other than loopback " +
	"(use smtps:// or STARTTLS, or no credentials)")

// credentials is the SMTP AUTH of one Send: PLAIN, or LOGIN where a server
// offers only that, and only over TLS or to a loopback host. go-mail's own
// selection would fall back to CRAM-MD5 or NTLM over plaintext, whose
// exchanges can be cracked offline; deciding here keeps the promise that
// credentials never cross the network unencrypted, in every TLS mode.
type credentials struct {
	user, pass string
	// mech is the mechanism Start chose; Next continues it.
	mech smtp.Auth
}

var _ smtp.Auth = (*credentials)(nil)

func (c *credentials) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && !isLoopback(server.Name) {
		return "", nil, errPlaintextAuth
	}
	// The check above is the one that matters, so go-mail's (which knows
	// fewer loopback names) is switched off with allowUnenc.
	switch {
	case offers(server, "PLAIN"):
		c.mech = smtp.PlainAuth("", c.user, c.pass, server.Name, true)
	case offers(server, "LOGIN"):
		c.mech = smtp.LoginAuth(c.user, c.pass, server.Name, true)
	default:
		return "", nil, errors.New("the server offers neither AUTH PLAIN nor AUTH LOGIN")
	}
	return c.mech.Start(server)
}

func (c *credentials) Next(fromServer []byte, more bool) ([]byte, error) {
	return c.mech.Next(fromServer, more)
}

// offers reports whether the server's EHLO listed mechanism.
func offers(server *smtp.ServerInfo, mechanism string) bool {
	return slices.ContainsFunc(server.Auth, func(m string) bool { return strings.EqualFold(m, mechanism) })
}

// isLoopback reports whether host names this machine, where a development
// server may take credentials without TLS.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
