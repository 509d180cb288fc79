package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/patgov/pats/internal/entity"
)

// ExpiryQuery is one organization's expiry notices at an instant, in
// store terms, and the lease under which the sweeper writes them.
type ExpiryQuery struct {
	OrgID int64
	Now   int64
	// Lifespan is the organization's maximum lifespan in ms: the
	// effective expiry is the earlier of expires_at and created_at plus it.
	Lifespan int64
	// Ahead is how far ahead the first notice goes (7 days), Soon the
	// second (1 day), Behind how long after expiry an expired notice is
	// still sent (so that turning the feature on does not notice every
	// token that ever expired), all in ms.
	Ahead, Soon, Behind int64
	Size                int
	Lease, Owner        string
	LeaseUntil          int64
}

// ExpiryNotice is a token RecordExpiryNotices noticed: its effective
// expiry and the stage (7, 1, or 0 for expired).
type ExpiryNotice struct {
	Token     *entity.PersonalAccessToken
	Effective int64
	Stage     int
}

// effectiveSQL is a token's effective expiry; stageSQL how close it is.
const (
	effectiveSQL = "(CASE WHEN t.expires_at < t.created_at + @lifespan THEN t.expires_at ELSE t.created_at + @lifespan END)"
	stageSQL     = "(CASE WHEN " + effectiveSQL + " <= @now THEN 0 WHEN " + effectiveSQL + " <= @soon THEN 1 ELSE 7 END)"
)

// RecordExpiryNotices, in one transaction that first renews the lease,
// finds up to q.Size unrevoked tokens of the organization whose effective
// expiry is within q.Ahead ahead (or passed less than q.Behind ago, or
// passed at all for a token whose owner was told it was expiring: a
// lowered lifespan may move the expiry into the past) and that were not
// noticed for that expiry at that stage yet, lets events
// make their outbox events and records what they were noticed for. It
// returns how many it noticed and whether the chunk was full.
func (s *Store) RecordExpiryNotices(ctx context.Context, q ExpiryQuery, events func(n []ExpiryNotice) []*entity.OutboxEvent) (noticed int, full bool, err error) {
	args := map[string]any{
		"org": q.OrgID, "lifespan": q.Lifespan, "now": q.Now, "soon": q.Now + q.Soon,
		"from": q.Now - q.Behind, "to": q.Now + q.Ahead, "size": q.Size,
	}
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		noticed, full = 0, false
		if err := renewLease(tx, q.Lease, q.Owner, q.LeaseUntil); err != nil {
			return err
		}
		// The organization first, as every revocation locks it: the
		// outbox rows' foreign key reads it, and taken after the tokens it
		// would deadlock with a revocation holding it.
		if err := s.lockOrganizations(tx, q.OrgID); err != nil {
			return err
		}
		var ids []string
		err := tx.Raw(`SELECT t.id FROM personal_access_tokens t
WHERE t.organization_id = @org AND t.revoked_at IS NULL
  AND ((((t.expires_at > @from AND t.expires_at <= @to) OR (t.created_at > @from - @lifespan AND t.created_at <= @to - @lifespan))
      AND `+effectiveSQL+` > @from AND `+effectiveSQL+` <= @to)
    OR (t.expiry_notice_stage > 0 AND `+effectiveSQL+` <= @now))
  AND (t.expiry_notice_for IS NULL OR t.expiry_notice_for <> `+effectiveSQL+` OR t.expiry_notice_stage > `+stageSQL+`)
ORDER BY t.id LIMIT @size`, args).Scan(&ids).Error
		if err != nil {
			return fmt.Errorf("expiry notices: candidates: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		full = len(ids) == q.Size
		locked, err := s.lockUnrevoked(tx, q.OrgID, ids, "")
		if err != nil {
			return fmt.Errorf("expiry notices: lock: %w", err)
		}
		var due []ExpiryNotice
		type mark struct {
			effective int64
			stage     int
		}
		byMark := map[mark][]string{}
		for _, t := range locked {
			eff := min(t.ExpiresAt.Millis(), t.CreatedAt.Millis()+q.Lifespan)
			stage := 7
			switch {
			case eff <= q.Now:
				stage = 0
			case eff <= q.Now+q.Soon:
				stage = 1
			}
			warned := t.ExpiryNoticeStage != nil && *t.ExpiryNoticeStage > 0
			if eff > q.Now+q.Ahead || (eff <= q.Now-q.Behind && !warned) {
				continue
			}
			if t.ExpiryNoticeFor != nil && t.ExpiryNoticeFor.Millis() == eff && t.ExpiryNoticeStage != nil && *t.ExpiryNoticeStage <= stage {
				continue
			}
			due = append(due, ExpiryNotice{Token: t, Effective: eff, Stage: stage})
			byMark[mark{eff, stage}] = append(byMark[mark{eff, stage}], t.ID)
		}
		if len(due) == 0 {
			return nil
		}
		if err := insertOutboxEvents(tx, events(due)); err != nil {
			return err
		}
		for m, ids := range byMark {
			if err := tx.Model(&entity.PersonalAccessToken{}).Where("organization_id = ? AND id IN ?", q.OrgID, ids).
				Updates(map[string]any{"expiry_notice_for": m.effective, "expiry_notice_stage": m.stage}).Error; err != nil {
				return fmt.Errorf("expiry notices: record: %w", err)
			}
		}
		noticed = len(due)
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	return noticed, full, nil
}

// Organizations returns every organization (the sweeper's expiry pass).
func (s *Store) Organizations(ctx context.Context) ([]*entity.Organization, error) {
	var orgs []*entity.Organization
	if err := s.db.WithContext(ctx).Order("id").Find(&orgs).Error; err != nil {
		return nil, fmt.Errorf("organizations: %w", err)
	}
	return orgs, nil
}
