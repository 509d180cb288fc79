package store

import (
	"fmt"

	"gorm.io/gorm"
)

// pageIDs is a subquery of the IDs of q's page, read from the order
// field's covering index only (table alias k). Reading no row keeps the
// plan a range scan from the cursor on both MariaDB and SQLite.
//
// Two orders need the union of two index scans, each stopping after a
// page, which the outer query merges:
//   - LAST_USED_AT ascending: used tokens by last use, then never-used
//     ones by ID (an index yields NULLs first, but they sort last).
//   - EXPIRES_AT while the maximum lifespan may cap tokens: the effective
//     expiry is expires_at for uncapped tokens (the expiry index) and
//     created_at + lifespan for capped ones (the creation index).
func (s *Store) pageIDs(q ListQuery) *gorm.DB {
	switch {
	case q.Order == OrderLastUsedAt && !q.Desc:
		return s.lastUsedAscendingIDs(q)
	case q.Order == OrderExpiresAt && q.CapPossible:
		return s.effectiveExpiryIDs(q)
	case q.Order == OrderExpiresAt:
		return s.indexScan(q, "k.expires_at", nil)
	default:
		return s.indexScan(q, sortColumn(q, "k"), nil)
	}
}

// indexScan selects the IDs of up to a page of q's matches ordered by col
// (then ID), after the cursor (whose sort value in col's terms is
// q.After's, shifted by cursorShift when given), with extra conditions.
func (s *Store) indexScan(q ListQuery, col string, cursorShift *int64, extra ...string) *gorm.DB {
	db := s.filtered(s.db, q, "k").Select("k.id")
	for _, cond := range extra {
		db = db.Where(cond)
	}
	if q.After != nil {
		value := sortValue(q)
		if cursorShift != nil {
			value = q.After.Int + *cursorShift
		}
		db = keysetAfter(db, q, "k", col, value)
	}
	dir, _ := direction(q)
	return db.Order(fmt.Sprintf("%s %s, k.id %s", col, dir, dir)).Limit(q.Limit)
}

// union selects the IDs of both subqueries (each already limited).
func (s *Store) union(a, b *gorm.DB) *gorm.DB {
	return s.db.Raw("SELECT id FROM (?) a UNION ALL SELECT id FROM (?) b", a, b)
}

func (s *Store) lastUsedAscendingIDs(q ListQuery) *gorm.DB {
	neverUsed := s.filtered(s.db, q, "k").Select("k.id").Where("k.last_used_at IS NULL")
	if q.After != nil && q.After.Null {
		// Past the last used token: only never-used ones remain.
		return neverUsed.Where("k.id > ?", q.After.ID).Order("k.id ASC").Limit(q.Limit)
	}
	used := s.indexScan(q, "k.last_used_at", nil, "k.last_used_at IS NOT NULL")
	return s.union(used, neverUsed.Order("k.id ASC").Limit(q.Limit))
}

func (s *Store) effectiveExpiryIDs(q ListQuery) *gorm.DB {
	capped := fmt.Sprintf("k.expires_at > k.created_at + %d", q.LifespanMillis)
	uncapped := fmt.Sprintf("k.expires_at <= k.created_at + %d", q.LifespanMillis)
	shift := -q.LifespanMillis // a capped token's created_at is its effective expiry - L
	return s.union(
		s.indexScan(q, "k.expires_at", nil, uncapped),
		s.indexScan(q, "k.created_at", &shift, capped),
	)
}
