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

// ErrLeaseLost is returned by RevokeJobChunk (and the stale-token
// sweeper's chunks) when the caller no longer holds the job's or worker's
// lease (another instance took it over, or the job ended): the chunk
// wrote nothing.
var ErrLeaseLost = errors.New("lease lost")

// JobQuery is the filter of a revocation job in store terms: q's filter
// (its order and page fields are ignored), within q.Reach's organization,
// of tokens not revoked.
type JobQuery = ListQuery

// JobChunk is what a revocation job's audit callback gets: the job and
// the locked tokens the chunk revokes.
type JobChunk struct {
	Job       *entity.RevocationJob
	Unrevoked []*entity.PersonalAccessToken
}

// JobAudit returns the audit events of revoking a chunk's tokens.
type JobAudit func(c JobChunk) []*entity.AuditEvent

// StartRevocationJob records job (state RUNNING, its lease already set by
// the caller) unless a job with its confirmation digest exists, which it
// returns instead (existing true), writing nothing. When inline is at
// least the number of tokens q matches, the job is done in the same
// transaction: those tokens are revoked (by the job's creator, source
// FILTER, with the events audit returns) and the job is SUCCEEDED with
// total the count revoked; otherwise it is left to RevokeJobChunk, with
// total as given. The organization's row is locked first, as by every
// revocation (lockOrganizations), which also orders concurrent starts
// with one confirmation. It returns the job as stored and the digests of
// the tokens revoked.
func (s *Store) StartRevocationJob(ctx context.Context, job *entity.RevocationJob, q JobQuery, inline int, now entity.Time,
	audit JobAudit,
) (stored *entity.RevocationJob, existing bool, revoked [][]byte, err error) {
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		stored, existing, revoked = nil, false, nil
		unrevoked, err := s.lockOrganizationCount(tx, job.OrganizationID)
		if err != nil {
			return err
		}
		var prior entity.RevocationJob
		err = tx.Where("organization_id = ? AND confirmation_digest = ?", job.OrganizationID, job.ConfirmationDigest).Take(&prior).Error
		if err == nil {
			stored, existing = &prior, true
			return nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("start revocation job: find: %w", err)
		}
		j := *job
		var candidates []*entity.PersonalAccessToken
		if inline > 0 {
			if candidates, err = s.jobCandidates(tx, &j, q, inline+1, unrevoked); err != nil {
				return err
			}
		}
		if inline <= 0 || len(candidates) > inline {
			if err := tx.Create(&j).Error; err != nil {
				return fmt.Errorf("start revocation job: insert: %w", err)
			}
			stored = &j
			return nil
		}
		j.State, j.FinishedAt, j.LeaseOwner, j.LeaseUntil = entity.JobSucceeded, &now, "", 0
		if err := tx.Create(&j).Error; err != nil {
			return fmt.Errorf("start revocation job: insert: %w", err)
		}
		n, digests, err := s.revokeChunk(tx, &j, candidates, now, audit)
		if err != nil {
			return err
		}
		j.Total, j.Revoked = n, n
		if err := tx.Model(&entity.RevocationJob{}).Where("id = ?", j.ID).
			Updates(map[string]any{"total": n, "revoked": n}).Error; err != nil {
			return fmt.Errorf("start revocation job: update: %w", err)
		}
		stored, revoked = &j, digests
		return nil
	})
	if err != nil {
		return nil, false, nil, err
	}
	return stored, existing, revoked, nil
}

// RevokeJobChunk runs the next chunk of a job whose lease owner holds:
// in one transaction it renews the lease until leaseUntil (Unix ms),
// revokes up to size matching tokens after the job's position (source
// FILTER, by the job's creator, with the events audit returns), and
// advances the position and the count; when fewer than size remain the
// job is SUCCEEDED and its lease dropped. ErrLeaseLost, writing nothing,
// if owner does not hold the lease of a running job. q is the job's
// filter. It returns the job as it now stands and the digests revoked.
func (s *Store) RevokeJobChunk(ctx context.Context, jobID, owner string, leaseUntil int64, q JobQuery, size int, now entity.Time,
	audit JobAudit,
) (job *entity.RevocationJob, revoked [][]byte, err error) {
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		job, revoked = nil, nil
		// The job's row first: holding it orders this chunk with any
		// claim, so a chunk commits only while its writer holds the lease.
		res := tx.Model(&entity.RevocationJob{}).
			Where("id = ? AND state = ? AND lease_owner = ?", jobID, entity.JobRunning, owner).
			Update("lease_until", leaseUntil)
		if res.Error != nil {
			return fmt.Errorf("revocation job chunk: renew lease: %w", res.Error)
		}
		if res.RowsAffected != 1 {
			return ErrLeaseLost
		}
		var j entity.RevocationJob
		if err := tx.Where("id = ?", jobID).Take(&j).Error; err != nil {
			return fmt.Errorf("revocation job chunk: read: %w", err)
		}
		unrevoked, err := s.lockOrganizationCount(tx, j.OrganizationID)
		if err != nil {
			return err
		}
		candidates, err := s.jobCandidates(tx, &j, q, size, unrevoked)
		if err != nil {
			return err
		}
		n, digests, err := s.revokeChunk(tx, &j, candidates, now, audit)
		if err != nil {
			return err
		}
		update := map[string]any{"revoked": gorm.Expr("revoked + ?", n), "attempts": 0}
		j.Revoked += n
		if len(candidates) > 0 {
			last := candidates[len(candidates)-1]
			j.PositionCreatedAt, j.PositionID = last.CreatedAt.Millis(), last.ID
			update["position_created_at"], update["position_id"] = j.PositionCreatedAt, j.PositionID
		}
		if len(candidates) < size {
			j.State, j.FinishedAt, j.LeaseOwner, j.LeaseUntil = entity.JobSucceeded, &now, "", 0
			update["state"], update["finished_at"], update["lease_owner"], update["lease_until"] = j.State, now, "", 0
		}
		if err := tx.Model(&entity.RevocationJob{}).Where("id = ?", jobID).Updates(update).Error; err != nil {
			return fmt.Errorf("revocation job chunk: progress: %w", err)
		}
		job, revoked = &j, digests
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return job, revoked, nil
}

