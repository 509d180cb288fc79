package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/migrations"
)

// StaleQuery is one organization's stale-token policy at an instant, in
// store terms, and the lease under which a sweeper acts on it.
type StaleQuery struct {
	OrgID int64
	Now   int64
	// Cap is now minus the organization's maximum lifespan: tokens
	// created at or before it are expired, not stale.
	Cap int64
	// StaleBefore is now minus revokeUnusedAfterDays: a token last used
	// (never used: created) before it is stale.
	StaleBefore int64
	// WarnBefore is StaleBefore plus the warning period: a token last
	// used before it, but not before StaleBefore, is warned.
	WarnBefore int64
	// Size bounds one chunk.
	Size int
	// Lease, Owner and LeaseUntil are the worker lease each chunk renews
	// before it writes.
	Lease, Owner string
	LeaseUntil   int64
}

// staleCond is the condition, on t, of an active token last used (never
// used: created) before staleBefore, the args being cap and staleBefore
// twice; impactArms (the preview) and the sweeper use the same one.
const staleCond = "t.created_at > ? AND (t.last_used_at < ? OR (t.last_used_at IS NULL AND t.created_at < ?))"

// StalePolicies returns the organizations whose stale-token policy is on.
func (s *Store) StalePolicies(ctx context.Context) ([]*entity.Organization, error) {
	var orgs []*entity.Organization
	if err := s.db.WithContext(ctx).Where("revoke_unused_after_days > 0").Order("id").Find(&orgs).Error; err != nil {
		return nil, fmt.Errorf("stale policies: %w", err)
	}
	return orgs, nil
}

// StaleRevocation is what RevokeStaleChunk hands its audit callback: the
// system actor and the locked tokens the chunk revokes.
type StaleRevocation struct {
	Actor     *entity.User
	Unrevoked []*entity.PersonalAccessToken
}

