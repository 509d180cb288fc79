// Package mailtest runs a real SMTP server inside a test, so mail code is
// tested against the protocol rather than a mock: STARTTLS (or implicit
// TLS) with a certificate made for the test, AUTH PLAIN with fixed
// credentials, and RCPT or DATA replies that fail on request, for retry
// logic. It records what it accepted for assertions.
package mailtest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// The credentials the server accepts with AUTH PLAIN. The password holds
// characters a URL must percent-encode, so URL exercises the decoding.
const (
	Username = "pats-mailer"
	Password = "s3cret p@ss/w:rd%"
)

// Message is one mail the server accepted.
type Message struct {
	// From and To are the envelope: MAIL FROM and the RCPT TO addresses.
	From string
	To   []string
	// Data is the message as received after DATA: headers and body.
	Data []byte
	// TLS reports whether the connection was encrypted when it was sent.
	TLS bool
	// User is the name the client authenticated as.
	User string
}

// Server is a running SMTP server on 127.0.0.1. Start stops it when the
// test ends.
type Server struct {
	t       testing.TB
	addr    string
	mode    tlsMode
	rootCAs *x509.CertPool

	mu       sync.Mutex
	messages []Message
	// arrived is closed and replaced whenever a message is recorded, so
	// WaitFor sleeps until something changes.
	arrived chan struct{}
	rcpt    failure
	data    failure
}

// failure is a pending run of failing replies to one command.
type failure struct {
	left int
	code int
}

type tlsMode int

const (
	startTLS tlsMode = iota
	implicitTLS
	plaintext
)

// Option configures Start.
type Option func(*Server)

// WithImplicitTLS serves TLS from the first byte, as on port 465 (smtps://).
func WithImplicitTLS() Option { return func(s *Server) { s.mode = implicitTLS } }

// WithoutTLS offers no STARTTLS and accepts AUTH in plaintext, like a
// development server; a client requiring STARTTLS must refuse it.
func WithoutTLS() Option { return func(s *Server) { s.mode = plaintext } }

// WithRcptFailures makes the next n RCPT TO commands fail with code, such
// as 451 (temporary) or 550 (permanent); later ones succeed.
func WithRcptFailures(n, code int) Option {
	return func(s *Server) { s.rcpt = failure{left: n, code: code} }
}

// WithDataFailures makes the server refuse the next n messages with code
// in its reply to the end of DATA; later ones are accepted.
func WithDataFailures(n, code int) Option {
	return func(s *Server) { s.data = failure{left: n, code: code} }
}

// Start runs a server on a free port of 127.0.0.1. By default it offers
// STARTTLS and takes AUTH only after it, as a submission server on port 587
// does.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{t: t, arrived: make(chan struct{})}
	for _, opt := range opts {
		opt(s)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s.addr = ln.Addr().String()

	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.MaxMessageBytes = 1 << 20
	srv.MaxRecipients = 10
	// go-smtp logs connection errors; a test's client hanging up is none
	// of the test's business, and logging after the test would panic.
	srv.ErrorLog = log.New(io.Discard, "", 0)
	if s.mode != plaintext {
		cert, pool := selfSigned(t)
		s.rootCAs = pool
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	} else {
		srv.AllowInsecureAuth = true
	}
	if s.mode == implicitTLS {
		ln = tls.NewListener(ln, srv.TLSConfig)
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, net.ErrClosed) {
			t.Errorf("mailtest: serve: %v", err)
		}
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		// Close only closes the listeners Serve has registered; a test
		// that ends before the goroutine got there would wait forever.
		_ = ln.Close()
		<-done
	})
	return s
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.addr }

// URL is a PATS_SMTP_URL for this server with its credentials: smtp://
// (STARTTLS required), smtps:// with WithImplicitTLS, or smtp:// with
// ?starttls=none with WithoutTLS.
func (s *Server) URL() string {
	u := url.URL{Scheme: "smtp", Host: s.addr, User: url.UserPassword(Username, Password)}
	switch s.mode {
	case implicitTLS:
		u.Scheme = "smtps"
	case plaintext:
		u.RawQuery = "starttls=none"
	}
	return u.String()
}

// RootCAs is the pool that trusts the server's certificate (nil with
// WithoutTLS), for mail.WithRootCAs.
func (s *Server) RootCAs() *x509.CertPool { return s.rootCAs }

// Messages returns a copy of the messages accepted so far, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.messages))
	copy(out, s.messages)
	return out
}

// WaitFor waits until at least n messages have been accepted and returns
// them; after timeout it fails the test. Call it from the test's goroutine.
func (s *Server) WaitFor(n int, timeout time.Duration) []Message {
	s.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, arrived := len(s.messages), s.arrived
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-arrived:
		case <-deadline.C:
			s.t.Fatalf("mailtest: %d messages after %v, want %d", got, timeout, n)
			return nil
		}
	}
}

// record keeps an accepted message and wakes WaitFor.
func (s *Server) record(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

// fail returns the reply for a failure pending in f, consuming it, or nil.
func (s *Server) fail(f *failure) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.left <= 0 {
		return nil
	}
	f.left--
	msg := "mailtest: temporary failure, try again later"
	if f.code >= 500 {
		msg = "mailtest: permanent failure"
	}
	return &smtp.SMTPError{Code: f.code, EnhancedCode: smtp.EnhancedCode{f.code / 100, 0, 0}, Message: msg}
}
