package pat

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/origin"
	"github.com/patgov/pats/internal/store"
)

// Stale-token sweeper defaults (SweeperConfig).
const (
	// DefaultSweepInterval is how often each instance tries to sweep: well
	// within the hour the policy promises.
	DefaultSweepInterval = 15 * time.Minute
	// DefaultSweepLease is how long a sweep holds the lease without a
	// chunk: an instance that dies mid-sweep is taken over after it.
	DefaultSweepLease = 2 * time.Minute
	// DefaultSweepChunkSize is how many tokens one transaction revokes or
	// warns.
	DefaultSweepChunkSize = 500
	// sweeperLease names the sweeper's row in worker_leases.
	sweeperLease = "stale-token-sweeper"
)

// SweeperConfig configures the stale-token sweeper.
type SweeperConfig struct {
	// Interval is how often this instance tries to sweep (default
	// DefaultSweepInterval); Lease how long a sweep holds the lease
	// without progress (DefaultSweepLease); ChunkSize how many tokens a
	// transaction handles (DefaultSweepChunkSize, at most
	// InlineRevocationLimit).
	Interval, Lease time.Duration
	ChunkSize       int
	// OnSweep, when set, learns of each sweep this instance ran.
	OnSweep func(SweepResult)
}

// SweepResult is what one sweep did.
type SweepResult struct {
	// Ran is false when another instance held the lease.
	Ran bool
	// Revoked and Warned count the tokens revoked as unused and the
	// owners warned, across organizations; Noticed the expiry notices
	// (token.expiring, token.expired) written.
	Revoked, Warned, Noticed int
}

// StaleTokenActor is the user, in each organization, that revokes tokens
// under the stale-token policy; its subject is reserved, so no session
// can be it.
var StaleTokenActor = store.SystemActor{
	Subject: auth.ReservedSubjectPrefix + "stale-token-policy",
	Name:    "Stale-token policy",
}

// sweeper runs the stale-token policy of every organization that has one,
// as at most one instance at a time (a lease in the database).
type sweeper struct {
	svc *Service
	// owner names this instance in the lease.
	owner           string
	interval, lease time.Duration
	chunk           int
	onSweep         func(SweepResult)
}

func newSweeper(svc *Service, cfg SweeperConfig) *sweeper {
	w := &sweeper{
		svc: svc, owner: ulid.Make().String(),
		interval: cmp.Or(cfg.Interval, DefaultSweepInterval), lease: cmp.Or(cfg.Lease, DefaultSweepLease),
		chunk:   min(cmp.Or(cfg.ChunkSize, DefaultSweepChunkSize), InlineRevocationLimit),
		onSweep: cfg.OnSweep,
	}
	if w.onSweep == nil {
		w.onSweep = func(SweepResult) {}
	}
	return w
}

