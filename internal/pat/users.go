package pat

import (
	"context"
	"encoding/json"
	"errors"
	"unicode/utf8"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/cursor"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/store"
)

// UsersRequest is a page request of the organization's users.
type UsersRequest struct {
	PageRequest
	// Search is a substring of the name or email (nil: everyone).
	Search *string
}

// ListUsers returns one page of the organization's users by name (admins
// only): the people an admin can filter the inventory by.
func (s *Service) ListUsers(ctx context.Context, p *auth.Principal, req UsersRequest) (*Page[*entity.User], error) {
	if !p.IsAdmin() {
		return nil, errForbiddenAdmin()
	}
	q := store.UserQuery{OrgID: p.Org.ID}
	return readPage(ctx, s.cursors, req.PageRequest, keysetList[*entity.User]{
		what: "search",
		prepare: func() ([]byte, error) {
			if req.Search != nil {
				if utf8.RuneCountInString(*req.Search) > maxSearchLength {
					return nil, apperr.New(apperr.BadUserInput, "search accepts at most %d characters", maxSearchLength).With("field", "search")
				}
				q.Search = *req.Search
			}
			return usersShape(p, q), nil
		},
		fetch: func(ctx context.Context, after *cursor.Key, limit int) ([]*entity.User, error) {
			page := q
			if after != nil {
				page.AfterName, page.AfterSubject = &after.Str, after.ID
			}
			page.Limit = limit
			return s.store.ListUsers(ctx, page)
		},
		// The subject, not the internal ID, breaks ties: cursors are
		// readable, and internal IDs would tell how many users all
		// organizations have.
		key: func(u *entity.User) cursor.Key { return cursor.Key{Str: u.NameKey, ID: u.Subject} },
	})
}

// usersShape identifies the user query a cursor belongs to.
func usersShape(p *auth.Principal, q store.UserQuery) []byte {
	b, err := json.Marshal(struct {
		Kind      string
		Org, User int64
		Search    string
	}{"users", p.Org.ID, p.User.ID, q.Search})
	if err != nil {
		panic(errors.New("users shape: " + err.Error())) // plain data: cannot fail
	}
	return b
}
