// Command pats is the personal access token governance service: a GraphQL
// API for organization admins and users, and an introspection endpoint for
// resource servers. See README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/patgov/pats/internal/app"
	"github.com/patgov/pats/internal/config"
	"github.com/patgov/pats/internal/tracing"
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
	log := app.NewLogger(cfg, stdout)
	slog.SetDefault(log)
	tr, err := tracing.FromEnv(ctx, getenv)
	if err != nil {
		return err
	}
	tr.SetGlobal(log)
	// Deferred first, so it runs last: the spans of everything below,
	// the final write of token uses included, are exported.
	defer tr.Stop(log)

	a, err := app.New(ctx, cfg, app.WithLogger(log), app.WithTracing(tr))
	if err != nil {
		return err
	}
	a.Run(ctx)
	// On every return: stop the background work, write the token uses
	// still pending, close the database.
	defer a.Close(context.Background())
	srv := a.PublicServer()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	stopMetrics, err := a.ServeMetrics(cfg.MetricsAddr)
	if err != nil {
		return err
	}
	defer stopMetrics()
	if err := a.WriteDevBanner(stdout, ln.Addr()); err != nil {
		return err
	}
	// Last: whoever waits for this line (tests, scripts) finds everything
	// above already done.
	log.Info("serving", "addr", ln.Addr().String(), "database", string(a.Database().Dialect), "dev_mode", cfg.DevMode(), "tracing", tr.Enabled())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// Shutdown: readiness fails first, serving goes on for
	// PATS_SHUTDOWN_DELAY so load balancers notice, then in-flight requests
	// finish (bounded) and the deferred a.Close writes pending uses.
	log.Info("shutting down", "delay", cfg.ShutdownDelay.String())
	a.Drain()
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
