// Package app is the service's composition root: the one place that builds
// the whole service from a config.Config (database, store, domain service,
// caches, background work, metrics, HTTP handler). server.go and the
// end-to-end harness (internal/testenv) both build it here; test-only
// knobs are Options of New, never a second wiring.
package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/config"
	"github.com/patgov/pats/internal/database"
	"github.com/patgov/pats/internal/httpapi"
	"github.com/patgov/pats/internal/mail"
	"github.com/patgov/pats/internal/metrics"
	"github.com/patgov/pats/internal/origin"
	"github.com/patgov/pats/internal/pat"
	"github.com/patgov/pats/internal/scanalert"
	"github.com/patgov/pats/internal/store"
	"github.com/patgov/pats/internal/tracing"
	"github.com/patgov/pats/migrations"
)

// App is the built service.
type App struct {
	cfg      config.Config
	log      *slog.Logger
	db       *database.DB
	svc      *pat.Service
	val      *pat.Validator
	metrics  *metrics.Metrics
	handler  http.Handler
	draining atomic.Bool
	// devSessions mints development sessions; nil in production.
	devSessions func(role string) (string, time.Time, error)
	// noSweeper and noDeliveries leave the stale-token sweeper and the
	// delivery worker to the caller.
	noSweeper, noDeliveries bool

	stopBackground context.CancelFunc
	backgroundDone chan struct{}
	// stopKeys ends the refresh of the identity provider's keys.
	stopKeys context.CancelFunc
}

// options are what Option set; the zero value is production's.
type options struct {
	log            *slog.Logger
	jwtKey         []byte
	now            func() time.Time
	usageInterval  time.Duration
	onDatabase     func(*gorm.DB) error
	requestTimeout time.Duration
	tracing        *tracing.Provider
	noSweeper      bool
	noDeliveries   bool
}

// Option changes how New builds the service; all but WithLogger and
// WithTracing exist for tests.
type Option func(*options)

// WithLogger logs to log (default: slog.Default()).
func WithLogger(log *slog.Logger) Option { return func(o *options) { o.log = log } }

// WithTracing traces requests, GraphQL operations, database statements
// and outgoing requests through p (server.go: tracing.FromEnv; nil, the
// default, is off).
func WithTracing(p *tracing.Provider) Option { return func(o *options) { o.tracing = p } }

// WithJWTKey uses key in place of the key kept in the data folder
// (config.DevSecret) when PATS_JWT_SECRET is not set: for session tokens
// in development mode, for the service's own MACs with an identity
// provider.
func WithJWTKey(key []byte) Option { return func(o *options) { o.jwtKey = key } }

// WithClock replaces the service's clock.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithUsageInterval sets how often recorded token uses are written.
func WithUsageInterval(d time.Duration) Option { return func(o *options) { o.usageInterval = d } }

// WithDatabase calls hook with the opened database before anything uses
// it (tests install their statement log there).
func WithDatabase(hook func(*gorm.DB) error) Option { return func(o *options) { o.onDatabase = hook } }

// WithoutDeliveryWorker leaves dispatching the outbox and sending
// deliveries to the caller (pat.Service.DeliverDue): tests deliver when
// they mean to.
func WithoutDeliveryWorker() Option { return func(o *options) { o.noDeliveries = true } }

// WithoutStaleSweeper leaves the stale-token sweeper to the caller
// (pat.Service.SweepStaleTokens): tests sweep when they mean to, and take
// its lease themselves.
func WithoutStaleSweeper() Option { return func(o *options) { o.noSweeper = true } }

// WithRequestTimeout bounds each GraphQL request (default 15 s).
func WithRequestTimeout(d time.Duration) Option { return func(o *options) { o.requestTimeout = d } }

// New opens the database named by cfg (applying migrations) and builds the
// service over it. Background work starts with Run; Close releases
// everything.
func New(ctx context.Context, cfg config.Config, opts ...Option) (*App, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.log == nil {
		o.log = slog.Default()
	}
	if cfg.Provider() && cfg.JWTSecret == "" && o.jwtKey == nil && !strings.HasPrefix(cfg.DatabaseURL, "sqlite:") {
		// A MySQL database is shared by several instances, whose cursors
		// and confirmations must verify on each other: a key of one
		// instance's data folder would break them at random.
		return nil, errors.New("PATS_JWT_SECRET is required with PATS_OIDC_ISSUER or PATS_JWKS_URL on a MySQL database: " +
			"it keys pagination cursors and revocation-preview confirmations, which every instance must share (set the same value on each)")
	}
	jwtKey, err := masterKey(cfg, o.jwtKey)
	if err != nil {
		return nil, err
	}
	keysCtx, stopKeys := context.WithCancel(context.WithoutCancel(ctx))
	verifier, err := sessionVerifier(keysCtx, cfg, jwtKey, o.log)
	if err != nil {
		stopKeys()
		return nil, err
	}
	db, err := database.Open(ctx, cfg.DatabaseURL, database.WithOpener(func(driverName string, dialect migrations.Dialect, dsn string) (*sql.DB, error) {
		return o.tracing.OpenSQL(driverName, string(dialect), dsn)
	}))
	if err != nil {
		stopKeys()
		return nil, err
	}
	a := &App{cfg: cfg, log: o.log, db: db, stopKeys: stopKeys, noSweeper: o.noSweeper, noDeliveries: o.noDeliveries}
	if err := a.build(jwtKey, verifier, o); err != nil {
		stopKeys()
		_ = db.Close()
		return nil, err
	}
	return a, nil
}

