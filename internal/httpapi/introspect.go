package httpapi

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/metrics"
	"github.com/patgov/pats/internal/pat"
	"github.com/patgov/pats/internal/ratelimit"
)

// inactiveBody is the one answer for every token that does not
// authenticate, byte for byte, so the response reveals nothing about why.
var inactiveBody = []byte(`{"active":false}` + "\n")

// introspectionResponse is an RFC 7662 response for an active token.
type introspectionResponse struct {
	Active    bool   `json:"active"`
	Scope     string `json:"scope"`
	Sub       string `json:"sub"`
	Username  string `json:"username"`
	Org       string `json:"org"`
	Exp       int64  `json:"exp"`
	Iat       int64  `json:"iat"`
	TokenType string `json:"token_type"`
}

// introspectHandler answers POST /introspect (RFC 7662) for resource
// servers that present the shared secret.
func introspectHandler(val *pat.Validator, secret string, limit *ratelimit.Limiter, m *metrics.Metrics, log *slog.Logger) http.Handler {
	want := sha256.Sum256([]byte(secret))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		outcome := "inactive"
		defer func() { m.ObserveIntrospection(outcome, time.Since(start)) }()
		presented, ok := auth.BearerToken(r.Header.Get("Authorization"))
		got := sha256.Sum256([]byte(presented))
		// Comparing fixed-size digests in constant time reveals neither the
		// secret nor its length.
		if secret == "" || !ok || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			outcome = "unauthorized"
			w.Header().Set("WWW-Authenticate", `Bearer realm="pats-introspection"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
			return
		}
		// Per client credential: the key is the credential's digest.
		if ok, wait := limit.Allow(string(got[:])); !ok {
			outcome = "rate_limited"
			w.Header().Set("Retry-After", strconv.Itoa(ratelimit.RetryAfterSeconds(wait)))
			writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "rate_limited"})
			return
		}
		if err := r.ParseForm(); err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "request_too_large"})
				return
			}
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
			return
		}
		ctx := r.Context()
		info, err := val.Introspect(ctx, r.PostForm.Get("token"))
		if err != nil {
			// Unknown is not inactive: a resource server must not treat an
			// outage as a revocation.
			outcome = "error"
			log.ErrorContext(ctx, "introspection failed", "err", err)
			w.Header().Set("Retry-After", "1")
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "temporarily_unavailable"})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if info == nil {
			_, _ = w.Write(inactiveBody)
			return
		}
		outcome = "active"
		_ = json.NewEncoder(w).Encode(introspectionResponse{
			Active: true, Scope: info.Scope, Sub: info.Subject, Username: info.Username,
			Org: info.Org, Exp: info.Exp, Iat: info.Iat, TokenType: "personal_access_token",
		})
	})
}

// readyHandler answers 200 while the database answers, 503 otherwise, and
// 503 from the moment the server starts shutting down.
func readyHandler(svc *pat.Service, draining func() bool, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if draining != nil && draining() {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "shutting down"})
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := svc.Ping(ctx); err != nil {
			log.WarnContext(ctx, "readiness check failed", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}
