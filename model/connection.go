package model

import "context"

// PersonalAccessTokenConnection is a Relay page of tokens. TotalCount runs
// its query only when a client selects the field.
type PersonalAccessTokenConnection struct {
	Edges    []*PersonalAccessTokenEdge
	Nodes    []*PersonalAccessToken
	PageInfo *PageInfo
	// Count computes the total number of matches, ignoring the cursor.
	Count func(ctx context.Context) (int, error)
}

// TotalCount counts every token matching the filter.
func (c *PersonalAccessTokenConnection) TotalCount(ctx context.Context) (int, error) {
	return c.Count(ctx)
}

// UserConnection is a Relay page of users.
type UserConnection struct {
	Edges    []*UserEdge
	Nodes    []*User
	PageInfo *PageInfo
}

// UserEdge is one user of a page and its cursor.
type UserEdge struct {
	Cursor string
	Node   *User
}
