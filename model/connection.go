package model

import (
	"context"

	"github.com/patgov/pats/internal/entity"
)

// PersonalAccessTokenConnection is a Relay page of tokens. TotalCount runs
// its query only when a client selects the field.
type PersonalAccessTokenConnection struct {
	Edges    []*PersonalAccessTokenEdge
	Nodes    []*entity.PersonalAccessToken
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
	Nodes    []*entity.User
	PageInfo *PageInfo
}

// UserEdge is one user of a page and its cursor.
type UserEdge struct {
	Cursor string
	Node   *entity.User
}

// AuditEventConnection is a Relay page of audit events.
type AuditEventConnection struct {
	Edges    []*AuditEventEdge
	Nodes    []*entity.AuditEvent
	PageInfo *PageInfo
}

// AuditEventEdge is one event of a page and its cursor.
type AuditEventEdge struct {
	Cursor string
	Node   *entity.AuditEvent
}
