package mail_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/mail"
)

// sampleData fills every field Render can use.
func sampleData() mail.Data {
	return mail.Data{
		RecipientName:    "Ada Lovelace",
		OrganizationName: "Analytical Engines",
		OrganizationID:   "org_1842",
		TokenName:        "deploy bot",
		TokenID:          "01JTOKENID0000000000000000",
		Scopes:           []string{"tokens:read", "repos:write"},
		ExpiresAt:        time.Date(2030, 3, 1, 12, 30, 0, 0, time.UTC),
		DaysLeft:         7,
		LastUsedAt:       time.Date(2029, 12, 24, 8, 0, 0, 0, time.UTC),
		Reason:           mail.ReasonAdmin,
		ActorName:        "Charles Babbage",
		RevokeOn:         time.Date(2030, 4, 1, 0, 0, 0, 0, time.UTC),
		ConsoleURL:       "https://pats.example.com/admin/",
	}
}

func TestRenderEveryKind(t *testing.T) {
	d := sampleData()
	for _, kind := range mail.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			subject, text, html, err := mail.Render(kind, d)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if !strings.Contains(subject, d.TokenName) {
				t.Errorf("subject %q does not name the token", subject)
			}
			for part, body := range map[string]string{"text": text, "html": html} {
				for _, want := range []string{d.TokenName, d.TokenID, d.RecipientName, d.OrganizationName, "repos:write", d.ConsoleURL} {
					if !strings.Contains(body, want) {
						t.Errorf("%s part does not contain %q:\n%s", part, want, body)
					}
				}
			}
			if !strings.HasPrefix(html, "<!DOCTYPE html>") {
				t.Errorf("html part does not start with a doctype:\n%s", html)
			}
		})
	}
}

func TestRenderSaysWhatEachKindIsAbout(t *testing.T) {
	d := sampleData()
	tests := []struct {
		kind mail.Kind
		want []string
	}{
		{mail.TokenExpiring, []string{"expires in 7 days", "2030-03-01 12:30 UTC"}},
		{mail.TokenRevoked, []string{"was revoked", "An administrator (Charles Babbage) revoked it."}},
		{mail.TokenStaleWarning, []string{"2030-04-01", "since 2029-12-24 08:00 UTC"}},
		{mail.TokenReuseDetected, []string{"rotation", "revoked"}},
	}
	for _, tt := range tests {
		subject, text, html, err := mail.Render(tt.kind, d)
		if err != nil {
			t.Fatalf("Render(%s): %v", tt.kind, err)
		}
		for _, want := range tt.want {
			if !strings.Contains(subject+text, want) || !strings.Contains(html, want) {
				t.Errorf("%s does not say %q in both parts:\n%s\n%s\n%s", tt.kind, want, subject, text, html)
			}
		}
	}
}

func TestRenderExpiringDays(t *testing.T) {
	for days, want := range map[int]string{7: "expires in 7 days", 1: "expires in 1 day", 0: "expires today"} {
		d := sampleData()
		d.DaysLeft = days
		subject, _, _, err := mail.Render(mail.TokenExpiring, d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(subject, want) {
			t.Errorf("DaysLeft %d: subject %q, want it to end %q", days, subject, want)
		}
	}
}

// TestRenderReasons: every reason has its own explanation, and an unknown
// one still renders.
func TestRenderReasons(t *testing.T) {
	seen := map[string]mail.Reason{}
	for _, r := range []mail.Reason{
		mail.ReasonOwner, mail.ReasonAdmin, mail.ReasonFilter, mail.ReasonByValue,
		mail.ReasonSecretScanning, mail.ReasonStale, mail.ReasonReuseDetected, "SOMETHING_NEW",
	} {
		d := sampleData()
		d.Reason = r
		_, text, _, err := mail.Render(mail.TokenRevoked, d)
		if err != nil {
			t.Fatalf("Render with reason %s: %v", r, err)
		}
		if other, dup := seen[text]; dup {
			t.Errorf("reasons %s and %s render the same text", r, other)
		}
		seen[text] = r
	}
}

// TestRenderEscapes: user-controlled values are escaped in the HTML part
// and cannot break the subject into lines.
func TestRenderEscapes(t *testing.T) {
	d := sampleData()
	d.TokenName = `<script>alert(1)</script> "quotes" & 'apostrophes'`
	d.RecipientName = `<img src=x onerror=alert(2)>`
	d.ActorName = `</p><a href="https://evil.example">click</a>`
	d.OrganizationName = "Acme\r\nBcc: eve@example.com"
	d.Scopes = []string{"<b>admin</b>"}
	for _, kind := range mail.Kinds {
		subject, text, html, err := mail.Render(kind, d)
		if err != nil {
			t.Fatalf("Render(%s): %v", kind, err)
		}
		for _, raw := range []string{"<script>", `"quotes"`, "<img", `<a href="https://evil`, "<b>admin"} {
			if strings.Contains(html, raw) {
				t.Errorf("%s: html part contains unescaped %q:\n%s", kind, raw, html)
			}
		}
		if !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt; &#34;quotes&#34;") {
			t.Errorf("%s: html part does not show the escaped token name:\n%s", kind, html)
		}
		if strings.ContainsAny(subject, "\r\n") {
			t.Errorf("%s: subject %q has a line break", kind, subject)
		}
		if !strings.Contains(text, d.TokenName) {
			t.Errorf("%s: text part does not show the token name as it is:\n%s", kind, text)
		}
		if strings.Contains(text+html, "\r\nBcc") || strings.Contains(text+html, "\nBcc") {
			t.Errorf("%s: a line break from the data reached a body", kind)
		}
	}
}

