package pat

import (
	"context"
	"encoding/json"
	"errors"
	netmail "net/mail"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/mail"
	"github.com/patgov/pats/internal/store"
)

// MailConfig configures e-mail to token owners.
type MailConfig struct {
	// Sender sends mail (PATS_SMTP_URL); nil keeps every mail in the
	// database instead (state KEPT), listed by emailNotifications: the
	// development default, so `go run .` shows them.
	Sender *mail.Sender
	// ConsoleURL, when set, is linked from the mails.
	ConsoleURL string
}

// storedMail is the body of an e-mail delivery: the recipient, the kind
// of mail and what it says, frozen when the event was dispatched. It is
// rendered (mail.Render) when it is sent or read, not at dispatch: a
// revocation of 1,000 tokens dispatches 1,000 mails, and rendering and
// storing each twice (text and HTML) in the dispatch made the next
// revocations wait for the CPU (docs/PERFORMANCE.md, issue 11, i1).
type storedMail struct {
	To   string    `json:"to"`
	Kind mail.Kind `json:"kind"`
	Data mail.Data `json:"data"`
}

// render is the message: subject, plain text, HTML.
func (m storedMail) render() (subject, text, html string, err error) {
	return mail.Render(m.Kind, m.Data)
}

// mailFor renders the e-mail that event e of batch b sends its token's
// owner, if any: expiring 7 d / 1 d, revoked by someone else (an admin, a
// filter, by value, a scanner, the stale-token policy), a stale warning,
// reuse of a rotated token. Nothing for the owner's own revocations and
// rotations, settings changes, creations, or an owner without e-mail.
func mailFor(e *entity.OutboxEvent, b store.OutboxBatch, consoleURL string) (*entity.Delivery, *storedMail) {
	var (
		kind    mail.Kind
		ownerID int64
		d       = mail.Data{ConsoleURL: consoleURL}
	)
	switch {
	case e.AuditEventID != nil:
		a := b.Audit[*e.AuditEventID]
		if a == nil || a.Action != entity.AuditTokenRevoked || a.RevocationSource == nil || a.TokenOwnerID == nil {
			return nil, nil
		}
		switch src := *a.RevocationSource; src {
		case entity.RevokedByOwner, entity.RevokedByRotation:
			return nil, nil
		case entity.RevokedOnReuse:
			kind = mail.TokenReuseDetected
		case entity.RevokedAsUnused:
			kind, d.Reason = mail.TokenRevoked, mail.ReasonStale
		default:
			kind, d.Reason = mail.TokenRevoked, mail.Reason(src)
		}
		t := a.Token()
		if a.ActorID == t.OwnerID {
			return nil, nil // the owner did it (by value, by a filter): nothing to tell them
		}
		ownerID, d.TokenID, d.TokenName, d.Scopes = t.OwnerID, t.ID, t.Name, t.ScopeList()
		if a.TokenExpiresAt != nil {
			d.ExpiresAt = a.TokenExpiresAt.Time
		}
		if actor := b.Users[a.ActorID]; actor != nil && actor.AccountType != entity.AccountTypeSystem && actor.ID != ownerID {
			d.ActorName = actor.Name
		}
	case e.Payload != nil && (e.EventType == entity.EventTokenExpiring):
		var x ExpiryPayload
		if json.Unmarshal([]byte(*e.Payload), &x) != nil {
			return nil, nil
		}
		kind, ownerID, d.TokenID, d.TokenName, d.ExpiresAt, d.DaysLeft = mail.TokenExpiring, x.OwnerID, x.TokenID, x.TokenName, x.ExpiresAt.Time, x.DaysLeft
	case e.Payload != nil && e.EventType == entity.EventTokenStaleWarning:
		var w StaleWarningPayload
		if json.Unmarshal([]byte(*e.Payload), &w) != nil {
			return nil, nil
		}
		kind, ownerID, d.TokenID, d.TokenName, d.RevokeOn = mail.TokenStaleWarning, w.OwnerID, w.TokenID, w.TokenName, w.RevokeAt.Time
		if w.LastUsedAt != nil {
			d.LastUsedAt = w.LastUsedAt.Time
		}
	default:
		return nil, nil
	}
	owner := b.Users[ownerID]
	if owner == nil || owner.Email == "" || owner.AccountType == entity.AccountTypeSystem {
		return nil, nil
	}
	to, err := netmail.ParseAddress(owner.Email)
	if err != nil {
		return nil, nil
	}
	d.RecipientName = owner.Name
	m := &storedMail{To: (&netmail.Address{Name: owner.Name, Address: to.Address}).String(), Kind: kind, Data: d}
	if d.TokenID == "" || d.TokenName == "" {
		return nil, nil // mail.Render would refuse it
	}
	body, err := json.Marshal(m)
	if err != nil {
		return nil, nil
	}
	recipient := owner.ID
	return &entity.Delivery{
		ID: ulid.Make().String(), OrganizationID: e.OrganizationID, Channel: entity.ChannelEmail, RecipientUserID: &recipient,
		EventID: e.ID, EventType: e.EventType, Body: string(body),
	}, m
}

// sendMail makes one attempt of an e-mail delivery.
func (s *Service) sendMail(ctx context.Context, d *entity.Delivery) (permanent bool, took time.Duration, err error) {
	var m storedMail
	if err := json.Unmarshal([]byte(d.Body), &m); err != nil {
		return true, 0, err
	}
	to, err := netmail.ParseAddress(m.To)
	if err != nil {
		return true, 0, err
	}
	if s.mail.Sender == nil {
		return true, 0, errors.New("no SMTP server configured")
	}
	subject, text, html, err := m.render()
	if err != nil {
		return true, 0, err
	}
	start := time.Now()
	err = s.mail.Sender.Send(ctx, mail.Message{To: *to, Subject: subject, Text: text, HTML: html,
		Headers: map[string]string{"X-Pats-Event-Id": d.EventID}})
	return mail.IsPermanent(err), time.Since(start), err
}

// EmailNotifications lists the organization's e-mails to token owners,
// newest first (admins only): first 1..100, after an ID of an earlier
// page.
func (s *Service) EmailNotifications(ctx context.Context, p *auth.Principal, first int, after string) (*DeliveryPage, error) {
	if !p.IsAdmin() {
		return nil, errForbiddenAdmin()
	}
	return s.deliveryPage(ctx, store.DeliveryQuery{OrgID: p.Org.ID}, first, after, "after is not an e-mail notification",
		func(d *entity.Delivery) bool { return d.Channel == entity.ChannelEmail })
}

// StoredMail is an e-mail delivery's message: To, subject, plain text.
func StoredMail(d *entity.Delivery) (to, subject, text string) {
	var m storedMail
	if json.Unmarshal([]byte(d.Body), &m) != nil {
		return "", "", ""
	}
	subject, text, _, _ = m.render()
	return m.To, subject, text
}
