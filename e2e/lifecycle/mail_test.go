package lifecycle

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/mail/mailtest"
	"github.com/patgov/pats/internal/testenv"
)

// parts returns the text/plain and text/html parts of a raw message, and
// its headers.
func parts(t *testing.T, raw []byte) (netmail.Header, map[string]string) {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var walk func(ct string, body io.Reader)
	walk = func(ct string, body io.Reader) {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(mt, "multipart/") {
			b, _ := io.ReadAll(body)
			out[mt] = string(b)
			return
		}
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextPart()
			if err != nil {
				return
			}
			var dec io.Reader = p // multipart decodes quoted-printable itself
			walk(p.Header.Get("Content-Type"), dec)
		}
	}
	walk(msg.Header.Get("Content-Type"), msg.Body)
	return msg.Header, out
}

// settleOthers marks the events and deliveries other tests of this
// package left in its database (MySQL: one database per package) as
// done, so that this test's server sees this test's mails only.
func settleOthers(t *testing.T, env *testenv.Env) {
	t.Helper()
	if err := env.DB.Exec(`UPDATE outbox_events SET dispatched_at = 0 WHERE dispatched_at IS NULL`).Error; err != nil {
		t.Fatal(err)
	}
	if err := env.DB.Exec(`UPDATE deliveries SET state = 'FAILED' WHERE state = 'PENDING'`).Error; err != nil {
		t.Fatal(err)
	}
}

// TestMailToOwners: an admin's revocation of a member's token e-mails the
// owner (a real SMTP server, STARTTLS and AUTH), with both parts, the
// token's name and ID and no secret; the owner's own revocation mails
// nobody; a temporary refusal is retried, a permanent one fails.
func TestMailToOwners(t *testing.T) {
	for _, dialect := range testenv.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			srv := mailtest.Start(t, mailtest.WithRcptFailures(1, 451))
			env := testenv.NewWith(t, dialect, testenv.Options{SMTPURL: srv.URL(), MailRootCAs: srv.RootCAs()})
			settleOthers(t, env)
			org := testenv.UniqueOrg("mail")
			admin, member := env.Admin(t, org, "root"), env.Member(t, org, "ann")
			mine := member.MustCreateToken(map[string]any{"name": "mine", "scopes": []string{"OR.Jobs.Read"}})
			theirs := member.MustCreateToken(map[string]any{"name": "deploy <b>prod</b>", "scopes": []string{"OR.Jobs.Read"}})
			member.MustDo(`mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount } }`, map[string]any{"ids": []string{mine.PersonalAccessToken.ID}})
			admin.MustDo(`mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount } }`, map[string]any{"ids": []string{theirs.PersonalAccessToken.ID}})
			deliverDue(t, env) // the first RCPT is refused with 451: retried in 5 s
			if n := len(srv.Messages()); n != 0 {
				t.Fatalf("delivered despite the 451: %d", n)
			}
			var list struct {
				EmailNotifications struct {
					Nodes []struct {
						To, Subject, Text, Status, EventType string
						Attempts                             int
						LastError                            *string
						Recipient                            struct{ ID string }
					}
				}
			}
			admin.MustDoInto(`{ emailNotifications { nodes { to subject text status eventType attempts lastError recipient { id } } } }`, nil, &list)
			if n := list.EmailNotifications.Nodes; len(n) != 1 || n[0].Status != "PENDING" || n[0].LastError == nil || *n[0].LastError != "smtp_temporary" ||
				n[0].Recipient.ID != "ann" || n[0].EventType != "token.revoked" {
				t.Fatalf("after the 451: %+v", n)
			}
			env.Clock.Advance(10e9)
			deliverDue(t, env)
			msgs := srv.WaitFor(1, 5e9)
			if len(msgs) != 1 || len(msgs[0].To) != 1 || msgs[0].To[0] != "ann@example.test" || !msgs[0].TLS {
				t.Fatalf("messages: %+v", msgs)
			}
			h, ps := parts(t, msgs[0].Data)
			subject, _ := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
			if !strings.Contains(strings.ToLower(subject), "revoked") || h.Get("Message-Id") == "" {
				t.Errorf("headers: subject %q, message-id %q", subject, h.Get("Message-Id"))
			}
			text, html := ps["text/plain"], ps["text/html"]
			if !strings.Contains(text, "deploy <b>prod</b>") || !strings.Contains(text, theirs.PersonalAccessToken.ID) {
				t.Errorf("text part lacks the token's name or ID:\n%s", text)
			}
			if html == "" || strings.Contains(html, "<b>prod</b>") {
				t.Errorf("HTML part missing, or the token name not escaped:\n%s", html)
			}
			for _, secret := range []string{mine.Token, theirs.Token} {
				if strings.Contains(string(msgs[0].Data), secret) || strings.Contains(string(msgs[0].Data), secret[len(secret)-6:]) {
					t.Errorf("the mail holds a token secret")
				}
			}
			admin.MustDoInto(`{ emailNotifications { nodes { to subject text status eventType attempts lastError recipient { id } } } }`, nil, &list)
			if n := list.EmailNotifications.Nodes; len(n) != 1 || n[0].Status != "SUCCEEDED" || n[0].Attempts != 2 {
				t.Errorf("after delivery: %+v", n)
			}
			testenv.RequireError(t, member.Do(`{ emailNotifications { nodes { id } } }`, nil), "FORBIDDEN")
		})
	}
}

