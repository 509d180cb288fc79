package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/migrations"
)

// Reach is how far a caller sees and acts: their organization, and for members
// their own tokens only (OwnerID set).
type Reach struct {
	OrgID   int64
	OwnerID *int64
}

// where restricts q (on table alias t, or no alias when t is "") to scope.
func (sc Reach) where(q *gorm.DB, t string) *gorm.DB {
	if t != "" {
		t += "."
	}
	q = q.Where(t+"organization_id = ?", sc.OrgID)
	if sc.OwnerID != nil {
		q = q.Where(t+"owner_id = ?", *sc.OwnerID)
	}
	return q
}

// CreateToken inserts the token that build returns, inside a transaction
// that locks the organization (so the policy cannot change underneath, and
// its token counter is updated in the same transaction) and the owner (so
// concurrent creations by one user cannot both pass the quota). build
// receives the current organization and the owner's count of active tokens
// at now, and returns the token and its audit event, written in the same
// transaction.
func (s *Store) CreateToken(ctx context.Context, orgID, ownerID int64, now entity.Time,
	build func(org *entity.Organization, activeTokens int64) (*entity.PersonalAccessToken, *entity.AuditEvent, error),
) (*entity.PersonalAccessToken, *entity.Organization, error) {
	var (
		tok *entity.PersonalAccessToken
		org entity.Organization
	)
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		tok, org = nil, entity.Organization{}
		if err := s.forUpdate(tx).Where("id = ?", orgID).Take(&org).Error; err != nil {
			return notFound(err, "create token: lock organization")
		}
		var owner entity.User
		if err := s.forUpdate(tx).Where("id = ? AND organization_id = ?", ownerID, orgID).Take(&owner).Error; err != nil {
			return notFound(err, "create token: lock owner")
		}
		var active int64
		err := activeAt(tx.Model(&entity.PersonalAccessToken{}), "", now.Millis(), entity.LifespanMillis(org.MaxLifespanDays)).
			Where("organization_id = ? AND owner_id = ?", orgID, ownerID).Count(&active).Error
		if err != nil {
			return fmt.Errorf("create token: count active: %w", err)
		}
		var event *entity.AuditEvent
		if tok, event, err = build(&org, active); err != nil {
			return err
		}
		if err := tx.Create(tok).Error; err != nil {
			return fmt.Errorf("create token: insert: %w", err)
		}
		if event == nil {
			return errors.New("create token: no audit event")
		}
		if err := insertAuditEvents(tx, orgID, []*entity.AuditEvent{event}); err != nil {
			return err
		}
		return countUnrevoked(tx, orgID, +1)
	})
	if err != nil {
		return nil, nil, err
	}
	return tok, &org, nil
}

// RevokeTokens locks the tokens within reach with the given (distinct) IDs and
// lets plan inspect them: plan vetoes the revocation by returning an error,
// or returns the audit events of revoking those not yet revoked. Those are
// then revoked (the source is OWNER for the caller's own tokens, ADMIN for
// others') and the events written, all in one transaction and a fixed
// number of statements. It returns the tokens as they now stand, in no
// particular order, and how many this call revoked.
func (s *Store) RevokeTokens(ctx context.Context, reach Reach, ids []string, by int64, now entity.Time,
	plan func(found []*entity.PersonalAccessToken) ([]*entity.AuditEvent, error),
) ([]*entity.PersonalAccessToken, int64, error) {
	var (
		found   []*entity.PersonalAccessToken
		revoked int64
	)
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		found, revoked = nil, 0
		if err := s.lockOrganizations(tx, reach.OrgID); err != nil {
			return err
		}
		q := reach.where(s.forUpdate(tx), "").Where("id IN ?", ids)
		if err := q.Find(&found).Error; err != nil {
			return fmt.Errorf("revoke tokens: lock: %w", err)
		}
		events, err := plan(found)
		if err != nil {
			return err
		}
		res := reach.where(tx.Model(&entity.PersonalAccessToken{}), "").
			Where("id IN ? AND revoked_at IS NULL", ids).
			Updates(map[string]any{"revoked_at": now, "revoked_by_id": by, "revocation_source": gorm.Expr(
				"CASE WHEN owner_id = ? THEN ? ELSE ? END", by, entity.RevokedByOwner, entity.RevokedByAdmin)})
		if res.Error != nil {
			return fmt.Errorf("revoke tokens: update: %w", res.Error)
		}
		revoked = res.RowsAffected
		var digests [][]byte
		for _, t := range found {
			if t.RevokedAt == nil {
				digests = append(digests, t.TokenDigest)
			}
		}
		if unrevoked := len(digests); revoked != int64(unrevoked) || revoked != int64(len(events)) {
			// The rows are locked: this cannot happen unless a lock failed
			// or the plan audited other tokens than those revoked.
			return fmt.Errorf("revoke tokens: %d locked unrevoked, %d revoked, %d audited", unrevoked, revoked, len(events))
		}
		if err := insertAuditEvents(tx, reach.OrgID, events); err != nil {
			return err
		}
		return recordRevocation(tx, reach.OrgID, now, digests)
	})
	if err != nil {
		return nil, 0, err
	}
	markRevoked(found, by, now, func(t *entity.PersonalAccessToken) entity.RevocationSource {
		if t.OwnerID == by {
			return entity.RevokedByOwner
		}
		return entity.RevokedByAdmin
	})
	return found, revoked, nil
}

