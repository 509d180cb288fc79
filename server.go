// Command pats is the personal access token governance service: a GraphQL
// API for organization admins and users, and an introspection endpoint for
// resource servers. See README.md.
package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/config"
	"github.com/patgov/pats/internal/database"
	"github.com/patgov/pats/internal/httpapi"
	"github.com/patgov/pats/internal/metrics"
	"github.com/patgov/pats/internal/origin"
	"github.com/patgov/pats/internal/pat"
	"github.com/patgov/pats/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pats:", err)
		os.Exit(1)
	}
}

// shutdownGrace bounds how long in-flight requests may take to finish.
const shutdownGrace = 20 * time.Second

// run starts the service and serves until ctx ends, or runs the
// subcommand named by args ("seed").
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	if len(args) > 0 && args[0] == "seed" {
		return runSeed(ctx, cfg, args[1:], stdout)
	}
	if len(args) > 0 {
		return fmt.Errorf("unknown command %q (want no argument, or seed)", args[0])
	}
	log := newLogger(cfg, stdout)
	slog.SetDefault(log)

	jwtKey := []byte(cfg.JWTSecret)
	if cfg.DevMode() {
		if jwtKey, err = config.DevSecret(cfg.DataDir()); err != nil {
			return err
		}
	}
	db, err := database.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()

	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	var svc *pat.Service
	m := metrics.New(metrics.Sources{DB: sqlDB, CacheStats: func() (int64, int64) { return svc.CacheStats() }})
	svc, err = pat.NewService(store.New(db.DB, db.Dialect), pat.Config{
		Scopes:        cfg.Scopes,
		CursorKey:     deriveKey(jwtKey, "pats cursor key v1"),
		CacheSize:     cfg.ValidationCacheSize,
		OnUsesFlushed: m.ObserveFlush,

		RevokeByValuePerMinute: cfg.RevokeByValuePerMinute,
	})
	if err != nil {
		return err
	}
	bgCtx, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	bgDone := make(chan struct{})
	go func() {
		defer close(bgDone)
		svc.Run(bgCtx)
	}()
	// On every return: stop the background work, then write the token uses
	// still pending.
	defer func() {
		stopBackground()
		<-bgDone
		flushCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := svc.FlushUses(flushCtx); err != nil {
			log.Error("writing pending token uses failed", "err", err)
		}
	}()
	origins, err := origin.NewResolver(cfg.TrustedProxies)
	if err != nil {
		return err
	}
	// Development mode only: nil in production, where nothing can mint a
	// session token.
	devSessions := httpapi.NewDevSessions(cfg, jwtKey)
	var draining atomic.Bool
	srv := &http.Server{
		Handler: httpapi.New(httpapi.Config{
			Service:             svc,
			Verifier:            auth.NewVerifier(jwtKey, cfg.JWTIssuer, cfg.JWTAudience, auth.WithMaxSessionLength(cfg.MaxSessionLength)),
			IntrospectionSecret: cfg.IntrospectionSecret,
			Logger:              log,
			Metrics:             m,
			ServeMetrics:        cfg.MetricsAddr == "",

			IntrospectionPerSecond: cfg.IntrospectionPerSecond,
			Draining:               draining.Load,
			Origins:                origins,
			DevSessions:            devSessions,
			Playground:             cfg.Playground,
			Limits: httpapi.Limits{
				MaxDepth: cfg.GraphQLMaxDepth, MaxAliases: cfg.GraphQLMaxAliases, MaxSelections: cfg.GraphQLMaxSelections,
				MaxValidationCost: cfg.GraphQLMaxValidationCost,
				MaxComplexity:     cfg.GraphQLMaxComplexity, ParserTokens: cfg.GraphQLTokenLimit,
				DisableIntrospection: !cfg.GraphQLIntrospection,
			},
		}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if cfg.MetricsAddr != "" {
		stopMetrics, err := serveMetrics(cfg.MetricsAddr, m, log)
		if err != nil {
			_ = ln.Close()
			return err
		}
		defer stopMetrics()
	}
	if devSessions != nil {
		if err := printDevCredential(stdout, devSessions, ln.Addr(), cfg.Playground); err != nil {
			return err
		}
	}
	// Last: whoever waits for this line (tests, scripts) finds everything
	// above already done.
	log.Info("serving", "addr", ln.Addr().String(), "database", string(db.Dialect), "dev_mode", cfg.DevMode())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// Shutdown: readiness fails first (and, for PATS_SHUTDOWN_DELAY, the
	// server keeps serving so load balancers notice), then new
	// connections are refused while in-flight requests finish (bounded);
	// the deferred steps then stop the background work and write the
	// pending token uses.
	log.Info("shutting down", "delay", cfg.ShutdownDelay.String())
	draining.Store(true)
	time.Sleep(cfg.ShutdownDelay)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// serveMetrics serves GET /metrics on its own listener, so the public one
// never exposes them; the returned func closes it.
func serveMetrics(addr string, m *metrics.Metrics, log *slog.Logger) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for metrics: %w", err)
	}
	srv := &http.Server{
		Handler:           httpapi.MetricsHandler(m),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("serving metrics", "addr", ln.Addr().String())
	go func() { _ = srv.Serve(ln) }()
	return func() { _ = srv.Close() }, nil
}

// newLogger logs JSON in production and text in development, each line
// with the request ID of its context.
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var h slog.Handler = slog.NewTextHandler(w, nil)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, nil)
	}
	return slog.New(origin.LogHandler{Handler: h})
}

// deriveKey derives a purpose-specific key from the master secret, so a
// cursor MAC can never be confused with a session-token signature.
func deriveKey(master []byte, purpose string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// printDevCredential prints, in development mode, a ready-to-paste header
// for the demo organization's admin (minted by the same code as the
// console's development sign-in), the playground URL and the console URL.
func printDevCredential(w io.Writer, mint func(role string) (string, time.Time, error), addr net.Addr, playground bool) error {
	token, _, err := mint("admin")
	if err != nil {
		return err
	}
	port := "8080"
	if tcp, ok := addr.(*net.TCPAddr); ok {
		port = fmt.Sprint(tcp.Port)
	}
	where := "the playground's Headers tab"
	playgroundLine := fmt.Sprintf("Playground: http://localhost:%s/\n", port)
	if !playground {
		where, playgroundLine = "any GraphQL client's headers (the playground is off: PATS_PLAYGROUND=false)", ""
	}
	_, err = fmt.Fprintf(w, `
Development mode: no PATS_JWT_SECRET, so a random key was kept in the data folder.
Console:    http://localhost:%[1]s/admin/ (sign in as the demo admin, member or directory user)
%[5]sPaste this into %[6]s (admin of organization %[2]q, valid %[3]s):

{"Authorization": "Bearer %[4]s"}

`, port, httpapi.DevOrganization, httpapi.DevSessionLifetime, token, playgroundLine, where)
	return err
}