// jobCandidates reads up to limit tokens of j's organization that match q
// (whose statuses keep revoked tokens out), were created by j's preview
// and come after j's position in (created_at, id) order: their IDs and
// creation times only. The lock that follows reads them and re-checks that
// they are not revoked.
//
// When the job matches a large share of the organization's unrevoked
// tokens (see walksCreationIndex), the read walks the creation index from
// the position, which holds the columns of most filters, and stops after
// limit matches. Left to itself, MariaDB reads a filter of many owners
// through the owner index and sorts all their remaining tokens for every
// chunk: 894 ms instead of 15 ms for a chunk of a 100,000-token job of a
// 1M-token organization (docs/PERFORMANCE.md, l). For a small share, such
// as one leaver's tokens, the owner index and a small sort are the
// better plan, and the planner picks them.
func (s *Store) jobCandidates(tx *gorm.DB, j *entity.RevocationJob, q JobQuery, limit int, unrevoked int64) ([]*entity.PersonalAccessToken, error) {
	q.Reach = Reach{OrgID: j.OrganizationID}
	until := j.PreviewAt.Millis()
	q.CreatedUntil = &until
	table := "personal_access_tokens AS t"
	if s.dialect == migrations.MySQL && walksCreationIndex(j.Total, unrevoked) {
		table += " FORCE INDEX (ix_pat_org_created)"
	}
	db := filterOn(q.Reach.where(tx.Table(table), "t"), q, "t").
		Where("(t.created_at > ? OR (t.created_at = ? AND t.id > ?))", j.PositionCreatedAt, j.PositionCreatedAt, j.PositionID)
	var tokens []*entity.PersonalAccessToken
	// Only the keys: the lock reads the rows. Along the creation index,
	// which holds every column of the status and owner filters, the read
	// then never leaves the index.
	if err := db.Select("t.id, t.created_at").Order("t.created_at, t.id").Limit(limit).Find(&tokens).Error; err != nil {
		return nil, fmt.Errorf("revocation job: candidates: %w", err)
	}
	return tokens, nil
}

// creationWalkShare is the share of an organization's unrevoked tokens
// (1 in creationWalkShare) from which a job reads its candidates along the
// creation index: at worst the walk then passes creationWalkShare index
// entries per candidate, all in the index, without a sort.
const creationWalkShare = 100

// walksCreationIndex reports whether a job of total tokens, in an
// organization of unrevoked tokens, reads its candidates along the
// creation index.
func walksCreationIndex(total int, unrevoked int64) bool {
	return int64(total)*creationWalkShare >= unrevoked
}

// lockOrganizationCount is lockOrganizations for one organization that
// also reads its count of unrevoked tokens, in the same statement (MySQL).
// On SQLite, where there is nothing to lock, it reads nothing and returns
// 0.
func (s *Store) lockOrganizationCount(tx *gorm.DB, id int64) (int64, error) {
	if s.dialect != migrations.MySQL {
		return 0, nil
	}
	var counts []int64
	err := tx.Model(&entity.Organization{}).Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).
		Where("id = ?", id).Pluck("unrevoked_token_count", &counts).Error
	if err != nil {
		return 0, fmt.Errorf("lock organization: %w", err)
	}
	if len(counts) != 1 {
		return 0, fmt.Errorf("lock organization: %w", ErrNotFound)
	}
	return counts[0], nil
}

