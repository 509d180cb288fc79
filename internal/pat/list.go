package pat

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/cursor"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/store"
)

// Filter input bounds, so one request cannot build an unbounded statement.
const (
	maxSearchLength = 200
	maxFilterOwners = 1000
	maxFilterScopes = 100
)

// ListRequest is a page request of the token list.
type ListRequest struct {
	PageRequest
	// Filter narrows the list (nil: every token not revoked).
	Filter *TokenFilter
	// Order sorts it (nil: newest first).
	Order *TokenOrder
}

// TokenFilter narrows the token list; nil fields do not filter.
type TokenFilter struct {
	// Statuses keeps tokens in one of these states (nil: active and
	// expired; empty: none).
	Statuses []entity.TokenStatus `json:"status"`
	// OwnerIDs keeps tokens of these users, by subject (nil: anyone;
	// empty: no one).
	OwnerIDs []string `json:"ownerIds"`
	// Search is a substring of the token name or the owner's name or
	// email, matched case-insensitively.
	Search *string `json:"search,omitempty"`
	// Scopes keeps tokens holding every one of these scopes.
	Scopes []string `json:"scopes,omitempty"`
	// ExpiresBefore and ExpiresAfter bound the effective expiry
	// (exclusive); LastUsedBefore the last use (exclusive).
	ExpiresBefore  *entity.Time `json:"expiresBefore,omitempty"`
	ExpiresAfter   *entity.Time `json:"expiresAfter,omitempty"`
	LastUsedBefore *entity.Time `json:"lastUsedBefore,omitempty"`
	// NeverUsed keeps tokens never used (true) or used at least once.
	NeverUsed *bool `json:"neverUsed,omitempty"`
}

// TokenOrderField is what the token list can be sorted by.
type TokenOrderField = store.OrderField

// The token sort keys, each ending in the token ID for a total order.
const (
	OrderCreatedAt  = store.OrderCreatedAt
	OrderExpiresAt  = store.OrderExpiresAt
	OrderLastUsedAt = store.OrderLastUsedAt
	OrderName       = store.OrderName
)

// TokenOrder sorts the token list.
type TokenOrder struct {
	Field      TokenOrderField `json:"field"`
	Descending bool            `json:"descending"`
}

// ListTokens returns one page of the tokens the caller may see: every token
// of the organization for admins, their own for members.
func (s *Service) ListTokens(ctx context.Context, p *auth.Principal, req ListRequest) (*Page[*entity.PersonalAccessToken], error) {
	now := s.clock()
	var q store.ListQuery
	page, err := readPage(ctx, s.cursors, req.PageRequest, keysetList[*entity.PersonalAccessToken]{
		what: "filter, order",
		prepare: func() (shape []byte, err error) {
			if q, err = listQuery(p, req, now); err != nil {
				return nil, err
			}
			return queryShape(p, q), nil
		},
		fetch: func(ctx context.Context, after *cursor.Key, limit int) ([]*entity.PersonalAccessToken, error) {
			page := q
			page.After, page.Limit = after, limit
			tokens, err := s.store.ListTokens(ctx, page)
			// Before the cursors: the EXPIRES_AT key is the derived expiry.
			deriveStatus(p.Org, now, tokens...)
			return tokens, err
		},
		key: func(t *entity.PersonalAccessToken) cursor.Key { return sortKey(q.Order, t) },
	})
	if err != nil {
		return nil, err
	}
	page.Total = func(ctx context.Context) (int, error) {
		if unfiltered(q) {
			// Maintained with every creation and revocation.
			return int(p.Org.UnrevokedTokenCount), nil
		}
		n, err := s.store.CountTokens(ctx, q)
		return int(n), err
	}
	return page, nil
}

