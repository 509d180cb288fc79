package mail_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/mail"
	"github.com/patgov/pats/internal/mail/mailtest"
)

const waitTimeout = 5 * time.Second

var ada = netmail.Address{Name: "Ada Lovelace", Address: "ada@example.com"}

// configFor parses srv's URL as the service would parse PATS_SMTP_URL.
func configFor(t *testing.T, srv *mailtest.Server) mail.Config {
	t.Helper()
	cfg, err := mail.ParseURL(srv.URL())
	if err != nil {
		t.Fatalf("ParseURL(%q): %v", srv.URL(), err)
	}
	return cfg
}

// senderFor sends to srv from PATS <pats@example.com>, trusting its
// certificate.
func senderFor(t *testing.T, srv *mailtest.Server, cfg mail.Config, opts ...mail.Option) *mail.Sender {
	t.Helper()
	from, err := mail.ParseFrom("PATS <pats@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	return mail.NewSender(cfg, from, append([]mail.Option{mail.WithRootCAs(srv.RootCAs())}, opts...)...)
}

// revokedMessage is a rendered TokenRevoked mail to ada.
func revokedMessage(t *testing.T) mail.Message {
	t.Helper()
	subject, text, html, err := mail.Render(mail.TokenRevoked, sampleData())
	if err != nil {
		t.Fatal(err)
	}
	return mail.Message{To: ada, Subject: subject, Text: text, HTML: html}
}

// parsed is a received message split into what the tests look at.
type parsed struct {
	header netmail.Header
	parts  map[string]string // media type -> decoded body
}

func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, data)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	if mediaType != "multipart/alternative" {
		t.Fatalf("Content-Type is %s, want multipart/alternative", mediaType)
	}
	p := parsed{header: msg.Header, parts: map[string]string{}}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		partType, _, err := mime.ParseMediaType(part.Header.Get("Content-Type"))
		if err != nil {
			t.Fatalf("part Content-Type: %v", err)
		}
		// multipart.Reader undoes quoted-printable itself.
		body, err := io.ReadAll(part)
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		p.parts[partType] = strings.ReplaceAll(string(body), "\r\n", "\n")
	}
	return p
}

func decodedHeader(t *testing.T, h netmail.Header, name string) string {
	t.Helper()
	v, err := new(mime.WordDecoder).DecodeHeader(h.Get(name))
	if err != nil {
		t.Fatalf("decode %s %q: %v", name, h.Get(name), err)
	}
	return v
}

func TestSendStartTLSWithAuth(t *testing.T) {
	srv := mailtest.Start(t)
	cfg := configFor(t, srv)
	if cfg.TLS != mail.StartTLSRequired || cfg.Password != mailtest.Password {
		t.Fatalf("mailtest's URL parsed to %v with password %q, want STARTTLS required and mailtest.Password", cfg, cfg.Password)
	}
	m := revokedMessage(t)
	m.Headers = map[string]string{"X-Pats-Event-Id": "evt_42"}
	if err := senderFor(t, srv, cfg).Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}

	got := srv.WaitFor(1, waitTimeout)[0]
	if got.From != "pats@example.com" {
		t.Errorf("envelope from %q, want pats@example.com", got.From)
	}
	if len(got.To) != 1 || got.To[0] != ada.Address {
		t.Errorf("envelope recipients %q, want [%s]", got.To, ada.Address)
	}
	if !got.TLS || got.User != mailtest.Username {
		t.Errorf("sent with TLS %v as %q, want STARTTLS and AUTH as %q", got.TLS, got.User, mailtest.Username)
	}

	p := parse(t, got.Data)
	from, err := netmail.ParseAddress(p.header.Get("From"))
	if err != nil || from.Address != "pats@example.com" || from.Name != "PATS" {
		t.Errorf("From %q (%v), want PATS <pats@example.com>", p.header.Get("From"), err)
	}
	to, err := netmail.ParseAddress(p.header.Get("To"))
	if err != nil || to.Address != ada.Address || to.Name != ada.Name {
		t.Errorf("To %q (%v), want %s", p.header.Get("To"), err, ada.String())
	}
	if subject := decodedHeader(t, p.header, "Subject"); subject != m.Subject {
		t.Errorf("Subject %q, want %q", subject, m.Subject)
	}
	if id := p.header.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.com>") {
		t.Errorf("Message-Id %q, want <random@example.com>", id)
	}
	if _, err := p.header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if v := p.header.Get("X-Pats-Event-Id"); v != "evt_42" {
		t.Errorf("X-Pats-Event-Id %q, want evt_42", v)
	}
	if v := p.header.Get("Auto-Submitted"); v != "auto-generated" {
		t.Errorf("Auto-Submitted %q, want auto-generated", v)
	}
	if text := p.parts["text/plain"]; strings.TrimSpace(text) != strings.TrimSpace(m.Text) {
		t.Errorf("text/plain part:\n%s\nwant:\n%s", text, m.Text)
	}
	if html := p.parts["text/html"]; strings.TrimSpace(html) != strings.TrimSpace(m.HTML) {
		t.Errorf("text/html part:\n%s\nwant:\n%s", html, m.HTML)
	}
}

