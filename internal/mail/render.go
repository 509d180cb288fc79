package mail

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strings"
	texttemplate "text/template"
	"time"
)

// templateFS holds, per Kind, NAME.txt (the "subject" and the plain-text
// "content") and NAME.html (the HTML "content"), each inside the layout of
// its format.
//
//go:embed templates
var templateFS embed.FS

// kindTemplates are one Kind's parsed templates.
type kindTemplates struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// templates are parsed once, at start: a template that does not parse is a
// build mistake, and TestRenderEveryKind catches it before a release.
var templates = parseTemplates()

// funcs are the helpers both formats' templates call.
var funcs = map[string]any{
	"when":   when,
	"date":   func(t time.Time) string { return t.UTC().Format("2006-01-02") },
	"inDays": inDays,
	"join":   strings.Join,
}

func parseTemplates() map[Kind]kindTemplates {
	out := make(map[Kind]kindTemplates, len(Kinds))
	for _, k := range Kinds {
		text := texttemplate.Must(texttemplate.New("layout.txt").Funcs(funcs).
			ParseFS(templateFS, "templates/layout.txt", "templates/"+string(k)+".txt"))
		html := htmltemplate.Must(htmltemplate.New("layout.html").Funcs(funcs).
			ParseFS(templateFS, "templates/layout.html", "templates/"+string(k)+".html"))
		out[k] = kindTemplates{text: text, html: html}
	}
	return out
}

// view is what the templates see: the cleaned Data and the sentences
// computed from it once for both formats.
type view struct {
	Data
	// Organization is "Name (ID)", or whichever of the two is set.
	Organization string
	// RevokedBecause explains Data.Reason in one sentence.
	RevokedBecause string
	// Subject is the rendered subject, the HTML part's title.
	Subject string
}

// Render returns the subject, plain-text body and HTML body of a kind of
// notification about the token data describes. The subject is one line
// whatever the data holds; the HTML escapes every value.
func Render(kind Kind, data Data) (subject, text, html string, err error) {
	t, ok := templates[kind]
	if !ok {
		return "", "", "", fmt.Errorf("render mail: unknown kind %q", kind)
	}
	d := data.cleaned()
	if err := check(kind, d); err != nil {
		return "", "", "", fmt.Errorf("render mail %s: %w", kind, err)
	}
	v := view{Data: d, Organization: organization(d), RevokedBecause: revokedBecause(d)}
	var sb, tb, hb bytes.Buffer
	if err := t.text.ExecuteTemplate(&sb, "subject", v); err != nil {
		return "", "", "", fmt.Errorf("render mail %s subject: %w", kind, err)
	}
	v.Subject = oneLine(sb.String())
	if err := t.text.Execute(&tb, v); err != nil {
		return "", "", "", fmt.Errorf("render mail %s text: %w", kind, err)
	}
	if err := t.html.Execute(&hb, v); err != nil {
		return "", "", "", fmt.Errorf("render mail %s html: %w", kind, err)
	}
	return v.Subject, tb.String(), hb.String(), nil
}

// check refuses data a kind cannot be told without.
func check(kind Kind, d Data) error {
	if strings.TrimSpace(d.TokenName) == "" || strings.TrimSpace(d.TokenID) == "" {
		return errors.New("TokenName and TokenID are required")
	}
	switch kind {
	case TokenExpiring:
		if d.ExpiresAt.IsZero() || d.DaysLeft < 0 {
			return errors.New("ExpiresAt and a DaysLeft >= 0 are required")
		}
	case TokenStaleWarning:
		if d.RevokeOn.IsZero() {
			return errors.New("RevokeOn is required")
		}
	}
	if d.ConsoleURL != "" {
		u, err := url.Parse(d.ConsoleURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			return errors.New("ConsoleURL must be an absolute http(s) URL without credentials")
		}
	}
	return nil
}

// when formats t in UTC to the minute, or "never" for the zero time (a
// token that never expires or was never used).
func when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// inDays says when something n days ahead happens, as a subject can say it.
func inDays(n int) string {
	switch n {
	case 0:
		return "today"
	case 1:
		return "in 1 day"
	}
	return fmt.Sprintf("in %d days", n)
}

func organization(d Data) string {
	switch {
	case d.OrganizationName != "" && d.OrganizationID != "":
		return d.OrganizationName + " (" + d.OrganizationID + ")"
	case d.OrganizationName != "":
		return d.OrganizationName
	}
	return d.OrganizationID
}

// revokedBecause explains a revocation to the owner, naming the person
// when one did it.
func revokedBecause(d Data) string {
	by := ""
	if d.ActorName != "" {
		by = " (" + d.ActorName + ")"
	}
	switch d.Reason {
	case ReasonOwner:
		return "It was revoked from your own account" + by + "."
	case ReasonAdmin:
		return "An administrator" + by + " revoked it."
	case ReasonFilter:
		return "An administrator" + by + " revoked it together with other tokens matching a filter."
	case ReasonByValue:
		return "Its value was submitted for revocation, which usually means someone found it exposed."
	case ReasonSecretScanning:
		return "A secret scanner found its value in public code and reported it, so it was revoked: whoever saw it can no longer use it."
	case ReasonStale:
		return "It had not been used for a long time and was revoked as unused, as announced."
	case ReasonReuseDetected:
		return "A value it had been rotated away from was presented again, so it was revoked with every token of the same rotation lineage."
	}
	return "It was revoked."
}