// RevokeByDigest revokes the organization's token with the given digest
// (source BY_VALUE) and writes the audit event that audit returns for it,
// in one transaction. It returns the token as it now stands and whether
// this call revoked it (false: it was revoked before, and nothing is
// written). ErrNotFound if no such token.
func (s *Store) RevokeByDigest(ctx context.Context, orgID int64, digest []byte, by int64, now entity.Time,
	audit func(tok *entity.PersonalAccessToken) *entity.AuditEvent,
) (*entity.PersonalAccessToken, bool, error) {
	var (
		tok     entity.PersonalAccessToken
		revoked bool
	)
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		tok, revoked = entity.PersonalAccessToken{}, false
		if err := s.lockOrganizations(tx, orgID); err != nil {
			return err
		}
		err := s.forUpdate(s.byOrgDigest(tx)).Where("organization_id = ? AND token_digest = ?", orgID, digest).Take(&tok).Error
		if err != nil {
			return notFound(err, "revoke by value: find")
		}
		if tok.RevokedAt != nil {
			return nil
		}
		res := tx.Model(&entity.PersonalAccessToken{}).
			Where("organization_id = ? AND id = ? AND revoked_at IS NULL", orgID, tok.ID).
			Updates(map[string]any{"revoked_at": now, "revoked_by_id": by, "revocation_source": entity.RevokedByValue})
		if res.Error != nil {
			return fmt.Errorf("revoke by value: update: %w", res.Error)
		}
		if res.RowsAffected != 1 {
			// The row is locked: this cannot happen unless a lock failed.
			return fmt.Errorf("revoke by value: revoked %d rows, want 1", res.RowsAffected)
		}
		revoked = true
		if err := insertAuditEvents(tx, orgID, []*entity.AuditEvent{audit(&tok)}); err != nil {
			return err
		}
		return recordRevocation(tx, orgID, now, [][]byte{tok.TokenDigest})
	})
	if err != nil {
		return nil, false, err
	}
	markRevoked([]*entity.PersonalAccessToken{&tok}, by, now, func(*entity.PersonalAccessToken) entity.RevocationSource {
		return entity.RevokedByValue
	})
	return &tok, revoked, nil
}

// RevokeByDigests revokes the organization's tokens with the given
// (distinct) digests that are not yet revoked (source BY_VALUE), and writes
// the audit events that audit returns for them, in one transaction and a
// fixed number of statements whatever the count: one locking read, one
// update, one insert of the events, one counter update. Digests of no
// token of the organization match nothing, whether unknown or another
// organization's: the read is the same. It returns the tokens found, as
// they now stand, in no particular order, and how many this call revoked.
func (s *Store) RevokeByDigests(ctx context.Context, orgID int64, digests [][]byte, by int64, now entity.Time,
	audit func(unrevoked []*entity.PersonalAccessToken) []*entity.AuditEvent,
) ([]*entity.PersonalAccessToken, int64, error) {
	var (
		found   []*entity.PersonalAccessToken
		revoked int64
	)
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		found, revoked = nil, 0
		if err := s.lockOrganizations(tx, orgID); err != nil {
			return err
		}
		err := s.forUpdate(s.byOrgDigest(tx)).Where("organization_id = ? AND token_digest IN ?", orgID, digests).Find(&found).Error
		if err != nil {
			return fmt.Errorf("revoke by values: lock: %w", err)
		}
		var unrevoked []*entity.PersonalAccessToken
		for _, t := range found {
			if t.RevokedAt == nil {
				unrevoked = append(unrevoked, t)
			}
		}
		if len(unrevoked) == 0 {
			return nil
		}
		revoked, err = writeRevocation(tx, orgID, unrevoked, by, now, entity.RevokedByValue, audit(unrevoked))
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	markRevoked(found, by, now, func(*entity.PersonalAccessToken) entity.RevocationSource { return entity.RevokedByValue })
	return found, revoked, nil
}

// lockOrganizations locks the organizations' rows (MySQL), in ID order,
// first thing in a revoking transaction. Every write of tokens takes the
// organization row: creations lock it before anything else, revocations
// update its counter at the end. Without this lock a revocation would hold
// a shared lock on the row (the foreign-key checks of its inserts) and then
// ask for the exclusive one while a creation waits for it in between:
// InnoDB's lock upgrade deadlock, which retries need not outlast. SQLite
// transactions write one at a time, so there it is nothing.
func (s *Store) lockOrganizations(tx *gorm.DB, ids ...int64) error {
	if s.dialect != migrations.MySQL || len(ids) == 0 {
		return nil
	}
	var locked []int64
	err := tx.Model(&entity.Organization{}).Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).
		Where("id IN ?", ids).Order("id").Pluck("id", &locked).Error
	if err != nil {
		return fmt.Errorf("lock organizations: %w", err)
	}
	return nil
}

