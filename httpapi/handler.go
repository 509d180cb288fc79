// Package httpapi is the service's HTTP surface: the GraphQL endpoint
// (POST /query) behind session-token authentication, GraphiQL (GET /),
// token introspection for resource servers (POST /introspect, RFC 7662),
// the probes (GET /healthz, GET /readyz), and the administration console
// (under /admin/, package console) with its JSON API (/admin/api/).
package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/99designs/gqlgen/graphql/playground"

	"github.com/patgov/pats/apperr"
	"github.com/patgov/pats/auth"
	"github.com/patgov/pats/console"
	"github.com/patgov/pats/metrics"
	"github.com/patgov/pats/origin"
	"github.com/patgov/pats/pat"
	"github.com/patgov/pats/ratelimit"
	"github.com/patgov/pats/requestid"
	"github.com/patgov/pats/resolvers"
)

// MaxBodyBytes bounds every request body (HTTP 413 beyond).
const MaxBodyBytes = 1 << 20

// Config wires the handler.
type Config struct {
	Service  *pat.Service
	Verifier *auth.Verifier
	// IntrospectionSecret is the bearer secret resource servers present to
	// /introspect; empty disables the endpoint (always 401).
	IntrospectionSecret string
	Logger              *slog.Logger
	// RequestTimeout bounds each GraphQL request, database calls included
	// (default 15 s).
	RequestTimeout time.Duration
	// Limits bound GraphQL documents.
	Limits Limits
	// Metrics, when set, are recorded and served at GET /metrics.
	Metrics *metrics.Metrics
	// IntrospectionPerSecond bounds introspections per client credential
	// (0: no limit); beyond it, HTTP 429 with Retry-After.
	IntrospectionPerSecond int
	// Draining, when it reports true, makes /readyz fail: the server is
	// shutting down and load balancers should stop sending requests.
	Draining func() bool
	// Origins derives each request's client IP and User-Agent for the
	// audit trail (default: the TCP peer, no proxies trusted).
	Origins *origin.Resolver
	// DevSessions mints the console's development sign-in sessions
	// (POST /admin/api/dev-session); set only in development mode (see
	// NewDevSessions). When nil, as in production, that path is unknown.
	DevSessions func(role string) (token string, expiresAt time.Time, err error)
}

// New returns the service's HTTP handler.
func New(cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 15 * time.Second
	}
	if cfg.Origins == nil {
		cfg.Origins, _ = origin.NewResolver(nil) // cannot fail without proxies
	}
	mux := http.NewServeMux()
	authenticated := auth.Middleware(cfg.Verifier, cfg.Service, rejecter(cfg.Logger))
	// Only GraphQL changes are audited, so only they need the request's
	// origin; the introspection hot path does not pay for it.
	mux.Handle("POST /query", cfg.Origins.Middleware(deadline(cfg.RequestTimeout, limitBody(requireJSONObject(authenticated(
		resolvers.WithLoaders(cfg.Service)(withHeaderSink(newGraphQLHandler(cfg.Service, cfg.Limits, cfg.Metrics, cfg.Logger)))))))))
	mux.Handle("GET /{$}", playground.Handler("Personal access tokens", "/query"))
	introspectLimit := ratelimit.New(cfg.IntrospectionPerSecond, time.Second, 1000)
	mux.Handle("POST /introspect", limitBody(introspectHandler(cfg.Service, cfg.IntrospectionSecret, introspectLimit, cfg.Metrics, cfg.Logger)))
	if cfg.Metrics != nil {
		mux.Handle("GET /metrics", cfg.Metrics.Handler())
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.Handle("GET /readyz", readyHandler(cfg.Service, cfg.Draining, cfg.Logger))
	// The console: its bundle, and its API, whose unknown paths (and, in
	// production, the development sign-in) get the API's JSON 404.
	admin := console.Handler(http.HandlerFunc(apiNotFound))
	mux.Handle("/admin", admin)
	mux.Handle("/admin/", admin)
	mux.Handle("/admin/api/config", console.Secure(consoleConfigHandler(cfg.DevSessions != nil)))
	if cfg.DevSessions != nil {
		mux.Handle("/admin/api/dev-session", console.Secure(devSessionHandler(cfg.DevSessions, cfg.Logger)))
	}
	return requestid.Middleware(recoverPanics(cfg.Logger, mux))
}

// recoverPanics turns a panic in a handler into a logged INTERNAL error
// (HTTP 500) instead of a dropped connection; the process keeps serving.
// Panics inside resolvers are recovered by gqlgen (SetRecoverFunc).
func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.ErrorContext(r.Context(), "panic in handler", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				writeGraphQLError(w, http.StatusInternalServerError, string(apperr.Internal), "internal error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// deadline gives every request a context deadline, which every database
// call made for it inherits.
func deadline(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// limitBody refuses bodies over MaxBodyBytes: a declared length up front,
// an undeclared one as soon as reading passes the bound.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > MaxBodyBytes {
			writeGraphQLError(w, http.StatusRequestEntityTooLarge, string(apperr.BadRequest), "request body too large")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}
