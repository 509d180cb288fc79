package store

import (
	"fmt"

	"gorm.io/gorm"
)

// sortColumn is the SQL expression of q's order field on table alias a.
// The effective expiry is computed with integer arithmetic on millisecond
// columns; the lifespan is a server-side integer, never user text, so it is
// safe to inline.
func sortColumn(q ListQuery, a string) string {
	t := a + "."
	switch q.Order {
	case OrderExpiresAt:
		return fmt.Sprintf("(CASE WHEN %[1]sexpires_at < %[1]screated_at + %[2]d THEN %[1]sexpires_at ELSE %[1]screated_at + %[2]d END)", t, q.LifespanMillis)
	case OrderLastUsedAt:
		return t + "last_used_at"
	case OrderName:
		return t + "name_key"
	default:
		return t + "created_at"
	}
}

// sortValue is the cursor's sort value, typed for its column.
func sortValue(q ListQuery) any {
	if q.Order == OrderName {
		return q.After.Str
	}
	return q.After.Int
}

// direction returns the SQL direction and the keyset comparison of q.
func direction(q ListQuery) (dir, cmp string) {
	if q.Desc {
		return "DESC", "<"
	}
	return "ASC", ">"
}

// orderBy is the ORDER BY clause on alias a: the sort column, then the ID
// as the tie-breaker in the same direction. Never-used tokens sort last in
// both directions (neither dialect's NULL placement is relied on).
func orderBy(q ListQuery, a string) string {
	dir, _ := direction(q)
	col := sortColumn(q, a)
	if q.Order == OrderLastUsedAt {
		return fmt.Sprintf("(%s IS NULL) ASC, %s %s, %s.id %s", col, col, dir, a, dir)
	}
	return fmt.Sprintf("%s %s, %s.id %s", col, dir, a, dir)
}

// keysetAfter keeps the rows of alias a strictly after the cursor, for
// rows ordered by col (then ID) and a cursor whose sort value is value. The
// predicate is the expanded form (c > x OR (c = x AND id > y)), which index
// range scans can use, not the row constructor (c, id) > (x, y).
func keysetAfter(db *gorm.DB, q ListQuery, a, col string, value any) *gorm.DB {
	_, cmp := direction(q)
	id := a + ".id"
	if q.Order == OrderLastUsedAt {
		if q.After.Null {
			// Past the last used token: only never-used ones remain.
			return db.Where(fmt.Sprintf("(%s IS NULL AND %s %s ?)", col, id, cmp), q.After.ID)
		}
		return db.Where(fmt.Sprintf("(%[1]s %[2]s ? OR (%[1]s = ? AND %[3]s %[2]s ?) OR %[1]s IS NULL)", col, cmp, id),
			value, value, q.After.ID)
	}
	return db.Where(fmt.Sprintf("(%[1]s %[2]s ? OR (%[1]s = ? AND %[3]s %[2]s ?))", col, cmp, id), value, value, q.After.ID)
}