// writeRevocation revokes the organization's locked, unrevoked tokens by
// by, as source, writes their events, counts and logs them
// (recordRevocation), and fails (the transaction rolls back) unless the
// update, the lock and the events agree: the rows are locked, so only a
// failed lock or events about other tokens could make them differ.
func writeRevocation(tx *gorm.DB, orgID int64, tokens []*entity.PersonalAccessToken, by int64, now entity.Time,
	source entity.RevocationSource, events []*entity.AuditEvent,
) (int64, error) {
	ids := make([]string, len(tokens))
	digests := make([][]byte, len(tokens))
	for i, t := range tokens {
		ids[i], digests[i] = t.ID, t.TokenDigest
	}
	res := tx.Model(&entity.PersonalAccessToken{}).
		Where("organization_id = ? AND id IN ? AND revoked_at IS NULL", orgID, ids).
		Updates(map[string]any{"revoked_at": now, "revoked_by_id": by, "revocation_source": source})
	if res.Error != nil {
		return 0, fmt.Errorf("revoke %s: update: %w", source, res.Error)
	}
	if res.RowsAffected != int64(len(ids)) || len(events) != len(ids) {
		return 0, fmt.Errorf("revoke %s: %d locked unrevoked, %d revoked, %d audited", source, len(ids), res.RowsAffected, len(events))
	}
	if err := insertAuditEvents(tx, orgID, events); err != nil {
		return 0, err
	}
	return res.RowsAffected, recordRevocation(tx, orgID, now, digests)
}

// byPrimaryKey reads tokens through the primary key, for statements that
// lock a list of IDs. With more IDs than eq_range_index_dive_limit (200)
// MariaDB estimates the ID list from statistics, and may then prefer an
// index on the statement's other conditions: it chose ix_pat_revoked_at
// (since dropped, migration 00011) for revoked_at IS NULL and walked every
// unrevoked token of the table, 123 ms instead of 1 ms for 500 IDs of a
// 1M-token organization (docs/PERFORMANCE.md, l). SQLite's planner takes
// the primary key for an ID list by itself.
func (s *Store) byPrimaryKey(tx *gorm.DB) *gorm.DB {
	if s.dialect == migrations.MySQL {
		return tx.Table("personal_access_tokens FORCE INDEX (PRIMARY)")
	}
	return tx.Table("personal_access_tokens")
}

// lockUnrevoked locks, through the primary key (see byPrimaryKey), the
// organization's unrevoked tokens among ids that also meet where (on the
// alias t), in ID order: the locking re-read of every background chunk
// (stale tokens, warnings, expiry notices, a lineage), whose candidates
// were read without locks and may have changed since.
func (s *Store) lockUnrevoked(tx *gorm.DB, orgID int64, ids []string, where string, args ...any) ([]*entity.PersonalAccessToken, error) {
	table := "personal_access_tokens AS t"
	if s.dialect == migrations.MySQL {
		table += " FORCE INDEX (PRIMARY)"
	}
	q := s.forUpdate(tx.Table(table)).Where("t.organization_id = ? AND t.id IN ? AND t.revoked_at IS NULL", orgID, ids)
	if where != "" {
		q = q.Where(where, args...)
	}
	var locked []*entity.PersonalAccessToken
	if err := q.Order("t.id").Find(&locked).Error; err != nil {
		return nil, err
	}
	return locked, nil
}

// byOrgDigest reads tokens through the (organization, digest) index: a
// value of another organization's token is then the same miss in the
// caller's own range as an unknown value, neither reading nor (FOR UPDATE)
// locking that organization's row, where the global digest index, which
// the planner may prefer, would find it.
func (s *Store) byOrgDigest(tx *gorm.DB) *gorm.DB {
	if s.dialect == migrations.MySQL {
		return tx.Table("personal_access_tokens FORCE INDEX (uq_pat_org_digest)")
	}
	return tx.Table("personal_access_tokens INDEXED BY uq_pat_org_digest")
}

// markRevoked applies, in memory, the revocation just written to the
// locked rows that were not revoked before.
func markRevoked(tokens []*entity.PersonalAccessToken, by int64, now entity.Time,
	source func(*entity.PersonalAccessToken) entity.RevocationSource,
) {
	for _, t := range tokens {
		if t.RevokedAt == nil {
			at, who, how := now, by, source(t)
			t.RevokedAt, t.RevokedByID, t.RevocationSource = &at, &who, &how
		}
	}
}

// countUnrevoked adds delta to the organization's unrevoked-token counter
// (nothing to do for 0).
func countUnrevoked(tx *gorm.DB, orgID, delta int64) error {
	if delta == 0 {
		return nil
	}
	err := tx.Model(&entity.Organization{}).Where("id = ?", orgID).
		Update("unrevoked_token_count", gorm.Expr("unrevoked_token_count + ?", delta)).Error
	if err != nil {
		return fmt.Errorf("count tokens: %w", err)
	}
	return nil
}
