package config

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

var secret32 = strings.Repeat("s", MinSecretLength)

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		check   func(t *testing.T, c Config)
		wantErr string
	}{
		{
			name: "defaults are development mode",
			env:  nil,
			check: func(t *testing.T, c Config) {
				want := Config{Addr: ":8080", DatabaseURL: "sqlite:data/pats.db", LogFormat: "text"}
				if c.Addr != want.Addr || c.DatabaseURL != want.DatabaseURL || c.LogFormat != want.LogFormat ||
					c.JWTSecret != "" || c.JWTIssuer != "" || c.JWTAudience != "" || c.IntrospectionSecret != "" || c.Scopes != nil {
					t.Errorf("Load: got %+v, want %+v", c, want)
				}
				if !c.DevMode() {
					t.Errorf("DevMode: got false, want true")
				}
				if got := c.DataDir(); got != "data" {
					t.Errorf("DataDir: got %v, want data", got)
				}
			},
		},
		{
			name: "a JWT secret means production and JSON logs",
			env:  map[string]string{"PATS_JWT_SECRET": secret32},
			check: func(t *testing.T, c Config) {
				if c.DevMode() || c.LogFormat != "json" || c.JWTSecret != secret32 {
					t.Errorf("Load: got DevMode %v LogFormat %v, want false json", c.DevMode(), c.LogFormat)
				}
			},
		},
		{
			name: "every variable is read",
			env: map[string]string{
				"PATS_ADDR": "127.0.0.1:9000", "PATS_DATABASE_URL": "mysql://u:p@db:3306/pats",
				"PATS_JWT_SECRET": secret32, "PATS_JWT_ISSUER": "https://idp", "PATS_JWT_AUDIENCE": "pats",
				"PATS_INTROSPECTION_SECRET": secret32 + "x", "PATS_LOG_FORMAT": "text",
			},
			check: func(t *testing.T, c Config) {
				if c.Addr != "127.0.0.1:9000" || c.DatabaseURL != "mysql://u:p@db:3306/pats" || c.JWTIssuer != "https://idp" ||
					c.JWTAudience != "pats" || c.IntrospectionSecret != secret32+"x" || c.LogFormat != "text" {
					t.Errorf("Load: got %+v, want every variable applied", c)
				}
				if got := c.DataDir(); got != "data" {
					t.Errorf("DataDir: got %v, want data", got)
				}
			},
		},
		{
			name: "sqlite URL sets the data folder",
			env:  map[string]string{"PATS_DATABASE_URL": "sqlite:///var/lib/pats/pats.db"},
			check: func(t *testing.T, c Config) {
				if got := c.DataDir(); got != "/var/lib/pats" {
					t.Errorf("DataDir: got %v, want /var/lib/pats", got)
				}
			},
		},
		{
			name: "PATS_SCOPES is split, trimmed and blanks dropped",
			env:  map[string]string{"PATS_SCOPES": " OR.Jobs, OR.Assets.Read ,,TM.Projects.Read, "},
			check: func(t *testing.T, c Config) {
				if want := []string{"OR.Jobs", "OR.Assets.Read", "TM.Projects.Read"}; !slices.Equal(c.Scopes, want) {
					t.Errorf("Scopes: got %q, want %q", c.Scopes, want)
				}
			},
		},
		{
			name: "PATS_SCOPES single scope",
			env:  map[string]string{"PATS_SCOPES": "read"},
			check: func(t *testing.T, c Config) {
				if want := []string{"read"}; !slices.Equal(c.Scopes, want) {
					t.Errorf("Scopes: got %q, want %q", c.Scopes, want)
				}
			},
		},
		{name: "PATS_SCOPES with no scope", env: map[string]string{"PATS_SCOPES": " , ,"}, wantErr: "PATS_SCOPES"},
		{name: "JWT secret one byte short", env: map[string]string{"PATS_JWT_SECRET": secret32[1:]}, wantErr: "PATS_JWT_SECRET"},
		{name: "introspection secret one byte short", env: map[string]string{"PATS_INTROSPECTION_SECRET": secret32[1:]}, wantErr: "PATS_INTROSPECTION_SECRET"},
		{
			name: "introspection secret of exactly the minimum",
			env:  map[string]string{"PATS_INTROSPECTION_SECRET": secret32},
			check: func(t *testing.T, c Config) {
				if c.IntrospectionSecret != secret32 {
					t.Errorf("IntrospectionSecret: got %q, want %q", c.IntrospectionSecret, secret32)
				}
			},
		},
		{
			name: "PATS_LOG_FORMAT json in development mode",
			env:  map[string]string{"PATS_LOG_FORMAT": "json"},
			check: func(t *testing.T, c Config) {
				if c.LogFormat != "json" {
					t.Errorf("LogFormat: got %v, want json", c.LogFormat)
				}
			},
		},
		{
			name: "PATS_TRUSTED_PROXIES lists addresses and ranges",
			env:  map[string]string{"PATS_TRUSTED_PROXIES": " 10.0.0.0/8, 192.0.2.1 ,,2001:db8::/32"},
			check: func(t *testing.T, c Config) {
				if want := []string{"10.0.0.0/8", "192.0.2.1", "2001:db8::/32"}; !slices.Equal(c.TrustedProxies, want) {
					t.Errorf("TrustedProxies: got %q, want %q", c.TrustedProxies, want)
				}
			},
		},
		{name: "PATS_TRUSTED_PROXIES with a bad range", env: map[string]string{"PATS_TRUSTED_PROXIES": "10.0.0.0/8,10.0.0.0/99"}, wantErr: "PATS_TRUSTED_PROXIES"},
		{name: "PATS_TRUSTED_PROXIES with a name", env: map[string]string{"PATS_TRUSTED_PROXIES": "proxy.internal"}, wantErr: "PATS_TRUSTED_PROXIES"},
		{name: "PATS_TRUSTED_PROXIES empty list", env: map[string]string{"PATS_TRUSTED_PROXIES": " , "}, wantErr: "PATS_TRUSTED_PROXIES"},
		{name: "PATS_LOG_FORMAT unknown", env: map[string]string{"PATS_LOG_FORMAT": "xml"}, wantErr: "PATS_LOG_FORMAT"},
		{name: "PATS_LOG_FORMAT is case-sensitive", env: map[string]string{"PATS_LOG_FORMAT": "JSON"}, wantErr: "PATS_LOG_FORMAT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(env(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load error: got %v, want one naming %s", err, tt.wantErr)
				}
				for _, v := range tt.env {
					if len(v) > 8 && strings.Contains(err.Error(), v) {
						t.Errorf("Load error: got %q, want it not to echo the value", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: got %v, want nil", err)
			}
			tt.check(t, c)
		})
	}
}

