package mail

import (
	"errors"
	"testing"

	"github.com/wneessen/go-mail/smtp"
)

// TestCredentialsStayEncrypted: AUTH starts only over TLS or to a loopback
// host, and picks PLAIN, else LOGIN. (The SMTP exchanges themselves are
// tested against mailtest's server.)
func TestCredentialsStayEncrypted(t *testing.T) {
	tests := []struct {
		name     string
		server   smtp.ServerInfo
		wantMech string
		wantErr  error
	}{
		{"TLS, PLAIN", smtp.ServerInfo{Name: "mail.example.com", TLS: true, Auth: []string{"LOGIN", "PLAIN"}}, "PLAIN", nil},
		{"TLS, LOGIN only", smtp.ServerInfo{Name: "mail.example.com", TLS: true, Auth: []string{"login", "XOAUTH2"}}, "LOGIN", nil},
		{"plaintext, remote", smtp.ServerInfo{Name: "mail.example.com", Auth: []string{"PLAIN", "CRAM-MD5"}}, "", errPlaintextAuth},
		{"plaintext, remote IP", smtp.ServerInfo{Name: "192.0.2.10", Auth: []string{"PLAIN"}}, "", errPlaintextAuth},
		{"plaintext, localhost", smtp.ServerInfo{Name: "localhost", Auth: []string{"PLAIN"}}, "PLAIN", nil},
		{"plaintext, 127.0.0.2", smtp.ServerInfo{Name: "127.0.0.2", Auth: []string{"PLAIN"}}, "PLAIN", nil},
		{"plaintext, ::1", smtp.ServerInfo{Name: "::1", Auth: []string{"LOGIN"}}, "LOGIN", nil},
		{"TLS, only CRAM-MD5", smtp.ServerInfo{Name: "mail.example.com", TLS: true, Auth: []string{"CRAM-MD5"}}, "", nil},
		{"TLS, no AUTH", smtp.ServerInfo{Name: "mail.example.com", TLS: true}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &credentials{user: "pats", pass: "hunter2"}
			mech, _, err := c.Start(&tt.server)
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("got %q, %v; want %v", mech, err, tt.wantErr)
			}
			if tt.wantMech == "" && err == nil {
				t.Fatalf("got %q, want an error", mech)
			}
			if tt.wantMech != "" && (err != nil || mech != tt.wantMech) {
				t.Fatalf("got %q, %v; want %s", mech, err, tt.wantMech)
			}
		})
	}
}
