// Package config reads the service's configuration from environment
// variables (see the README for the table).
package config

import (
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"time"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/mail"
	"github.com/patgov/pats/internal/origin"
	"github.com/patgov/pats/internal/pat"
)

// Config is the service configuration.
type Config struct {
	// Addr is the listen address (PATS_ADDR).
	Addr string
	// DatabaseURL is sqlite:PATH or mysql://... (PATS_DATABASE_URL).
	DatabaseURL string
	// JWTSecret is the HS256 key of session tokens (PATS_JWT_SECRET); empty
	// means development mode, unless an identity provider is configured.
	// With one, it signs no session: it only keys the service's own MACs
	// (pagination cursors, revocation-preview confirmations).
	JWTSecret string
	// JWTIssuer and JWTAudience are checked when set (PATS_JWT_ISSUER,
	// PATS_JWT_AUDIENCE); the audience is required with an identity
	// provider, whose issuer is PATS_OIDC_ISSUER when that is set.
	JWTIssuer   string
	JWTAudience string
	// OIDCIssuer is an OpenID Connect provider whose discovery document
	// names the keys session tokens are signed with (PATS_OIDC_ISSUER).
	OIDCIssuer string
	// JWKSURL is the key set of session tokens, without discovery
	// (PATS_JWKS_URL); at most one of OIDCIssuer and JWKSURL is set.
	JWKSURL string
	// JWTAlgorithms are the signing algorithms accepted from the identity
	// provider (PATS_JWT_ALGORITHMS, comma-separated; default
	// auth.DefaultProviderAlgorithms); asymmetric ones only.
	JWTAlgorithms []string
	// Claims says where session tokens carry the organization, role,
	// account type, email and name (PATS_CLAIM_ORG, _ROLE,
	// _ADMIN_VALUES, _ACCOUNT_TYPE, _LOCAL_VALUES, _EMAIL, _NAME), in
	// both modes; the default is auth.DefaultClaimMapping.
	Claims auth.ClaimMapping
	// ConsoleClientID is the console's client ID at the identity
	// provider (PATS_CONSOLE_CLIENT_ID): a public client using the
	// authorization code flow with PKCE, redirecting to <base>/admin/.
	// When set (with OIDCIssuer), the console's sign-in page offers
	// "Sign in with ProviderName".
	ConsoleClientID string
	// ConsoleScopes are the scopes the console asks for
	// (PATS_CONSOLE_SCOPES, space- or comma-separated, openid among them;
	// default DefaultConsoleScopes): the place for the scope that makes
	// the provider issue an access token for PATS_JWT_AUDIENCE.
	ConsoleScopes []string
	// ProviderName is how the sign-in button names the provider
	// (PATS_OIDC_PROVIDER_NAME; default: the issuer's host name).
	ProviderName string
	// MaxSessionLength refuses session tokens whose exp is further ahead
	// than this (PATS_MAX_SESSION_LENGTH, a Go duration from 1m to 720h;
	// default auth.DefaultMaxSessionLength, 24h): a token minted to last
	// a year is refused, not honoured for a year.
	MaxSessionLength time.Duration
	// IntrospectionSecret is the bearer secret of /introspect callers
	// (PATS_INTROSPECTION_SECRET); empty disables the endpoint.
	IntrospectionSecret string
	// Scopes replaces the default scope list when set (PATS_SCOPES).
	Scopes []string
	// LogFormat is "text" or "json" (PATS_LOG_FORMAT); text in development
	// mode, JSON otherwise, by default.
	LogFormat string
	// ValidationCacheSize bounds the introspection cache in tokens
	// (PATS_VALIDATION_CACHE_SIZE, default 100000); 0 disables it.
	ValidationCacheSize int
	// GraphQL document limits (PATS_GRAPHQL_MAX_DEPTH, _MAX_ALIASES,
	// _MAX_SELECTIONS, _MAX_VALIDATION_COST, _MAX_COMPLEXITY,
	// _TOKEN_LIMIT); 0 takes the default.
	GraphQLMaxDepth, GraphQLMaxAliases, GraphQLMaxSelections, GraphQLMaxValidationCost, GraphQLMaxComplexity, GraphQLTokenLimit int
	// GraphQLIntrospection serves schema introspection (to authenticated
	// callers) unless PATS_GRAPHQL_INTROSPECTION=false.
	GraphQLIntrospection bool
	// RevokeByValuePerMinute bounds the token values each admin may revoke
	// by value a minute, batches counted per value
	// (PATS_REVOKE_BY_VALUE_PER_MINUTE, default pat.DefaultRevokeByValuePerMinute).
	RevokeByValuePerMinute int
	// RevocationChunkSize is how many tokens one transaction of a
	// background revocation by filter revokes
	// (PATS_REVOCATION_CHUNK_SIZE, 1..1000, default
	// pat.DefaultJobChunkSize).
	RevocationChunkSize int
	// RevocationLease is how long a background revocation stays with
	// the instance running it between chunks before another instance may
	// resume it (PATS_REVOCATION_LEASE, a Go duration, 1s..10m, default
	// pat.DefaultJobLease).
	RevocationLease time.Duration
	// RevocationPause is the wait between two chunks of a background
	// revocation, to spare a busy database (PATS_REVOCATION_PAUSE, a Go
	// duration, 0..10s, default 0).
	RevocationPause time.Duration
	// StaleSweepInterval is how often each instance tries to run the
	// stale-token sweeper, which one instance at a time runs
	// (PATS_STALE_SWEEP_INTERVAL, a Go duration, 1m..1h, default
	// pat.DefaultSweepInterval).
	StaleSweepInterval time.Duration
	// WebhooksAllowPrivate accepts webhook URLs over http:// and to
	// loopback, private and link-local addresses
	// (PATS_WEBHOOKS_ALLOW_PRIVATE=true): development and tests only, as
	// it lets an admin make the service call internal services.
	WebhooksAllowPrivate bool
	// SMTP is where e-mail to token owners is sent (PATS_SMTP_URL:
	// smtp://user:pass@host:port with STARTTLS, smtps:// for implicit
	// TLS); nil keeps the mails in the database (the default), listed by
	// emailNotifications. MailFrom is their sender (PATS_MAIL_FROM,
	// required with PATS_SMTP_URL).
	SMTP     *mail.Config
	MailFrom *netmail.Address
	// MailOptions are extra options of the mail sender (tests: the test
	// server's certificate authority); never set from the environment.
	MailOptions []mail.Option
	// ConsoleURL is the console's public address, linked from the mails
	// (PATS_CONSOLE_URL, an absolute http(s) URL; unset: no link).
	ConsoleURL string
	// IntrospectionPerSecond bounds introspections per client credential
	// (PATS_INTROSPECTION_PER_SECOND, default 20000; 0: no limit).
	IntrospectionPerSecond int
	// ShutdownDelay is how long a stopping server keeps serving with
	// /readyz failing before it stops accepting requests, so load
	// balancers can notice (PATS_SHUTDOWN_DELAY, a Go duration, default 0).
	ShutdownDelay time.Duration
	// TrustedProxies are the reverse proxies (IP addresses or CIDR ranges,
	// comma-separated in PATS_TRUSTED_PROXIES) whose X-Forwarded-For
	// entries name the client for the audit trail; none by default, so
	// the header is ignored and the TCP peer is the client.
	TrustedProxies []string
	// MetricsAddr is the address of the metrics listener, which serves
	// only GET /metrics (PATS_METRICS_ADDR; default 127.0.0.1:9090 in
	// production). Empty, as in development mode by default, serves the
	// metrics on the main listener instead; production never does.
	MetricsAddr string
	// Playground serves GraphiQL at GET / (PATS_PLAYGROUND, true or
	// false): on by default in development mode, off in production.
	Playground bool
	// SecretScanningKeysURL, when set, enables POST /secret-scanning/github
	// and is where the alerts' signing keys are published
	// (PATS_SECRET_SCANNING_KEYS_URL; GitHub's is GitHubSecretScanningKeysURL).
	SecretScanningKeysURL string
}

