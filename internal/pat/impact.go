package pat

import (
	"context"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/store"
)

// SettingsImpact is what a settings change would do now (SettingsImpactOf).
type SettingsImpact struct {
	// TokensExpiring are active tokens that the proposed maximum lifespan
	// expires now; TokensRestored tokens expired only by the current
	// maximum that the proposed one makes active again; TokensBlocked
	// active tokens (before and after) that stop authenticating because
	// support is switched off. The three are disjoint.
	TokensExpiring, TokensRestored, TokensBlocked int
	// TokensRevokedAsUnused are the tokens the proposed stale-token
	// policy revokes at its next run: active under the proposed maximum,
	// unused for longer than its revokeUnusedAfterDays. They may also be
	// blocked or restored.
	TokensRevokedAsUnused int
	// AffectedOwners counts the distinct owners of all of those.
	AffectedOwners int
	// Sample is up to PreviewSampleSize of those tokens: expiring first
	// (oldest first), then restored, blocked, and revoked as unused
	// (least recently used first).
	Sample []*entity.PersonalAccessToken
}

// SettingsImpactOf weighs in against the caller's organization as it is
// now, changing nothing (admins only; in is validated as UpdateSettings
// validates it).
func (s *Service) SettingsImpactOf(ctx context.Context, p *auth.Principal, in SettingsChange) (*SettingsImpact, error) {
	if !p.IsAdmin() {
		return nil, errForbiddenAdmin()
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	now := s.clock()
	current, proposed := *p.Org, in.apply(*p.Org)
	q := store.ImpactQuery{
		OrgID: p.Org.ID, Now: now.Millis(),
		CurrentCap:  now.Millis() - entity.LifespanMillis(current.MaxLifespanDays),
		ProposedCap: now.Millis() - entity.LifespanMillis(proposed.MaxLifespanDays),
		Disabling:   current.PatEnabled && !proposed.PatEnabled,
		SampleSize:  PreviewSampleSize,
	}
	if proposed.RevokeUnusedAfterDays > 0 {
		q.StaleBefore = staleBefore(now, proposed.RevokeUnusedAfterDays)
	}
	im, err := s.store.SettingsImpact(ctx, q)
	if err != nil {
		return nil, err
	}
	deriveStatus(p.Org, now, im.Sample...)
	return &SettingsImpact{
		TokensExpiring: int(im.Expiring), TokensRestored: int(im.Restored), TokensBlocked: int(im.Blocked),
		TokensRevokedAsUnused: int(im.RevokedAsUnused), AffectedOwners: int(im.Owners), Sample: im.Sample,
	}, nil
}

// staleBefore is the instant (Unix ms) before which a token's last use
// (never used: its creation) makes it stale under a policy of days.
func staleBefore(now entity.Time, days int) int64 {
	return now.Millis() - entity.LifespanMillis(days)
}
