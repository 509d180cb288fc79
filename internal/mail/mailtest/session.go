package mailtest

import (
	"io"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// backend opens one session per connection for its server.
type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: b.s, conn: c}, nil
}

// session is one client connection: it insists on AUTH before MAIL, so a
// client that skipped authentication cannot pass a test by accident.
type session struct {
	s    *Server
	conn *smtp.Conn
	user string
	from string
	to   []string
}

// AuthMechanisms offers PLAIN only; go-smtp advertises it only once the
// connection is encrypted, unless the server runs WithoutTLS.
func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if (identity != "" && identity != username) || username != Username || password != Password {
			return smtp.ErrAuthFailed
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.user == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := ss.s.fail(&ss.s.rcpt); err != nil {
		return err
	}
	ss.to = append(ss.to, to)
	return nil
}

// Data reads the whole message before answering, as go-smtp requires,
// also when the answer is a failure.
func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := ss.s.fail(&ss.s.data); err != nil {
		return err
	}
	_, isTLS := ss.conn.TLSConnectionState()
	ss.s.record(Message{From: ss.from, To: append([]string(nil), ss.to...), Data: data, TLS: isTLS, User: ss.user})
	return nil
}

// Reset forgets the envelope; the authentication stays, as in SMTP.
func (ss *session) Reset() {
	ss.from = ""
	ss.to = nil
}

func (ss *session) Logout() error { return nil }
