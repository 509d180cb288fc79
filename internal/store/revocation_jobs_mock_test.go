package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"

	"github.com/patgov/pats/internal/entity"
)

// The statements of a revocation job's chunk, owner "me", job "J".
const (
	chunkLeaseSQL = "UPDATE `revocation_jobs` SET `lease_until`=? WHERE id = ? AND state = ? AND lease_owner = ?"
	chunkJobSQL   = "SELECT * FROM `revocation_jobs` WHERE id = ? LIMIT ?"
)

// chunkLease renews the lease of job J by "me" until testNow+30 s,
// changing affected rows.
func chunkLease(affected int64) step {
	return exec(chunkLeaseSQL, testNow+30_000, "J", "RUNNING", "me").affecting(affected)
}

// jobRows is job J of the test organization, created by the test owner,
// positioned at the start.
func jobRows() *sqlmock.Rows {
	return sqlmock.NewRows([]string{"id", "organization_id", "created_by_id", "preview_at", "evaluated_at", "lifespan_days", "state", "total",
		"revoked", "position_created_at", "position_id", "lease_owner", "lease_until"}).
		AddRow("J", testOrgID, testOwnerID, testNow-1000, testNow-500, 90, "RUNNING", 2, 0, 0, "", "me", testNow+10_000)
}

// TestRevokeJobChunkLeaseLost: a chunk whose writer no longer holds the
// lease renews nothing and sends nothing else: no token is read, locked
// or written.
func TestRevokeJobChunkLeaseLost(t *testing.T) {
	s := mockStore(t, begin(), chunkLease(0), rollback())
	_, _, err := s.RevokeJobChunk(context.Background(), "J", "me", testNow+30_000, ListQuery{}, 500, entity.TimeFromMillis(testNow),
		func(JobChunk) []*entity.AuditEvent { t.Fatal("audited without the lease"); return nil })
	if !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("RevokeJobChunk: got %v, want ErrLeaseLost", err)
	}
}

// jobOrgLock is the organization lock of a job's transaction, which also
// reads the organization's count of unrevoked tokens.
func jobOrgLock(unrevoked int64) step {
	return query("SELECT `unrevoked_token_count` FROM `organizations` WHERE id = ? FOR UPDATE", testOrgID).
		returning(sqlmock.NewRows([]string{"unrevoked_token_count"}).AddRow(unrevoked)).scopedBy("WHERE id = ?", testOrgID)
}

// TestRevokeJobChunkStatements: the lease first (it orders the chunk with
// any claim), the job, the organization lock every revocation takes
// first, one keyset read of the candidates after the position, one lock
// of them by ID (through the primary key), then the revocation's update,
// events and counter, and the job's progress: the last chunk (fewer than
// the size) ends the job. The job (2 tokens) is a large share of the
// organization's 150 unrevoked tokens, so its candidates come along the
// creation index; at 1 in 201 the planner chooses.
func TestRevokeJobChunkStatements(t *testing.T) {
	for _, c := range []struct {
		unrevoked int64
		table     string
	}{
		{150, "personal_access_tokens AS t FORCE INDEX (ix_pat_org_created)"},
		{200, "personal_access_tokens AS t FORCE INDEX (ix_pat_org_created)"},
		{201, "personal_access_tokens AS t"},
	} {
		t.Run(fmt.Sprintf("unrevoked %d", c.unrevoked), func(t *testing.T) { testRevokeJobChunkStatements(t, c.unrevoked, c.table) })
	}
}

func testRevokeJobChunkStatements(t *testing.T, unrevoked int64, table string) {
	now := entity.TimeFromMillis(testNow)
	until := testNow - 500
	steps := []step{begin(), chunkLease(1), query(chunkJobSQL, "J", 1).returning(jobRows()), jobOrgLock(unrevoked),
		query("SELECT t.id, t.created_at FROM "+table+" WHERE t.organization_id = ? AND t.revoked_at IS NULL AND t.created_at <= ? "+
			"AND ((t.created_at > ? OR (t.created_at = ? AND t.id > ?))) ORDER BY t.created_at, t.id LIMIT ?",
			testOrgID, testNow-1000, 0, 0, "", 500).returning(tokenRows(nil, "A", "B")),
		query("SELECT * FROM personal_access_tokens FORCE INDEX (PRIMARY) WHERE organization_id = ? AND id IN (?,?) AND revoked_at IS NULL ORDER BY created_at, id FOR UPDATE",
			testOrgID, "A", "B").returning(tokenRows(nil, "A", "B")),
		exec("UPDATE `personal_access_tokens` SET `revocation_source`=?,`revoked_at`=?,`revoked_by_id`=? WHERE organization_id = ? AND id IN (?,?) AND revoked_at IS NULL",
			"FILTER", testNow, testOwnerID, testOrgID, "A", "B").affecting(2),
		auditInsertStep(filterEvent("A"), filterEvent("B")), counterStep(-2), logStep(),
		exec("UPDATE `revocation_jobs` SET `attempts`=?,`finished_at`=?,`lease_owner`=?,`lease_until`=?,`position_created_at`=?,`position_id`=?,`revoked`=revoked + ?,`state`=? WHERE id = ?",
			0, testNow, "", 0, testNow-1000, "B", 2, "SUCCEEDED", "J").affecting(1),
		commit()}
	s := mockStore(t, steps...)
	q := ListQuery{Statuses: []entity.TokenStatus{entity.TokenStatusActive, entity.TokenStatusExpired}, Now: until, LifespanMillis: 90 * 86_400_000}
	job, revoked, err := s.RevokeJobChunk(context.Background(), "J", "me", testNow+30_000, q, 500, now,
		func(c JobChunk) []*entity.AuditEvent { return []*entity.AuditEvent{filterEvent("A"), filterEvent("B")} })
	if err != nil {
		t.Fatalf("RevokeJobChunk: %v", err)
	}
	if job.State != entity.JobSucceeded || job.Revoked != 2 || len(revoked) != 2 {
		t.Fatalf("job: got %+v, %d digests", job, len(revoked))
	}
}

// filterEvent is the audit event of job J revoking token id.
func filterEvent(id string) *entity.AuditEvent {
	e := revokedEvent("F"+id, id, testOwnerID, entity.RevokedByFilter)
	job := "J"
	e.RevocationJobID = &job
	return e
}
