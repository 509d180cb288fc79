package pat

import (
	"context"
	"encoding/json"
	"errors"
	"unicode/utf8"

	"github.com/patgov/pats/apperr"
	"github.com/patgov/pats/auth"
	"github.com/patgov/pats/cursor"
	"github.com/patgov/pats/model"
	"github.com/patgov/pats/store"
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
	limit := DefaultPageSize
	if req.First != nil {
		limit = *req.First
	}
	if limit < 1 || limit > MaxPageSize {
		return nil, apperr.New(apperr.BadUserInput, "first must be between 1 and %d", MaxPageSize).With("field", "first")
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
			return nil, apperr.New(apperr.BadUserInput, "invalid cursor: it must come from the same query (search and caller)").
				With("field", "after")
		}
		q.AfterName, q.AfterSubject = &key.Str, key.ID
	}
	q.Limit = limit + 1
	users, err := s.store.ListUsers(ctx, q)
	if err != nil {
		return nil, err
	}
	hasNext := len(users) > limit
	if hasNext {
		users = users[:limit]
	}
	conn := &model.UserConnection{
		Edges:    make([]*model.UserEdge, len(users)),
		Nodes:    users,
		PageInfo: &model.PageInfo{HasNextPage: hasNext, HasPreviousPage: req.After != nil},
	}
	for i, u := range users {
		// The subject, not the internal ID, breaks ties: cursors are
		// readable, and internal IDs would tell how many users all
		// organizations have.
		conn.Edges[i] = &model.UserEdge{Cursor: s.cursors.Encode(shape, cursor.Key{Str: u.NameKey, ID: u.Subject}), Node: u}
	}
	if len(conn.Edges) > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[len(conn.Edges)-1].Cursor
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