// listQuery validates and normalizes the request into a store query.
func listQuery(p *auth.Principal, req ListRequest, now entity.Time) (store.ListQuery, error) {
	q := store.ListQuery{
		Reach:          reachOf(p),
		Now:            now.Millis(),
		LifespanMillis: entity.LifespanMillis(p.Org.MaxLifespanDays),
		Statuses:       []entity.TokenStatus{entity.TokenStatusActive, entity.TokenStatusExpired},
		Order:          store.OrderCreatedAt,
		Desc:           true,
		CapPossible:    p.Org.MaxLifespanDays < p.Org.MaxLifespanDaysEver,
	}
	if o := req.Order; o != nil {
		q.Order = o.Field
		q.Desc = o.Descending
	}
	f := req.Filter
	if f == nil {
		return q, nil
	}
	if f.Statuses != nil {
		q.Statuses = slices.Clone(f.Statuses)
		slices.Sort(q.Statuses)
		q.Statuses = slices.Compact(q.Statuses)
	}
	if f.OwnerIDs != nil {
		if len(f.OwnerIDs) > maxFilterOwners {
			return q, apperr.New(apperr.BadUserInput, "ownerIds accepts at most %d IDs", maxFilterOwners).With("field", "filter.ownerIds")
		}
		owners := slices.Clone(f.OwnerIDs)
		slices.Sort(owners)
		owners = slices.Compact(owners)
		q.OwnerSubjects = &owners
	}
	if f.Search != nil {
		if len([]rune(*f.Search)) > maxSearchLength {
			return q, apperr.New(apperr.BadUserInput, "search accepts at most %d characters", maxSearchLength).With("field", "filter.search")
		}
		q.Search = *f.Search
	}
	if len(f.Scopes) > maxFilterScopes {
		return q, apperr.New(apperr.BadUserInput, "scopes accepts at most %d scopes", maxFilterScopes).With("field", "filter.scopes")
	}
	for _, sc := range f.Scopes {
		if sc == "" || strings.ContainsAny(sc, " \t\r\n") {
			return q, apperr.New(apperr.BadUserInput, "scopes must not be empty or contain white space").With("field", "filter.scopes")
		}
	}
	q.Scopes = slices.Clone(f.Scopes)
	slices.Sort(q.Scopes)
	q.Scopes = slices.Compact(q.Scopes)
	// Stored times are whole milliseconds: "before T" means before T
	// rounded up, "after T" after T rounded down.
	q.ExpiresBefore = millisOrNil(f.ExpiresBefore, entity.Time.CeilMillis)
	q.ExpiresAfter = millisOrNil(f.ExpiresAfter, entity.Time.Millis)
	q.LastUsedBefore = millisOrNil(f.LastUsedBefore, entity.Time.CeilMillis)
	q.NeverUsed = f.NeverUsed
	return q, nil
}

// unfiltered reports whether q is an admin's list with no filter but the
// default status (not revoked), whose count the organization maintains.
func unfiltered(q store.ListQuery) bool {
	return q.Reach.OwnerID == nil && q.OwnerSubjects == nil && q.Search == "" && len(q.Scopes) == 0 &&
		q.ExpiresBefore == nil && q.ExpiresAfter == nil && q.LastUsedBefore == nil && q.NeverUsed == nil &&
		slices.Equal(q.Statuses, []entity.TokenStatus{entity.TokenStatusActive, entity.TokenStatusExpired})
}

// reachOf is the reach of the caller: the organization, and for members
// only their own tokens.
func reachOf(p *auth.Principal) store.Reach {
	sc := store.Reach{OrgID: p.Org.ID}
	if !p.IsAdmin() {
		id := p.User.ID
		sc.OwnerID = &id
	}
	return sc
}

func millisOrNil(t *entity.Time, millis func(entity.Time) int64) *int64 {
	if t == nil {
		return nil
	}
	ms := millis(*t)
	return &ms
}

// queryShape identifies the query a cursor belongs to: the caller and the
// normalized filter and order, but not the page size, the position, the
// clock or the lifespan (a policy change only moves the tokens it affects).
func queryShape(p *auth.Principal, q store.ListQuery) []byte {
	q.Now, q.LifespanMillis, q.After, q.Limit = 0, 0, nil, 0
	b, err := json.Marshal(struct {
		Org, User int64
		Query     store.ListQuery
	}{p.Org.ID, p.User.ID, q})
	if err != nil {
		panic(errors.New("query shape: " + err.Error())) // plain data: cannot fail
	}
	return b
}

// sortKey is the position of t in a list ordered by field; it must match
// the store's SQL sort expression exactly.
func sortKey(field store.OrderField, t *entity.PersonalAccessToken) cursor.Key {
	switch field {
	case store.OrderExpiresAt:
		return cursor.Key{Int: t.EffectiveExpiresAt.Millis(), ID: t.ID}
	case store.OrderLastUsedAt:
		if t.LastUsedAt == nil {
			return cursor.Key{Null: true, ID: t.ID}
		}
		return cursor.Key{Int: t.LastUsedAt.Millis(), ID: t.ID}
	case store.OrderName:
		return cursor.Key{Str: t.NameKey, ID: t.ID}
	default:
		return cursor.Key{Int: t.CreatedAt.Millis(), ID: t.ID}
	}
}