// TestMailPermanentFailure: a 550 for the recipient fails the mail at
// once, without retries.
func TestMailPermanentFailure(t *testing.T) {
	srv := mailtest.Start(t, mailtest.WithRcptFailures(1, 550))
	env := testenv.NewWith(t, "sqlite", testenv.Options{SMTPURL: srv.URL(), MailRootCAs: srv.RootCAs()})
	settleOthers(t, env)
	org := testenv.UniqueOrg("mail-550")
	admin, member := env.Admin(t, org, "root"), env.Member(t, org, "ann")
	tok := member.MustCreateToken(map[string]any{"name": "x", "scopes": []string{"OR.Jobs.Read"}})
	admin.MustDo(`mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount } }`, map[string]any{"ids": []string{tok.PersonalAccessToken.ID}})
	deliverDue(t, env)
	var list struct {
		EmailNotifications struct {
			Nodes []struct{ Status, LastError string }
		}
	}
	admin.MustDoInto(`{ emailNotifications { nodes { status lastError } } }`, nil, &list)
	if n := list.EmailNotifications.Nodes; len(n) != 1 || n[0].Status != "FAILED" || n[0].LastError != "smtp_permanent" {
		t.Errorf("after a 550: %+v", n)
	}
}

// TestMailKeptWithoutSMTP: without PATS_SMTP_URL the mails are kept and
// listed, the stale warning and the expiry notice included.
func TestMailKeptWithoutSMTP(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		f := newStaleFixture(t, env) // the soon-stale token is warned
		sweep(t, env)
		deliverDue(t, env)
		admin := env.Admin(t, f.org, "root")
		var list struct {
			EmailNotifications struct {
				Nodes []struct{ EventType, Status, Subject, Text, To string }
			}
		}
		admin.MustDoInto(`{ emailNotifications(first: 100) { nodes { eventType status subject text to } } }`, nil, &list)
		kinds := map[string]int{}
		for _, n := range list.EmailNotifications.Nodes {
			if n.Status != "KEPT" || n.To == "" || n.Subject == "" {
				t.Errorf("kept mail: %+v", n)
			}
			kinds[n.EventType]++
		}
		// Two revoked as unused, one warned; "soon-stale" and "fresh" are
		// far from their expiry (300 days).
		if kinds["token.revoked"] != 2 || kinds["token.stale_warning"] != 1 {
			t.Errorf("kept mails by type: %v, want 2 token.revoked and 1 token.stale_warning", kinds)
		}
	})
}
