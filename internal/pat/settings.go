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
	if in.Enabled == nil && in.MaxLifespanDays == nil {
		return nil, apperr.New(apperr.BadUserInput, "set at least one of enabled and maxLifespanDays")
	}
	if d := in.MaxLifespanDays; d != nil && (*d < MinLifespanDays || *d > MaxLifespanDays) {
		return nil, apperr.New(apperr.BadUserInput, "maxLifespanDays must be between %d and %d", MinLifespanDays, MaxLifespanDays).
			With("field", "maxLifespanDays")
	}
	now := s.clock()
	org, err := s.store.UpdateSettings(ctx, p.Org.ID, func(org *entity.Organization) (*entity.AuditEvent, error) {
		before := *org
		if in.Enabled != nil {
			org.PatEnabled = *in.Enabled
		}
		if in.MaxLifespanDays != nil {
			org.MaxLifespanDays = *in.MaxLifespanDays
		}
		if org.PatEnabled == before.PatEnabled && org.MaxLifespanDays == before.MaxLifespanDays {
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