// revokeChunk locks candidates by ID, revokes those still unrevoked as
// j's (source FILTER, by j's creator) and writes their events: a fixed
// number of statements for the chunk. It returns how many it revoked and
// their digests.
func (s *Store) revokeChunk(tx *gorm.DB, j *entity.RevocationJob, candidates []*entity.PersonalAccessToken, now entity.Time,
	audit JobAudit,
) (int, [][]byte, error) {
	if len(candidates) == 0 {
		return 0, nil, nil
	}
	ids := make([]string, len(candidates))
	for i, t := range candidates {
		ids[i] = t.ID
	}
	var locked []*entity.PersonalAccessToken
	err := s.forUpdate(s.byPrimaryKey(tx)).Where("organization_id = ? AND id IN ? AND revoked_at IS NULL", j.OrganizationID, ids).
		Order("created_at, id").Find(&locked).Error
	if err != nil {
		return 0, nil, fmt.Errorf("revocation job: lock: %w", err)
	}
	if len(locked) == 0 {
		return 0, nil, nil
	}
	digests := make([][]byte, len(locked))
	for i, t := range locked {
		digests[i] = t.TokenDigest
	}
	n, err := writeRevocation(tx, j.OrganizationID, locked, j.CreatedByID, now, entity.RevokedByFilter,
		audit(JobChunk{Job: j, Unrevoked: locked}))
	if err != nil {
		return 0, nil, err
	}
	return int(n), digests, nil
}

// JobClaimMarker starts the SQL of the background look for claimable jobs,
// which every instance sends on its own schedule (tests that count a
// request's statements leave it out).
const JobClaimMarker = "/* job claim */"

// ClaimRevocationJob takes the lease of the oldest running job whose lease
// has expired at now (Unix ms) for owner until leaseUntil, counting the
// attempt. A job claimed more than maxAttempts times without progress is
// FAILED instead, and the next one is tried. It returns nil when there is
// no job to run.
func (s *Store) ClaimRevocationJob(ctx context.Context, owner string, now entity.Time, leaseUntil int64, maxAttempts int) (*entity.RevocationJob, error) {
	for {
		var ids []string
		err := s.db.WithContext(ctx).Raw(JobClaimMarker+` SELECT id FROM revocation_jobs
WHERE state = ? AND lease_until < ? ORDER BY lease_until, created_at LIMIT 1`, entity.JobRunning, now.Millis()).Scan(&ids).Error
		if err != nil {
			return nil, fmt.Errorf("claim revocation job: find: %w", err)
		}
		if len(ids) == 0 {
			return nil, nil
		}
		res := s.db.WithContext(ctx).Model(&entity.RevocationJob{}).
			Where("id = ? AND state = ? AND lease_until < ?", ids[0], entity.JobRunning, now.Millis()).
			Updates(map[string]any{"lease_owner": owner, "lease_until": leaseUntil, "attempts": gorm.Expr("attempts + 1")})
		if res.Error != nil {
			return nil, fmt.Errorf("claim revocation job: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			continue // another instance claimed it first
		}
		var j entity.RevocationJob
		if err := s.db.WithContext(ctx).Where("id = ?", ids[0]).Take(&j).Error; err != nil {
			return nil, fmt.Errorf("claim revocation job: read: %w", err)
		}
		if j.Attempts <= maxAttempts {
			return &j, nil
		}
		if err := s.FailRevocationJob(ctx, j.ID, owner, now); err != nil && !errors.Is(err, ErrLeaseLost) {
			return nil, err
		}
	}
}

// FailRevocationJob gives up owner's running job: FAILED, finished at now.
// ErrLeaseLost if owner does not hold it.
func (s *Store) FailRevocationJob(ctx context.Context, jobID, owner string, now entity.Time) error {
	return s.endLease(ctx, jobID, owner, map[string]any{"state": entity.JobFailed, "finished_at": now, "lease_owner": "", "lease_until": 0})
}

// ReleaseRevocationJob drops owner's lease of a running job (a graceful
// shutdown), so that another instance resumes it at once. ErrLeaseLost if
// owner does not hold it.
func (s *Store) ReleaseRevocationJob(ctx context.Context, jobID, owner string) error {
	return s.endLease(ctx, jobID, owner, map[string]any{"lease_owner": "", "lease_until": 0})
}

func (s *Store) endLease(ctx context.Context, jobID, owner string, update map[string]any) error {
	res := s.db.WithContext(ctx).Model(&entity.RevocationJob{}).
		Where("id = ? AND state = ? AND lease_owner = ?", jobID, entity.JobRunning, owner).Updates(update)
	if res.Error != nil {
		return fmt.Errorf("revocation job: end lease: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return ErrLeaseLost
	}
	return nil
}

// RevocationJob returns the organization's job with the given ID;
// ErrNotFound if there is none.
func (s *Store) RevocationJob(ctx context.Context, orgID int64, id string) (*entity.RevocationJob, error) {
	var j entity.RevocationJob
	if err := s.db.WithContext(ctx).Where("organization_id = ? AND id = ?", orgID, id).Take(&j).Error; err != nil {
		return nil, notFound(err, "revocation job")
	}
	return &j, nil
}

// CountMatching counts q's tokens and their distinct owners in one
// statement.
func (s *Store) CountMatching(ctx context.Context, q ListQuery) (tokens, owners int64, err error) {
	var row struct{ Tokens, Owners int64 }
	err = s.filtered(s.db.WithContext(ctx), q, "t").
		Select("COUNT(*) AS tokens, COUNT(DISTINCT t.owner_id) AS owners").Scan(&row).Error
	if err != nil {
		return 0, 0, fmt.Errorf("count matching tokens: %w", err)
	}
	return row.Tokens, row.Owners, nil
}
