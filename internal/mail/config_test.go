package mail_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/mail"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		raw  string
		want mail.Config
	}{
		{"smtp://mail.example.com", mail.Config{Host: "mail.example.com", Port: 587, TLS: mail.StartTLSRequired}},
		{"smtps://mail.example.com", mail.Config{Host: "mail.example.com", Port: 465, TLS: mail.ImplicitTLS}},
		{"SMTP://mail.example.com:2525", mail.Config{Host: "mail.example.com", Port: 2525, TLS: mail.StartTLSRequired}},
		{"  smtp://mail.example.com/  ", mail.Config{Host: "mail.example.com", Port: 587, TLS: mail.StartTLSRequired}},
		{"smtp://pats:hunter2@mail.example.com:587", mail.Config{Host: "mail.example.com", Port: 587, Username: "pats", Password: "hunter2"}},
		{"smtps://pats%40example.com:p%40ss%2Fw%3Ard%25%20x@smtp.example.com",
			mail.Config{Host: "smtp.example.com", Port: 465, Username: "pats@example.com", Password: "p@ss/w:rd% x", TLS: mail.ImplicitTLS}},
		{"smtp://onlyuser@mail.example.com", mail.Config{Host: "mail.example.com", Port: 587, Username: "onlyuser"}},
		{"smtp://[::1]:1025?starttls=none", mail.Config{Host: "::1", Port: 1025, TLS: mail.NoTLS}},
		{"smtp://localhost:1025?starttls=opportunistic", mail.Config{Host: "localhost", Port: 1025, TLS: mail.StartTLSOpportunistic}},
		{"smtp://localhost?starttls=REQUIRED", mail.Config{Host: "localhost", Port: 587, TLS: mail.StartTLSRequired}},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := mail.ParseURL(tt.raw)
			if err != nil {
				t.Fatalf("ParseURL: %v", err)
			}
			if got != tt.want {
				t.Errorf("got %#v (password %q), want %#v (password %q)", got, got.Password, tt.want, tt.want.Password)
			}
		})
	}
}

func TestParseURLRefuses(t *testing.T) {
	const secret = "Sup3rS3cret"
	tests := []struct {
		name, raw, wantIn string
	}{
		{"empty", "", "empty"},
		{"other scheme", "http://u:" + secret + "@mail.example.com", `scheme "http"`},
		{"no scheme", "mail.example.com:587", "smtp://"},
		{"user:password without scheme", "pats:" + secret + "@mail.example.com", "smtp://"},
		{"no host", "smtp://u:" + secret + "@", "no host"},
		{"no host, port only", "smtp://:587", "no host"},
		{"opaque", "smtp:mail.example.com", "no host"},
		{"port not a number", "smtp://u:" + secret + "@mail.example.com:abc", "not a valid URL"},
		{"port zero", "smtp://u:" + secret + "@mail.example.com:0", "1-65535"},
		{"port too large", "smtp://u:" + secret + "@mail.example.com:70000", "1-65535"},
		{"password without user", "smtp://:" + secret + "@mail.example.com", "no user name"},
		{"bad escape in password", "smtp://u:" + secret + "%zz@mail.example.com", "not a valid URL"},
		{"control character", "smtp://u:" + secret + "\x01@mail.example.com", "not a valid URL"},
		{"path", "smtp://u:" + secret + "@mail.example.com/inbox", "path"},
		{"fragment", "smtp://u:" + secret + "@mail.example.com#x", "fragment"},
		{"unknown parameter", "smtp://u:" + secret + "@mail.example.com?tls=none", "unknown query parameter"},
		{"unknown starttls value", "smtp://u:" + secret + "@mail.example.com?starttls=" + secret, "unknown starttls value"},
		{"starttls twice", "smtp://u:" + secret + "@mail.example.com?starttls=none&starttls=none", "more than once"},
		{"starttls with smtps", "smtps://u:" + secret + "@mail.example.com?starttls=none", "does not apply"},
		// Unencoded / ? # in a password make url.Parse cut it short and
		// read the rest as path, query or fragment: still no echo.
		{"unencoded slash in password", "smtp://u:1/" + secret + "@mail.example.com", "percent-encode"},
		{"unencoded question mark in password", "smtp://u:12?" + secret + "@mail.example.com", "percent-encode"},
		{"unencoded hash in password", "smtp://u:12#" + secret + "@mail.example.com", "percent-encode"},
		{"garbage", "::::", "not a valid URL"},
		{"host with colon", "smtp://0::", "neither an IP address nor a DNS name"},
		{"host with sub-delimiters", "smtp://u:" + secret + "@mail!example.com", "neither an IP address nor a DNS name"},
		{"host with empty label", "smtp://mail..example.com", "neither an IP address nor a DNS name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mail.ParseURL(tt.raw)
			if err == nil {
				t.Fatalf("ParseURL(%q) succeeded, want an error", tt.raw)
			}
			if !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("got %q, want it to mention %q", err, tt.wantIn)
			}
			if !strings.HasPrefix(err.Error(), "PATS_SMTP_URL") {
				t.Errorf("got %q, want it to name PATS_SMTP_URL", err)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "S3cret") {
				t.Errorf("error %q contains (part of) the password", err)
			}
		})
	}
}

func TestRedacted(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"smtp://pats:hunter2@mail.example.com", "smtp://pats:xxxxx@mail.example.com:587"},
		{"smtps://pats:hunter2@mail.example.com:4650", "smtps://pats:xxxxx@mail.example.com:4650"},
		{"smtp://pats@localhost:1025?starttls=none", "smtp://pats@localhost:1025?starttls=none"},
		{"smtp://[::1]:25?starttls=opportunistic", "smtp://[::1]:25?starttls=opportunistic"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			cfg, err := mail.ParseURL(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Redacted(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			// Apart from the password, the redacted form reads back to the
			// same configuration: it is the one to show in logs.
			back, err := mail.ParseURL(cfg.Redacted())
			if err != nil {
				t.Fatalf("ParseURL(Redacted()): %v", err)
			}
			if cfg.Password != "" {
				back.Password = cfg.Password
			}
			if back != cfg {
				t.Errorf("ParseURL(Redacted()) = %#v, want %#v", back, cfg)
			}
		})
	}
}

// TestConfigPrintsNoPassword: every ordinary way of printing or logging a
// Config hides the password.
func TestConfigPrintsNoPassword(t *testing.T) {
	const secret = "hunter2-Sup3rS3cret"
	cfg, err := mail.ParseURL("smtps://pats:" + secret + "@mail.example.com")
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("mail", "config", cfg)
	encoded, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{
		fmt.Sprint(cfg), fmt.Sprintf("%v %+v %s %#v", cfg, cfg, cfg, cfg), cfg.String(), cfg.Redacted(),
		fmt.Sprintf("%v", &cfg), logged.String(), string(encoded),
	} {
		if strings.Contains(out, secret) {
			t.Errorf("%q contains the password", out)
		}
		if !strings.Contains(out, "mail.example.com") {
			t.Errorf("%q does not name the host", out)
		}
	}
}