// RevokeStaleChunk revokes up to q.Size of the organization's stale active
// tokens (source UNUSED, by actor's system user there), with the events
// audit returns, in one transaction that first renews the lease
// (ErrLeaseLost, writing nothing, if it was lost). The candidates are read
// through the last-use index, then locked by ID with the condition
// checked again, so a use recorded meanwhile saves the token. It returns
// the digests revoked, and whether the chunk was full (more may follow).
func (s *Store) RevokeStaleChunk(ctx context.Context, q StaleQuery, actor SystemActor, now entity.Time,
	audit func(r StaleRevocation) []*entity.AuditEvent,
) (digests [][]byte, full bool, err error) {
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		digests, full = nil, false
		if err := renewLease(tx, q.Lease, q.Owner, q.LeaseUntil); err != nil {
			return err
		}
		if err := s.lockOrganizations(tx, q.OrgID); err != nil {
			return err
		}
		ids, err := s.staleCandidates(tx, q, "t.last_used_at < ? OR (t.last_used_at IS NULL AND t.created_at < ?)", q.StaleBefore, q.StaleBefore)
		if err != nil || len(ids) == 0 {
			return err
		}
		full = len(ids) == q.Size
		locked, err := s.lockUnrevoked(tx, q.OrgID, ids, "t.expires_at > ? AND "+staleCond, q.Now, q.Cap, q.StaleBefore, q.StaleBefore)
		if err != nil {
			return fmt.Errorf("revoke stale: lock: %w", err)
		}
		if len(locked) == 0 {
			return nil
		}
		user, err := s.systemUser(tx, q.OrgID, actor, now)
		if err != nil {
			return err
		}
		if _, err := writeRevocation(tx, q.OrgID, locked, user.ID, now, entity.RevokedAsUnused,
			audit(StaleRevocation{Actor: user, Unrevoked: locked})); err != nil {
			return err
		}
		for _, t := range locked {
			digests = append(digests, t.TokenDigest)
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return digests, full, nil
}

// StaleWarning is a token whose owner RecordStaleWarnings warned, and
// the instant (Unix ms) of its inactivity basis: last use, or creation.
type StaleWarning struct {
	Token *entity.PersonalAccessToken
	Basis int64
}

// RecordStaleWarnings warns, in one transaction that first renews the
// lease, up to q.Size of the organization's active tokens that become
// stale within the warning period (last used, never used: created, before
// q.WarnBefore but not before q.StaleBefore) and whose owner was not
// warned for that basis yet: it locks them, lets events make each one's
// outbox event (token.stale_warning), writes those and records the basis
// warned for. It returns how many it warned, and whether the chunk was
// full (more may follow).
func (s *Store) RecordStaleWarnings(ctx context.Context, q StaleQuery, events func(w []StaleWarning) []*entity.OutboxEvent) (warned int, full bool, err error) {
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		warned, full = 0, false
		if err := renewLease(tx, q.Lease, q.Owner, q.LeaseUntil); err != nil {
			return err
		}
		// The organization first, as every revocation locks it: the
		// outbox rows' foreign key reads it, and taken after the tokens it
		// would deadlock with a revocation holding it.
		if err := s.lockOrganizations(tx, q.OrgID); err != nil {
			return err
		}
		const dueCond = "(t.last_used_at < ? AND t.last_used_at >= ?) OR (t.last_used_at IS NULL AND t.created_at < ? AND t.created_at >= ?)"
		ids, err := s.staleCandidates(tx, q,
			"("+dueCond+") AND (t.stale_warned_basis IS NULL OR t.stale_warned_basis <> COALESCE(t.last_used_at, t.created_at))",
			q.WarnBefore, q.StaleBefore, q.WarnBefore, q.StaleBefore)
		if err != nil || len(ids) == 0 {
			return err
		}
		full = len(ids) == q.Size
		locked, err := s.lockUnrevoked(tx, q.OrgID, ids, "("+dueCond+")", q.WarnBefore, q.StaleBefore, q.WarnBefore, q.StaleBefore)
		if err != nil {
			return fmt.Errorf("stale warnings: lock: %w", err)
		}
		due := make([]StaleWarning, 0, len(locked))
		byBasis := map[int64][]string{}
		for _, t := range locked {
			basis := t.CreatedAt.Millis()
			if t.LastUsedAt != nil {
				basis = t.LastUsedAt.Millis()
			}
			if t.StaleWarnedBasis != nil && t.StaleWarnedBasis.Millis() == basis {
				continue
			}
			due = append(due, StaleWarning{Token: t, Basis: basis})
			byBasis[basis] = append(byBasis[basis], t.ID)
		}
		if len(due) == 0 {
			return nil
		}
		if err := insertOutboxEvents(tx, events(due)); err != nil {
			return err
		}
		// The basis warned for, so the next run does not warn again; a
		// later use moves the basis and makes the token due again. One
		// UPDATE per distinct basis (never-used tokens created in one
		// batch share theirs; otherwise one each, at most q.Size).
		for basis, ids := range byBasis {
			if err := tx.Model(&entity.PersonalAccessToken{}).Where("organization_id = ? AND id IN ?", q.OrgID, ids).
				Update("stale_warned_basis", basis).Error; err != nil {
				return fmt.Errorf("stale warnings: record: %w", err)
			}
		}
		warned = len(due)
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	return warned, full, nil
}

// staleCandidates reads the IDs (at most q.Size) of the organization's
// unrevoked, unexpired tokens created after q.Cap that meet cond, through
// the last-use index on MariaDB, which holds every column read.
func (s *Store) staleCandidates(tx *gorm.DB, q StaleQuery, cond string, args ...any) ([]string, error) {
	table := "personal_access_tokens AS t"
	if s.dialect == migrations.MySQL {
		table += " FORCE INDEX (ix_pat_org_last_used)"
	}
	var ids []string
	err := tx.Table(table).Where("t.organization_id = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND t.created_at > ?", q.OrgID, q.Now, q.Cap).
		Where(cond, args...).Order("t.last_used_at, t.id").Limit(q.Size).Pluck("t.id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("stale tokens: candidates: %w", err)
	}
	return ids, nil
}
