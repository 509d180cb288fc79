package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/config"
	"github.com/patgov/pats/internal/entity"
)

// DevOrganization is the organization of the development identities.
const DevOrganization = "demo-org"

// DevSessionLifetime is how long a development session token is valid.
const DevSessionLifetime = 12 * time.Hour

// ErrUnknownDevRole is returned for a role with no development identity.
var ErrUnknownDevRole = errors.New("role must be admin, member or directory")

// devIdentity is a demo user that development mode signs in as.
type devIdentity struct {
	subject, name, email string
	role                 auth.Role
	accountType          entity.AccountType
}

// devIdentities are the development identities, by the role the console
// asks for: an admin and a member with local accounts, and a directory
// (federated) member, who may not own tokens.
var devIdentities = map[string]devIdentity{
	"admin":     {subject: "demo-admin", name: "Demo Admin", email: "admin@demo.example", role: auth.RoleAdmin, accountType: entity.AccountTypeLocal},
	"member":    {subject: "demo-member", name: "Demo Member", email: "member@demo.example", role: auth.RoleMember, accountType: entity.AccountTypeLocal},
	"directory": {subject: "demo-directory", name: "Demo Directory User", email: "directory@demo.example", role: auth.RoleMember, accountType: entity.AccountTypeDirectory},
}

// NewDevSessions returns the function that mints development session
// tokens for cfg: for role "admin", "member" or "directory", a token for
// that identity of DevOrganization, signed with key (the development key),
// with cfg's issuer and audience when set, valid DevSessionLifetime. It
// returns nil unless cfg is in development mode (no PATS_JWT_SECRET), so
// a production server has nothing that could mint a token, and
// POST /admin/api/dev-session is an unknown path there.
func NewDevSessions(cfg config.Config, key []byte) func(role string) (token string, expiresAt time.Time, err error) {
	if !cfg.DevMode() {
		return nil
	}
	return func(role string) (string, time.Time, error) {
		id, ok := devIdentities[role]
		if !ok {
			return "", time.Time{}, ErrUnknownDevRole
		}
		return mintDevSession(key, cfg.JWTIssuer, cfg.JWTAudience, id, time.Now())
	}
}

// mintDevSession signs a session token for id, issued at now.
func mintDevSession(key []byte, issuer, audience string, id devIdentity, now time.Time) (string, time.Time, error) {
	registered := jwt.RegisteredClaims{
		Subject: id.subject, Issuer: issuer,
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(DevSessionLifetime)),
	}
	if audience != "" {
		registered.Audience = jwt.ClaimStrings{audience}
	}
	token, err := auth.Sign(key, &auth.Claims{
		RegisteredClaims: registered,
		Org:              DevOrganization, Role: id.role,
		Email: id.email, Name: id.name, AccountType: id.accountType,
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sign development session: %w", err)
	}
	// exp has whole seconds: report exactly what the token says.
	return token, registered.ExpiresAt.Time, nil
}

// consoleConfig is the body of GET /admin/api/config. It holds nothing
// that needs a session, and no secret: whether development sign-in is
// offered, and how to sign in through the identity provider, if at all.
type consoleConfig struct {
	DevMode bool           `json:"devMode"`
	SignIn  *ConsoleSignIn `json:"signIn,omitempty"`
}

// consoleConfigHandler serves GET /admin/api/config.
func consoleConfigHandler(devMode bool, signIn *ConsoleSignIn) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeGraphQLError(w, r, http.StatusMethodNotAllowed, string(apperr.BadRequest), "method not allowed: use GET")
			return
		}
		writeJSON(w, http.StatusOK, consoleConfig{DevMode: devMode, SignIn: signIn})
	})
}

// devSessionRequest is the body of POST /admin/api/dev-session.
type devSessionRequest struct {
	Role string `json:"role"`
}

// devSessionResponse is its answer; ExpiresAt is RFC 3339 in UTC with
// milliseconds, like every time of the GraphQL API.
type devSessionResponse struct {
	Token     string `json:"token"`
	ExpiresAt string `json:"expiresAt"`
}

// devSessionHandler serves POST /admin/api/dev-session in development
// mode. Only a JSON body is accepted: a cross-site page can send one only
// after a CORS preflight, which this service never grants, so a forged
// form post cannot reach mint.
func devSessionHandler(mint func(role string) (string, time.Time, error), log *slog.Logger) http.Handler {
	issue := limitBody(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := readJSONObject(w, r, `{"role": "admin" | "member" | "directory"}`)
		if !ok {
			return
		}
		var req devSessionRequest
		if json.Unmarshal(body, &req) != nil {
			writeGraphQLError(w, r, http.StatusBadRequest, string(apperr.BadRequest), `request body must be one JSON object: {"role": "admin" | "member" | "directory"}`)
			return
		}
		token, expiresAt, err := mint(req.Role)
		switch {
		case errors.Is(err, ErrUnknownDevRole):
			writeGraphQLError(w, r, http.StatusBadRequest, string(apperr.BadUserInput), ErrUnknownDevRole.Error())
			return
		case err != nil:
			log.ErrorContext(r.Context(), "development session failed", "err", err)
			writeGraphQLError(w, r, http.StatusInternalServerError, string(apperr.Internal), "internal error")
			return
		}
		log.InfoContext(r.Context(), "development session issued", "role", req.Role)
		writeJSON(w, http.StatusOK, devSessionResponse{Token: token, ExpiresAt: entity.TimeOf(expiresAt).String()})
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeGraphQLError(w, r, http.StatusMethodNotAllowed, string(apperr.BadRequest), "method not allowed: use POST")
			return
		}
		issue.ServeHTTP(w, r)
	})
}