func TestSendGivenMessageID(t *testing.T) {
	srv := mailtest.Start(t)
	m := revokedMessage(t)
	m.MessageID = "<evt_42.delivery_7@pats.example.com>"
	if err := senderFor(t, srv, configFor(t, srv)).Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	p := parse(t, srv.WaitFor(1, waitTimeout)[0].Data)
	if id := p.header.Get("Message-Id"); id != m.MessageID {
		t.Errorf("Message-Id %q, want %q", id, m.MessageID)
	}
}

func TestSendImplicitTLS(t *testing.T) {
	srv := mailtest.Start(t, mailtest.WithImplicitTLS())
	cfg := configFor(t, srv)
	if cfg.TLS != mail.ImplicitTLS {
		t.Fatalf("mailtest's URL %q parsed to %v, want smtps", srv.URL(), cfg)
	}
	if err := senderFor(t, srv, cfg).Send(context.Background(), revokedMessage(t)); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := srv.WaitFor(1, waitTimeout)[0]; !got.TLS || got.User != mailtest.Username {
		t.Errorf("sent with TLS %v as %q, want TLS and AUTH", got.TLS, got.User)
	}
}

// TestSendRequiresStartTLS: with the default mode, a server that does not
// offer STARTTLS gets an error, not the credentials and mail in plaintext.
func TestSendRequiresStartTLS(t *testing.T) {
	srv := mailtest.Start(t, mailtest.WithoutTLS())
	cfg := configFor(t, srv)
	cfg.TLS = mail.StartTLSRequired
	err := senderFor(t, srv, cfg).Send(context.Background(), revokedMessage(t))
	if err == nil {
		t.Fatal("Send succeeded without STARTTLS")
	}
	if !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("error %q does not say STARTTLS is missing", err)
	}
	if mail.IsPermanent(err) {
		t.Errorf("IsPermanent(%v) = true, want false (a configuration problem, not the message's)", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages, want 0", n)
	}
}

// TestSendDevelopmentModes: starttls=none and opportunistic reach a
// server without TLS (credentials go in plaintext only because it is on
// loopback), and opportunistic still upgrades where it can.
func TestSendDevelopmentModes(t *testing.T) {
	tests := []struct {
		name    string
		opts    []mailtest.Option
		mode    mail.TLSMode
		wantTLS bool
	}{
		{"none, server without TLS", []mailtest.Option{mailtest.WithoutTLS()}, mail.NoTLS, false},
		{"opportunistic, server without TLS", []mailtest.Option{mailtest.WithoutTLS()}, mail.StartTLSOpportunistic, false},
		{"opportunistic, server with STARTTLS", nil, mail.StartTLSOpportunistic, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailtest.Start(t, tt.opts...)
			cfg := configFor(t, srv)
			cfg.TLS = tt.mode
			if err := senderFor(t, srv, cfg).Send(context.Background(), revokedMessage(t)); err != nil {
				t.Fatalf("Send: %v", err)
			}
			if got := srv.WaitFor(1, waitTimeout)[0]; got.TLS != tt.wantTLS {
				t.Errorf("sent with TLS %v, want %v", got.TLS, tt.wantTLS)
			}
		})
	}
}

