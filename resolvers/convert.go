package resolvers

import (
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/pat"
	"github.com/patgov/pats/model"
)

// The edge between GraphQL and the domain: GraphQL inputs become the
// domain's requests, the domain's pages become Relay connections.

// tokenListRequest is the domain request of the tokens query.
func tokenListRequest(first *int, after *string, f *model.PersonalAccessTokenFilter, o *model.PersonalAccessTokenOrder) pat.ListRequest {
	req := pat.ListRequest{PageRequest: pat.PageRequest{First: first, After: after}}
	if f != nil {
		filter := tokenFilter(*f)
		req.Filter = &filter
	}
	if o != nil {
		req.Order = &pat.TokenOrder{Field: pat.TokenOrderField(o.Field), Descending: o.Direction == model.OrderDirectionDesc}
	}
	return req
}

// tokenFilter is the domain's token filter.
func tokenFilter(f model.PersonalAccessTokenFilter) pat.TokenFilter {
	return pat.TokenFilter{
		Statuses: f.Status, OwnerIDs: f.OwnerIds, Search: f.Search, Scopes: f.Scopes,
		ExpiresBefore: f.ExpiresBefore, ExpiresAfter: f.ExpiresAfter, LastUsedBefore: f.LastUsedBefore,
		NeverUsed: f.NeverUsed,
	}
}

// settingsChange is the domain's settings change.
func settingsChange(in model.UpdatePatSettingsInput) pat.SettingsChange {
	return pat.SettingsChange{Enabled: in.Enabled, MaxLifespanDays: in.MaxLifespanDays, RevokeUnusedAfterDays: in.RevokeUnusedAfterDays}
}

// settingsImpact is the impact as the API shows it.
func settingsImpact(im *pat.SettingsImpact) *model.PatSettingsImpact {
	return &model.PatSettingsImpact{
		TokensExpiring: im.TokensExpiring, TokensRestored: im.TokensRestored, TokensBlocked: im.TokensBlocked,
		TokensRevokedAsUnused: im.TokensRevokedAsUnused, AffectedOwners: im.AffectedOwners, Sample: im.Sample,
	}
}

// revocationPreview is the preview as the API shows it.
func revocationPreview(p *pat.RevocationPreview) *model.RevocationPreview {
	return &model.RevocationPreview{
		MatchingCount: p.MatchingCount, OwnerCount: p.OwnerCount, Sample: p.Sample,
		Confirmation: p.Confirmation, ExpiresAt: p.ExpiresAt,
	}
}

// auditRequest is the domain request of the auditEvents query.
func auditRequest(first *int, after *string, f *model.AuditEventFilter) pat.AuditRequest {
	req := pat.AuditRequest{PageRequest: pat.PageRequest{First: first, After: after}}
	if f != nil {
		req.Filter = &pat.AuditFilter{Actions: f.Actions, ActorIDs: f.ActorIds, TokenIDs: f.TokenIds, Since: f.Since, Until: f.Until}
	}
	return req
}

// tokenConnection is a page of tokens as a Relay connection; its
// totalCount runs only if selected.
func tokenConnection(p *pat.Page[*entity.PersonalAccessToken]) *model.PersonalAccessTokenConnection {
	c := &model.PersonalAccessTokenConnection{Nodes: p.Items, PageInfo: pageInfo(p), Count: p.Total}
	c.Edges = edges(p, func(cursor string, t *entity.PersonalAccessToken) *model.PersonalAccessTokenEdge {
		return &model.PersonalAccessTokenEdge{Cursor: cursor, Node: t}
	})
	return c
}

// userConnection is a page of users as a Relay connection.
func userConnection(p *pat.Page[*entity.User]) *model.UserConnection {
	return &model.UserConnection{Nodes: p.Items, PageInfo: pageInfo(p), Edges: edges(p, func(cursor string, u *entity.User) *model.UserEdge {
		return &model.UserEdge{Cursor: cursor, Node: u}
	})}
}

// auditConnection is a page of audit events as a Relay connection.
func auditConnection(p *pat.Page[*entity.AuditEvent]) *model.AuditEventConnection {
	return &model.AuditEventConnection{Nodes: p.Items, PageInfo: pageInfo(p), Edges: edges(p, func(cursor string, e *entity.AuditEvent) *model.AuditEventEdge {
		return &model.AuditEventEdge{Cursor: cursor, Node: e}
	})}
}

// edges pairs each item of p with its cursor.
func edges[T, E any](p *pat.Page[T], edge func(cursor string, item T) E) []E {
	out := make([]E, len(p.Items))
	for i, it := range p.Items {
		out[i] = edge(p.Cursors[i], it)
	}
	return out
}

// pageInfo is the Relay page information of p.
func pageInfo[T any](p *pat.Page[T]) *model.PageInfo {
	info := &model.PageInfo{HasNextPage: p.HasNextPage, HasPreviousPage: p.HasPreviousPage}
	if n := len(p.Cursors); n > 0 {
		info.StartCursor, info.EndCursor = &p.Cursors[0], &p.Cursors[n-1]
	}
	return info
}

// revokeByValuePayload is a batch revocation by value as its payload.
func revokeByValuePayload(done *pat.RevokedByValues) *model.RevokeTokensByValuePayload {
	out := &model.RevokeTokensByValuePayload{RevokedCount: done.Count, Results: make([]*model.RevokeByValueResult, len(done.Results))}
	for i, r := range done.Results {
		out.Results[i] = &model.RevokeByValueResult{Index: i, Outcome: model.RevokeByValueOutcome(r.Outcome), Token: r.Token}
	}
	return out
}

// leakAlert is where a secret scanner found the token of e, or nil.
func leakAlert(e *entity.AuditEvent) *model.LeakAlert {
	if e.AlertURL == nil && e.AlertSource == nil {
		return nil
	}
	a := &model.LeakAlert{}
	if e.AlertURL != nil {
		a.URL = *e.AlertURL
	}
	if e.AlertSource != nil {
		a.Source = *e.AlertSource
	}
	return a
}

// auditedExport is what the export of e downloaded, or nil.
func auditedExport(e *entity.AuditEvent) *model.AuditedExport {
	if e.ExportFormat == nil || e.ExportFilter == nil {
		return nil
	}
	return &model.AuditedExport{Format: *e.ExportFormat, Filter: *e.ExportFilter}
}

// deliveryConnection is a page of deliveries as a Relay connection; a
// delivery's cursor is its ID.
func deliveryConnection(p *pat.DeliveryPage, hasPrevious bool) *model.WebhookDeliveryConnection {
	c := &model.WebhookDeliveryConnection{Nodes: p.Deliveries, Edges: []*model.WebhookDeliveryEdge{},
		PageInfo: &model.PageInfo{HasNextPage: p.HasNext, HasPreviousPage: hasPrevious}}
	if c.Nodes == nil {
		c.Nodes = []*entity.Delivery{}
	}
	for _, d := range p.Deliveries {
		c.Edges = append(c.Edges, &model.WebhookDeliveryEdge{Cursor: d.ID, Node: d})
	}
	if n := len(p.Deliveries); n > 0 {
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &p.Deliveries[0].ID, &p.Deliveries[n-1].ID
	}
	return c
}

func derefInt(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

func derefString(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
