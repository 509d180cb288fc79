package auth

import (
	"context"
	"net/http"
	"strings"
)

// Provisioner turns verified claims into a Principal, creating or
// refreshing the organization and user as needed.
type Provisioner interface {
	Provision(ctx context.Context, claims *Claims) (*Principal, error)
}

// Middleware authenticates every request with the Authorization header and
// puts the Principal in its context. It calls reject with ErrInvalidToken
// (wrapped) for a missing or bad token, or with the provisioner's error.
func Middleware(v *Verifier, prov Provisioner, reject func(w http.ResponseWriter, r *http.Request, err error)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			raw, ok := BearerToken(r.Header.Get("Authorization"))
			if !ok {
				reject(w, r, ErrInvalidToken)
				return
			}
			claims, err := v.VerifyContext(r.Context(), raw)
			if err != nil {
				reject(w, r, err)
				return
			}
			p, err := prov.Provision(r.Context(), claims)
			if err != nil {
				reject(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
		})
	}
}

// BearerToken extracts the credential of an "Authorization: Bearer X"
// header value; the scheme is case-insensitive.
func BearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}