func TestDevSecret(t *testing.T) {
	t.Run("creates a 0600 file and reuses it", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "data")
		key, err := DevSecret(dir)
		if err != nil {
			t.Fatalf("DevSecret: got %v, want nil", err)
		}
		if len(key) < MinSecretLength {
			t.Errorf("key length: got %d, want at least %d", len(key), MinSecretLength)
		}
		path := filepath.Join(dir, "dev-jwt-secret")
		info, err := os.Stat(path)
		if err != nil {
			t.Fatalf("stat %s: got %v, want nil", path, err)
		}
		if got := info.Mode().Perm(); got != 0o600 {
			t.Errorf("file mode: got %v, want %v", got, os.FileMode(0o600))
		}
		content, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("read %s: got %v, want nil", path, err)
		}
		if got, want := strings.TrimSpace(string(content)), hex.EncodeToString(key); got != want {
			t.Errorf("file content: got %q, want %q", got, want)
		}
		again, err := DevSecret(dir)
		if err != nil {
			t.Fatalf("second DevSecret: got %v, want nil", err)
		}
		if !bytes.Equal(again, key) {
			t.Errorf("second DevSecret: got %x, want %x", again, key)
		}
		other, err := DevSecret(t.TempDir())
		if err != nil {
			t.Fatalf("DevSecret in another folder: got %v, want nil", err)
		}
		if bytes.Equal(other, key) {
			t.Errorf("DevSecret in another folder: got the same key %x, want a new random one", other)
		}
	})
	corrupt := []struct {
		name    string
		content string
	}{
		{"not hex", "this is not hex\n"},
		{"too short", hex.EncodeToString(make([]byte, MinSecretLength-1)) + "\n"},
		{"empty", ""},
	}
	for _, tt := range corrupt {
		t.Run("rejects "+tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "dev-jwt-secret")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatalf("write: got %v, want nil", err)
			}
			key, err := DevSecret(dir)
			if err == nil || !strings.Contains(err.Error(), "corrupt") {
				t.Errorf("DevSecret: got %x, %v, want a corrupt-file error", key, err)
			}
			after, _ := os.ReadFile(path)
			if string(after) != tt.content {
				t.Errorf("file after: got %q, want it untouched %q", after, tt.content)
			}
		})
	}
	t.Run("accepts a hand-made key without newline", func(t *testing.T) {
		dir := t.TempDir()
		want := bytes.Repeat([]byte{0xab}, 40)
		if err := os.WriteFile(filepath.Join(dir, "dev-jwt-secret"), []byte(hex.EncodeToString(want)), 0o600); err != nil {
			t.Fatalf("write: got %v, want nil", err)
		}
		got, err := DevSecret(dir)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("DevSecret: got %x, %v, want %x, nil", got, err, want)
		}
	})
}
