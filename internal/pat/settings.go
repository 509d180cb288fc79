package pat

import (
	"context"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/store"
)

// SettingsChange is a requested policy change; nil fields keep their value.
type SettingsChange struct {
	Enabled         *bool
	MaxLifespanDays *int
	// RevokeUnusedAfterDays is the stale-token policy: 0 (off) or
	// MinUnusedDays..MaxUnusedDays.
	RevokeUnusedAfterDays *int
}

// validate checks the change as updatePatSettings and patSettingsImpact
// both take it.
func (in SettingsChange) validate() error {
	if in.Enabled == nil && in.MaxLifespanDays == nil && in.RevokeUnusedAfterDays == nil {
		return apperr.New(apperr.BadUserInput, "set at least one of enabled, maxLifespanDays and revokeUnusedAfterDays")
	}
	if d := in.MaxLifespanDays; d != nil && (*d < MinLifespanDays || *d > MaxLifespanDays) {
		return apperr.New(apperr.BadUserInput, "maxLifespanDays must be between %d and %d", MinLifespanDays, MaxLifespanDays).
			With("field", "maxLifespanDays")
	}
	if d := in.RevokeUnusedAfterDays; d != nil && *d != 0 && (*d < MinUnusedDays || *d > MaxUnusedDays) {
		return apperr.New(apperr.BadUserInput, "revokeUnusedAfterDays must be 0 (off) or between %d and %d", MinUnusedDays, MaxUnusedDays).
			With("field", "revokeUnusedAfterDays")
	}
	return nil
}

// apply returns org with the change made.
func (in SettingsChange) apply(org entity.Organization) entity.Organization {
	if in.Enabled != nil {
		org.PatEnabled = *in.Enabled
	}
	if in.MaxLifespanDays != nil {
		org.MaxLifespanDays = *in.MaxLifespanDays
	}
	if in.RevokeUnusedAfterDays != nil {
		org.RevokeUnusedAfterDays = *in.RevokeUnusedAfterDays
	}
	return org
}

// Settings returns the caller's organization policy. Every member may read it.
func (s *Service) Settings(_ context.Context, p *auth.Principal) *entity.Organization {
	return p.Org
}

// UpdateSettings changes the organization policy (admins only). A change
// that sets nothing is bad input; one that sets the current values
// succeeds without recording a change.
func (s *Service) UpdateSettings(ctx context.Context, p *auth.Principal, in SettingsChange) (*entity.Organization, error) {
	if !p.IsAdmin() {
		return nil, errForbiddenAdmin()
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	now := s.clock()
	org, err := s.store.UpdateSettings(ctx, p.Org.ID, func(org *entity.Organization) (*entity.AuditEvent, error) {
		before := *org
		*org = in.apply(before)
		if org.PatEnabled == before.PatEnabled && org.MaxLifespanDays == before.MaxLifespanDays &&
			org.RevokeUnusedAfterDays == before.RevokeUnusedAfterDays {
			return nil, nil
		}
		by := p.User.ID
		org.SettingsUpdatedAt, org.SettingsUpdatedByID = &now, &by
		return settingsEvent(ctx, p, now, before, *org), nil
	})
	if err != nil {
		return nil, err
	}
	s.validator.invalidate(store.Changes{OrgIDs: []int64{org.ID}})
	// Later fields of the same request see the new policy.
	*p.Org = *org
	return org, nil
}
