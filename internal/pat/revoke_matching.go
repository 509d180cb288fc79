package pat

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/cursor"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/origin"
	"github.com/patgov/pats/internal/store"
)

// Revocation by filter: the limits of the preview and of the inline job.
const (
	// PreviewValidity is how long a preview's confirmation is accepted.
	PreviewValidity = 10 * time.Minute
	// PreviewSampleSize is how many matching tokens a preview shows.
	PreviewSampleSize = 20
	// InlineRevocationLimit is the most tokens a revocation by filter
	// revokes within the confirming call; larger jobs run in the
	// background.
	InlineRevocationLimit = 1000
	// previewClockSkew is how far in the future a preview's time may be
	// (an instance whose clock is ahead made it).
	previewClockSkew = time.Minute
)

// previewMark tells a preview's confirmation from any other signed value.
const previewMark = "revocation-preview"

// RevocationPreview is what a revocation by filter would revoke now.
type RevocationPreview struct {
	// MatchingCount and OwnerCount are the tokens that match (not
	// revoked, created before the preview) and their distinct owners.
	MatchingCount, OwnerCount int
	// Sample is the first PreviewSampleSize of them, newest first.
	Sample []*entity.PersonalAccessToken
	// Confirmation, passed back with the same filter by the same admin
	// before ExpiresAt, confirms the revocation.
	Confirmation string
	ExpiresAt    entity.Time
}

// PreviewRevocation counts and samples the organization's tokens that
// match f and are not revoked (admins only), and signs a confirmation
// bound to the caller, the normalized filter and the preview's time.
// Nothing changes.
func (s *Service) PreviewRevocation(ctx context.Context, p *auth.Principal, f TokenFilter) (*RevocationPreview, error) {
	if !p.IsAdmin() {
		return nil, errForbiddenAdmin()
	}
	at := s.clock()
	q, shape, err := revocationQuery(p, f, at)
	if err != nil {
		return nil, err
	}
	until := at.Millis()
	q.CreatedUntil = &until
	tokens, owners, err := s.store.CountMatching(ctx, q)
	if err != nil {
		return nil, err
	}
	out := &RevocationPreview{
		MatchingCount: int(tokens), OwnerCount: int(owners),
		Confirmation: s.previews.Encode(shape, cursor.Key{Int: at.Millis(), ID: previewMark}),
		ExpiresAt:    entity.TimeOf(at.Add(PreviewValidity)),
	}
	// Tokens created from the next millisecond on are after the preview:
	// make sure that is before its answer (a frozen test clock aside).
	for waited := time.Now(); s.clock().Millis() <= until && time.Since(waited) < 5*time.Millisecond; {
		time.Sleep(time.Millisecond)
	}
	if tokens > 0 {
		q.Limit = PreviewSampleSize
		if out.Sample, err = s.store.ListTokens(ctx, q); err != nil {
			return nil, err
		}
		deriveStatus(p.Org, at, out.Sample...)
	}
	return out, nil
}

// RevokeTokensMatching revokes the organization's tokens that match f now,
// are not revoked and were created before the preview that signed
// confirmation (admins only; the same filter, the same caller, at most
// PreviewValidity old). Up to InlineRevocationLimit tokens the returned
// job has SUCCEEDED; beyond, it is RUNNING and this instance's job runner
// starts on it at once (any instance resumes it should this one stop).
// The same confirmation again returns the job it started.
func (s *Service) RevokeTokensMatching(ctx context.Context, p *auth.Principal, f TokenFilter, confirmation string) (*entity.RevocationJob, error) {
	if !p.IsAdmin() {
		return nil, errForbiddenAdmin()
	}
	now := s.clock()
	q, shape, err := revocationQuery(p, f, now)
	if err != nil {
		return nil, err
	}
	at, err := s.previewTime(shape, confirmation, now)
	if err != nil {
		return nil, err
	}
	until := at.Millis()
	q.CreatedUntil = &until
	filter, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	digest := sha256.Sum256([]byte(confirmation))
	o := origin.From(ctx)
	job := &entity.RevocationJob{
		ID: ulid.Make().String(), OrganizationID: p.Org.ID, CreatedByID: p.User.ID,
		ConfirmationDigest: digest[:], Filter: string(filter), PreviewAt: at,
		EvaluatedAt: now, LifespanDays: p.Org.MaxLifespanDays, State: entity.JobRunning,
		LeaseOwner: s.jobs.owner, LeaseUntil: now.Add(s.jobs.lease).UnixMilli(),
		RequestID: o.RequestID, ClientIP: o.ClientIP, UserAgent: o.UserAgent, CreatedAt: now,
	}
	if o.ClientRequestID != "" {
		job.ClientRequestID = &o.ClientRequestID
	}
	total, err := s.store.CountTokens(ctx, q)
	if err != nil {
		return nil, err
	}
	job.Total = int(total)
	inline := 0
	if total <= InlineRevocationLimit {
		inline = InlineRevocationLimit
	}
	stored, existing, revoked, err := s.store.StartRevocationJob(ctx, job, q, inline, now, jobAudit(now))
	if err != nil {
		return nil, err
	}
	s.validator.invalidate(store.Changes{RevokedDigests: revoked})
	switch {
	case existing:
	case stored.State == entity.JobRunning:
		s.jobs.onJob("background")
		s.jobs.start(ctx, stored)
	default:
		s.jobs.onJob("inline")
		s.jobs.onChunk(len(revoked), nil)
		s.jobs.onJob("succeeded")
	}
	return stored, nil
}

