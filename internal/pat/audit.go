package pat

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/oklog/ulid/v2"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/cursor"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/origin"
	"github.com/patgov/pats/internal/store"
)

// Audit filter bounds, so one request cannot build an unbounded statement.
const (
	maxFilterActors = 1000
	maxFilterTokens = 1000
)

// newAuditEvent starts the audit event of a change the caller makes now,
// with the request's origin.
func newAuditEvent(ctx context.Context, p *auth.Principal, action entity.AuditAction, now entity.Time) *entity.AuditEvent {
	return newActorEvent(ctx, p.Org.ID, p.User.ID, action, now)
}

// newActorEvent starts the audit event of a change actorID makes in orgID
// now, with the request's origin.
func newActorEvent(ctx context.Context, orgID, actorID int64, action entity.AuditAction, now entity.Time) *entity.AuditEvent {
	o := origin.From(ctx)
	e := &entity.AuditEvent{
		ID: ulid.Make().String(), OrganizationID: orgID, Action: action, OccurredAt: now, ActorID: actorID,
		RequestID: o.RequestID, ClientIP: o.ClientIP, UserAgent: o.UserAgent,
	}
	if o.ClientRequestID != "" {
		client := o.ClientRequestID
		e.ClientRequestID = &client
	}
	return e
}

// withToken records a snapshot of tok (never its secret or digest), whose
// effective expiry is effective.
func withToken(e *entity.AuditEvent, tok *entity.PersonalAccessToken, effective entity.Time) *entity.AuditEvent {
	id, owner, name, scopes, hint := tok.ID, tok.OwnerID, tok.Name, tok.Scopes, tok.Hint
	e.TokenID, e.TokenOwnerID, e.TokenName, e.TokenScopes, e.TokenHint = &id, &owner, &name, &scopes, &hint
	e.TokenExpiresAt = &effective
	return e
}

// revocationEvents are the audit events of revoking, now, those of the
// locked tokens found that are not revoked yet: exactly the rows the
// revocation will change.
func revocationEvents(ctx context.Context, p *auth.Principal, now entity.Time, found []*entity.PersonalAccessToken) []*entity.AuditEvent {
	var events []*entity.AuditEvent
	for _, t := range found {
		if t.RevokedAt != nil {
			continue
		}
		source := entity.RevokedByAdmin
		if t.OwnerID == p.User.ID {
			source = entity.RevokedByOwner
		}
		events = append(events, revocationEvent(ctx, p, now, t, source))
	}
	return events
}

// revocationEvent is the audit event of revoking t now, as source says.
func revocationEvent(ctx context.Context, p *auth.Principal, now entity.Time, t *entity.PersonalAccessToken, source entity.RevocationSource) *entity.AuditEvent {
	e := newAuditEvent(ctx, p, entity.AuditTokenRevoked, now)
	withToken(e, t, EffectiveExpiry(t.CreatedAt, t.ExpiresAt, p.Org.MaxLifespanDays))
	e.RevocationSource = &source
	return e
}

// settingsEvent is the audit event of changing the policy from before to
// after.
func settingsEvent(ctx context.Context, p *auth.Principal, now entity.Time, before, after entity.Organization) *entity.AuditEvent {
	e := newAuditEvent(ctx, p, entity.AuditSettingsUpdated, now)
	e.PreviousEnabled, e.Enabled = &before.PatEnabled, &after.PatEnabled
	e.PreviousMaxLifespanDays, e.MaxLifespanDays = &before.MaxLifespanDays, &after.MaxLifespanDays
	e.PreviousRevokeUnusedAfterDays, e.RevokeUnusedAfterDays = &before.RevokeUnusedAfterDays, &after.RevokeUnusedAfterDays
	return e
}

// AuditRequest is a page request of the audit trail.
type AuditRequest struct {
	PageRequest
	// Filter narrows the trail (nil: every event).
	Filter *AuditFilter
}

// AuditFilter narrows the audit trail; nil fields do not filter, empty
// lists match nothing.
type AuditFilter struct {
	Actions  []entity.AuditAction
	ActorIDs []string // subjects
	TokenIDs []string
	// Since (inclusive) and Until (exclusive) bound when it happened.
	Since, Until *entity.Time
}

// ListAuditEvents returns one page of the organization's audit trail,
// newest first (admins only).
func (s *Service) ListAuditEvents(ctx context.Context, p *auth.Principal, req AuditRequest) (*Page[*entity.AuditEvent], error) {
	if !p.IsAdmin() {
		return nil, errForbiddenAdmin()
	}
	var q store.AuditQuery
	return readPage(ctx, s.cursors, req.PageRequest, keysetList[*entity.AuditEvent]{
		what: "filter",
		prepare: func() (shape []byte, err error) {
			if q, err = auditQuery(p, req.Filter); err != nil {
				return nil, err
			}
			return auditShape(p, q), nil
		},
		fetch: func(ctx context.Context, after *cursor.Key, limit int) ([]*entity.AuditEvent, error) {
			page := q
			if after != nil {
				page.AfterTime, page.AfterID = &after.Int, after.ID
			}
			page.Limit = limit
			return s.store.ListAuditEvents(ctx, page)
		},
		key: func(e *entity.AuditEvent) cursor.Key { return cursor.Key{Int: e.OccurredAt.Millis(), ID: e.ID} },
	})
}

// auditQuery validates and normalizes a filter into a store query.
func auditQuery(p *auth.Principal, f *AuditFilter) (store.AuditQuery, error) {
	q := store.AuditQuery{OrgID: p.Org.ID}
	if f == nil {
		return q, nil
	}
	if f.Actions != nil {
		actions := sortedSet(f.Actions)
		q.Actions = &actions
	}
	if f.ActorIDs != nil {
		if len(f.ActorIDs) > maxFilterActors {
			return q, apperr.New(apperr.BadUserInput, "actorIds accepts at most %d IDs", maxFilterActors).With("field", "filter.actorIds")
		}
		actors := sortedSet(f.ActorIDs)
		q.ActorSubjects = &actors
	}
	if f.TokenIDs != nil {
		if len(f.TokenIDs) > maxFilterTokens {
			return q, apperr.New(apperr.BadUserInput, "tokenIds accepts at most %d IDs", maxFilterTokens).With("field", "filter.tokenIds")
		}
		tokens := sortedSet(f.TokenIDs)
		q.TokenIDs = &tokens
	}
	// Stored times are whole milliseconds: "at or after T" means at or
	// after T rounded up, "before T" before T rounded up.
	q.Since = millisOrNil(f.Since, entity.Time.CeilMillis)
	q.Until = millisOrNil(f.Until, entity.Time.CeilMillis)
	return q, nil
}

// sortedSet returns the distinct values of in, sorted, never nil.
func sortedSet[T ~string](in []T) []T {
	out := slices.Clone(in)
	slices.Sort(out)
	return append([]T{}, slices.Compact(out)...)
}

// auditShape identifies the audit query a cursor belongs to.
func auditShape(p *auth.Principal, q store.AuditQuery) []byte {
	q.AfterTime, q.AfterID, q.Limit = nil, "", 0
	b, err := json.Marshal(struct {
		Kind      string
		Org, User int64
		Query     store.AuditQuery
	}{"audit", p.Org.ID, p.User.ID, q})
	if err != nil {
		panic(errors.New("audit shape: " + err.Error())) // plain data: cannot fail
	}
	return b
}
