package mail_test

import (
	"strings"
	"testing"

	"github.com/patgov/pats/internal/mail"
)

func TestParseFrom(t *testing.T) {
	tests := []struct{ raw, name, addr string }{
		{"pats@example.com", "", "pats@example.com"},
		{"PATS <pats@example.com>", "PATS", "pats@example.com"},
		{`"PATS, tokens" <no-reply@mail.example.com>`, "PATS, tokens", "no-reply@mail.example.com"},
		{"=?utf-8?q?P=C3=84TS?= <pats@example.com>", "PÄTS", "pats@example.com"},
		{"  pats@example.com  ", "", "pats@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := mail.ParseFrom(tt.raw)
			if err != nil {
				t.Fatalf("ParseFrom: %v", err)
			}
			if got.Name != tt.name || got.Address != tt.addr {
				t.Errorf("got %q <%s>, want %q <%s>", got.Name, got.Address, tt.name, tt.addr)
			}
		})
	}
}

func TestParseFromRefuses(t *testing.T) {
	for _, raw := range []string{
		"",
		"pats",
		"pats@",
		"@example.com",
		"a@example.com, b@example.com",
		"PATS <pats@example.com",
		"pats@example.com\r\nBcc: victim@example.com",
	} {
		t.Run(raw, func(t *testing.T) {
			_, err := mail.ParseFrom(raw)
			if err == nil {
				t.Fatalf("ParseFrom(%q) succeeded, want an error", raw)
			}
			if !strings.HasPrefix(err.Error(), "PATS_MAIL_FROM") {
				t.Errorf("got %q, want it to name PATS_MAIL_FROM", err)
			}
		})
	}
}