// TestSendReplyClassified: 4xx replies to RCPT or DATA are temporary, 5xx
// permanent; the failure is the server's, so the next attempt goes through.
func TestSendReplyClassified(t *testing.T) {
	tests := []struct {
		name          string
		opt           mailtest.Option
		wantPermanent bool
	}{
		{"RCPT 451", mailtest.WithRcptFailures(1, 451), false},
		{"RCPT 550", mailtest.WithRcptFailures(1, 550), true},
		{"DATA 451", mailtest.WithDataFailures(1, 451), false},
		{"DATA 554", mailtest.WithDataFailures(1, 554), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailtest.Start(t, tt.opt)
			s := senderFor(t, srv, configFor(t, srv))
			err := s.Send(context.Background(), revokedMessage(t))
			if err == nil {
				t.Fatal("Send succeeded, want the server's failure")
			}
			if got := mail.IsPermanent(err); got != tt.wantPermanent {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, got, tt.wantPermanent)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("server accepted %d messages, want 0", n)
			}
			if err := s.Send(context.Background(), revokedMessage(t)); err != nil {
				t.Fatalf("second Send: %v", err)
			}
			srv.WaitFor(1, waitTimeout)
		})
	}
}

// TestSendWrongPassword: the refusal is reported without the password, and
// as temporary: fixing PATS_SMTP_URL should let pending mail go out.
func TestSendWrongPassword(t *testing.T) {
	srv := mailtest.Start(t)
	cfg := configFor(t, srv)
	cfg.Password = "wrong-Hunter2-password"
	err := senderFor(t, srv, cfg).Send(context.Background(), revokedMessage(t))
	if err == nil {
		t.Fatal("Send succeeded with a wrong password")
	}
	if !strings.Contains(err.Error(), "535") {
		t.Errorf("error %q does not carry the server's 535 reply", err)
	}
	for e := error(err); e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), cfg.Password) || strings.Contains(e.Error(), mailtest.Password) {
			t.Errorf("error %q contains a password", e)
		}
	}
	if mail.IsPermanent(err) {
		t.Errorf("IsPermanent(%v) = true, want false", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server accepted %d messages, want 0", n)
	}
}

// TestSendVerifiesCertificate: without the test CA the self-signed
// certificate is refused, so the default trusts no one it should not.
func TestSendVerifiesCertificate(t *testing.T) {
	for _, opts := range [][]mailtest.Option{nil, {mailtest.WithImplicitTLS()}} {
		srv := mailtest.Start(t, opts...)
		from, _ := mail.ParseFrom("pats@example.com")
		err := mail.NewSender(configFor(t, srv), from).Send(context.Background(), revokedMessage(t))
		if err == nil {
			t.Fatalf("Send to %s succeeded with an untrusted certificate", srv.URL())
		}
		if !strings.Contains(err.Error(), "certificate") || mail.IsPermanent(err) {
			t.Errorf("got %v (permanent %v), want a temporary certificate error", err, mail.IsPermanent(err))
		}
	}
}

// silentServer accepts connections and never says anything, like a server
// that hangs.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				_ = c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		<-done
	})
	return ln.Addr().String()
}

