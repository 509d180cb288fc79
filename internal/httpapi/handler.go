// Package httpapi is the service's HTTP surface: the GraphQL endpoint
// (POST /query) behind session-token authentication, GraphiQL (GET /,
// if Config.Playground), token introspection for resource servers
// (POST /introspect, RFC 7662),
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

	"github.com/99designs/gqlgen/graphql"

	"github.com/patgov/pats/console"
	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/metrics"
	"github.com/patgov/pats/internal/origin"
	"github.com/patgov/pats/internal/pat"
	"github.com/patgov/pats/internal/ratelimit"
	"github.com/patgov/pats/internal/scanalert"
	"github.com/patgov/pats/internal/tracing"
	"github.com/patgov/pats/resolvers"
)

// MaxBodyBytes bounds every request body (HTTP 413 beyond).
const MaxBodyBytes = 1 << 20

// Config wires the handler.
type Config struct {
	// Service answers the GraphQL API; Validator answers /introspect.
	Service   *pat.Service
	Validator *pat.Validator
	Verifier  *auth.Verifier
	// IntrospectionSecret is the bearer secret resource servers present to
	// /introspect; empty disables the endpoint (always 401).
	IntrospectionSecret string
	Logger              *slog.Logger
	// RequestTimeout bounds each GraphQL request, database calls included
	// (default 15 s).
	RequestTimeout time.Duration
	// Limits bound GraphQL documents.
	Limits Limits
	// Metrics, when set, are recorded.
	Metrics *metrics.Metrics
	// ServeMetrics serves the metrics at GET /metrics on this handler too.
	// Development mode only: in production they have their own listener
	// (see MetricsHandler), so the public one never exposes them.
	ServeMetrics bool
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
	// ConsoleSignIn, when set, makes the console offer sign-in through
	// the identity provider (GET /admin/api/config tells it how), and
	// lets the console connect to the provider's origin.
	ConsoleSignIn *ConsoleSignIn
	// Playground serves GraphiQL at GET / (and its assets under
	// /playground/); when false those paths are unknown (HTTP 404).
	Playground bool
	// SecretScanning, when set, verifies the alerts of POST
	// /secret-scanning/github (GitHub's secret-scanning partner program);
	// when nil that path is unknown.
	SecretScanning *scanalert.Verifier
	// Tracing, when on (non-nil), makes a span of every request and
	// GraphQL operation (see package tracing).
	Tracing *tracing.Provider
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
	// The steps of POST /query, outermost first. The order is part of the
	// security model: the session token is checked before the body is
	// read, so an anonymous client can make the server read no more than
	// its headers; the body is bounded before it is read; only
	// well-formed GraphQL-over-HTTP requests reach gqlgen.
	mux.Handle("POST /query", chain(newGraphQLHandler(cfg.Service, cfg.Limits, cfg.Metrics, cfg.Logger, graphQLTracing(cfg.Tracing)...),
		negotiateGraphQL,       // the response media type (406 if none), for every answer below
		cfg.Origins.Middleware, // client IP and User-Agent, for the audit trail
		deadline(cfg.RequestTimeout),
		auth.Middleware(cfg.Verifier, cfg.Service, rejecter(cfg.Logger)),
		limitBody,
		requireJSONObject,
		resolvers.WithLoaders(cfg.Service),
		withHeaderSink,
	))
	// Every other method: 405 with Allow: POST (GET is not served; see
	// graphQLMethodNotAllowed).
	mux.HandleFunc("/query", graphQLMethodNotAllowed)
	if cfg.Playground {
		mountPlayground(mux)
	}
	introspectLimit := ratelimit.New(cfg.IntrospectionPerSecond, time.Second, 1000)
	mux.Handle("POST /introspect", limitBody(introspectHandler(cfg.Validator, cfg.IntrospectionSecret, introspectLimit, cfg.Metrics, cfg.Logger)))
	// POST /export/tokens: the same guards as /query, with a deadline that
	// lets a million rows stream.
	mux.Handle("POST /export/tokens", chain(exportHandler(cfg.Service, cfg.Logger),
		cfg.Origins.Middleware,
		deadline(exportTimeout),
		auth.Middleware(cfg.Verifier, cfg.Service, rejecter(cfg.Logger)),
		limitBody,
	))
	if cfg.SecretScanning != nil {
		mux.Handle("POST /secret-scanning/github", chain(secretScanningHandler(cfg.SecretScanning, cfg.Service, cfg.Logger),
			cfg.Origins.Middleware, // GitHub's address and User-Agent, for the audit trail
			deadline(cfg.RequestTimeout),
		))
	}
	if cfg.Metrics != nil && cfg.ServeMetrics {
		mux.Handle("GET /metrics", cfg.Metrics.Handler())
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.Handle("GET /readyz", readyHandler(cfg.Service, cfg.Draining, cfg.Logger))
	// The console: its bundle, and its API, whose unknown paths (and, in
	// production, the development sign-in) get the API's JSON 404.
	admin := console.Handler(http.HandlerFunc(apiNotFound), cfg.ConsoleSignIn.connectOrigins()...)
	mux.Handle("/admin", admin)
	mux.Handle("/admin/", admin)
	mux.Handle("/admin/api/config", console.Secure(consoleConfigHandler(cfg.DevSessions != nil, cfg.ConsoleSignIn)))
	if cfg.DevSessions != nil {
		mux.Handle("/admin/api/dev-session", console.Secure(devSessionHandler(cfg.DevSessions, cfg.Logger)))
	}
	// Tracing inside the request ID, so spans carry it, and directly
	// around the mux (recoverPanics passes the request on as is), which
	// names the span after its route.
	return origin.AssignRequestID(cfg.Tracing.Middleware(cfg.Origins, recoverPanics(cfg.Logger, mux)))
}

// graphQLTracing is the tracing extension of the GraphQL handler, or none.
func graphQLTracing(p *tracing.Provider) []graphql.HandlerExtension {
	if !p.Enabled() {
		return nil
	}
	return []graphql.HandlerExtension{p.GraphQL()}
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
				writeGraphQLError(w, r, http.StatusInternalServerError, string(apperr.Internal), "internal error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// MetricsHandler serves m at GET /metrics and nothing else, for the
// metrics listener (PATS_METRICS_ADDR).
func MetricsHandler(m *metrics.Metrics) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	return mux
}

// chain wraps h in middlewares, the first listed outermost.
func chain(h http.Handler, middlewares ...func(http.Handler) http.Handler) http.Handler {
	for i := len(middlewares) - 1; i >= 0; i-- {
		h = middlewares[i](h)
	}
	return h
}

// deadline gives every request a context deadline, which every database
// call made for it inherits.
func deadline(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// limitBody refuses bodies over MaxBodyBytes: a declared length up front,
// an undeclared one as soon as reading passes the bound.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > MaxBodyBytes {
			writeGraphQLError(w, r, http.StatusRequestEntityTooLarge, string(apperr.BadRequest), "request body too large")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}
