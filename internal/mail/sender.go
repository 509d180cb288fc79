package mail

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	netmail "net/mail"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// DefaultTimeout bounds one Send, from dialing to the server's reply to the
// message, unless the context's deadline comes first. A submission server
// answers in seconds; one that has not answered in 30 is better retried.
const DefaultTimeout = 30 * time.Second

// Sender submits mail to one SMTP server as one sender. Each Send opens its
// own connection, sends one message and quits: notifications are one mail
// per event, and a pool would add reconnect logic for no measurable gain.
// A Sender is safe for concurrent use.
type Sender struct {
	cfg     Config
	from    *netmail.Address
	timeout time.Duration
	rootCAs *x509.CertPool
	now     func() time.Time
}

// Option adjusts a Sender.
type Option func(*Sender)

// WithRootCAs makes the Sender trust pool instead of the system's roots
// when verifying the server's certificate: for a server with a private CA,
// and for tests against mailtest's self-signed certificate.
func WithRootCAs(pool *x509.CertPool) Option {
	return func(s *Sender) { s.rootCAs = pool }
}

// WithTimeout replaces DefaultTimeout; d <= 0 keeps the default.
func WithTimeout(d time.Duration) Option {
	return func(s *Sender) {
		if d > 0 {
			s.timeout = d
		}
	}
}

// NewSender returns a Sender for cfg that writes from as the From header and
// envelope sender (ParseFrom's result). It does not connect: a server that
// is down at start delays mail, it does not stop the service. It panics
// when from is nil, a wiring mistake rather than a runtime condition.
func NewSender(cfg Config, from *netmail.Address, opts ...Option) *Sender {
	if from == nil {
		panic("mail.NewSender: from is nil")
	}
	s := &Sender{cfg: cfg, from: from, timeout: DefaultTimeout, now: time.Now}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// tlsConfig is the configuration for both STARTTLS and implicit TLS: the
// certificate must name cfg.Host and chain to the system's roots or to
// WithRootCAs' pool.
func (s *Sender) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: s.cfg.Host, RootCAs: s.rootCAs, MinVersion: tls.VersionTLS12}
}

// clientOptions are go-mail's settings for one Send; dial is the connection
// factory Send watches the context through.
func (s *Sender) clientOptions(dial gomail.DialContextFunc) []gomail.Option {
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		// go-mail's own deadline is per step; Send's context bounds the
		// whole exchange and is meant to be what ends it, so that the
		// error wraps context.DeadlineExceeded: go-mail's comes later.
		gomail.WithTimeout(s.timeout + time.Second),
		gomail.WithTLSConfig(s.tlsConfig()),
		gomail.WithDialContextFunc(dial),
	}
	switch s.cfg.TLS {
	case ImplicitTLS:
		// dial speaks TLS itself; WithSSL only stops go-mail from also
		// trying STARTTLS inside it.
		opts = append(opts, gomail.WithSSL())
	case StartTLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuthCustom(&credentials{user: s.cfg.Username, pass: s.cfg.Password}))
	}
	return opts
}

// dialer opens the TCP connection, in TLS for ImplicitTLS.
func (s *Sender) dialer() gomail.DialContextFunc {
	if s.cfg.TLS == ImplicitTLS {
		d := &tls.Dialer{Config: s.tlsConfig()}
		return d.DialContext
	}
	d := &net.Dialer{}
	return d.DialContext
}
