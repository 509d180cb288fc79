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
	"github.com/patgov/pats/model"
)

// UsersRequest is a page request of the organization's users.
type UsersRequest struct {
	First  *int
	After  *string
	Search *string
}

// ListUsers returns one page of the organization's users by name (admins
// only): the people an admin can filter the inventory by.
func (s *Service) ListUsers(ctx context.Context, p *auth.Principal, req UsersRequest) (*model.UserConnection, error) {
	if !p.IsAdmin() {
		return nil, errForbiddenAdmin()
	}
	limit, err := pageLimit(req.First)
	if err != nil {
		return nil, err
	}
	q := store.UserQuery{OrgID: p.Org.ID}
	if req.Search != nil {
		if utf8.RuneCountInString(*req.Search) > maxSearchLength {
			return nil, apperr.New(apperr.BadUserInput, "search accepts at most %d characters", maxSearchLength).With("field", "search")
		}
		q.Search = *req.Search
	}
	shape := usersShape(p, q)
	if req.After != nil {
		key, err := s.cursors.Decode(shape, *req.After)
		if err != nil {
			return nil, errBadCursor("search")
		}
		q.AfterName, q.AfterSubject = &key.Str, key.ID
	}
	q.Limit = limit + 1
	users, err := s.store.ListUsers(ctx, q)
	if err != nil {
		return nil, err
	}
	// The subject, not the internal ID, breaks ties: cursors are readable,
	// and internal IDs would tell how many users all organizations have.
	users, cursors, info := keysetPage(users, limit, req.After != nil, func(u *entity.User) string {
		return s.cursors.Encode(shape, cursor.Key{Str: u.NameKey, ID: u.Subject})
	})
	conn := &model.UserConnection{Edges: make([]*model.UserEdge, len(users)), Nodes: users, PageInfo: info}
	for i, u := range users {
		conn.Edges[i] = &model.UserEdge{Cursor: cursors[i], Node: u}
	}
	return conn, nil
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
