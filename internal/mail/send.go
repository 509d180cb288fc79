package mail

import (
	"context"
	"errors"
	"fmt"
	"net"

	gomail "github.com/wneessen/go-mail"
)

// Send submits m: it dials, says EHLO, upgrades to TLS and authenticates as
// Config says, sends the one message and quits. It returns once the server
// has accepted the message (a later failure to QUIT is ignored, since the
// mail is on its way and a retry would duplicate it) or with an error that
// IsPermanent classifies. ctx and the Sender's timeout bound the whole
// exchange: when either ends, the connection is closed under whatever step
// is waiting, and the error wraps context.Cause.
func (s *Sender) Send(ctx context.Context, m Message) error {
	msg, err := build(s.from, m, s.now())
	if err != nil {
		return &sendError{step: "message", permanent: true, err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()

	// The connection is closed when ctx ends: go-mail watches ctx only
	// while dialing, then relies on deadlines of its own.
	var conn net.Conn
	stopWatching := func() bool { return false }
	defer func() {
		stopWatching()
		if conn != nil {
			_ = conn.Close()
		}
	}()
	dial := s.dialer()
	watchedDial := func(dctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(dctx, network, addr)
		if err != nil {
			return nil, err
		}
		conn = c
		stopWatching = context.AfterFunc(ctx, func() { _ = c.Close() })
		return c, nil
	}

	client, err := gomail.NewClient(s.cfg.Host, s.clientOptions(watchedDial)...)
	if err != nil {
		return s.failed(ctx, "connect", err)
	}
	smtpClient, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return s.failed(ctx, "connect", err)
	}
	// go-mail sends RSET after the message and reports its failure too;
	// once the server has accepted the message that is no failure of it.
	if err := client.SendWithSMTPClient(smtpClient, msg); err != nil && !msg.IsDelivered() {
		return s.failed(ctx, "", err)
	}
	_ = client.CloseWithSMTPClient(smtpClient)
	return nil
}

// failed classifies err from the given step ("" for a failure of the
// message's own commands, whose step go-mail's SendError names), masks the
// password and adds the context's cause when ctx has ended.
func (s *Sender) failed(ctx context.Context, step string, err error) error {
	e := &sendError{step: step, err: scrubbed(err, s.cfg.Password)}
	var se *gomail.SendError
	if errors.As(err, &se) {
		step, messageCommand := sendErrorStep(se.Reason)
		code := se.ErrorCode()
		e.step = step
		e.permanent = messageCommand && code >= 500 && code <= 599
	}
	if e.step == "" {
		e.step = "send"
	}
	if ctx.Err() != nil {
		e.err = fmt.Errorf("%w: %w", context.Cause(ctx), e.err)
	}
	return e
}

// sendErrorStep names the SMTP command a go-mail SendError comes from and
// whether it is one of the message's own (MAIL, RCPT, DATA), whose 5xx
// replies are about this message and so final.
func sendErrorStep(r gomail.SendErrReason) (step string, messageCommand bool) {
	switch r {
	case gomail.ErrSMTPMailFrom:
		return "mail", true
	case gomail.ErrSMTPRcptTo:
		return "rcpt", true
	case gomail.ErrSMTPData, gomail.ErrSMTPDataClose, gomail.ErrWriteContent:
		return "data", true
	}
	return "send", false
}
