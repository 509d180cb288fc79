package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/entity"
)

// byValueEvent is the event of revoking tokenRows' token id by value.
func byValueEvent(id string) *entity.AuditEvent {
	return revokedEvent("E"+id, id, testOwnerID, entity.RevokedByValue)
}

// byValueAudit is a RevokeByDigest callback returning the locked token's
// byValueEvent.
func byValueAudit(tok *entity.PersonalAccessToken) *entity.AuditEvent { return byValueEvent(tok.ID) }

// planEvents is a RevokeTokens plan that approves and returns events.
func planEvents(events []*entity.AuditEvent) func([]*entity.PersonalAccessToken) ([]*entity.AuditEvent, error) {
	return func([]*entity.PersonalAccessToken) ([]*entity.AuditEvent, error) { return events, nil }
}

// makeTokenIDs returns n distinct token IDs.
func makeTokenIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("01TOKEN%05d", i)
	}
	return ids
}

// revocation is the revocation time, author and source a token returned
// by a revocation must carry.
type revocation struct {
	at, by int64
	source entity.RevocationSource
}

// revokedAs expects ids revoked as r.
func revokedAs(r revocation, ids ...string) map[string]revocation {
	out := make(map[string]revocation, len(ids))
	for _, id := range ids {
		out[id] = r
	}
	return out
}

