package mail_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/mail"
)

// FuzzParseURL: an error repeats nothing of the value past its scheme (a
// password could be anywhere in a URL that did not parse as meant), and a
// parsed Config's redacted form reads back to the same Config.
func FuzzParseURL(f *testing.F) {
	for _, seed := range []string{
		"smtp://u:p@h", "smtps://u:p@h:465", "smtp://h?starttls=none", "smtp://u:1?x@h",
		"smtp://u:1/x@h", "smtp://u:%zz@h", "smtp://[::1]:25", "ftp://u:p@h", "u:p@h", "smtp:h",
		"smtp://u:p@h#f", "smtp://u:p@h?starttls=maybe", "smtps://h?starttls=none",
	} {
		f.Add(seed)
	}
	// fixed is the text of ParseURL's messages, one input per message:
	// a window of the input that is also there is no echo.
	var fixed strings.Builder
	for _, raw := range []string{
		"", "%", "ftp://h", "h", "smtp://", "smtp://0::", "smtp://h:0", "smtp://:p@h", "smtp://h/x@",
		"smtp://h/p", "smtp://h#f", "smtp://h?%zz", "smtp://h?x=1", "smtp://h?starttls=a&starttls=b",
		"smtps://h?starttls=none", "smtp://h?starttls=bad",
	} {
		if _, err := mail.ParseURL(raw); err != nil {
			fixed.WriteString(err.Error() + "\n")
		}
	}
	f.Fuzz(func(t *testing.T, raw string) {
		cfg, err := mail.ParseURL(raw)
		if err != nil {
			// The scheme is the one part an error may repeat.
			rest, text := raw, err.Error()
			if i := strings.Index(raw, "://"); i >= 0 {
				rest = raw[i+3:]
				text = strings.ReplaceAll(text, strconv.Quote(strings.ToLower(raw[:i])), "")
			}
			const window = 12
			for i := 0; i+window <= len(rest); i++ {
				if w := rest[i : i+window]; strings.Contains(text, w) && !strings.Contains(fixed.String(), w) {
					t.Fatalf("ParseURL(%q) error %q repeats %q", raw, err, rest[i:i+window])
				}
			}
			return
		}
		back, err := mail.ParseURL(cfg.Redacted())
		if err != nil {
			t.Fatalf("ParseURL(%q) = %#v, whose Redacted %q does not parse: %v", raw, cfg, cfg.Redacted(), err)
		}
		if cfg.Password != "" {
			if back.Password != "xxxxx" {
				t.Fatalf("Redacted %q of %q does not mask the password", cfg.Redacted(), raw)
			}
			back.Password = cfg.Password
		}
		if back != cfg {
			t.Fatalf("ParseURL(%q) = %#v, but its Redacted %q reads back as %#v", raw, cfg, cfg.Redacted(), back)
		}
	})
}
