// Package testenv runs the whole service over HTTP for end-to-end tests,
// against SQLite always and against MySQL/MariaDB when PATS_TEST_MYSQL_DSN
// is set (a mysql:// URL like PATS_DATABASE_URL). Each test package gets a
// fresh MySQL database (see Main); tests stay independent by using their
// own organizations.
package testenv

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/x509"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql" // the database/sql driver used to create test databases
	"go.opentelemetry.io/otel/trace"
	"gorm.io/gorm"

	"github.com/patgov/pats/internal/app"
	"github.com/patgov/pats/internal/config"
	"github.com/patgov/pats/internal/database"
	"github.com/patgov/pats/internal/httpapi"
	"github.com/patgov/pats/internal/mail"
	"github.com/patgov/pats/internal/pat"
	"github.com/patgov/pats/internal/tracing"
)

// MySQLEnv names the environment variable with the MySQL server to test on.
const MySQLEnv = "PATS_TEST_MYSQL_DSN"

// IntrospectionSecret is the secret test resource servers present.
const IntrospectionSecret = "test-introspection-secret-0123456789abcdef"

// JWTKey signs the test session tokens.
var JWTKey = []byte("test-jwt-key-0123456789abcdef-0123456789")

// Dialects lists the databases the tests run on: "sqlite" always, and
// "mysql" when PATS_TEST_MYSQL_DSN is set. In CI (CI=true) the variable is
// required, so a missing MySQL suite fails instead of passing silently.
func Dialects(t testing.TB) []string {
	t.Helper()
	if os.Getenv(MySQLEnv) != "" {
		return []string{"sqlite", "mysql"}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s must be set in CI: the MySQL suite may not be skipped", MySQLEnv)
	}
	return []string{"sqlite"}
}

// ForEachDialect runs fn as a subtest per dialect, each with a fresh Env.
func ForEachDialect(t *testing.T, fn func(t *testing.T, env *Env)) {
	t.Helper()
	for _, d := range Dialects(t) {
		t.Run(d, func(t *testing.T) { fn(t, New(t, d)) })
	}
}

// Clock is a settable clock shared by the service and the test.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now returns the real time plus the offset the test added.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// Env is one running service.
type Env struct {
	URL     string
	Dialect string
	// DatabaseURL is the database this instance uses (for a second
	// instance on the same database, see Options.DatabaseURL).
	DatabaseURL string
	DB          *database.DB
	Clock       *Clock
	Service     *pat.Service
	// Validator answers introspections (its cache, its recorded uses).
	Validator *pat.Validator
	// Statements records the SQL the service issues (see Record).
	Statements *StatementLog
	// Handler is the service's HTTP handler, as served at URL, for
	// in-process requests (benchmarks without the network).
	Handler http.Handler
	server  *httptest.Server
	crash   func()
}

var seq atomic.Int64

// Options change the service configuration of an Env.
type Options struct {
	// JWTIssuer and JWTAudience are checked when set.
	JWTIssuer, JWTAudience string
	// Scopes replaces the default scope list (as PATS_SCOPES does).
	Scopes []string
	// DisableCache turns the validation cache off.
	DisableCache bool
	// SMTPURL sends e-mail to token owners through that server (a
	// mailtest server's URL), trusting MailRootCAs; unset, mails are kept.
	SMTPURL     string
	MailRootCAs *x509.CertPool
	// WebhooksPublicOnly keeps the webhook SSRF rules on (tests otherwise
	// run with PATS_WEBHOOKS_ALLOW_PRIVATE, their receivers on loopback).
	WebhooksPublicOnly bool
	// DatabaseURL, when set, is used instead of a fresh database: two
	// Envs on one URL are two instances sharing a database.
	DatabaseURL string
	// Limits bound GraphQL documents (zero fields: the defaults).
	Limits httpapi.Limits
	// RevokeByValuePerMinute and IntrospectionPerSecond turn the rate
	// limits on (tests run without them unless they set these).
	RevokeByValuePerMinute, IntrospectionPerSecond int
	// RequestTimeout bounds each GraphQL request, database calls included
	// (zero: the service's default, 15 s; under the race detector 60 s,
	// see RaceDetector).
	RequestTimeout time.Duration
	// DevMode runs the service as without PATS_JWT_SECRET: the console's
	// development sign-in (POST /admin/api/dev-session) mints sessions
	// signed with JWTKey. Off, the service is in production mode.
	DevMode bool
	// AuthEnv are more variables of the session-token configuration
	// (PATS_OIDC_ISSUER, PATS_JWKS_URL, PATS_JWT_ALGORITHMS,
	// PATS_CLAIM_*), read by config.Load like the rest; with an identity
	// provider set, PATS_JWT_SECRET (JWTKey) still keys the service's MACs.
	AuthEnv map[string]string
	// SecretScanningKeysURL enables POST /secret-scanning/github with the
	// keys published there (as PATS_SECRET_SCANNING_KEYS_URL does).
	SecretScanningKeysURL string
	// Logger receives the service's logs (default: the service's own
	// default, slog.Default).
	Logger *slog.Logger
	// RevocationChunkSize, RevocationLease and RevocationPause configure
	// background revocations by filter (as PATS_REVOCATION_CHUNK_SIZE,
	// _LEASE and _PAUSE do; zero: the defaults).
	RevocationChunkSize              int
	RevocationLease, RevocationPause time.Duration
	// TracerProvider, when set, turns tracing on with it (W3C trace
	// context propagation), as OTEL_EXPORTER_OTLP_ENDPOINT does with an
	// exporting one; tests pass one over tracetest's in-memory exporter.
	TracerProvider trace.TracerProvider
}

