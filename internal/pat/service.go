// Package pat holds the rules of personal access tokens: who may create,
// list and revoke them, the organization policy (enabled, maximum
// lifespan), lifespans and statuses, quotas, and what makes a token
// authenticate. It is independent of GraphQL and HTTP: it takes its own
// requests (ListRequest, TokenFilter, PageRequest, …), returns entities and
// its own Page, and declares what it needs of persistence (Store,
// CredentialStore), which package store implements in SQL. The resolvers
// convert at the edge; TestDomainKnowsNoGraphQL keeps it so.
package pat

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/cursor"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/ratelimit"
	"github.com/patgov/pats/internal/store"
)

// Service applies the token rules of the admin and user API on top of a
// store: settings, creation, listing, revocation, users, the audit trail.
// Introspection, the resource servers' hot path, is the Validator's; the
// Service tells it of its own writes so that this instance's cache never
// lags them.
type Service struct {
	store     Store
	validator *Validator
	cursors   *cursor.Codec
	// previews signs the confirmations of revocation previews.
	previews *cursor.Codec
	jobs     *jobRunner
	sweeper  *sweeper
	webhooks *webhooks
	mail     MailConfig
	scopes   []string
	known    map[string]bool
	now      func() time.Time
	// byValue limits each admin's revocations by value.
	byValue *ratelimit.Limiter
}

// Config configures a Service.
type Config struct {
	// Scopes is the list of grantable scopes; DefaultScopes when empty.
	Scopes []string
	// CursorKey signs pagination cursors (at least 32 bytes).
	CursorKey []byte
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// RevokeByValuePerMinute bounds the token values each admin may revoke
	// by value a minute, batches counted per value (default
	// DefaultRevokeByValuePerMinute; negative: no limit): pasting values is
	// how a stolen admin session would probe for valid tokens.
	RevokeByValuePerMinute int
	// PreviewKey signs the confirmations of revocation previews (at least
	// 32 bytes, not CursorKey: a cursor must never pass for one). Every
	// instance must share it.
	PreviewKey []byte
	// Jobs configures the background revocation jobs.
	Jobs JobConfig
	// Sweeper configures the stale-token sweeper.
	Sweeper SweeperConfig
	// Webhooks configures webhook endpoints and deliveries.
	Webhooks WebhookConfig
	// Mail configures e-mail to token owners.
	Mail MailConfig
}

// NewService returns a service over st whose writes invalidate v's cache.
func NewService(st Store, v *Validator, cfg Config) (*Service, error) {
	scopes := cfg.Scopes
	if len(scopes) == 0 {
		scopes = DefaultScopes
	}
	scopes, err := NormalizeScopeList(scopes)
	if err != nil {
		return nil, err
	}
	codec, err := cursor.NewCodec(cfg.CursorKey)
	if err != nil {
		return nil, fmt.Errorf("cursor key: %w", err)
	}
	previews, err := cursor.NewCodec(cfg.PreviewKey)
	if err != nil {
		return nil, fmt.Errorf("preview key: %w", err)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	known := make(map[string]bool, len(scopes))
	for _, s := range scopes {
		known[s] = true
	}
	s := &Service{
		store: st, validator: v, cursors: codec, previews: previews, scopes: scopes, known: known, now: now,
		byValue: ratelimit.New(cmp.Or(cfg.RevokeByValuePerMinute, DefaultRevokeByValuePerMinute), time.Minute, 100_000),
	}
	s.jobs = newJobRunner(s, cfg.Jobs)
	s.sweeper = newSweeper(s, cfg.Sweeper)
	s.mail = cfg.Mail
	if v != nil {
		v.setReuseHandler(func(ctx context.Context, orgID int64, tokenID string) {
			if _, err := s.handleReuse(ctx, orgID, tokenID); err != nil {
				slog.WarnContext(ctx, "reuse detection: revoking the lineage failed", "token_id", tokenID, "err", err)
			}
		})
	}
	if s.webhooks, err = newWebhooks(cfg.Webhooks); err != nil {
		return nil, err
	}
	return s, nil
}

// Scope list bounds: a token holding every scope must fit the scopes column
// (MaxScopes × (MaxScopeLength + 1) + 1 bytes).
const (
	MaxScopes      = 100
	MaxScopeLength = 100
)

// NormalizeScopeList validates a configured scope list (no blanks, no white
// space inside a scope, within the bounds) and returns it sorted and
// de-duplicated.
func NormalizeScopeList(scopes []string) ([]string, error) {
	out := make([]string, 0, len(scopes))
	for _, s := range scopes {
		s = strings.TrimSpace(s)
		if s == "" || strings.IndexFunc(s, unicode.IsSpace) >= 0 || len(s) > MaxScopeLength || !utf8.ValidString(s) {
			return nil, fmt.Errorf("scope list: invalid scope %q (1 to %d bytes, no white space)", s, MaxScopeLength)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > MaxScopes {
		return nil, fmt.Errorf("scope list: %d scopes, at most %d", len(out), MaxScopes)
	}
	return out, nil
}

// AvailableScopes returns the grantable scopes in canonical order.
func (s *Service) AvailableScopes() []string { return slices.Clone(s.scopes) }

// clock returns the current time at the storage precision.
func (s *Service) clock() entity.Time { return entity.TimeOf(s.now()) }

// Ping reports whether the database answers.
func (s *Service) Ping(ctx context.Context) error { return s.store.Ping(ctx) }

// Provision implements auth.Provisioner: it returns the caller's
// organization and user, created or refreshed from the claims.
func (s *Service) Provision(ctx context.Context, c *auth.Claims) (*auth.Principal, error) {
	org, user, refreshed, err := s.store.Provision(ctx, store.Identity{
		OrgExternalID: c.Org, Subject: c.Subject, Email: c.Email, Name: c.Name, AccountType: c.AccountType,
	}, store.OrgDefaults{Enabled: DefaultEnabled, MaxLifespanDays: DefaultMaxLifespanDays}, s.clock())
	if err != nil {
		return nil, err
	}
	if refreshed {
		// The account type may have changed: re-check this user's tokens.
		s.validator.invalidate(store.Changes{UserIDs: []int64{user.ID}})
	}
	return &auth.Principal{Org: org, User: user, Role: c.Role}, nil
}

// UsersByIDs returns the organization's users with the given internal IDs,
// in the order of ids (nil where a user is missing). It backs the
// per-request user loader.
func (s *Service) UsersByIDs(ctx context.Context, orgID int64, ids []int64) ([]*entity.User, error) {
	users, err := s.store.UsersByIDs(ctx, orgID, ids)
	if err != nil {
		return nil, err
	}
	byID := indexUsers(users)
	out := make([]*entity.User, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// errForbiddenAdmin is returned when a member calls an admin operation.
func errForbiddenAdmin() error {
	return apperr.New(apperr.Forbidden, "only organization admins may do this")
}

// indexUsers maps users by their internal ID.
func indexUsers(users []*entity.User) map[int64]*entity.User {
	byID := make(map[int64]*entity.User, len(users))
	for _, u := range users {
		byID[u.ID] = u
	}
	return byID
}