// TestSendBounded: a server that never answers costs the timeout, or less
// when the context ends first, and the error says which.
func TestSendBounded(t *testing.T) {
	host, port, _ := net.SplitHostPort(silentServer(t))
	cfg, err := mail.ParseURL("smtp://" + net.JoinHostPort(host, port))
	if err != nil {
		t.Fatal(err)
	}
	from, _ := mail.ParseFrom("pats@example.com")
	m := revokedMessage(t)

	start := time.Now()
	err = mail.NewSender(cfg, from, mail.WithTimeout(200*time.Millisecond)).Send(context.Background(), m)
	if !errors.Is(err, context.DeadlineExceeded) || mail.IsPermanent(err) {
		t.Errorf("after the timeout: got %v, want a temporary error wrapping context.DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("Send took %v with a 200ms timeout", elapsed)
	}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start = time.Now()
	err = mail.NewSender(cfg, from).Send(ctx, m)
	if !errors.Is(err, context.Canceled) || mail.IsPermanent(err) {
		t.Errorf("after cancel: got %v, want a temporary error wrapping context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("Send took %v after its context was canceled at 200ms", elapsed)
	}
}

// TestSendRefusesInvalidMessage: what cannot be sent as asked is refused
// before connecting, as permanent.
func TestSendRefusesInvalidMessage(t *testing.T) {
	valid := revokedMessage(t)
	tests := []struct {
		name   string
		modify func(*mail.Message)
	}{
		{"no recipient", func(m *mail.Message) { m.To = netmail.Address{} }},
		{"recipient without domain", func(m *mail.Message) { m.To = netmail.Address{Address: "ada"} }},
		{"recipient with line break", func(m *mail.Message) { m.To = netmail.Address{Address: "ada@example.com\r\nBcc: x@example.com"} }},
		{"recipient name with line break", func(m *mail.Message) { m.To.Name = "Ada\r\nBcc: x@example.com" }},
		{"no body", func(m *mail.Message) { m.Text, m.HTML = "", "" }},
		{"header value with line break", func(m *mail.Message) { m.Headers = map[string]string{"X-Event": "1\r\nBcc: x@example.com"} }},
		{"header name with colon", func(m *mail.Message) { m.Headers = map[string]string{"X-Event:": "1"} }},
		{"header name with space", func(m *mail.Message) { m.Headers = map[string]string{"X Event": "1"} }},
		{"reserved header", func(m *mail.Message) { m.Headers = map[string]string{"bcc": "x@example.com"} }},
		{"content header", func(m *mail.Message) { m.Headers = map[string]string{"Content-Type": "text/plain"} }},
		{"message ID without domain", func(m *mail.Message) { m.MessageID = "evt_42" }},
		{"message ID with line break", func(m *mail.Message) { m.MessageID = "evt@x\r\nBcc: x@example.com" }},
	}
	srv := mailtest.Start(t)
	s := senderFor(t, srv, configFor(t, srv))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid
			tt.modify(&m)
			err := s.Send(context.Background(), m)
			if !errors.Is(err, mail.ErrInvalidMessage) || !mail.IsPermanent(err) {
				t.Errorf("got %v, want a permanent error wrapping ErrInvalidMessage", err)
			}
		})
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server accepted %d messages, want 0", n)
	}
}

// TestSendSubjectIsOneLine: a subject with line breaks cannot add headers.
func TestSendSubjectIsOneLine(t *testing.T) {
	srv := mailtest.Start(t)
	m := revokedMessage(t)
	m.Subject = "Token revoked\r\nBcc: eve@example.com\nX-Injected: yes"
	if err := senderFor(t, srv, configFor(t, srv)).Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.WaitFor(1, waitTimeout)[0]
	if len(got.To) != 1 {
		t.Errorf("envelope recipients %q, want only %s", got.To, ada.Address)
	}
	p := parse(t, got.Data)
	if p.header.Get("Bcc") != "" || p.header.Get("X-Injected") != "" {
		t.Errorf("the subject injected headers: %v", p.header)
	}
	if subject := decodedHeader(t, p.header, "Subject"); subject != "Token revoked Bcc: eve@example.com X-Injected: yes" {
		t.Errorf("Subject %q, want the three lines joined with spaces", subject)
	}
}

func TestIsPermanentOtherErrors(t *testing.T) {
	for _, err := range []error{nil, errors.New("550 looks permanent"), context.Canceled} {
		if mail.IsPermanent(err) {
			t.Errorf("IsPermanent(%v) = true, want false for errors Send did not return", err)
		}
	}
}