func TestSubjectIsOneLine(t *testing.T) {
	d := sampleData()
	d.TokenName = "ci\r\nBcc: eve@example.com\n\u2028X-Injected: yes\u202e"
	for _, kind := range mail.Kinds {
		subject, _, _, err := mail.Render(kind, d)
		if err != nil {
			t.Fatalf("Render(%s): %v", kind, err)
		}
		if strings.ContainsAny(subject, "\r\n\u2028\u202e") {
			t.Errorf("%s: subject %q keeps a line break or bidi override", kind, subject)
		}
		if !strings.Contains(subject, "ci Bcc: eve@example.com X-Injected: yes") {
			t.Errorf("%s: subject %q, want the name's lines joined with spaces", kind, subject)
		}
	}
}

// TestDataHoldsNoSecret: a mail never carries a token's secret or digest,
// because Data has no field that could hold one. Adding one fails here.
func TestDataHoldsNoSecret(t *testing.T) {
	typ := reflect.TypeFor[mail.Data]()
	for i := range typ.NumField() {
		name := strings.ToLower(typ.Field(i).Name)
		for _, word := range []string{"secret", "digest", "hash", "value", "plaintext", "password", "key"} {
			if strings.Contains(name, word) {
				t.Errorf("Data.%s looks like it could hold a token's secret (%q)", typ.Field(i).Name, word)
			}
		}
	}
}

func TestRenderRefuses(t *testing.T) {
	tests := []struct {
		name   string
		kind   mail.Kind
		modify func(*mail.Data)
	}{
		{"unknown kind", "token_exploded", func(*mail.Data) {}},
		{"no token name", mail.TokenRevoked, func(d *mail.Data) { d.TokenName = " \n " }},
		{"no token ID", mail.TokenRevoked, func(d *mail.Data) { d.TokenID = "" }},
		{"expiring without expiry", mail.TokenExpiring, func(d *mail.Data) { d.ExpiresAt = time.Time{} }},
		{"expiring with negative days", mail.TokenExpiring, func(d *mail.Data) { d.DaysLeft = -1 }},
		{"stale warning without date", mail.TokenStaleWarning, func(d *mail.Data) { d.RevokeOn = time.Time{} }},
		{"javascript console URL", mail.TokenRevoked, func(d *mail.Data) { d.ConsoleURL = "javascript:alert(1)" }},
		{"relative console URL", mail.TokenRevoked, func(d *mail.Data) { d.ConsoleURL = "/admin/" }},
		{"console URL with credentials", mail.TokenRevoked, func(d *mail.Data) { d.ConsoleURL = "https://u:p@pats.example.com/" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sampleData()
			tt.modify(&d)
			if _, _, _, err := mail.Render(tt.kind, d); err == nil {
				t.Errorf("Render succeeded, want an error")
			}
		})
	}
}

// TestRenderOptionalFields: a mail still reads well with only the
// required fields.
func TestRenderOptionalFields(t *testing.T) {
	d := mail.Data{TokenName: "ci", TokenID: "tok_1", ExpiresAt: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), DaysLeft: 1,
		RevokeOn: time.Date(2030, 2, 1, 0, 0, 0, 0, time.UTC)}
	for _, kind := range mail.Kinds {
		_, text, html, err := mail.Render(kind, d)
		if err != nil {
			t.Fatalf("Render(%s): %v", kind, err)
		}
		if !strings.HasPrefix(text, "Hello,\n") || !strings.Contains(html, "<p>Hello,</p>") {
			t.Errorf("%s: want a greeting without a name:\n%s\n%s", kind, text, html)
		}
		if strings.Contains(text, "Organization:") || strings.Contains(text, "Manage your tokens") {
			t.Errorf("%s: text shows empty optional fields:\n%s", kind, text)
		}
		if !strings.Contains(text, "Last used:    never") {
			t.Errorf("%s: text does not say the token was never used:\n%s", kind, text)
		}
	}
}