// New starts the service on a database of the given dialect.
func New(t testing.TB, dialect string) *Env {
	t.Helper()
	return NewWith(t, dialect, Options{})
}

// NewWith starts the service with opts on a database of the given dialect.
func NewWith(t testing.TB, dialect string, opts Options) *Env {
	t.Helper()
	dbURL := opts.DatabaseURL
	switch {
	case dbURL != "":
	case dialect == "sqlite":
		dbURL = "sqlite:" + filepath.Join(t.TempDir(), "pats.db")
	case dialect == "mysql":
		dbURL = mysqlDatabase(t)
	default:
		t.Fatalf("unknown dialect %q", dialect)
	}
	statements := &StatementLog{}
	clock := &Clock{}
	appOpts := []app.Option{
		app.WithJWTKey(JWTKey),
		app.WithClock(clock.Now),
		// Tests write uses explicitly (Env.FlushUses) or wait for this.
		app.WithUsageInterval(time.Hour),
		// Tests sweep stale tokens when they mean to (Service.SweepStaleTokens).
		app.WithoutStaleSweeper(),
		// And deliver webhooks when they mean to (Service.DeliverDue).
		app.WithoutDeliveryWorker(),
		app.WithRequestTimeout(requestTimeout(opts.RequestTimeout)),
		app.WithDatabase(func(db *gorm.DB) error { installStatementLog(t, db, statements); return nil }),
	}
	if opts.Logger != nil {
		appOpts = append(appOpts, app.WithLogger(opts.Logger))
	}
	if opts.TracerProvider != nil {
		appOpts = append(appOpts, app.WithTracing(tracing.NewProvider(opts.TracerProvider, nil)))
	}
	a, err := app.New(context.Background(), serviceConfig(t, dbURL, opts), appOpts...)
	if err != nil {
		t.Fatalf("start the service on %s: %v", dialect, err)
	}
	bgCtx, stopBackground := context.WithCancel(context.Background())
	a.Run(bgCtx)
	srv := httptest.NewServer(a.Handler())
	env := &Env{URL: srv.URL, Dialect: dialect, DatabaseURL: dbURL, DB: a.Database(), Clock: clock, Service: a.Service(), Validator: a.Validator(), Statements: statements, Handler: a.Handler(), server: srv}
	env.crash = func() {
		// The database first: what the instance does next fails, as
		// when its process dies (nothing released, nothing flushed).
		if sqlDB, err := a.Database().DB.DB(); err == nil {
			_ = sqlDB.Close()
		}
		stopBackground()
	}
	t.Cleanup(func() {
		srv.Close()
		stopBackground()
		_ = a.Close(context.Background())
	})
	if !opts.DisableCache {
		env.waitCacheFresh(t)
	}
	return env
}

// Crash stops the instance as if its process died: its database
// connections close under whatever it is doing, then its background work
// stops, releasing nothing (leases run until they expire). Its HTTP
// server stays up but can no longer reach the database.
func (e *Env) Crash() { e.crash() }