// TestRevokeTokens checks bulk revocations: one transaction (BEGIN, SELECT
// ... FOR UPDATE, UPDATE ... revoked_at IS NULL, one INSERT of every audit
// event, UPDATE of the organization's counter, COMMIT) whatever the number
// of IDs; the plan sees the locked tokens not yet revoked; earlier
// revocations keep their time, author and source; the source is OWNER for
// the revoker's own tokens and ADMIN for others', in SQL and in memory;
// the counter goes down by the number of tokens newly revoked, after their
// events, whatever the caller's scope, and neither an audit nor a counter
// statement is sent when nothing was newly revoked. A plan's veto rolls
// back before any write and is returned unchanged (it is the domain's
// client-facing error). The transaction rolls back, with an internal error
// and no counter update, when the audit INSERT fails or when the UPDATE
// changed a number of rows other than the number of events or of locked
// unrevoked tokens (a change would go unaudited, an event would be false,
// or the payload would show tokens revoked that are not).
func TestRevokeTokens(t *testing.T) {
	ab, abc := []string{"A", "B"}, []string{"A", "B", "C"}
	owner := testOwnerID
	byOwner := revocation{testNow, testOwnerID, entity.RevokedByOwner}
	// The lock of the organization and of the tokens, the update, the events,
	// the counter and the revocation log.
	// The revoking UPDATE, the audit and outbox INSERTs, the counter, the
	// revocation log.
	full := []string{"begin", "query", "query", "exec", "exec", "exec", "exec", "exec", "commit"}
	// Token A is the revoker's (7), B someone else's (8).
	otherRows := func() *sqlmock.Rows {
		return sqlmock.NewRows(tokenColumns).
			AddRow("A", testOrgID, testOwnerID, "Name A", "name a", " a b ", []byte("da"), "pat_A", testNow-1000, testNow+1000, nil, nil, nil, nil).
			AddRow("B", testOrgID, int64(8), "Name B", "name b", " a b ", []byte("db"), "pat_B", testNow-1000, testNow+1000, nil, nil, nil, nil)
	}
	otherEvents := []*entity.AuditEvent{
		revokedEvent("EA", "A", testOwnerID, entity.RevokedByOwner),
		revokedEvent("EB", "B", 8, entity.RevokedByAdmin),
	}
	otherHead := func(affected int64) []step {
		return []step{begin(), revokeOrgLock(), bulkLock(nil, otherRows(), ab...), bulkRevoke(nil, affected, ab...)}
	}
	eventB := revokedEvent("EB", "B", testOwnerID, entity.RevokedByOwner)
	type testCase struct {
		name      string
		member    bool
		ids       []string
		steps     []step
		wantKinds []string
		// events and veto are what the plan returns; wantOpen the IDs of
		// the unrevoked tokens it must be given.
		events   []*entity.AuditEvent
		veto     error
		wantOpen []string
		// wantCount is the count of a success, wantRevoked how its tokens
		// must be revoked (by ID).
		wantCount   int64
		wantRevoked map[string]revocation
		// wantErr is the error a failure must wrap; wantOwnErr: the error
		// is the store's own and wraps nothing, so no statement followed
		// the UPDATE (a statement sqlmock does not expect fails with an
		// error the store would wrap).
		wantErr    error
		wantOwnErr bool
	}
	var tests []testCase
	for _, n := range []int{1, 3, 1000} {
		ids := makeTokenIDs(n)
		tests = append(tests, testCase{
			name: fmt.Sprintf("one transaction for %d IDs", n), ids: ids,
			steps: revokeSteps(nil, ids, ids, int64(n), revokedEvents(ids...)), wantKinds: full,
			events: revokedEvents(ids...), wantOpen: ids,
			wantCount: int64(n), wantRevoked: revokedAs(byOwner, ids...),
		})
	}
	for _, n := range []int{3, 1000} {
		ids := makeTokenIDs(n)
		tests = append(tests, testCase{
			name: fmt.Sprintf("plan veto of %d IDs rolls back before any write", n), ids: ids,
			steps:     []step{begin(), revokeOrgLock(), bulkLock(nil, tokenRows(nil, ids[:n-1]...), ids...), rollback()},
			wantKinds: []string{"begin", "query", "query", "rollback"},
			// Events returned with an error must not be written.
			events:   revokedEvents(ids[:n-1]...),
			veto:     apperr.New(apperr.NotFound, "tokens not found: %s; nothing was revoked", ids[n-1]),
			wantOpen: ids[:n-1],
		})
	}
	tests = append(tests, []testCase{
		{
			name: "earlier revocation is kept, only newly revoked tokens count", ids: ab,
			steps: []step{
				begin(), revokeOrgLock(),
				bulkLock(nil, sqlmock.NewRows(tokenColumns).
					AddRow("A", testOrgID, testOwnerID, "a", "a", " x ", []byte("da"), "h", testNow-10, testNow+10, nil, testNow-5, int64(99), "ADMIN").
					AddRow("B", testOrgID, testOwnerID, "b", "b", " x ", []byte("db"), "h", testNow-10, testNow+10, nil, nil, nil, nil), ab...),
				bulkRevoke(nil, 1, ab...), auditInsertStep(eventB), counterStep(-1), logStep(), commit(),
			},
			wantKinds: full, events: []*entity.AuditEvent{eventB}, wantOpen: []string{"B"},
			wantCount:   1,
			wantRevoked: map[string]revocation{"A": {testNow - 5, 99, entity.RevokedByAdmin}, "B": byOwner},
		},
		{
			name: "own token OWNER, another's ADMIN", ids: ab,
			steps:  append(otherHead(2), auditInsertStep(otherEvents...), counterStep(-2), logStep(), commit()),
			events: otherEvents, wantKinds: full, wantOpen: ab,
			wantCount:   2,
			wantRevoked: map[string]revocation{"A": byOwner, "B": {testNow, testOwnerID, entity.RevokedByAdmin}},
		},
		{
			name: "audit insert failure rolls back without counter update", ids: ab,
			steps:     append(otherHead(2), auditInsertStep(otherEvents...).failing(errDB), rollback()),
			wantKinds: []string{"begin", "query", "query", "exec", "exec", "rollback"},
			events:    otherEvents, wantOpen: ab, wantErr: errDB,
		},
		{
			name: "more rows revoked than events rolls back", ids: ab,
			steps: append(otherHead(2), rollback()), wantKinds: []string{"begin", "query", "query", "exec", "rollback"},
			events: otherEvents[:1], wantOpen: ab, wantOwnErr: true,
		},
		{
			name: "fewer rows revoked than events rolls back", ids: ab,
			steps: append(otherHead(1), rollback()), wantKinds: []string{"begin", "query", "query", "exec", "rollback"},
			events: otherEvents, wantOpen: ab, wantOwnErr: true,
		},
		{
			name: "rows and events agreeing on fewer than the locked unrevoked tokens roll back", ids: ab,
			steps: append(otherHead(1), rollback()), wantKinds: []string{"begin", "query", "query", "exec", "rollback"},
			events: otherEvents[:1], wantOpen: ab, wantOwnErr: true,
		},
		{
			name: "rows revoked without events rolls back", ids: ab,
			steps: append(otherHead(1), rollback()), wantKinds: []string{"begin", "query", "query", "exec", "rollback"},
			events: nil, wantOpen: ab, wantOwnErr: true,
		},
		{
			name: "admin revoking two of three counts two", ids: abc,
			steps: []step{
				begin(), revokeOrgLock(),
				bulkLock(nil, tokenRows(nil, "A", "B").
					AddRow("C", testOrgID, testOwnerID, "Name C", "name c", " a b ", []byte("digest-C"),
						"pat_C", testNow-1000, testNow+1000, nil, testNow-60_000, testOwnerID, "OWNER"), abc...),
				bulkRevoke(nil, 2, abc...), auditInsertStep(revokedEvents("A", "B")...), counterStep(-2), logStep(), commit(),
			},
			wantKinds: full, events: revokedEvents("A", "B"), wantOpen: ab, wantCount: 2,
		},
		{
			name: "member revocation updates the organization's counter", member: true, ids: abc,
			steps:     revokeSteps(&owner, abc, abc, 3, revokedEvents(abc...)),
			wantKinds: full, events: revokedEvents(abc...), wantOpen: abc, wantCount: 3,
		},
		{
			name: "nothing newly revoked sends no audit or counter statement", ids: abc,
			steps:     []step{begin(), revokeOrgLock(), bulkLock(nil, tokenRows(testNow-60_000, abc...), abc...), bulkRevoke(nil, 0, abc...), commit()},
			wantKinds: []string{"begin", "query", "query", "exec", "commit"}, events: []*entity.AuditEvent{},
		},
	}...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkKinds(t, tt.steps, tt.wantKinds...)
			for _, st := range flatten(tt.steps) {
				if strings.HasPrefix(st.sql, "INSERT INTO `audit_events`") && st.sql != auditInsertSQL(len(tt.events)) {
					t.Fatalf("audit statement: got %q, want the one INSERT of %d rows", st.sql, len(tt.events))
				}
			}
			reach := Reach{OrgID: testOrgID}
			if tt.member {
				reach.OwnerID = &owner
			}
			plans := 0
			found, count, err := mockStore(t, tt.steps...).RevokeTokens(context.Background(), reach, tt.ids, testOwnerID,
				entity.TimeFromMillis(testNow), func(found []*entity.PersonalAccessToken) ([]*entity.AuditEvent, error) {
					plans++
					var open []string
					for _, tok := range found {
						if tok.RevokedAt == nil && tok.RevocationSource == nil {
							open = append(open, tok.ID)
						}
					}
					if !slices.Equal(open, tt.wantOpen) {
						t.Errorf("plan: got %d tokens, unrevoked %v, want unrevoked %v", len(found), open, tt.wantOpen)
					}
					return tt.events, tt.veto
				})
			if plans != 1 {
				t.Errorf("plan calls: got %d, want 1", plans)
			}
			if tt.veto != nil || tt.wantErr != nil || tt.wantOwnErr {
				if err == nil {
					t.Fatalf("RevokeTokens: got nil error, want one")
				}
				if found != nil || count != 0 {
					t.Errorf("RevokeTokens: got %d tokens and count %d, want none", len(found), count)
				}
				if tt.veto != nil {
					if !errors.Is(err, tt.veto) || apperr.CodeOf(err) != apperr.NotFound {
						t.Errorf("RevokeTokens error: got %v (code %v), want the plan's error %v", err, apperr.CodeOf(err), tt.veto)
					}
				} else {
					checkInternal(t, err)
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("errors.Is(%v, %v): got false, want true", err, tt.wantErr)
				}
				if tt.wantOwnErr && errors.Unwrap(err) != nil {
					t.Errorf("RevokeTokens error %v: got a wrapped error, want the store's own (a statement followed the UPDATE)", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("RevokeTokens: got %v, want nil", err)
			}
			if count != tt.wantCount || len(found) != len(tt.ids) {
				t.Fatalf("RevokeTokens: got count %d and %d tokens, want %d and %d", count, len(found), tt.wantCount, len(tt.ids))
			}
			for _, tok := range found {
				want, ok := tt.wantRevoked[tok.ID]
				if ok && (tok.RevokedAt == nil || tok.RevokedAt.Millis() != want.at || tok.RevokedByID == nil || *tok.RevokedByID != want.by ||
					tok.RevocationSource == nil || *tok.RevocationSource != want.source) {
					t.Errorf("token %s (owner %d): got revoked %v by %v (%v), want %d by %d (%s)",
						tok.ID, tok.OwnerID, tok.RevokedAt, tok.RevokedByID, tok.RevocationSource, want.at, want.by, want.source)
				}
			}
		})
	}
}

