package store

import (
	"context"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"

	"github.com/patgov/pats/internal/entity"
)

// testScanner is the system actor of these tests.
var testScanner = SystemActor{Subject: "pats:secret-scanning", Name: "GitHub secret scanning"}

// The statements of RevokeLeaked. The lock reads by digest alone: a
// scanner reports tokens, not organizations. Everything after it is
// scoped to the organization of the tokens it found.
func leakLock(rows *sqlmock.Rows) []step {
	return []step{
		// The organizations of the tokens, unlocked, then locked in ID
		// order before the tokens (see lockOrganizations).
		query("SELECT DISTINCT `organization_id` FROM `personal_access_tokens` WHERE token_digest IN (?,?) ORDER BY organization_id",
			[]byte("digest-A"), []byte("digest-B")).returning(sqlmock.NewRows([]string{"organization_id"}).AddRow(testOrgID)),
		revokeOrgLock(),
		query("SELECT * FROM `personal_access_tokens` WHERE token_digest IN (?,?) ORDER BY organization_id, id FOR UPDATE",
			[]byte("digest-A"), []byte("digest-B")).returning(rows),
	}
}

func leakSteps(affected int64, events ...*entity.AuditEvent) []step {
	return []step{
		query("SELECT * FROM `organizations` WHERE id = ? LIMIT ?", testOrgID, 1).returning(orgRows()).scopedBy("id = ?", testOrgID),
		exec("INSERT INTO `users` (`organization_id`,`subject`,`email`,`name`,`account_type`,`name_key`,`email_key`,`created_at`,`updated_at`) VALUES (?,?,?,?,?,?,?,?,?) ON DUPLICATE KEY UPDATE `id`=`id`",
			testOrgID, "pats:secret-scanning", "", "GitHub secret scanning", "system", "github secret scanning", "", testNow, testNow).
			inserting(0, 0).scopedBy("`organization_id`", testOrgID),
		query("SELECT * FROM `users` WHERE organization_id = ? AND subject = ? LIMIT ? FOR UPDATE", testOrgID, "pats:secret-scanning", 1).
			returning(sqlmock.NewRows(userColumns).AddRow(9, testOrgID, "pats:secret-scanning", "", "GitHub secret scanning", "system",
				"github secret scanning", "", testNow-1000, testNow-1000)).scopedBy("organization_id = ?", testOrgID),
		exec("UPDATE `personal_access_tokens` SET `revocation_source`=?,`revoked_at`=?,`revoked_by_id`=? WHERE organization_id = ? AND id IN (?) AND revoked_at IS NULL",
			"SECRET_SCANNING", testNow, 9, testOrgID, "A").affecting(affected).scopedBy("organization_id = ?", testOrgID),
		auditInsertStep(events...),
		counterStep(-1), logStep(),
	}
}

// TestRevokeLeaked: the found tokens not yet revoked are revoked by the
// organization's system actor (created on first use, conflicts ignored),
// audited and counted, in one transaction; revoked ones are left alone; an
// update that disagrees with the lock rolls everything back.
func TestRevokeLeaked(t *testing.T) {
	event := revokedEvent("EA", "A", testOwnerID, entity.RevokedBySecretScanning)
	event.ActorID = 9
	mixed := func() *sqlmock.Rows { return mixedRows([]string{"B"}, "A", "B") }
	tests := []struct {
		name        string
		steps       []step
		wantAudited int // tokens handed to audit
		wantErr     bool
		wantCount   int64
	}{
		{
			name:        "unrevoked tokens are revoked by the system actor, revoked ones left alone",
			steps:       concat([]step{begin()}, leakLock(mixed()), leakSteps(1, event), []step{commit()}),
			wantAudited: 1, wantCount: 1,
		},
		{
			name:  "only revoked tokens found: nothing written",
			steps: concat([]step{begin()}, leakLock(mixedRows([]string{"A", "B"}, "A", "B")), []step{commit()}),
		},
		{
			name:        "an update revoking fewer than locked rolls back",
			steps:       concat([]step{begin()}, leakLock(mixed()), leakSteps(0)[:4], []step{rollback()}),
			wantAudited: 1, wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			audited := 0
			found, count, err := mockStore(t, tt.steps...).RevokeLeaked(context.Background(), [][]byte{[]byte("digest-A"), []byte("digest-B")},
				testScanner, entity.TimeFromMillis(testNow), func(r LeakedRevocation) []*entity.AuditEvent {
					if r.Org.ID != testOrgID || r.Actor.ID != 9 || r.Actor.AccountType != entity.AccountTypeSystem {
						t.Errorf("audit: got org %d actor %+v, want the organization and its system actor", r.Org.ID, r.Actor)
					}
					audited += len(r.Unrevoked)
					return []*entity.AuditEvent{event}
				})
			if audited != tt.wantAudited {
				t.Errorf("audited: got %d tokens, want %d", audited, tt.wantAudited)
			}
			if tt.wantErr {
				if err == nil || found != nil {
					t.Fatalf("RevokeLeaked: got %v, %v, want an error and nothing", found, err)
				}
				checkInternal(t, err)
				return
			}
			if err != nil || count != tt.wantCount || len(found) != 2 {
				t.Fatalf("RevokeLeaked: got %d tokens, count %d, %v; want 2, %d, nil", len(found), count, err, tt.wantCount)
			}
			for _, tok := range found {
				if tok.RevokedAt == nil {
					t.Errorf("token %s: got not revoked, want as it now stands", tok.ID)
				}
			}
		})
	}
}