// serviceConfig is the configuration of a test service: what
// config.Load makes of the environment a test deployment would have
// (production mode with JWTKey as PATS_JWT_SECRET, or development mode),
// then the test's options. Defaults therefore come from config alone.
func serviceConfig(t testing.TB, dbURL string, opts Options) config.Config {
	t.Helper()
	env := map[string]string{"PATS_DATABASE_URL": dbURL, "PATS_INTROSPECTION_SECRET": IntrospectionSecret,
		"PATS_JWT_ISSUER": opts.JWTIssuer, "PATS_JWT_AUDIENCE": opts.JWTAudience}
	if !opts.DevMode {
		env["PATS_JWT_SECRET"] = string(JWTKey)
	}
	maps.Copy(env, opts.AuthEnv)
	if opts.SMTPURL != "" {
		env["PATS_SMTP_URL"], env["PATS_MAIL_FROM"] = opts.SMTPURL, "PATs <pats@example.test>"
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("test configuration: %v", err)
	}
	cfg.Scopes = opts.Scopes
	cfg.ValidationCacheSize = cacheSize(opts)
	// Tests run without rate limits unless they ask for them.
	cfg.RevokeByValuePerMinute = cmp.Or(opts.RevokeByValuePerMinute, -1)
	cfg.IntrospectionPerSecond = opts.IntrospectionPerSecond
	// One listener: /metrics beside the API, the playground served.
	cfg.MetricsAddr, cfg.Playground = "", true
	lim := opts.Limits
	cfg.GraphQLMaxDepth, cfg.GraphQLMaxAliases, cfg.GraphQLMaxSelections = lim.MaxDepth, lim.MaxAliases, lim.MaxSelections
	cfg.GraphQLMaxValidationCost, cfg.GraphQLMaxComplexity, cfg.GraphQLTokenLimit = lim.MaxValidationCost, lim.MaxComplexity, lim.ParserTokens
	cfg.GraphQLIntrospection = !lim.DisableIntrospection
	cfg.SecretScanningKeysURL = opts.SecretScanningKeysURL
	// Test receivers listen on loopback; the SSRF rules are tested on
	// their own (WebhooksPublicOnly turns them back on).
	cfg.WebhooksAllowPrivate = !opts.WebhooksPublicOnly
	if opts.MailRootCAs != nil {
		cfg.MailOptions = []mail.Option{mail.WithRootCAs(opts.MailRootCAs)}
	}
	if opts.RevocationChunkSize > 0 {
		cfg.RevocationChunkSize = opts.RevocationChunkSize
	}
	if opts.RevocationLease > 0 {
		cfg.RevocationLease = opts.RevocationLease
	}
	cfg.RevocationPause = opts.RevocationPause
	return cfg
}

func cacheSize(opts Options) int {
	if opts.DisableCache {
		return 0
	}
	return 10_000
}

// waitCacheFresh waits for the first change poll, so tests see the cache
// in use from their first introspection.
func (e *Env) waitCacheFresh(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !e.Validator.CacheFresh() {
		if time.Now().After(deadline) {
			t.Fatalf("validation cache never became fresh")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// FlushUses writes the token uses recorded so far (as the background loop
// would), so tests can read lastUsedAt.
func (e *Env) FlushUses(t testing.TB) {
	t.Helper()
	if err := e.Validator.FlushUses(context.Background()); err != nil {
		t.Fatalf("flush uses: %v", err)
	}
}

// UniqueOrg returns an organization ID no other test uses.
func UniqueOrg(prefix string) string {
	return fmt.Sprintf("%s-%d-%s", prefix, seq.Add(1), randomHex(4))
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var (
	mysqlOnce sync.Once
	mysqlURL  string
	mysqlErr  error
	mysqlDrop func()
)

// mysqlDatabase returns the URL of this test process's MySQL database,
// creating it on first use.
func mysqlDatabase(t testing.TB) string {
	t.Helper()
	mysqlOnce.Do(func() { mysqlURL, mysqlDrop, mysqlErr = createMySQLDatabase(os.Getenv(MySQLEnv)) })
	if mysqlErr != nil {
		t.Fatalf("MySQL test database (%s): %v", MySQLEnv, mysqlErr)
	}
	return mysqlURL
}

// createMySQLDatabase creates a uniquely named database on the server of
// base and returns its URL and a function that drops it.
func createMySQLDatabase(base string) (string, func(), error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, fmt.Errorf("parse %s: %w", MySQLEnv, err)
	}
	dsn, err := database.MySQLDSN(base)
	if err != nil {
		return "", nil, err
	}
	admin, err := sql.Open("mysql", dsn)
	if err != nil {
		return "", nil, err
	}
	pkg := strings.TrimSuffix(filepath.Base(os.Args[0]), ".test")
	pkg = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, strings.ToLower(pkg))
	name := fmt.Sprintf("%s_%s_%s", strings.TrimPrefix(u.Path, "/"), pkg, randomHex(4))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		_ = admin.Close()
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	u.Path = "/" + name
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = admin.ExecContext(ctx, "DROP DATABASE `"+name+"`")
		_ = admin.Close()
	}
	return u.String(), drop, nil
}

// Main runs a test package and then drops its MySQL database. Call it from
// TestMain: os.Exit(testenv.Main(m)).
func Main(m interface{ Run() int }) int {
	code := m.Run()
	if mysqlDrop != nil {
		mysqlDrop()
	}
	return code
}

// requestTimeout is the request deadline of a test service: the one the
// test asked for, else the service's default, stretched under the race
// detector, where the 1,000-token tests take seconds in SQLite.
func requestTimeout(asked time.Duration) time.Duration {
	if asked == 0 && RaceDetector {
		return 60 * time.Second
	}
	return asked
}