func TestRevokeByDigest(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
		// wantAudits is how many times the audit callback must run.
		wantAudits int
		// wantErr: the call must fail (an internal error, or ErrNotFound,
		// wrapping wantErrIs if not nil) and the results be zero.
		wantErr   bool
		wantErrIs error
		// wantOwnErr: the error is the store's own and wraps nothing, so
		// no statement followed the UPDATE.
		wantOwnErr  bool
		wantRevoked bool
		wantAt      int64
		wantSource  entity.RevocationSource
	}{
		{
			name: "active token is revoked by value and audited before the counter",
			steps: []step{begin(), revokeOrgLock(), digestLock(tokenRows(nil, "A")), digestRevoke(1), auditInsertStep(byValueEvent("A")),
				counterStep(-1), logStep(), commit()},
			wantAudits:  1,
			wantRevoked: true, wantAt: testNow, wantSource: entity.RevokedByValue,
		},
		{
			// Cannot happen under the row lock; if it does, nothing may be
			// committed: neither an event nor a counter change.
			name:    "update revoking nothing rolls back",
			steps:   []step{begin(), revokeOrgLock(), digestLock(tokenRows(nil, "A")), digestRevoke(0), rollback()},
			wantErr: true, wantOwnErr: true,
		},
		{
			name: "audit insert failure rolls back without counter update",
			steps: []step{begin(), revokeOrgLock(), digestLock(tokenRows(nil, "A")), digestRevoke(1),
				auditInsertStep(byValueEvent("A")).failing(errDB), rollback()},
			wantAudits: 1,
			wantErr:    true, wantErrIs: errDB,
		},
		{
			name:        "already revoked token is neither written nor audited",
			steps:       []step{begin(), revokeOrgLock(), digestLock(tokenRows(testNow-60_000, "A")), commit()},
			wantRevoked: false, wantAt: testNow - 60_000, wantSource: entity.RevokedByOwner,
		},
		{
			name:    "missing token is ErrNotFound, not audited",
			steps:   []step{begin(), revokeOrgLock(), digestLock(sqlmock.NewRows(tokenColumns)), rollback()},
			wantErr: true, wantErrIs: ErrNotFound,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			audits := 0
			tok, revoked, err := mockStore(t, tt.steps...).RevokeByDigest(context.Background(), testOrgID, testDigest, testOwnerID,
				entity.TimeFromMillis(testNow), func(tok *entity.PersonalAccessToken) *entity.AuditEvent {
					audits++
					if tok.ID != "A" || tok.RevokedAt != nil {
						t.Errorf("audit: got token %s revoked %v, want the locked token A, not yet revoked", tok.ID, tok.RevokedAt)
					}
					return byValueAudit(tok)
				})
			if audits != tt.wantAudits {
				t.Errorf("audit calls: got %d, want %d", audits, tt.wantAudits)
			}
			if tt.wantErr {
				if err == nil || tok != nil || revoked {
					t.Fatalf("RevokeByDigest: got %v, %v, %v, want nil, false and an error", tok, revoked, err)
				}
				if tt.wantErrIs != ErrNotFound {
					checkInternal(t, err)
				}
				if tt.wantErrIs != nil && !errors.Is(err, tt.wantErrIs) {
					t.Errorf("errors.Is(%v, %v): got false, want true", err, tt.wantErrIs)
				}
				if tt.wantOwnErr && errors.Unwrap(err) != nil {
					t.Errorf("RevokeByDigest error %v: got a wrapped error, want the store's own (a statement followed the UPDATE)", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("RevokeByDigest: got %v, want nil", err)
			}
			if revoked != tt.wantRevoked {
				t.Errorf("revoked: got %v, want %v", revoked, tt.wantRevoked)
			}
			if tok.RevokedAt == nil || tok.RevokedAt.Millis() != tt.wantAt {
				t.Errorf("RevokedAt: got %v, want %d", tok.RevokedAt, tt.wantAt)
			}
			if tok.RevocationSource == nil || *tok.RevocationSource != tt.wantSource {
				t.Errorf("RevocationSource: got %v, want %s", tok.RevocationSource, tt.wantSource)
			}
		})
	}
}