// GitHubSecretScanningKeysURL publishes the keys GitHub signs its
// secret-scanning alerts with.
const GitHubSecretScanningKeysURL = "https://api.github.com/meta/public_keys/secret_scanning"

// DefaultMetricsAddr is the production metrics listener: loopback only,
// for a local agent or sidecar to scrape.
const DefaultMetricsAddr = "127.0.0.1:9090"

// DefaultIntrospectionPerSecond bounds introspections per credential.
const DefaultIntrospectionPerSecond = 20_000

// DefaultValidationCacheSize is the default bound of the validation cache.
const DefaultValidationCacheSize = 100_000

// MinSecretLength is the shortest accepted HS256 key: shorter keys can be
// brute-forced offline from any one session token.
const MinSecretLength = 32

// Load reads the configuration through getenv.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:                or(getenv("PATS_ADDR"), ":8080"),
		DatabaseURL:         or(getenv("PATS_DATABASE_URL"), "sqlite:data/pats.db"),
		JWTSecret:           getenv("PATS_JWT_SECRET"),
		JWTIssuer:           getenv("PATS_JWT_ISSUER"),
		JWTAudience:         getenv("PATS_JWT_AUDIENCE"),
		OIDCIssuer:          getenv("PATS_OIDC_ISSUER"),
		JWKSURL:             getenv("PATS_JWKS_URL"),
		IntrospectionSecret: getenv("PATS_INTROSPECTION_SECRET"),
		LogFormat:           getenv("PATS_LOG_FORMAT"),
	}
	// Every invalid variable is reported, in this order, each with its
	// own message: an operator fixes them all in one go.
	var errs []error
	fail := func(err error) { errs = append(errs, err) }
	if c.JWTSecret != "" && len(c.JWTSecret) < MinSecretLength {
		fail(fmt.Errorf("PATS_JWT_SECRET must be at least %d bytes", MinSecretLength))
	}
	errs = append(errs, c.loadProvider(getenv)...)
	errs = append(errs, c.loadConsole(getenv)...)
	var claimErrs []error
	c.Claims, claimErrs = loadClaimMapping(getenv, c.DevMode())
	errs = append(errs, claimErrs...)
	if c.IntrospectionSecret != "" && len(c.IntrospectionSecret) < MinSecretLength {
		fail(fmt.Errorf("PATS_INTROSPECTION_SECRET must be at least %d bytes", MinSecretLength))
	}
	c.ValidationCacheSize = DefaultValidationCacheSize
	if v := getenv("PATS_VALIDATION_CACHE_SIZE"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			fail(errors.New("PATS_VALIDATION_CACHE_SIZE must be a whole number >= 0 (0 disables the cache)"))
		} else {
			c.ValidationCacheSize = n
		}
	}
	for _, f := range []struct {
		name string
		dst  *int
	}{
		{"PATS_GRAPHQL_MAX_DEPTH", &c.GraphQLMaxDepth},
		{"PATS_GRAPHQL_MAX_ALIASES", &c.GraphQLMaxAliases},
		{"PATS_GRAPHQL_MAX_SELECTIONS", &c.GraphQLMaxSelections},
		{"PATS_GRAPHQL_MAX_VALIDATION_COST", &c.GraphQLMaxValidationCost},
		{"PATS_GRAPHQL_MAX_COMPLEXITY", &c.GraphQLMaxComplexity},
		{"PATS_GRAPHQL_TOKEN_LIMIT", &c.GraphQLTokenLimit},
	} {
		if v := getenv(f.name); v != "" {
			if n, err := strconv.Atoi(v); err != nil || n < 1 {
				fail(fmt.Errorf("%s must be a whole number >= 1", f.name))
			} else {
				*f.dst = n
			}
		}
	}
	// The domain's default, in one place (pat).
	c.RevokeByValuePerMinute, c.IntrospectionPerSecond = pat.DefaultRevokeByValuePerMinute, DefaultIntrospectionPerSecond
	if v := getenv("PATS_REVOKE_BY_VALUE_PER_MINUTE"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 1 {
			fail(errors.New("PATS_REVOKE_BY_VALUE_PER_MINUTE must be a whole number >= 1"))
		} else {
			c.RevokeByValuePerMinute = n
		}
	}
	c.RevocationChunkSize, c.RevocationLease = pat.DefaultJobChunkSize, pat.DefaultJobLease
	if v := getenv("PATS_REVOCATION_CHUNK_SIZE"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > pat.InlineRevocationLimit {
			fail(fmt.Errorf("PATS_REVOCATION_CHUNK_SIZE must be a whole number between 1 and %d", pat.InlineRevocationLimit))
		} else {
			c.RevocationChunkSize = n
		}
	}
	if v := getenv("PATS_REVOCATION_LEASE"); v != "" {
		if d, err := time.ParseDuration(v); err != nil || d < time.Second || d > 10*time.Minute {
			fail(errors.New("PATS_REVOCATION_LEASE must be a duration between 1s and 10m"))
		} else {
			c.RevocationLease = d
		}
	}
	if v := getenv("PATS_REVOCATION_PAUSE"); v != "" {
		if d, err := time.ParseDuration(v); err != nil || d < 0 || d > 10*time.Second {
			fail(errors.New("PATS_REVOCATION_PAUSE must be a duration between 0s and 10s"))
		} else {
			c.RevocationPause = d
		}
	}
	switch v := getenv("PATS_WEBHOOKS_ALLOW_PRIVATE"); v {
	case "", "false":
	case "true":
		c.WebhooksAllowPrivate = true
	default:
		fail(errors.New("PATS_WEBHOOKS_ALLOW_PRIVATE must be true or false"))
	}
	if v := getenv("PATS_SMTP_URL"); v != "" {
		if smtp, err := mail.ParseURL(v); err != nil {
			fail(fmt.Errorf("PATS_SMTP_URL: %w", err))
		} else {
			c.SMTP = &smtp
		}
		if from, err := mail.ParseFrom(getenv("PATS_MAIL_FROM")); err != nil {
			fail(fmt.Errorf("PATS_MAIL_FROM (required with PATS_SMTP_URL): %w", err))
		} else {
			c.MailFrom = from
		}
	} else if getenv("PATS_MAIL_FROM") != "" {
		fail(errors.New("PATS_MAIL_FROM needs PATS_SMTP_URL"))
	}
	if v := getenv("PATS_CONSOLE_URL"); v != "" {
		if u, err := url.Parse(v); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			fail(errors.New("PATS_CONSOLE_URL must be an absolute http(s) URL without credentials"))
		} else {
			c.ConsoleURL = v
		}
	}
	c.StaleSweepInterval = pat.DefaultSweepInterval
	if v := getenv("PATS_STALE_SWEEP_INTERVAL"); v != "" {
		if d, err := time.ParseDuration(v); err != nil || d < time.Minute || d > time.Hour {
			fail(errors.New("PATS_STALE_SWEEP_INTERVAL must be a duration between 1m and 1h"))
		} else {
			c.StaleSweepInterval = d
		}
	}
	if v := getenv("PATS_INTROSPECTION_PER_SECOND"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			fail(errors.New("PATS_INTROSPECTION_PER_SECOND must be a whole number >= 0 (0 for no limit)"))
		} else {
			c.IntrospectionPerSecond = n
		}
	}
	c.MaxSessionLength = auth.DefaultMaxSessionLength
	if v := getenv("PATS_MAX_SESSION_LENGTH"); v != "" {
		if d, err := time.ParseDuration(v); err != nil || d < time.Minute || d > 720*time.Hour {
			fail(errors.New("PATS_MAX_SESSION_LENGTH must be a duration between 1m and 720h"))
		} else {
			c.MaxSessionLength = d
		}
	}
	if v := getenv("PATS_SHUTDOWN_DELAY"); v != "" {
		if d, err := time.ParseDuration(v); err != nil || d < 0 || d > time.Minute {
			fail(errors.New("PATS_SHUTDOWN_DELAY must be a duration between 0s and 1m"))
		} else {
			c.ShutdownDelay = d
		}
	}
	switch v := getenv("PATS_GRAPHQL_INTROSPECTION"); v {
	case "", "true":
		c.GraphQLIntrospection = true
	case "false":
	default:
		fail(errors.New("PATS_GRAPHQL_INTROSPECTION must be true or false"))
	}
	if s := getenv("PATS_SCOPES"); s != "" {
		if c.Scopes = splitList(s); len(c.Scopes) == 0 {
			fail(errors.New("PATS_SCOPES lists no scope"))
		}
	}
	if s := getenv("PATS_TRUSTED_PROXIES"); s != "" {
		c.TrustedProxies = splitList(s)
		if _, err := origin.NewResolver(c.TrustedProxies); err != nil || len(c.TrustedProxies) == 0 {
			fail(errors.New("PATS_TRUSTED_PROXIES must list IP addresses or CIDR ranges, comma-separated"))
		}
	}
	c.MetricsAddr = getenv("PATS_METRICS_ADDR")
	if c.MetricsAddr == "" && !c.DevMode() {
		c.MetricsAddr = DefaultMetricsAddr
	}
	if c.MetricsAddr != "" {
		// Port 0 (any free port, as tests use) is never the same listener.
		_, port, err := net.SplitHostPort(c.MetricsAddr)
		if err != nil || (c.MetricsAddr == c.Addr && port != "0") {
			fail(errors.New("PATS_METRICS_ADDR must be a host:port other than PATS_ADDR"))
		}
	}
	if v := getenv("PATS_SECRET_SCANNING_KEYS_URL"); v != "" {
		if u, err := url.Parse(v); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			fail(errors.New("PATS_SECRET_SCANNING_KEYS_URL must be an http(s) URL, such as " + GitHubSecretScanningKeysURL))
		}
		c.SecretScanningKeysURL = v
	}
	switch v := getenv("PATS_PLAYGROUND"); v {
	case "":
		c.Playground = c.DevMode()
	case "true":
		c.Playground = true
	case "false":
	default:
		fail(errors.New("PATS_PLAYGROUND must be true or false"))
	}
	if c.LogFormat == "" {
		c.LogFormat = "json"
		if c.DevMode() {
			c.LogFormat = "text"
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		fail(errors.New("PATS_LOG_FORMAT must be text or json"))
	}
	return c, errors.Join(errs...)
}

// DevMode reports whether neither a JWT secret nor an identity provider
// was configured, so the server makes its own key and offers
// development sign-in.
func (c Config) DevMode() bool { return c.JWTSecret == "" && !c.Provider() }

// Provider reports whether session tokens come from an identity
// provider's keys (PATS_OIDC_ISSUER or PATS_JWKS_URL): production mode,
// PATS_JWT_SECRET or not.
func (c Config) Provider() bool { return c.OIDCIssuer != "" || c.JWKSURL != "" }

// SessionIssuer is the issuer session tokens must name, if any:
// PATS_OIDC_ISSUER, else PATS_JWT_ISSUER.
func (c Config) SessionIssuer() string { return or(c.OIDCIssuer, c.JWTIssuer) }

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
