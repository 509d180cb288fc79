package store

import (
	"fmt"

	"gorm.io/gorm"
)

// sortColumn is the SQL expression of q's order field. The effective expiry
// is computed with integer arithmetic on millisecond columns; the lifespan
// is a server-side integer, never user text, so it is safe to inline.
func sortColumn(q ListQuery) string {
	switch q.Order {
	case OrderExpiresAt:
		return fmt.Sprintf("(CASE WHEN t.expires_at < t.created_at + %[1]d THEN t.expires_at ELSE t.created_at + %[1]d END)", q.LifespanMillis)
	case OrderLastUsedAt:
		return "t.last_used_at"
	case OrderName:
		return "t.name_key"
	default:
		return "t.created_at"
	}
}

// orderBy is the ORDER BY clause: the sort column, then the ID as the
// tie-breaker in the same direction. Never-used tokens sort last in both
// directions (neither dialect's NULL placement is relied on).
func orderBy(q ListQuery) string {
	dir := "ASC"
	if q.Desc {
		dir = "DESC"
	}
	col := sortColumn(q)
	if q.Order == OrderLastUsedAt {
		return fmt.Sprintf("(t.last_used_at IS NULL) ASC, %s %s, t.id %s", col, dir, dir)
	}
	return fmt.Sprintf("%s %s, t.id %s", col, dir, dir)
}

// keysetAfter keeps the rows strictly after q.After in q's order. The
// predicate is the expanded form (a > x OR (a = x AND id > y)), which
// index range scans can use, not the row constructor (a, id) > (x, y).
func keysetAfter(db *gorm.DB, q ListQuery) *gorm.DB {
	k := q.After
	cmp := ">"
	if q.Desc {
		cmp = "<"
	}
	col := sortColumn(q)
	var value any = k.Int
	if q.Order == OrderName {
		value = k.Str
	}
	if q.Order == OrderLastUsedAt {
		if k.Null {
			// Past the last used token: only never-used ones remain.
			return db.Where("(t.last_used_at IS NULL AND t.id "+cmp+" ?)", k.ID)
		}
		return db.Where(fmt.Sprintf("(%[1]s %[2]s ? OR (%[1]s = ? AND t.id %[2]s ?) OR %[1]s IS NULL)", col, cmp),
			value, value, k.ID)
	}
	return db.Where(fmt.Sprintf("(%[1]s %[2]s ? OR (%[1]s = ? AND t.id %[2]s ?))", col, cmp), value, value, k.ID)
}