// RunSweeper sweeps at start and every interval until ctx ends.
func (s *Service) RunSweeper(ctx context.Context) {
	w := s.sweeper
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		if _, err := s.SweepStaleTokens(ctx); err != nil && ctx.Err() == nil {
			slog.WarnContext(ctx, "stale-token sweep failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ReleaseSweeperLease gives up this instance's sweeper lease, if it holds
// it (a graceful stop), so that another instance may sweep at once.
func (s *Service) ReleaseSweeperLease(ctx context.Context) error {
	return s.store.ReleaseLease(ctx, sweeperLease, s.sweeper.owner)
}

// SweepStaleTokens runs one sweep of the token lifecycle now, if this
// instance can take the lease (Ran false if another holds it): in every
// organization whose stale-token policy is on, it revokes the active
// tokens unused for longer than the policy allows (source UNUSED, by
// StaleTokenActor), then warns the owners of those that will be within
// StaleWarningDays (outbox events token.stale_warning); then, in every
// organization, it writes the expiry notices due (token.expiring 7 days
// and 1 day before the effective expiry, token.expired after it, each
// once per effective expiry: a lowered lifespan that brings it forward
// notices again). All in chunks, each renewing the lease. Losing the lease mid-sweep stops it (another instance goes on).
func (s *Service) SweepStaleTokens(ctx context.Context) (SweepResult, error) {
	w := s.sweeper
	var res SweepResult
	now := s.clock()
	if err := s.store.AcquireLease(ctx, sweeperLease, w.owner, now, now.Millis()+w.lease.Milliseconds()); err != nil {
		if errors.Is(err, store.ErrLeaseHeld) {
			return res, nil
		}
		return res, err
	}
	res.Ran = true
	defer func() { w.onSweep(res) }()
	orgs, err := s.store.StalePolicies(ctx)
	if err != nil {
		return res, err
	}
	for _, org := range orgs {
		revoked, warned, err := w.sweepOrganization(ctx, org)
		res.Revoked, res.Warned = res.Revoked+revoked, res.Warned+warned
		if err != nil {
			return res, err
		}
	}
	all, err := s.store.Organizations(ctx)
	if err != nil {
		return res, err
	}
	for _, org := range all {
		n, err := w.noticeExpiries(ctx, org)
		res.Noticed += n
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// Expiry notices: 7 days and 1 day before a token's effective expiry,
// and once it passed (for tokens that expired within expiredNoticeWindow,
// so that the first sweep does not notice every token that ever expired).
const (
	expiryNoticeAhead   = 7 * 24 * time.Hour
	expiryNoticeSoon    = 24 * time.Hour
	expiredNoticeWindow = 2 * 24 * time.Hour
)

// ExpiryPayload is the content of a token.expiring or token.expired
// event.
type ExpiryPayload struct {
	TokenID   string      `json:"tokenId"`
	TokenName string      `json:"tokenName"`
	OwnerID   int64       `json:"ownerId"`
	ExpiresAt entity.Time `json:"expiresAt"`
	// DaysLeft is the whole days left until ExpiresAt, rounded up
	// (token.expiring: at most 7; a token created to expire in 3 days
	// says 3), 0 for token.expired.
	DaysLeft int `json:"daysLeft"`
}

// daysLeft is the whole days from now to expiry (Unix ms), rounded up; 0
// once it passed.
func daysLeft(expiry, now int64) int {
	if expiry <= now {
		return 0
	}
	day := entity.LifespanMillis(1)
	return int((expiry - now + day - 1) / day)
}

// noticeExpiries writes org's due expiry notices, chunk by chunk.
func (w *sweeper) noticeExpiries(ctx context.Context, org *entity.Organization) (int, error) {
	total := 0
	for {
		now := w.svc.clock()
		q := store.ExpiryQuery{
			OrgID: org.ID, Now: now.Millis(), Lifespan: entity.LifespanMillis(org.MaxLifespanDays),
			Ahead: expiryNoticeAhead.Milliseconds(), Soon: expiryNoticeSoon.Milliseconds(), Behind: expiredNoticeWindow.Milliseconds(),
			Size: w.chunk, Lease: sweeperLease, Owner: w.owner, LeaseUntil: now.Millis() + w.lease.Milliseconds(),
		}
		n, full, err := w.svc.store.RecordExpiryNotices(ctx, q, func(ns []store.ExpiryNotice) []*entity.OutboxEvent {
			out := make([]*entity.OutboxEvent, len(ns))
			for i, e := range ns {
				typ := entity.EventTokenExpiring
				if e.Stage == 0 {
					typ = entity.EventTokenExpired
				}
				body, _ := json.Marshal(ExpiryPayload{TokenID: e.Token.ID, TokenName: e.Token.Name, OwnerID: e.Token.OwnerID,
					ExpiresAt: entity.TimeFromMillis(e.Effective), DaysLeft: daysLeft(e.Effective, now.Millis())})
				payload, id := string(body), e.Token.ID
				out[i] = &entity.OutboxEvent{ID: ulid.Make().String(), OrganizationID: org.ID, EventType: typ, OccurredAt: now,
					TokenID: &id, Payload: &payload}
			}
			return out
		})
		total += n
		if err != nil || !full {
			return total, err
		}
	}
}

// sweepOrganization revokes org's stale tokens, then warns the owners of
// those soon stale, chunk by chunk.
func (w *sweeper) sweepOrganization(ctx context.Context, org *entity.Organization) (revoked, warned int, err error) {
	for {
		now := w.svc.clock()
		q := w.query(org, now)
		digests, full, err := w.svc.store.RevokeStaleChunk(ctx, q, StaleTokenActor, now, staleAudit(org, now))
		if err != nil {
			return revoked, warned, err
		}
		if len(digests) > 0 {
			w.svc.validator.invalidate(store.Changes{RevokedDigests: digests})
			revoked += len(digests)
		}
		if !full {
			break
		}
	}
	for {
		now := w.svc.clock()
		q := w.query(org, now)
		n, full, err := w.svc.store.RecordStaleWarnings(ctx, q, staleWarnings(org, now))
		warned += n
		if err != nil || !full {
			return revoked, warned, err
		}
	}
}

// query is org's policy at now for one chunk, renewing this instance's
// lease.
func (w *sweeper) query(org *entity.Organization, now entity.Time) store.StaleQuery {
	stale := staleBefore(now, org.RevokeUnusedAfterDays)
	return store.StaleQuery{
		OrgID: org.ID, Now: now.Millis(),
		Cap:         now.Millis() - entity.LifespanMillis(org.MaxLifespanDays),
		StaleBefore: stale, WarnBefore: stale + entity.LifespanMillis(StaleWarningDays),
		Size:  w.chunk,
		Lease: sweeperLease, Owner: w.owner, LeaseUntil: now.Millis() + w.lease.Milliseconds(),
	}
}

// staleAudit returns the audit events of revoking a chunk as unused: one
// TOKEN_REVOKED per token, by the policy's system user, source UNUSED,
// with no request (the sweeper's own origin).
func staleAudit(org *entity.Organization, now entity.Time) func(store.StaleRevocation) []*entity.AuditEvent {
	return func(r store.StaleRevocation) []*entity.AuditEvent {
		ctx := origin.With(context.Background(), origin.Origin{RequestID: "sweeper-" + ulid.Make().String(), UserAgent: "pats stale-token sweeper"})
		events := make([]*entity.AuditEvent, len(r.Unrevoked))
		for i, t := range r.Unrevoked {
			e := newActorEvent(ctx, org.ID, r.Actor.ID, entity.AuditTokenRevoked, now)
			withToken(e, t, EffectiveExpiry(t.CreatedAt, t.ExpiresAt, org.MaxLifespanDays))
			source := entity.RevokedAsUnused
			e.RevocationSource = &source
			events[i] = e
		}
		return events
	}
}

// StaleWarningPayload is the content of a token.stale_warning event: the
// token (never its secret or digest), its owner, its last use and when it
// will be revoked unless used.
type StaleWarningPayload struct {
	TokenID    string       `json:"tokenId"`
	TokenName  string       `json:"tokenName"`
	OwnerID    int64        `json:"ownerId"`
	LastUsedAt *entity.Time `json:"lastUsedAt"`
	CreatedAt  entity.Time  `json:"createdAt"`
	RevokeAt   entity.Time  `json:"revokeAt"`
}

// staleWarnings returns the outbox events of warning the owners of
// tokens that go stale within StaleWarningDays.
func staleWarnings(org *entity.Organization, now entity.Time) func([]store.StaleWarning) []*entity.OutboxEvent {
	return func(ws []store.StaleWarning) []*entity.OutboxEvent {
		out := make([]*entity.OutboxEvent, len(ws))
		for i, w := range ws {
			t := w.Token
			body, _ := json.Marshal(StaleWarningPayload{
				TokenID: t.ID, TokenName: t.Name, OwnerID: t.OwnerID, LastUsedAt: t.LastUsedAt, CreatedAt: t.CreatedAt,
				RevokeAt: entity.TimeFromMillis(w.Basis + entity.LifespanMillis(org.RevokeUnusedAfterDays)),
			})
			payload, id := string(body), t.ID
			out[i] = &entity.OutboxEvent{
				ID: ulid.Make().String(), OrganizationID: org.ID, EventType: entity.EventTokenStaleWarning,
				OccurredAt: now, TokenID: &id, Payload: &payload,
			}
		}
		return out
	}
}
