package auth

import (
	"strings"
	"testing"
)

// TestNewProviderVerifierRefuses: a provider verifier never takes a
// symmetric algorithm, none, or no audience, whatever the caller passes.
func TestNewProviderVerifierRefuses(t *testing.T) {
	keys := &ProviderKeys{}
	tests := []struct {
		name       string
		algorithms []string
		audience   string
		want       string
	}{
		{"HS256", []string{"RS256", "HS256"}, "pats", `"HS256" is not allowed`},
		{"none", []string{"none"}, "pats", `"none" is not allowed`},
		{"no algorithm", nil, "pats", "no signing algorithm"},
		{"no audience", []string{"RS256"}, "", "need an audience"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewProviderVerifier(keys, tt.algorithms, "", tt.audience)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewProviderVerifier: got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestCheckProviderURL(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://idp.example/realms/acme": true,
		"http://127.0.0.1:8080":           true,
		"http://[::1]:8080/keys":          true,
		"http://localhost/keys":           true,
		"http://idp.example":              false,
		"https://user:pw@idp.example":     false,
		"idp.example/keys":                false,
		"ftp://idp.example":               false,
		"":                                false,
	} {
		if err := CheckProviderURL(raw); (err == nil) != ok {
			t.Errorf("CheckProviderURL(%q): got %v, want ok=%v", raw, err, ok)
		}
	}
}
