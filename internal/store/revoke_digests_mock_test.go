package store

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"

	"github.com/patgov/pats/internal/entity"
)

// The digests of a RevokeByDigests call: three values, as pasted.
var batchDigests = [][]byte{[]byte("digest-A"), []byte("digest-B"), []byte("digest-C")}

// batchLock locks the organization's tokens with batchDigests through the
// (organization, digest) index, finding rows.
func batchLock(rows *sqlmock.Rows) step {
	return query("SELECT * FROM personal_access_tokens FORCE INDEX (uq_pat_org_digest) WHERE organization_id = ? AND token_digest IN (?,?,?) FOR UPDATE",
		testOrgID, batchDigests[0], batchDigests[1], batchDigests[2]).returning(rows).scopedBy("organization_id = ?", testOrgID)
}

// batchRevoke revokes ids by value, by the test caller at testNow,
// changing affected rows.
func batchRevoke(affected int64, ids ...string) step {
	args := argsOf("BY_VALUE", testNow, testOwnerID, testOrgID)
	for _, id := range ids {
		args = append(args, id)
	}
	return exec("UPDATE `personal_access_tokens` SET `revocation_source`=?,`revoked_at`=?,`revoked_by_id`=? WHERE organization_id = ? AND id IN ("+
		placeholders(len(ids))+") AND revoked_at IS NULL", args...).affecting(affected).scopedBy("organization_id = ?", testOrgID)
}

// mixedRows are the token rows of ids, those in revoked revoked a minute
// before testNow by their owner.
func mixedRows(revoked []string, ids ...string) *sqlmock.Rows {
	rows := sqlmock.NewRows(tokenColumns)
	for _, id := range ids {
		var at, by, source any
		if slices.Contains(revoked, id) {
			at, by, source = testNow-60_000, testOwnerID, "OWNER"
		}
		rows.AddRow(id, testOrgID, testOwnerID, "Name "+id, "name "+id, " a b ", []byte("digest-"+id),
			"pat_"+id, testNow-1000, testNow+1000, nil, at, by, source)
	}
	return rows
}

// TestRevokeByDigests: one locking read of every digest within the
// organization, then, only for the tokens not yet revoked, one update, one
// insert of their events and one counter update, in one transaction; a
// write that disagrees with the lock rolls everything back.
func TestRevokeByDigests(t *testing.T) {
	tests := []struct {
		name string
		// found are the tokens the lock finds, revoked those of them
		// revoked before.
		found, revoked []string
		steps          []step
		// wantAudited is what the audit callback must be given (nil: not
		// called).
		wantAudited []string
		wantErr     error // non-nil: the call fails, wrapping it unless errInternal
		wantCount   int64
	}{
		{
			name:  "found tokens not yet revoked are revoked and audited, then counted",
			found: []string{"A", "B"},
			steps: []step{begin(), revokeOrgLock(), batchLock(mixedRows(nil, "A", "B")), batchRevoke(2, "A", "B"),
				auditInsertStep(byValueEvent("A"), byValueEvent("B")), counterStep(-2), logStep(), commit()},
			wantAudited: []string{"A", "B"}, wantCount: 2,
		},
		{
			name:  "already revoked tokens are neither written nor audited",
			found: []string{"A", "B"}, revoked: []string{"A"},
			steps: []step{begin(), revokeOrgLock(), batchLock(mixedRows([]string{"A"}, "A", "B")), batchRevoke(1, "B"),
				auditInsertStep(byValueEvent("B")), counterStep(-1), logStep(), commit()},
			wantAudited: []string{"B"}, wantCount: 1,
		},
		{
			name:  "nothing found writes nothing",
			steps: []step{begin(), revokeOrgLock(), batchLock(sqlmock.NewRows(tokenColumns)), commit()},
		},
		{
			name:  "only revoked tokens found writes nothing",
			found: []string{"C"}, revoked: []string{"C"},
			steps: []step{begin(), revokeOrgLock(), batchLock(mixedRows([]string{"C"}, "C")), commit()},
		},
		{
			// Cannot happen under the row locks; if it does, nothing may be
			// committed: neither events nor a counter change.
			name:        "an update revoking fewer than locked rolls back",
			found:       []string{"A", "B"},
			steps:       []step{begin(), revokeOrgLock(), batchLock(mixedRows(nil, "A", "B")), batchRevoke(1, "A", "B"), rollback()},
			wantAudited: []string{"A", "B"}, wantErr: errInternal,
		},
		{
			name:  "an audit insert failure rolls back without a counter update",
			found: []string{"A"},
			steps: []step{begin(), revokeOrgLock(), batchLock(mixedRows(nil, "A")), batchRevoke(1, "A"),
				auditInsertStep(byValueEvent("A")).failing(errDB), rollback()},
			wantAudited: []string{"A"}, wantErr: errDB,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var audited []string
			called := false
			found, count, err := mockStore(t, tt.steps...).RevokeByDigests(context.Background(), testOrgID, batchDigests, testOwnerID,
				entity.TimeFromMillis(testNow), func(unrevoked []*entity.PersonalAccessToken) []*entity.AuditEvent {
					called = true
					events := make([]*entity.AuditEvent, len(unrevoked))
					for i, tok := range unrevoked {
						audited = append(audited, tok.ID)
						events[i] = byValueAudit(tok)
					}
					return events
				})
			if !slices.Equal(audited, tt.wantAudited) || called != (tt.wantAudited != nil) {
				t.Errorf("audit callback: got %v (called %v), want %v", audited, called, tt.wantAudited)
			}
			if tt.wantErr != nil {
				if err == nil || found != nil || count != 0 {
					t.Fatalf("RevokeByDigests: got %v, %d, %v, want nil, 0 and an error", found, count, err)
				}
				checkInternal(t, err)
				if tt.wantErr != errInternal && !errors.Is(err, tt.wantErr) {
					t.Errorf("errors.Is(%v, %v): got false, want true", err, tt.wantErr)
				}
				return
			}
			if err != nil || count != tt.wantCount || len(found) != len(tt.found) {
				t.Fatalf("RevokeByDigests: got %d tokens, count %d, %v; want %d, %d, nil", len(found), count, err, len(tt.found), tt.wantCount)
			}
			for _, tok := range found {
				wasRevoked := slices.Contains(tt.revoked, tok.ID)
				if tok.RevokedAt == nil || tok.RevocationSource == nil {
					t.Fatalf("token %s: got not revoked, want revoked as it now stands", tok.ID)
				}
				if want := map[bool]entity.RevocationSource{true: entity.RevokedByOwner, false: entity.RevokedByValue}[wasRevoked]; *tok.RevocationSource != want {
					t.Errorf("token %s: source %s, want %s (an earlier revocation is kept)", tok.ID, *tok.RevocationSource, want)
				}
			}
		})
	}
}

// errInternal marks a case whose error is the store's own.
var errInternal = errors.New("internal")
