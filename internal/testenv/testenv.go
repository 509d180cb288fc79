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
	"database/sql"
	"encoding/hex"
	"fmt"
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

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/config"
	"github.com/patgov/pats/internal/database"
	"github.com/patgov/pats/internal/httpapi"
	"github.com/patgov/pats/internal/metrics"
	"github.com/patgov/pats/internal/pat"
	"github.com/patgov/pats/internal/store"
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
	// Statements records the SQL the service issues (see Record).
	Statements *StatementLog
	server     *httptest.Server
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
	// see raceDetector).
	RequestTimeout time.Duration
	// DevMode runs the service as without PATS_JWT_SECRET: the console's
	// development sign-in (POST /admin/api/dev-session) mints sessions
	// signed with JWTKey. Off, the service is in production mode.
	DevMode bool
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
	db, err := database.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatalf("open %s database: %v", dialect, err)
	}
	statements := &StatementLog{}
	installStatementLog(t, db.DB, statements)
	clock := &Clock{}
	sqlDB, err := db.DB.DB()
	if err != nil {
		t.Fatalf("database pool: %v", err)
	}
	var svc *pat.Service
	m := metrics.New(metrics.Sources{DB: sqlDB, CacheStats: func() (int64, int64) { return svc.CacheStats() }})
	svc, err = pat.NewService(store.New(db.DB, db.Dialect), pat.Config{
		OnUsesFlushed:          m.ObserveFlush,
		RevokeByValuePerMinute: cmp.Or(opts.RevokeByValuePerMinute, -1),
		Scopes:                 opts.Scopes,
		CursorKey:              []byte("test-cursor-key-0123456789abcdef-0123"),
		Now:                    clock.Now,
		CacheSize:              cacheSize(opts),
		// Tests write uses explicitly (Env.FlushUses) or wait for this.
		UsageInterval: time.Hour,
	})
	if err != nil {
		t.Fatalf("new service: %v", err)
	}
	bgCtx, stopBackground := context.WithCancel(context.Background())
	bgDone := make(chan struct{})
	go func() {
		defer close(bgDone)
		svc.Run(bgCtx)
	}()
	srv := httptest.NewServer(httpapi.New(httpapi.Config{
		Service:             svc,
		Verifier:            auth.NewVerifier(JWTKey, opts.JWTIssuer, opts.JWTAudience),
		IntrospectionSecret: IntrospectionSecret,
		Limits:              opts.Limits,
		Metrics:             m,
		ServeMetrics:        true,
		RequestTimeout:      requestTimeout(opts.RequestTimeout),

		IntrospectionPerSecond: opts.IntrospectionPerSecond,
		DevSessions:            devSessions(opts),
		Playground:             true,
	}))
	env := &Env{URL: srv.URL, Dialect: dialect, DatabaseURL: dbURL, DB: db, Clock: clock, Service: svc, Statements: statements, server: srv}
	t.Cleanup(func() {
		srv.Close()
		stopBackground()
		<-bgDone
		_ = db.Close()
	})
	if !opts.DisableCache {
		env.waitCacheFresh(t)
	}
	return env
}

// devSessions mints development sessions as the server does in
// development mode, or is nil (production).
func devSessions(opts Options) func(role string) (string, time.Time, error) {
	if !opts.DevMode {
		return nil
	}
	// No JWT secret is what development mode means; the key is the one
	// the server would have generated.
	return httpapi.NewDevSessions(config.Config{JWTIssuer: opts.JWTIssuer, JWTAudience: opts.JWTAudience}, JWTKey)
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
	for !e.Service.CacheFresh() {
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
	if err := e.Service.FlushUses(context.Background()); err != nil {
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
	if asked == 0 && raceDetector {
		return 60 * time.Second
	}
	return asked
}
