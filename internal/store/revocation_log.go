package store

import (
	"bytes"
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/patgov/pats/internal/entity"
)

// The revocation log is how other instances learn of revocations: each
// revoking transaction adds one row with the digests it revoked (see
// migration 00011). ChangesSince lists the rows of its look-back window,
// index only; a poller reads the digests of the rows it has not seen yet
// with RevocationDigests, once. Rows are pruned once older than any
// look-back (PruneRevocationLog).

// ChangePollMarker starts the SQL of the change poll's statements, which
// every instance sends on its own schedule (tests that count a request's
// statements leave them out, as they leave out JobClaimMarker's).
const ChangePollMarker = "/* change poll */"

// digestSize is the length of a token digest (SHA-256).
const digestSize = 32

// recordRevocation is the end of every revoking transaction: the
// organization's count of unrevoked tokens goes down by the number of
// digests, and the digests go to the revocation log, stamped at now like
// the tokens' revoked_at.
func recordRevocation(tx *gorm.DB, orgID int64, now entity.Time, digests [][]byte) error {
	if len(digests) == 0 {
		return nil
	}
	if err := countUnrevoked(tx, orgID, -int64(len(digests))); err != nil {
		return err
	}
	err := tx.Exec("INSERT INTO revocation_log (organization_id, logged_at, digests) VALUES (?, ?, ?)",
		orgID, now, bytes.Join(digests, nil)).Error
	if err != nil {
		return fmt.Errorf("log revocation: %w", err)
	}
	return nil
}

// RevocationDigests returns the digests of the revocation log's rows with
// the given IDs (rows already pruned are missing), in one statement.
func (s *Store) RevocationDigests(ctx context.Context, ids []int64) ([][]byte, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var blobs [][]byte
	err := s.db.WithContext(ctx).Raw(ChangePollMarker+" SELECT digests FROM revocation_log WHERE id IN ?", ids).Scan(&blobs).Error
	if err != nil {
		return nil, fmt.Errorf("read revocation log: %w", err)
	}
	var digests [][]byte
	for _, b := range blobs {
		if len(b)%digestSize != 0 {
			return nil, fmt.Errorf("read revocation log: a row of %d bytes is not whole digests", len(b))
		}
		for len(b) > 0 {
			digests = append(digests, b[:digestSize:digestSize])
			b = b[digestSize:]
		}
	}
	return digests, nil
}

// PruneRevocationLog deletes the revocation log's rows logged before
// before, and returns how many. Any instance may prune; concurrent prunes
// delete the same rows once.
func (s *Store) PruneRevocationLog(ctx context.Context, before entity.Time) (int64, error) {
	res := s.db.WithContext(ctx).Exec(ChangePollMarker+" DELETE FROM revocation_log WHERE logged_at < ?", before)
	if res.Error != nil {
		return 0, fmt.Errorf("prune revocation log: %w", res.Error)
	}
	return res.RowsAffected, nil
}
