package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/patgov/pats/internal/entity"
)

// UserQuery is a normalized page request of an organization's users,
// ordered by lower-cased name, then subject (unique in the organization).
type UserQuery struct {
	OrgID int64
	// Search is a substring of the name or email, matched case-insensitively.
	Search string
	// AfterName and AfterSubject are the position of the last user of the
	// previous page (nil: from the start).
	AfterName    *string
	AfterSubject string
	Limit        int
}

// ListUsers returns up to q.Limit users of q's organization after the
// cursor. The index (organization_id, name_key, subject) serves the order
// and the cursor; a search filters the rows read in that order.
func (s *Store) ListUsers(ctx context.Context, q UserQuery) ([]*entity.User, error) {
	// The service's own actors (secret scanning) never signed in: they are
	// not people an admin filters the inventory by.
	db := s.db.WithContext(ctx).Where("organization_id = ?", q.OrgID).Where("account_type <> ?", entity.AccountTypeSystem)
	if q.Search != "" {
		// INSTR on the lower-cased copies: a plain substring test on both
		// dialects, so '%' and '_' match themselves.
		needle := strings.ToLower(q.Search)
		db = db.Where("(INSTR(name_key, ?) > 0 OR INSTR(email_key, ?) > 0)", needle, needle)
	}
	if q.AfterName != nil {
		db = db.Where("(name_key > ? OR (name_key = ? AND subject > ?))", *q.AfterName, *q.AfterName, q.AfterSubject)
	}
	var users []*entity.User
	if err := db.Order("name_key, subject").Limit(q.Limit).Find(&users).Error; err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return users, nil
}
