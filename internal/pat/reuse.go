package pat

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/origin"
	"github.com/patgov/pats/internal/store"
)

// ReuseDetectionActor is the user, in each organization, that revokes a
// lineage when a token rotated away is presented again; its subject is
// reserved, so no session can be it.
var ReuseDetectionActor = store.SystemActor{
	Subject: auth.ReservedSubjectPrefix + "reuse-detection",
	Name:    "Rotated-token reuse detection",
}

// reuseTimeout bounds the revocation of a lineage from an introspection.
const reuseTimeout = 5 * time.Second

// reuseThrottle is how long a token rotated away is not handled again on
// this instance after being presented: replaying it cannot make every
// introspection walk the lineage.
const reuseThrottle = time.Minute

// reuseGate remembers the tokens rotated away recently presented.
type reuseGate struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

// first reports whether id was not presented within reuseThrottle of now,
// and remembers it.
func (g *reuseGate) first(id string, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.seen == nil {
		g.seen = map[string]time.Time{}
	}
	if at, ok := g.seen[id]; ok && now.Sub(at) < reuseThrottle {
		return false
	}
	if len(g.seen) > 10_000 {
		for k, at := range g.seen {
			if now.Sub(at) >= reuseThrottle {
				delete(g.seen, k)
			}
		}
	}
	g.seen[id] = now
	return true
}

// handleReuse revokes every active token descended from the rotated-away
// token tokenID of orgID (source REUSE_DETECTED, audited, in the outbox
// as token.revoked events, so the owner is told), and drops them from
// the validation cache. It returns how many it revoked.
func (s *Service) handleReuse(ctx context.Context, orgID int64, tokenID string) (int, error) {
	now := s.clock()
	digests, err := s.store.RevokeLineage(ctx, orgID, tokenID, ReuseDetectionActor, now, func(r store.LineageRevocation) []*entity.AuditEvent {
		o := origin.From(ctx)
		if o.RequestID == "" {
			o.RequestID = "reuse-" + ulid.Make().String()
		}
		ectx := origin.With(context.Background(), o)
		events := make([]*entity.AuditEvent, len(r.Unrevoked))
		for i, t := range r.Unrevoked {
			e := newActorEvent(ectx, orgID, r.Actor.ID, entity.AuditTokenRevoked, now)
			withToken(e, t, t.ExpiresAt)
			source := entity.RevokedOnReuse
			e.RevocationSource = &source
			events[i] = e
		}
		return events
	})
	if len(digests) > 0 {
		s.validator.invalidate(store.Changes{RevokedDigests: digests})
		slog.WarnContext(ctx, "a rotated-away token was presented: its successors were revoked", "token_id", tokenID, "revoked", len(digests))
	}
	return len(digests), err
}

// setReuseHandler makes the validator call fn, at most once a minute per
// token, when an introspection presents a token revoked by rotation.
func (v *Validator) setReuseHandler(fn func(ctx context.Context, orgID int64, tokenID string)) {
	v.reuse = fn
}

// reused handles the presentation of cred, a token rotated away, before
// the (inactive) answer, within reuseTimeout: the lineage is revoked by
// the time the caller learns the token is refused. Throttled per token
// (reuseGate), so replaying it costs one lineage walk a minute.
func (v *Validator) reused(ctx context.Context, cred *store.Credential) {
	if v.reuse == nil || !v.reuseGate.first(cred.TokenID, v.now()) {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), reuseTimeout)
	defer cancel()
	v.reuse(rctx, cred.OrganizationID, cred.TokenID)
}