// sessionVerifier is the verifier of session tokens: with an identity
// provider, of tokens signed with its keys (fetched now, each request
// bounded by auth.DefaultProviderTimeout, then refreshed until keysCtx
// ends); otherwise of HS256 tokens signed with key.
func sessionVerifier(keysCtx context.Context, cfg config.Config, key []byte, log *slog.Logger) (*auth.Verifier, error) {
	opts := []auth.VerifierOption{auth.WithMaxSessionLength(cfg.MaxSessionLength), auth.WithClaimMapping(cfg.Claims)}
	if !cfg.Provider() {
		return auth.NewVerifier(key, cfg.JWTIssuer, cfg.JWTAudience, opts...), nil
	}
	keys, err := auth.NewProviderKeys(keysCtx, auth.ProviderOptions{Issuer: cfg.OIDCIssuer, JWKSURL: cfg.JWKSURL, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("identity provider (PATS_OIDC_ISSUER/PATS_JWKS_URL): %w", err)
	}
	if cfg.SessionIssuer() == "" {
		// Some providers sign every tenant's tokens with one key set
		// (Entra ID's common keys): without an issuer, another tenant's
		// token for the same audience would do.
		log.WarnContext(keysCtx, "PATS_JWKS_URL without PATS_JWT_ISSUER: tokens of any issuer signed with these keys are accepted; "+
			"set PATS_JWT_ISSUER to the provider's issuer")
	}
	return auth.NewProviderVerifier(keys, cfg.JWTAlgorithms, cfg.SessionIssuer(), cfg.JWTAudience, opts...)
}

// build wires the service over a.db.
func (a *App) build(jwtKey []byte, verifier *auth.Verifier, o options) error {
	cfg := a.cfg
	if o.onDatabase != nil {
		if err := o.onDatabase(a.db.DB); err != nil {
			return err
		}
	}
	sqlDB, err := a.db.DB.DB()
	if err != nil {
		return err
	}
	a.metrics = metrics.New(sqlDB)
	st := store.New(a.db.DB, a.db.Dialect)
	a.val = pat.NewValidator(st, pat.ValidatorConfig{
		Now:           o.now,
		CacheSize:     cfg.ValidationCacheSize,
		UsageInterval: o.usageInterval,
		OnUsesFlushed: a.metrics.ObserveFlush,
	})
	a.metrics.WatchCache(a.val.CacheStats)
	a.svc, err = pat.NewService(st, a.val, pat.Config{
		Scopes:                 cfg.Scopes,
		CursorKey:              deriveKey(jwtKey, "pats cursor key v1"),
		RevokeByValuePerMinute: cfg.RevokeByValuePerMinute,
		PreviewKey:             deriveKey(jwtKey, "pats revocation preview key v1"),
		Jobs: pat.JobConfig{
			ChunkSize: cfg.RevocationChunkSize, Lease: cfg.RevocationLease, Pause: cfg.RevocationPause,
			OnChunk: a.metrics.ObserveRevocationChunk, OnJob: a.metrics.ObserveRevocationJob,
		},
		Sweeper: pat.SweeperConfig{Interval: cfg.StaleSweepInterval},
		Mail:    mailConfig(cfg),
		Webhooks: pat.WebhookConfig{
			Key: deriveKey(jwtKey, "pats webhook secret key v1"), AllowPrivate: cfg.WebhooksAllowPrivate,
			Wrap: o.tracing.HostOnlyTransport, OnAttempt: a.metrics.ObserveWebhookAttempt,
		},
		Now: o.now,
	})
	if err != nil {
		return err
	}
	origins, err := origin.NewResolver(cfg.TrustedProxies)
	if err != nil {
		return err
	}
	a.devSessions = httpapi.NewDevSessions(cfg, jwtKey)
	a.handler = httpapi.New(httpapi.Config{
		Service:             a.svc,
		Validator:           a.val,
		Verifier:            verifier,
		IntrospectionSecret: cfg.IntrospectionSecret,
		Logger:              a.log,
		Metrics:             a.metrics,
		SecretScanning:      secretScanning(cfg, o.now, o.tracing),
		Tracing:             o.tracing,
		ServeMetrics:        cfg.MetricsAddr == "",
		RequestTimeout:      o.requestTimeout,

		IntrospectionPerSecond: cfg.IntrospectionPerSecond,
		Draining:               a.draining.Load,
		Origins:                origins,
		DevSessions:            a.devSessions,
		ConsoleSignIn:          httpapi.NewConsoleSignIn(cfg),
		Playground:             cfg.Playground,
		Limits: httpapi.Limits{
			MaxDepth: cfg.GraphQLMaxDepth, MaxAliases: cfg.GraphQLMaxAliases, MaxSelections: cfg.GraphQLMaxSelections,
			MaxValidationCost: cfg.GraphQLMaxValidationCost,
			MaxComplexity:     cfg.GraphQLMaxComplexity, ParserTokens: cfg.GraphQLTokenLimit,
			DisableIntrospection: !cfg.GraphQLIntrospection,
		},
	})
	return nil
}

// masterKey is the key the service's own MACs derive from, and the HS256
// key of session tokens without an identity provider: PATS_JWT_SECRET
// when set; otherwise (development mode, or an identity provider without
// it) the given key, else the one kept in the data folder. It is never
// empty: cursors keyed by nothing could be forged.
func masterKey(cfg config.Config, given []byte) ([]byte, error) {
	if cfg.JWTSecret != "" {
		return []byte(cfg.JWTSecret), nil
	}
	if given != nil {
		return given, nil
	}
	return config.DevSecret(cfg.DataDir())
}

// deriveKey derives a purpose-specific key from the master secret, so a
// cursor MAC can never be confused with a session-token signature.
func deriveKey(master []byte, purpose string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// Handler is the service's HTTP handler (the public listener's).
func (a *App) Handler() http.Handler { return a.handler }

// MetricsHandler serves GET /metrics alone, for the metrics listener.
func (a *App) MetricsHandler() http.Handler { return httpapi.MetricsHandler(a.metrics) }

// Service is the admin and user domain service.
func (a *App) Service() *pat.Service { return a.svc }

// Validator is the introspection service (tests read its cache and flush
// its recorded uses).
func (a *App) Validator() *pat.Validator { return a.val }

// Database is the opened database.
func (a *App) Database() *database.DB { return a.db }

// DevSessions mints development sessions, or is nil in production.
func (a *App) DevSessions() func(role string) (string, time.Time, error) { return a.devSessions }

// Run starts the background work (the change poll, batched last-use
// writes, revocation jobs, the stale-token sweeper, webhook deliveries)
// until ctx ends or
// Close is called. It returns at once.
func (a *App) Run(ctx context.Context) {
	bg, stop := context.WithCancel(context.WithoutCancel(ctx))
	a.stopBackground, a.backgroundDone = stop, make(chan struct{})
	go func() {
		defer close(a.backgroundDone)
		jobs, sweeper, deliveries := make(chan struct{}), make(chan struct{}), make(chan struct{})
		go func() {
			defer close(jobs)
			a.svc.RunJobs(bg)
		}()
		go func() {
			defer close(sweeper)
			if !a.noSweeper {
				a.svc.RunSweeper(bg)
			}
		}()
		go func() {
			defer close(deliveries)
			if !a.noDeliveries {
				a.svc.RunDeliveries(bg)
			}
		}()
		a.val.Run(bg)
		<-jobs
		<-sweeper
		<-deliveries
	}()
	context.AfterFunc(ctx, stop)
}

// Drain makes /readyz fail, so load balancers stop sending requests
// before the listener closes.
func (a *App) Drain() { a.draining.Store(true) }

// closeFlushTimeout bounds Close's write of the pending token uses: a
// database that does not answer must not hold the process.
const closeFlushTimeout = 10 * time.Second

// Close stops the background work, writes the token uses still pending
// (within ctx and at most closeFlushTimeout) and closes the database.
func (a *App) Close(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, closeFlushTimeout)
	defer cancel()
	if a.stopBackground != nil {
		a.stopBackground()
		<-a.backgroundDone
	}
	if a.stopKeys != nil {
		a.stopKeys()
	}
	// Another instance may sweep at once, instead of after the lease.
	if err := a.svc.ReleaseSweeperLease(ctx); err != nil {
		a.log.Warn("releasing the stale-token sweeper's lease failed", "err", err)
	}
	err := a.val.FlushUses(ctx)
	if err != nil {
		a.log.Error("writing pending token uses failed", "err", err)
	}
	if cerr := a.db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close database: %w", cerr)
	}
	return err
}

// secretScanning is the alert verifier of the secret-scanning partner
// endpoint, or nil when PATS_SECRET_SCANNING_KEYS_URL is not set.
func secretScanning(cfg config.Config, now func() time.Time, tr *tracing.Provider) *scanalert.Verifier {
	if cfg.SecretScanningKeysURL == "" {
		return nil
	}
	// The keys fetch carries the alert's trace context to the keys URL.
	return scanalert.New(cfg.SecretScanningKeysURL, scanalert.Options{Now: now, Transport: tr.Transport(nil)})
}

// mailConfig is e-mail to token owners as cfg says: through PATS_SMTP_URL
// when set, else kept in the database.
func mailConfig(cfg config.Config) pat.MailConfig {
	mc := pat.MailConfig{ConsoleURL: cfg.ConsoleURL}
	if cfg.SMTP != nil {
		mc.Sender = mail.NewSender(*cfg.SMTP, cfg.MailFrom, cfg.MailOptions...)
	}
	return mc
}
