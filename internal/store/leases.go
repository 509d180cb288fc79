package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/patgov/pats/internal/entity"
)

// ErrLeaseHeld is returned by AcquireLease when another instance holds
// the worker's lease and it has not expired.
var ErrLeaseHeld = errors.New("worker lease: held by another instance")

// AcquireLease gives owner the lease of the singleton worker name until
// leaseUntil (Unix ms), if it is free: never taken, expired at now, or
// already owner's. ErrLeaseHeld otherwise. The row is created on first
// use; the conditional UPDATE is the one decision, so two instances
// racing for an expired lease cannot both win it.
func (s *Store) AcquireLease(ctx context.Context, name, owner string, now entity.Time, leaseUntil int64) error {
	db := s.db.WithContext(ctx)
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&entity.WorkerLease{Name: name}).Error; err != nil {
		return fmt.Errorf("worker lease %s: create: %w", name, err)
	}
	res := db.Model(&entity.WorkerLease{}).Where("name = ? AND (lease_until < ? OR owner = ?)", name, now.Millis(), owner).
		Updates(map[string]any{"owner": owner, "lease_until": leaseUntil, "generation": gorm.Expr("generation + 1")})
	if res.Error != nil {
		return fmt.Errorf("worker lease %s: take: %w", name, res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrLeaseHeld
	}
	return nil
}

// ReleaseLease drops owner's lease of name (a graceful stop), so another
// instance may take it at once. Releasing a lease one does not hold does
// nothing.
func (s *Store) ReleaseLease(ctx context.Context, name, owner string) error {
	err := s.db.WithContext(ctx).Model(&entity.WorkerLease{}).Where("name = ? AND owner = ?", name, owner).
		Updates(map[string]any{"owner": "", "lease_until": 0}).Error
	if err != nil {
		return fmt.Errorf("worker lease %s: release: %w", name, err)
	}
	return nil
}

// renewLease extends owner's lease of name until leaseUntil within tx,
// the first statement of each chunk a worker writes: if the lease was
// lost (expired and taken over), the chunk writes nothing (ErrLeaseLost).
func renewLease(tx *gorm.DB, name, owner string, leaseUntil int64) error {
	res := tx.Model(&entity.WorkerLease{}).Where("name = ? AND owner = ?", name, owner).
		Updates(map[string]any{"lease_until": leaseUntil, "generation": gorm.Expr("generation + 1")})
	if res.Error != nil {
		return fmt.Errorf("worker lease %s: renew: %w", name, res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrLeaseLost
	}
	return nil
}
