package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/patgov/pats/internal/cursor"
	"github.com/patgov/pats/internal/entity"
)

// OrderField is a column the token list can be ordered by.
type OrderField string

// The order fields of the token list.
const (
	OrderCreatedAt  OrderField = "CREATED_AT"
	OrderExpiresAt  OrderField = "EXPIRES_AT"
	OrderLastUsedAt OrderField = "LAST_USED_AT"
	OrderName       OrderField = "NAME"
)

// ListQuery is a normalized token list request. Nil filter fields are
// absent; a non-nil empty OwnerSubjects or Statuses matches nothing.
type ListQuery struct {
	Reach Reach
	// Now and LifespanMillis define the effective expiry and the status.
	Now            int64
	LifespanMillis int64

	Statuses       []entity.TokenStatus
	OwnerSubjects  *[]string
	Search         string
	Scopes         []string
	ExpiresBefore  *int64
	ExpiresAfter   *int64
	LastUsedBefore *int64
	NeverUsed      *bool
	// CreatedUntil keeps tokens created at or before it (a revocation
	// preview's time: tokens created since are never swept up).
	CreatedUntil *int64 `json:",omitempty"`

	Order OrderField
	Desc  bool
	// CapPossible is false when no token of the organization can be
	// capped by the current maximum lifespan (it is at least the highest
	// ever): the effective expiry is then expires_at itself.
	CapPossible bool
	// After is the position of the last row of the previous page.
	After *cursor.Key
	Limit int
}

// ListTokens returns up to q.Limit tokens after q.After in q's order.
//
// An admin's page, unless it searches text or scopes, is read in two steps
// within one statement: the IDs of the page come from the order field's
// covering index alone (a range scan that starts at the cursor), and the
// rows are then joined by primary key. Searches and members' own lists
// (small, or filtered on columns no index holds) read the rows directly.
func (s *Store) ListTokens(ctx context.Context, q ListQuery) ([]*entity.PersonalAccessToken, error) {
	var db *gorm.DB
	if q.coveredByIndex() {
		db = q.Reach.where(s.db.WithContext(ctx).Table("personal_access_tokens AS t"), "t").
			Joins("JOIN (?) page ON page.id = t.id", s.pageIDs(q))
	} else {
		db = s.filtered(s.db.WithContext(ctx), q, "t")
		if q.After != nil {
			db = keysetAfter(db, q, "t", sortColumn(q, "t"), sortValue(q))
		}
	}
	var tokens []*entity.PersonalAccessToken
	err := db.Select("t.*").Order(orderBy(q, "t")).Limit(q.Limit).Find(&tokens).Error
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return tokens, nil
}

// coveredByIndex reports whether every condition of q reads only columns
// that the order indexes hold.
func (q ListQuery) coveredByIndex() bool {
	return q.Reach.OwnerID == nil && q.Search == "" && len(q.Scopes) == 0
}

// CountTokens counts every token matching q's filter, ignoring q.After.
func (s *Store) CountTokens(ctx context.Context, q ListQuery) (int64, error) {
	var n int64
	if err := s.filtered(s.db.WithContext(ctx), q, "t").Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count tokens: %w", err)
	}
	return n, nil
}

// filtered builds FROM and WHERE for q on table alias a: the scope first,
// then each filter.
func (s *Store) filtered(db *gorm.DB, q ListQuery, a string) *gorm.DB {
	db = q.Reach.where(db.Table("personal_access_tokens AS "+a), a)
	return filterOn(db, q, a)
}

