package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/migrations"
)

// SystemActor describes the service's own user in each organization for
// one kind of automatic action, such as revocations on secret-scanning
// alerts. The row is created in an organization the first time it acts
// there; its account type is system, so no session can be it.
type SystemActor struct {
	Subject string
	Name    string
}

// LeakedRevocation is what RevokeLeaked hands to its audit callback for
// one organization: the organization (its policy for the snapshots), the
// system actor there, and its tokens that this call revokes.
type LeakedRevocation struct {
	Org       *entity.Organization
	Actor     *entity.User
	Unrevoked []*entity.PersonalAccessToken
}

// RevokeLeaked revokes the tokens with the given (distinct) digests in
// whichever organization they live (source SECRET_SCANNING, by that
// organization's system actor), and writes the audit events that audit
// returns for each organization, all in one transaction. It is the one
// store call that is not scoped to a caller's organization: a secret
// scanner reports tokens, not tenants, and revoking them is the issuer's
// duty. The statements are bounded by the organizations involved: on
// MySQL a read of the tokens' organizations and one lock of their rows (in
// ID order, as every revocation takes them first: lockOrganizations), then
// one locking read of the tokens, then for each organization its policy,
// the actor upsert and read-back, one update, the events and the counter.
// It returns every token found (revoked before or now), as it now stands.
func (s *Store) RevokeLeaked(ctx context.Context, digests [][]byte, actor SystemActor, now entity.Time,
	audit func(r LeakedRevocation) []*entity.AuditEvent,
) ([]*entity.PersonalAccessToken, int64, error) {
	var (
		found   []*entity.PersonalAccessToken
		revoked int64
	)
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		found, revoked = nil, 0
		if s.dialect == migrations.MySQL {
			// The organizations first, in ID order, as every revocation
			// locks them (see lockOrganizations); then the tokens.
			var orgIDs []int64
			if err := tx.Model(&entity.PersonalAccessToken{}).Distinct("organization_id").Where("token_digest IN ?", digests).
				Order("organization_id").Pluck("organization_id", &orgIDs).Error; err != nil {
				return fmt.Errorf("revoke leaked: organizations: %w", err)
			}
			if err := s.lockOrganizations(tx, orgIDs...); err != nil {
				return err
			}
		}
		if err := s.forUpdate(tx).Where("token_digest IN ?", digests).Order("organization_id, id").Find(&found).Error; err != nil {
			return fmt.Errorf("revoke leaked: lock: %w", err)
		}
		byOrg := map[int64][]*entity.PersonalAccessToken{}
		var orgIDs []int64
		for _, t := range found {
			if t.RevokedAt != nil {
				continue
			}
			if byOrg[t.OrganizationID] == nil {
				orgIDs = append(orgIDs, t.OrganizationID)
			}
			byOrg[t.OrganizationID] = append(byOrg[t.OrganizationID], t)
		}
		for _, orgID := range orgIDs {
			n, err := s.revokeLeakedIn(tx, orgID, byOrg[orgID], actor, now, audit)
			if err != nil {
				return err
			}
			revoked += n
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return found, revoked, nil
}

// revokeLeakedIn revokes one organization's share of RevokeLeaked.
func (s *Store) revokeLeakedIn(tx *gorm.DB, orgID int64, tokens []*entity.PersonalAccessToken, actor SystemActor, now entity.Time,
	audit func(r LeakedRevocation) []*entity.AuditEvent,
) (int64, error) {
	var org entity.Organization
	if err := tx.Where("id = ?", orgID).Take(&org).Error; err != nil {
		return 0, fmt.Errorf("revoke leaked: organization: %w", err)
	}
	user, err := s.systemUser(tx, orgID, actor, now)
	if err != nil {
		return 0, err
	}
	n, err := writeRevocation(tx, orgID, tokens, user.ID, now, entity.RevokedBySecretScanning,
		audit(LeakedRevocation{Org: &org, Actor: user, Unrevoked: tokens}))
	if err != nil {
		return 0, err
	}
	markRevoked(tokens, user.ID, now, func(*entity.PersonalAccessToken) entity.RevocationSource { return entity.RevokedBySecretScanning })
	return n, nil
}

// systemUser returns the organization's user for actor, creating it on
// first use (a concurrent creation is ignored and read back).
func (s *Store) systemUser(tx *gorm.DB, orgID int64, actor SystemActor, now entity.Time) (*entity.User, error) {
	u := entity.User{
		OrganizationID: orgID, Subject: actor.Subject, Name: actor.Name, NameKey: strings.ToLower(actor.Name),
		AccountType: entity.AccountTypeSystem, CreatedAt: now, UpdatedAt: now,
	}
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&u).Error; err != nil {
		return nil, fmt.Errorf("revoke leaked: system actor: %w", err)
	}
	// A locking read: under REPEATABLE READ a plain one would not see the
	// row a concurrent transaction inserted after this one's snapshot, the
	// very row the insert above found and left alone.
	var got entity.User
	if err := s.forUpdate(tx).Where("organization_id = ? AND subject = ?", orgID, actor.Subject).Take(&got).Error; err != nil {
		return nil, fmt.Errorf("revoke leaked: system actor: %w", err)
	}
	return &got, nil
}
