package config

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/pat"
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
		{
			name: "metrics: on the main listener in development, their own loopback listener in production",
			env:  nil,
			check: func(t *testing.T, c Config) {
				if c.MetricsAddr != "" {
					t.Errorf("MetricsAddr in development: got %q, want empty (main listener)", c.MetricsAddr)
				}
				prod, err := Load(env(map[string]string{"PATS_JWT_SECRET": secret32}))
				if err != nil || prod.MetricsAddr != "127.0.0.1:9090" {
					t.Errorf("MetricsAddr in production: got %q (%v), want 127.0.0.1:9090", prod.MetricsAddr, err)
				}
			},
		},
		{
			name: "PATS_METRICS_ADDR is read",
			env:  map[string]string{"PATS_JWT_SECRET": secret32, "PATS_METRICS_ADDR": "10.0.0.5:9100"},
			check: func(t *testing.T, c Config) {
				if c.MetricsAddr != "10.0.0.5:9100" {
					t.Errorf("MetricsAddr: got %q, want 10.0.0.5:9100", c.MetricsAddr)
				}
			},
		},
		{name: "PATS_METRICS_ADDR without a port", env: map[string]string{"PATS_METRICS_ADDR": "localhost"}, wantErr: "PATS_METRICS_ADDR"},
		{name: "PATS_METRICS_ADDR on the main listener", env: map[string]string{"PATS_ADDR": ":8080", "PATS_METRICS_ADDR": ":8080"}, wantErr: "PATS_METRICS_ADDR"},
		{
			name: "PATS_GRAPHQL_MAX_SELECTIONS is read",
			env:  map[string]string{"PATS_GRAPHQL_MAX_SELECTIONS": "500"},
			check: func(t *testing.T, c Config) {
				if c.GraphQLMaxSelections != 500 {
					t.Errorf("GraphQLMaxSelections: got %d, want 500", c.GraphQLMaxSelections)
				}
			},
		},
		{name: "PATS_GRAPHQL_MAX_SELECTIONS zero", env: map[string]string{"PATS_GRAPHQL_MAX_SELECTIONS": "0"}, wantErr: "PATS_GRAPHQL_MAX_SELECTIONS"},
		{
			name: "PATS_GRAPHQL_MAX_VALIDATION_COST is read",
			env:  map[string]string{"PATS_GRAPHQL_MAX_VALIDATION_COST": "1000"},
			check: func(t *testing.T, c Config) {
				if c.GraphQLMaxValidationCost != 1000 {
					t.Errorf("GraphQLMaxValidationCost: got %d, want 1000", c.GraphQLMaxValidationCost)
				}
			},
		},
		{name: "PATS_GRAPHQL_MAX_VALIDATION_COST not a number", env: map[string]string{"PATS_GRAPHQL_MAX_VALIDATION_COST": "lots"}, wantErr: "PATS_GRAPHQL_MAX_VALIDATION_COST"},
		{
			name: "PATS_MAX_SESSION_LENGTH defaults to 24h and is read",
			env:  map[string]string{"PATS_MAX_SESSION_LENGTH": "8h"},
			check: func(t *testing.T, c Config) {
				if c.MaxSessionLength != 8*time.Hour {
					t.Errorf("MaxSessionLength: got %v, want 8h", c.MaxSessionLength)
				}
				def, err := Load(env(nil))
				if err != nil || def.MaxSessionLength != 24*time.Hour {
					t.Errorf("default MaxSessionLength: got %v (%v), want 24h", def.MaxSessionLength, err)
				}
			},
		},
		{name: "PATS_MAX_SESSION_LENGTH under a minute", env: map[string]string{"PATS_MAX_SESSION_LENGTH": "30s"}, wantErr: "PATS_MAX_SESSION_LENGTH"},
		{name: "PATS_MAX_SESSION_LENGTH over 30 days", env: map[string]string{"PATS_MAX_SESSION_LENGTH": "721h"}, wantErr: "PATS_MAX_SESSION_LENGTH"},
		{name: "PATS_MAX_SESSION_LENGTH not a duration", env: map[string]string{"PATS_MAX_SESSION_LENGTH": "1 day"}, wantErr: "PATS_MAX_SESSION_LENGTH"},
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

// TestLoadPlayground: GraphiQL is on by default in development mode and off
// in production; PATS_PLAYGROUND=true or false overrides either; anything
// else is refused.
func TestLoadPlayground(t *testing.T) {
	tests := []struct {
		name, jwtSecret, playground string
		want                        bool
		wantErr                     bool
	}{
		{name: "development default", want: true},
		{name: "production default", jwtSecret: secret32, want: false},
		{name: "production with true", jwtSecret: secret32, playground: "true", want: true},
		{name: "production with false", jwtSecret: secret32, playground: "false", want: false},
		{name: "development with false", playground: "false", want: false},
		{name: "development with true", playground: "true", want: true},
		{name: "TRUE", jwtSecret: secret32, playground: "TRUE", wantErr: true},
		{name: "1", jwtSecret: secret32, playground: "1", wantErr: true},
		{name: "yes", playground: "yes", wantErr: true},
		{name: "padded", jwtSecret: secret32, playground: " true", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(env(map[string]string{"PATS_JWT_SECRET": tt.jwtSecret, "PATS_PLAYGROUND": tt.playground}))
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "PATS_PLAYGROUND") {
					t.Fatalf("Load error: got %v, want one naming PATS_PLAYGROUND", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: got %v, want nil", err)
			}
			if c.Playground != tt.want {
				t.Errorf("Playground: got %v, want %v", c.Playground, tt.want)
			}
		})
	}
}