// filterOn adds q's filters on table alias a.
func filterOn(db *gorm.DB, q ListQuery, a string) *gorm.DB {
	t := a + "."
	if q.Statuses != nil {
		db = statusIn(db, t, q.Statuses, q.Now, q.LifespanMillis)
	}
	if q.OwnerSubjects != nil {
		if len(*q.OwnerSubjects) == 0 {
			db = db.Where("1 = 0")
		} else {
			db = db.Where(t+"owner_id IN (SELECT o.id FROM users o WHERE o.organization_id = ? AND o.subject IN ?)",
				q.Reach.OrgID, *q.OwnerSubjects)
		}
	}
	if q.Search != "" {
		// INSTR is a plain, case-sensitive substring test on both dialects
		// (the columns are lower-cased copies), so '%' and '_' match
		// themselves and SQLite's case-insensitive LIKE is not involved.
		needle := strings.ToLower(q.Search)
		db = db.Joins("JOIN users u ON u.id = "+t+"owner_id").
			Where("(INSTR("+t+"name_key, ?) > 0 OR INSTR(u.name_key, ?) > 0 OR INSTR(u.email_key, ?) > 0)",
				needle, needle, needle)
	}
	for _, scope := range q.Scopes {
		// Scopes are stored as " a b c ", so " s " matches whole scopes only.
		db = db.Where("INSTR("+t+"scopes, ?) > 0", " "+scope+" ")
	}
	if q.ExpiresBefore != nil {
		// effective < T  <=>  expires_at < T OR created_at + L < T
		db = db.Where("("+t+"expires_at < ? OR "+t+"created_at < ?)", *q.ExpiresBefore, *q.ExpiresBefore-q.LifespanMillis)
	}
	if q.ExpiresAfter != nil {
		// effective > T  <=>  expires_at > T AND created_at + L > T
		db = db.Where(t+"expires_at > ? AND "+t+"created_at > ?", *q.ExpiresAfter, *q.ExpiresAfter-q.LifespanMillis)
	}
	if q.LastUsedBefore != nil {
		db = db.Where(t+"last_used_at < ?", *q.LastUsedBefore)
	}
	if q.CreatedUntil != nil {
		db = db.Where(t+"created_at <= ?", *q.CreatedUntil)
	}
	if q.NeverUsed != nil {
		if *q.NeverUsed {
			db = db.Where(t + "last_used_at IS NULL")
		} else {
			db = db.Where(t + "last_used_at IS NOT NULL")
		}
	}
	return db
}

// statusIn keeps the tokens whose status is one of statuses. Comparisons
// are on the stored columns against values computed from now and the
// lifespan, so they need no date arithmetic in SQL.
func statusIn(db *gorm.DB, t string, statuses []entity.TokenStatus, now, lifespan int64) *gorm.DB {
	var active, expired, revoked bool
	for _, st := range statuses {
		switch st {
		case entity.TokenStatusActive:
			active = true
		case entity.TokenStatusExpired:
			expired = true
		case entity.TokenStatusRevoked:
			revoked = true
		}
	}
	switch {
	case active && expired && revoked:
		return db
	case active && expired:
		return db.Where(t + "revoked_at IS NULL")
	case active && revoked:
		return db.Where("("+t+"revoked_at IS NOT NULL OR ("+t+"expires_at > ? AND "+t+"created_at > ?))", now, now-lifespan)
	case expired && revoked:
		return db.Where("("+t+"revoked_at IS NOT NULL OR "+t+"expires_at <= ? OR "+t+"created_at <= ?)", now, now-lifespan)
	case active:
		return activeAt(db, t, now, lifespan)
	case expired:
		return db.Where(t+"revoked_at IS NULL AND ("+t+"expires_at <= ? OR "+t+"created_at <= ?)", now, now-lifespan)
	case revoked:
		return db.Where(t + "revoked_at IS NOT NULL")
	default:
		return db.Where("1 = 0")
	}
}

// activeAt keeps tokens that are not revoked and whose effective expiry,
// min(expires_at, created_at + lifespan), is after now. prefix is the
// table alias with its dot, or "".
func activeAt(db *gorm.DB, prefix string, now, lifespan int64) *gorm.DB {
	return db.Where(prefix+"revoked_at IS NULL AND "+prefix+"expires_at > ? AND "+prefix+"created_at > ?", now, now-lifespan)
}
