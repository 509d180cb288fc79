package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/patgov/pats/internal/entity"
)

// ErrRotatedAway is returned by RotateToken when the token was already
// rotated (revoked, source ROTATED): rotating it again is reuse.
var ErrRotatedAway = errors.New("token was rotated away")

// Rotation is what RotateToken hands its build callback: the locked
// organization and token, and the owner's count of active tokens.
type Rotation struct {
	Org    *entity.Organization
	Old    *entity.PersonalAccessToken
	Active int64
}

// RotationPlan is what build returns: the successor to insert and the
// audit events of creating it and of revoking the old token, and the
// outbox event of the rotation.
type RotationPlan struct {
	New              *entity.PersonalAccessToken
	Created, Revoked *entity.AuditEvent
	Rotated          *entity.OutboxEvent
}

// RotateToken replaces the organization's token oldID of owner: in one
// transaction it locks the organization, the owner and the token (another
// owner's token, or another organization's, is ErrNotFound; one already
// rotated, ErrRotatedAway), lets build check it and make the successor,
// inserts it and revokes the old one (source ROTATED, by the owner), with
// both audit events and the token.rotated outbox event. The unrevoked
// count is unchanged (one in, one out).
func (s *Store) RotateToken(ctx context.Context, orgID, ownerID int64, oldID string, now entity.Time,
	build func(r Rotation) (*RotationPlan, error),
) (*RotationPlan, *entity.Organization, error) {
	var (
		plan *RotationPlan
		org  entity.Organization
	)
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		plan, org = nil, entity.Organization{}
		if err := s.forUpdate(tx).Where("id = ?", orgID).Take(&org).Error; err != nil {
			return notFound(err, "rotate token: lock organization")
		}
		var old entity.PersonalAccessToken
		if err := s.forUpdate(tx).Where("organization_id = ? AND id = ? AND owner_id = ?", orgID, oldID, ownerID).Take(&old).Error; err != nil {
			return notFound(err, "rotate token: lock token")
		}
		if old.RevokedAt != nil && old.RevocationSource != nil && *old.RevocationSource == entity.RevokedByRotation {
			return ErrRotatedAway
		}
		var active int64
		err := activeAt(tx.Model(&entity.PersonalAccessToken{}), "", now.Millis(), entity.LifespanMillis(org.MaxLifespanDays)).
			Where("organization_id = ? AND owner_id = ?", orgID, ownerID).Count(&active).Error
		if err != nil {
			return fmt.Errorf("rotate token: count active: %w", err)
		}
		if plan, err = build(Rotation{Org: &org, Old: &old, Active: active}); err != nil {
			return err
		}
		if err := tx.Create(plan.New).Error; err != nil {
			return fmt.Errorf("rotate token: insert: %w", err)
		}
		if err := insertAuditEvents(tx, orgID, []*entity.AuditEvent{plan.Created}); err != nil {
			return err
		}
		if err := countUnrevoked(tx, orgID, +1); err != nil {
			return err
		}
		if _, err := writeRevocation(tx, orgID, []*entity.PersonalAccessToken{&old}, ownerID, now, entity.RevokedByRotation,
			[]*entity.AuditEvent{plan.Revoked}); err != nil {
			return err
		}
		return insertOutboxEvents(tx, []*entity.OutboxEvent{plan.Rotated})
	})
	if err != nil {
		return nil, nil, err
	}
	return plan, &org, nil
}

// maxLineage bounds the lineage walk: a chain of rotations longer than
// this is cut (a token rotated daily for almost three years).
const maxLineage = 1000

// LineageRevocation is what RevokeLineage hands its audit callback.
type LineageRevocation struct {
	Actor     *entity.User
	Unrevoked []*entity.PersonalAccessToken
}

// RevokeLineage revokes, in one transaction, every active token of the
// organization descended by rotation from fromID (its successor, the
// successor's successor...; source REUSE_DETECTED, by actor's system
// user), with the events audit returns. It returns the digests revoked
// (none: the lineage was already revoked).
func (s *Store) RevokeLineage(ctx context.Context, orgID int64, fromID string, actor SystemActor, now entity.Time,
	audit func(r LineageRevocation) []*entity.AuditEvent,
) ([][]byte, error) {
	var digests [][]byte
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		digests = nil
		if err := s.lockOrganizations(tx, orgID); err != nil {
			return err
		}
		var ids []string
		err := tx.Raw(`WITH RECURSIVE lineage (id, depth) AS (
  SELECT id, 1 FROM personal_access_tokens WHERE organization_id = ? AND rotated_from_id = ?
  UNION ALL
  SELECT t.id, l.depth + 1 FROM personal_access_tokens t JOIN lineage l ON t.rotated_from_id = l.id
  WHERE t.organization_id = ? AND l.depth < ?
) SELECT id FROM lineage`, orgID, fromID, orgID, maxLineage).Scan(&ids).Error
		if err != nil {
			return fmt.Errorf("revoke lineage: walk: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		locked, err := s.lockUnrevoked(tx, orgID, ids, "")
		if err != nil {
			return fmt.Errorf("revoke lineage: lock: %w", err)
		}
		if len(locked) == 0 {
			return nil
		}
		user, err := s.systemUser(tx, orgID, actor, now)
		if err != nil {
			return err
		}
		if _, err := writeRevocation(tx, orgID, locked, user.ID, now, entity.RevokedOnReuse,
			audit(LineageRevocation{Actor: user, Unrevoked: locked})); err != nil {
			return err
		}
		for _, t := range locked {
			digests = append(digests, t.TokenDigest)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return digests, nil
}

// TokensByIDs returns the tokens within reach with the given IDs, in one
// statement (lineage look-ups: rotatedFrom).
func (s *Store) TokensByIDs(ctx context.Context, reach Reach, ids []string) ([]*entity.PersonalAccessToken, error) {
	var out []*entity.PersonalAccessToken
	if err := reach.where(s.db.WithContext(ctx).Model(&entity.PersonalAccessToken{}), "").Where("id IN ?", ids).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("tokens by ID: %w", err)
	}
	return out, nil
}

// Successors returns the tokens within reach that replaced (by rotation)
// any of the given IDs, in one statement (rotatedTo).
func (s *Store) Successors(ctx context.Context, reach Reach, ids []string) ([]*entity.PersonalAccessToken, error) {
	var out []*entity.PersonalAccessToken
	if err := reach.where(s.db.WithContext(ctx).Model(&entity.PersonalAccessToken{}), "").Where("rotated_from_id IN ?", ids).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("token successors: %w", err)
	}
	return out, nil
}