// TestLoadReportsEveryInvalidVariable: several invalid variables are all
// reported, each with its own message, in the same order every time.
func TestLoadReportsEveryInvalidVariable(t *testing.T) {
	bad := map[string]string{
		"PATS_JWT_SECRET":                 "short",
		"PATS_GRAPHQL_TOKEN_LIMIT":        "0",
		"PATS_GRAPHQL_MAX_DEPTH":          "deep",
		"PATS_REVOKE_BY_VALUE_PER_MINUTE": "0",
		"PATS_INTROSPECTION_PER_SECOND":   "-1",
		"PATS_SHUTDOWN_DELAY":             "1h",
		"PATS_PLAYGROUND":                 "yes",
		"PATS_LOG_FORMAT":                 "xml",
		"PATS_SECRET_SCANNING_KEYS_URL":   "ftp://keys.example",
	}
	want := []string{"PATS_JWT_SECRET", "PATS_GRAPHQL_MAX_DEPTH", "PATS_GRAPHQL_TOKEN_LIMIT", "PATS_REVOKE_BY_VALUE_PER_MINUTE",
		"PATS_INTROSPECTION_PER_SECOND", "PATS_SHUTDOWN_DELAY", "PATS_SECRET_SCANNING_KEYS_URL", "PATS_PLAYGROUND", "PATS_LOG_FORMAT"}
	var first string
	for i := range 20 {
		_, err := Load(env(bad))
		if err == nil {
			t.Fatal("Load: got nil, want every invalid variable reported")
		}
		lines := strings.Split(err.Error(), "\n")
		if len(lines) != len(want) {
			t.Fatalf("Load: got %d errors, want %d:\n%s", len(lines), len(want), err)
		}
		for j, name := range want {
			if !strings.HasPrefix(lines[j], name+" ") {
				t.Errorf("error %d: got %q, want one naming %s", j, lines[j], name)
			}
		}
		if i == 0 {
			first = err.Error()
		} else if err.Error() != first {
			t.Fatalf("Load: order changed between calls:\n%s\n--\n%s", first, err)
		}
	}
}

// TestLoadSecretScanningKeysURL: the partner endpoint is off unless an
// http(s) keys URL is set; anything else is refused by name.
func TestLoadSecretScanningKeysURL(t *testing.T) {
	for _, tt := range []struct {
		value, want string
		ok          bool
	}{
		{"", "", true},
		{GitHubSecretScanningKeysURL, GitHubSecretScanningKeysURL, true},
		{"http://127.0.0.1:9999/keys", "http://127.0.0.1:9999/keys", true},
		{"ftp://keys.example", "", false},
		{"api.github.com/meta", "", false},
		{"https://", "", false},
	} {
		c, err := Load(env(map[string]string{"PATS_SECRET_SCANNING_KEYS_URL": tt.value}))
		if !tt.ok {
			if err == nil || !strings.Contains(err.Error(), "PATS_SECRET_SCANNING_KEYS_URL") {
				t.Errorf("%q: got %v, want an error naming PATS_SECRET_SCANNING_KEYS_URL", tt.value, err)
			}
			continue
		}
		if err != nil || c.SecretScanningKeysURL != tt.want {
			t.Errorf("%q: got %q, %v; want %q", tt.value, c.SecretScanningKeysURL, err, tt.want)
		}
	}
}

// TestLoadRevocationJobs: the background revocation settings default to
// the domain's values, accept their range and refuse anything else by
// name.
func TestLoadRevocationJobs(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.RevocationChunkSize != pat.DefaultJobChunkSize || c.RevocationLease != pat.DefaultJobLease || c.RevocationPause != 0 ||
		c.StaleSweepInterval != pat.DefaultSweepInterval {
		t.Fatalf("defaults: got %d, %v, %v, %v", c.RevocationChunkSize, c.RevocationLease, c.RevocationPause, c.StaleSweepInterval)
	}
	if c, err := Load(env(map[string]string{"PATS_STALE_SWEEP_INTERVAL": "5m"})); err != nil || c.StaleSweepInterval != 5*time.Minute {
		t.Fatalf("PATS_STALE_SWEEP_INTERVAL=5m: got %v, %v", c.StaleSweepInterval, err)
	}
	c, err = Load(env(map[string]string{"PATS_REVOCATION_CHUNK_SIZE": "1000", "PATS_REVOCATION_LEASE": "2m", "PATS_REVOCATION_PAUSE": "250ms"}))
	if err != nil || c.RevocationChunkSize != 1000 || c.RevocationLease != 2*time.Minute || c.RevocationPause != 250*time.Millisecond {
		t.Fatalf("set: got %d, %v, %v, %v", c.RevocationChunkSize, c.RevocationLease, c.RevocationPause, err)
	}
	for name, values := range map[string][]string{
		"PATS_REVOCATION_CHUNK_SIZE": {"0", "1001", "x", "-5"},
		"PATS_REVOCATION_LEASE":      {"500ms", "11m", "30"},
		"PATS_REVOCATION_PAUSE":      {"-1s", "11s", "fast"},
		"PATS_STALE_SWEEP_INTERVAL":  {"59s", "61m", "hourly", "0"},
	} {
		for _, v := range values {
			if _, err := Load(env(map[string]string{name: v})); err == nil || !strings.HasPrefix(err.Error(), name+" ") {
				t.Errorf("%s=%q: got %v, want an error naming it", name, v, err)
			}
		}
	}
}