// RevocationJob returns the organization's revocation job with the given
// ID (admins only); nil if there is none.
func (s *Service) RevocationJob(ctx context.Context, p *auth.Principal, id string) (*entity.RevocationJob, error) {
	if !p.IsAdmin() {
		return nil, errForbiddenAdmin()
	}
	if len(id) > 64 {
		return nil, nil // no job ID is this long
	}
	j, err := s.store.RevocationJob(ctx, p.Org.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return j, err
}

// revocationQuery normalizes f into the store query of a revocation by
// filter at now: the list's filter (an admin's: the organization), of
// tokens not revoked (a status filter keeps ACTIVE and EXPIRED only). It
// also returns the shape a confirmation is bound to: the caller and the
// normalized filter, not the clock or the policy.
func revocationQuery(p *auth.Principal, f TokenFilter, now entity.Time) (store.ListQuery, []byte, error) {
	q, err := listQuery(p, ListRequest{Filter: &f}, now)
	if err != nil {
		return q, nil, err
	}
	q.Statuses = slices.DeleteFunc(q.Statuses, func(st entity.TokenStatus) bool { return st == entity.TokenStatusRevoked })
	shapeOf := q
	shapeOf.CapPossible = false
	return q, append([]byte(previewMark+"\x00"), queryShape(p, shapeOf)...), nil
}

// previewTime checks a confirmation against the shape of this call's
// caller and filter and returns the preview's time.
func (s *Service) previewTime(shape []byte, confirmation string, now entity.Time) (entity.Time, error) {
	k, err := s.previews.Decode(shape, confirmation)
	if err != nil || k.ID != previewMark || k.Null || k.Str != "" {
		return entity.Time{}, apperr.New(apperr.BadUserInput,
			"confirmation does not belong to this filter and caller (or was altered): preview the revocation again").With("field", "confirmation")
	}
	at := entity.TimeFromMillis(k.Int)
	if at.After(now.Add(previewClockSkew)) {
		return entity.Time{}, apperr.New(apperr.BadUserInput,
			"confirmation is from the future: preview the revocation again").With("field", "confirmation")
	}
	if now.Sub(at.Time) > PreviewValidity {
		return entity.Time{}, apperr.New(apperr.BadUserInput,
			"confirmation expired at %s (a preview is valid %v): preview the revocation again",
			entity.TimeOf(at.Add(PreviewValidity)), PreviewValidity).With("field", "confirmation")
	}
	return at, nil
}

// jobAudit returns the audit events of a job's chunk revoked at now: one
// TOKEN_REVOKED per token, by the job's creator, source FILTER, with the
// job's ID and the origin of the request that confirmed it.
func jobAudit(now entity.Time) store.JobAudit {
	return func(c store.JobChunk) []*entity.AuditEvent {
		j := c.Job
		ctx := origin.With(context.Background(), origin.Origin{
			RequestID: j.RequestID, ClientRequestID: deref(j.ClientRequestID), ClientIP: j.ClientIP, UserAgent: j.UserAgent,
		})
		events := make([]*entity.AuditEvent, len(c.Unrevoked))
		for i, t := range c.Unrevoked {
			e := newActorEvent(ctx, j.OrganizationID, j.CreatedByID, entity.AuditTokenRevoked, now)
			withToken(e, t, EffectiveExpiry(t.CreatedAt, t.ExpiresAt, j.LifespanDays))
			source, id := entity.RevokedByFilter, j.ID
			e.RevocationSource, e.RevocationJobID = &source, &id
			events[i] = e
		}
		return events
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// logJob logs a job's end.
func logJob(ctx context.Context, j *entity.RevocationJob, msg string, args ...any) {
	slog.InfoContext(ctx, msg, append([]any{"job", j.ID, "organization", j.OrganizationID, "state", j.State,
		"total", j.Total, "revoked", j.Revoked}, args...)...)
}
