package app

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// PublicServer is the HTTP server of the public listener: the service's
// handler, with timeouts against slow clients (read header 5 s, read 30 s,
// write 60 s, idle 120 s) and its errors logged.
func (a *App) PublicServer() *http.Server {
	return &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
}

// ServeMetrics serves GET /metrics, and nothing else, on a listener of
// its own at addr (PATS_METRICS_ADDR), so the public one never exposes
// them; the returned func closes it. With addr empty (development mode's
// default: the public listener serves them) it does nothing.
func (a *App) ServeMetrics(addr string) (stop func(), err error) {
	if addr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for metrics: %w", err)
	}
	srv := &http.Server{
		Handler:           a.MetricsHandler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	a.log.Info("serving metrics", "addr", ln.Addr().String())
	go func() { _ = srv.Serve(ln) }()
	return func() { _ = srv.Close() }, nil
}
