package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/entity"
)

// The statements of RevokeByDigest: the token locked by its digest, then
// revoked (source BY_VALUE) only if it is not yet.
const (
	digestLockSQL   = "SELECT * FROM `personal_access_tokens` WHERE organization_id = ? AND token_digest = ? LIMIT ? FOR UPDATE"
	digestRevokeSQL = "UPDATE `personal_access_tokens` SET `revocation_source`=?,`revoked_at`=?,`revoked_by_id`=? WHERE organization_id = ? AND id = ? AND revoked_at IS NULL"
)

// digestRevokeArgs revokes token id by value, by the test caller at testNow.
func digestRevokeArgs(id string) []driver.Value {
	return argsOf("BY_VALUE", testNow, testOwnerID, testOrgID, id)
}

// byValueEvent is the event of revoking tokenRows' token id by value.
func byValueEvent(id string) *entity.AuditEvent {
	return revokedEvent("E"+id, id, testOwnerID, entity.RevokedByValue)
}

// byValueAudit is a RevokeByDigest callback returning the locked token's
// byValueEvent.
func byValueAudit(tok *entity.PersonalAccessToken) *entity.AuditEvent { return byValueEvent(tok.ID) }

// bulkLockSQL locks n tokens of the organization, or of the caller too
// (member).
func bulkLockSQL(member bool, n int) string {
	owner := ""
	if member {
		owner = " AND owner_id = ?"
	}
	return "SELECT * FROM `personal_access_tokens` WHERE organization_id = ?" + owner + " AND id IN (" + placeholders(n) + ") FOR UPDATE"
}

// bulkRevokeSQL revokes those of n tokens not yet revoked, the source
// chosen per row: OWNER when the revoker owns it, else ADMIN.
func bulkRevokeSQL(member bool, n int) string {
	owner := ""
	if member {
		owner = " AND owner_id = ?"
	}
	return "UPDATE `personal_access_tokens` SET `revocation_source`=CASE WHEN owner_id = ? THEN ? ELSE ? END,`revoked_at`=?,`revoked_by_id`=? " +
		"WHERE organization_id = ?" + owner + " AND (id IN (" + placeholders(n) + ") AND revoked_at IS NULL)"
}

// bulkRevokeArgs are bulkRevokeSQL's arguments for a revocation of ids by
// the test caller at testNow, restricted to owner's tokens if not nil.
func bulkRevokeArgs(owner *int64, ids ...string) []driver.Value {
	args := argsOf(testOwnerID, "OWNER", "ADMIN", testNow, testOwnerID, testOrgID)
	if owner != nil {
		args = append(args, *owner)
	}
	for _, id := range ids {
		args = append(args, id)
	}
	return args
}

// planEvents is a RevokeTokens plan that approves and returns events.
func planEvents(events []*entity.AuditEvent) func([]*entity.PersonalAccessToken) ([]*entity.AuditEvent, error) {
	return func([]*entity.PersonalAccessToken) ([]*entity.AuditEvent, error) { return events, nil }
}

// revokeSteps are the statements of a bulk revocation of ids by an admin
// that finds the tokens found, revokes affected of them and audits
// events: the same round trips whatever the number of IDs (the audit
// INSERT only when there are events, the counter update only when the
// UPDATE revoked some).
func revokeSteps(ids, found []string, affected int64, events []*entity.AuditEvent) []step {
	steps := []step{
		begin(),
		{kind: "query", sql: bulkLockSQL(false, len(ids)), args: append(argsOf(testOrgID), argsOf(toAny(ids)...)...),
			rows: tokenRows(nil, found...)},
		{kind: "exec", sql: bulkRevokeSQL(false, len(ids)), args: bulkRevokeArgs(nil, ids...),
			result: sqlmock.NewResult(0, affected)},
	}
	if len(events) != 0 {
		steps = append(steps, auditInsertStep(events...))
	}
	if affected != 0 {
		steps = append(steps, counterStep(-affected))
	}
	return append(steps, commit())
}

// toAny converts strings to a []any.
func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// makeTokenIDs returns n distinct token IDs.
func makeTokenIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("01TOKEN%05d", i)
	}
	return ids
}

func TestRevokeTokensSingleTransaction(t *testing.T) {
	// BEGIN, SELECT ... FOR UPDATE, UPDATE ... revoked_at IS NULL, one
	// INSERT of every audit event, UPDATE of the organization's counter,
	// COMMIT.
	wantKinds := []string{"begin", "query", "exec", "exec", "exec", "commit"}
	for _, n := range []int{1, 3, 1000} {
		t.Run(fmt.Sprintf("%d IDs", n), func(t *testing.T) {
			ids := makeTokenIDs(n)
			events := revokedEvents(ids...)
			steps := revokeSteps(ids, ids, int64(n), events)
			if got := kinds(steps); !slices.Equal(got, wantKinds) {
				t.Fatalf("statements: got %v, want %v", got, wantKinds)
			}
			if got, want := steps[3].sql, auditInsertSQL(n); got != want {
				t.Fatalf("audit statement: got %q, want the one INSERT of %d rows", got, n)
			}
			s, mock := newMockStore(t)
			expectSteps(mock, steps)
			planned := 0
			found, count, err := s.RevokeTokens(context.Background(), Reach{OrgID: testOrgID}, ids, testOwnerID,
				entity.TimeFromMillis(testNow), func(found []*entity.PersonalAccessToken) ([]*entity.AuditEvent, error) {
					planned++
					if len(found) != n {
						t.Errorf("plan: got %d tokens, want %d", len(found), n)
					}
					for _, tok := range found {
						if tok.RevokedAt != nil || tok.RevocationSource != nil {
							t.Errorf("plan: got token %s revoked (%v, %v), want it as locked, not yet revoked", tok.ID, tok.RevokedAt, tok.RevocationSource)
							break
						}
					}
					return events, nil
				})
			if err != nil {
				t.Fatalf("RevokeTokens: got %v, want nil", err)
			}
			if planned != 1 {
				t.Errorf("plan calls: got %d, want 1", planned)
			}
			if count != int64(n) || len(found) != n {
				t.Errorf("RevokeTokens: got count %d and %d tokens, want %d and %d", count, len(found), n, n)
			}
			for _, tok := range found {
				if tok.RevokedAt == nil || tok.RevokedAt.Millis() != testNow || tok.RevokedByID == nil || *tok.RevokedByID != testOwnerID ||
					tok.RevocationSource == nil || *tok.RevocationSource != entity.RevokedByOwner {
					t.Errorf("token %s: got revoked %v by %v (%v), want %d by %d (OWNER)",
						tok.ID, tok.RevokedAt, tok.RevokedByID, tok.RevocationSource, testNow, testOwnerID)
					break
				}
			}
			assertMet(t, mock)
		})
	}
}

// TestRevokeTokensKeepsEarlierRevocation checks that tokens revoked before
// keep their revocation time, author and source, that the plan's events
// (one, for the token not yet revoked) are written, and that only newly
// revoked tokens count.
func TestRevokeTokensKeepsEarlierRevocation(t *testing.T) {
	s, mock := newMockStore(t)
	rows := sqlmock.NewRows(tokenColumns).
		AddRow("A", testOrgID, testOwnerID, "a", "a", " x ", []byte("da"), "h", testNow-10, testNow+10, nil, testNow-5, int64(99), "ADMIN").
		AddRow("B", testOrgID, testOwnerID, "b", "b", " x ", []byte("db"), "h", testNow-10, testNow+10, nil, nil, nil, nil)
	eventB := revokedEvent("EB", "B", testOwnerID, entity.RevokedByOwner)
	steps := []step{
		begin(),
		{kind: "query", sql: bulkLockSQL(false, 2), args: argsOf(testOrgID, "A", "B"), rows: rows},
		{kind: "exec", sql: bulkRevokeSQL(false, 2), args: bulkRevokeArgs(nil, "A", "B"), result: sqlmock.NewResult(0, 1)},
		auditInsertStep(eventB),
		counterStep(-1),
		commit(),
	}
	expectSteps(mock, steps)
	found, count, err := s.RevokeTokens(context.Background(), Reach{OrgID: testOrgID}, []string{"A", "B"}, testOwnerID,
		entity.TimeFromMillis(testNow), func(found []*entity.PersonalAccessToken) ([]*entity.AuditEvent, error) {
			var open []string
			for _, tok := range found {
				if tok.RevokedAt == nil {
					open = append(open, tok.ID)
				}
			}
			if !slices.Equal(open, []string{"B"}) {
				t.Errorf("plan: got unrevoked tokens %v, want [B]", open)
			}
			return []*entity.AuditEvent{eventB}, nil
		})
	if err != nil {
		t.Fatalf("RevokeTokens: got %v, want nil", err)
	}
	if count != 1 {
		t.Errorf("count: got %d, want 1", count)
	}
	byID := map[string]*entity.PersonalAccessToken{}
	for _, tok := range found {
		byID[tok.ID] = tok
	}
	if a := byID["A"]; a == nil || a.RevokedAt.Millis() != testNow-5 || *a.RevokedByID != 99 ||
		a.RevocationSource == nil || *a.RevocationSource != entity.RevokedByAdmin {
		t.Errorf("token A: got %+v, want revoked at %d by 99 (ADMIN)", a, testNow-5)
	}
	if b := byID["B"]; b == nil || b.RevokedAt == nil || b.RevokedAt.Millis() != testNow || *b.RevokedByID != testOwnerID ||
		b.RevocationSource == nil || *b.RevocationSource != entity.RevokedByOwner {
		t.Errorf("token B: got %+v, want revoked at %d by %d (OWNER)", b, testNow, testOwnerID)
	}
	assertMet(t, mock)
}

// TestRevokeTokensPlanVeto checks that an error from the plan callback
// rolls the transaction back before any UPDATE or audit INSERT and is
// returned unchanged (it is the domain's client-facing error).
func TestRevokeTokensPlanVeto(t *testing.T) {
	for _, n := range []int{3, 1000} {
		t.Run(fmt.Sprintf("%d IDs", n), func(t *testing.T) {
			ids := makeTokenIDs(n)
			steps := revokeSteps(ids, ids[:n-1], 0, nil)
			// BEGIN, the lock, then ROLLBACK instead of the writes and COMMIT.
			steps = []step{steps[0], steps[1], rollback()}
			if got, want := kinds(steps), []string{"begin", "query", "rollback"}; !slices.Equal(got, want) {
				t.Fatalf("statements: got %v, want %v", got, want)
			}
			s, mock := newMockStore(t)
			expectSteps(mock, steps)
			veto := apperr.New(apperr.NotFound, "tokens not found: %s; nothing was revoked", ids[n-1])
			found, count, err := s.RevokeTokens(context.Background(), Reach{OrgID: testOrgID}, ids, testOwnerID,
				entity.TimeFromMillis(testNow), func(found []*entity.PersonalAccessToken) ([]*entity.AuditEvent, error) {
					if len(found) != n-1 {
						t.Errorf("plan: got %d tokens, want %d", len(found), n-1)
					}
					// Events returned with an error must not be written.
					return revokedEvents(ids[:n-1]...), veto
				})
			if !errors.Is(err, veto) {
				t.Errorf("RevokeTokens error: got %v, want the plan's error %v", err, veto)
			}
			if got := apperr.CodeOf(err); got != apperr.NotFound {
				t.Errorf("apperr.CodeOf: got %v, want %v", got, apperr.NotFound)
			}
			if found != nil || count != 0 {
				t.Errorf("RevokeTokens: got %d tokens and count %d, want none", len(found), count)
			}
			assertMet(t, mock)
		})
	}
}

// TestRevokeTokensAudit checks the audit rules of a bulk revocation: the
// revocation source (OWNER for the revoker's own tokens, ADMIN for
// others', in SQL and in memory), and that the transaction rolls back,
// with an internal error and no counter update, when the audit INSERT
// fails or when the UPDATE changed a number of rows other than the number
// of events or of locked unrevoked tokens (a change would go unaudited, an
// event would be false, or the payload would show tokens revoked that
// are not).
func TestRevokeTokensAudit(t *testing.T) {
	// Token A is the revoker's (7), B someone else's (8).
	lockRows := func() *sqlmock.Rows {
		return sqlmock.NewRows(tokenColumns).
			AddRow("A", testOrgID, testOwnerID, "Name A", "name a", " a b ", []byte("da"), "pat_A", testNow-1000, testNow+1000, nil, nil, nil, nil).
			AddRow("B", testOrgID, int64(8), "Name B", "name b", " a b ", []byte("db"), "pat_B", testNow-1000, testNow+1000, nil, nil, nil, nil)
	}
	events := []*entity.AuditEvent{
		revokedEvent("EA", "A", testOwnerID, entity.RevokedByOwner),
		revokedEvent("EB", "B", 8, entity.RevokedByAdmin),
	}
	head := func(affected int64) []step {
		return []step{
			begin(),
			{kind: "query", sql: bulkLockSQL(false, 2), args: argsOf(testOrgID, "A", "B"), rows: lockRows()},
			{kind: "exec", sql: bulkRevokeSQL(false, 2), args: bulkRevokeArgs(nil, "A", "B"), result: sqlmock.NewResult(0, affected)},
		}
	}
	tests := []struct {
		name      string
		steps     []step
		events    []*entity.AuditEvent
		wantKinds []string
		wantErr   error // nil: success
		// wantOwnErr: the error is the store's own and wraps nothing, so
		// no statement followed the UPDATE (a statement sqlmock does not
		// expect fails with an error the store would wrap).
		wantOwnErr bool
	}{
		{
			name:      "own token OWNER, another's ADMIN",
			steps:     append(head(2), auditInsertStep(events...), counterStep(-2), commit()),
			events:    events,
			wantKinds: []string{"begin", "query", "exec", "exec", "exec", "commit"},
		},
		{
			name:      "audit insert failure rolls back without counter update",
			steps:     append(head(2), failedAuditInsert(errDB, events...), rollback()),
			events:    events,
			wantKinds: []string{"begin", "query", "exec", "exec", "rollback"},
			wantErr:   errDB,
		},
		{
			name:       "more rows revoked than events rolls back",
			wantOwnErr: true,
			steps:      append(head(2), rollback()),
			events:     events[:1],
			wantKinds:  []string{"begin", "query", "exec", "rollback"},
		},
		{
			name:       "fewer rows revoked than events rolls back",
			wantOwnErr: true,
			steps:      append(head(1), rollback()),
			events:     events,
			wantKinds:  []string{"begin", "query", "exec", "rollback"},
		},
		{
			name:       "rows and events agreeing on fewer than the locked unrevoked tokens roll back",
			wantOwnErr: true,
			steps:      append(head(1), rollback()),
			events:     events[:1],
			wantKinds:  []string{"begin", "query", "exec", "rollback"},
		},
		{
			name:       "rows revoked without events rolls back",
			wantOwnErr: true,
			steps:      append(head(1), rollback()),
			events:     nil,
			wantKinds:  []string{"begin", "query", "exec", "rollback"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kinds(tt.steps); !slices.Equal(got, tt.wantKinds) {
				t.Fatalf("statements: got %v, want %v", got, tt.wantKinds)
			}
			s, mock := newMockStore(t)
			expectSteps(mock, tt.steps)
			found, count, err := s.RevokeTokens(context.Background(), Reach{OrgID: testOrgID}, []string{"A", "B"}, testOwnerID,
				entity.TimeFromMillis(testNow), planEvents(tt.events))
			success := len(tt.wantKinds) > 0 && tt.wantKinds[len(tt.wantKinds)-1] == "commit"
			if success {
				if err != nil {
					t.Fatalf("RevokeTokens: got %v, want nil", err)
				}
				want := map[string]entity.RevocationSource{"A": entity.RevokedByOwner, "B": entity.RevokedByAdmin}
				if count != 2 || len(found) != 2 {
					t.Fatalf("RevokeTokens: got count %d and %d tokens, want 2 and 2", count, len(found))
				}
				for _, tok := range found {
					if tok.RevocationSource == nil || *tok.RevocationSource != want[tok.ID] ||
						tok.RevokedByID == nil || *tok.RevokedByID != testOwnerID {
						t.Errorf("token %s (owner %d): got source %v by %v, want %s by %d",
							tok.ID, tok.OwnerID, tok.RevocationSource, tok.RevokedByID, want[tok.ID], testOwnerID)
					}
				}
			} else {
				if err == nil {
					t.Fatalf("RevokeTokens: got nil error, want one")
				}
				if found != nil || count != 0 {
					t.Errorf("RevokeTokens: got %d tokens and count %d, want none", len(found), count)
				}
				if _, ok := apperr.As(err); ok || apperr.CodeOf(err) != apperr.Internal {
					t.Errorf("RevokeTokens error %v: got code %v, want an internal error", err, apperr.CodeOf(err))
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("errors.Is(%v, %v): got false, want true", err, tt.wantErr)
				}
				if tt.wantOwnErr && errors.Unwrap(err) != nil {
					t.Errorf("RevokeTokens error %v: got a wrapped error, want the store's own (a statement followed the UPDATE)", err)
				}
			}
			assertMet(t, mock)
		})
	}
}

func TestRevokeByDigest(t *testing.T) {
	digest := []byte("0123456789abcdef0123456789abcdef")
	tests := []struct {
		name  string
		steps []step
		// wantAudits is how many times the audit callback must run.
		wantAudits int
		// wantErr: the call must fail (an internal error wrapping
		// wantErrIs if not nil) and the results be zero.
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
			steps: []step{
				begin(),
				{kind: "query", sql: digestLockSQL, args: argsOf(testOrgID, digest, 1), rows: tokenRows(nil, "A")},
				{kind: "exec", sql: digestRevokeSQL, args: digestRevokeArgs("A"), result: sqlmock.NewResult(0, 1)},
				auditInsertStep(byValueEvent("A")),
				counterStep(-1),
				commit(),
			},
			wantAudits:  1,
			wantRevoked: true, wantAt: testNow, wantSource: entity.RevokedByValue,
		},
		{
			// Cannot happen under the row lock; if it does, nothing may be
			// committed: neither an event nor a counter change.
			name: "update revoking nothing rolls back",
			steps: []step{
				begin(),
				{kind: "query", sql: digestLockSQL, args: argsOf(testOrgID, digest, 1), rows: tokenRows(nil, "A")},
				{kind: "exec", sql: digestRevokeSQL, args: digestRevokeArgs("A"), result: sqlmock.NewResult(0, 0)},
				rollback(),
			},
			wantErr: true, wantOwnErr: true,
		},
		{
			name: "audit insert failure rolls back without counter update",
			steps: []step{
				begin(),
				{kind: "query", sql: digestLockSQL, args: argsOf(testOrgID, digest, 1), rows: tokenRows(nil, "A")},
				{kind: "exec", sql: digestRevokeSQL, args: digestRevokeArgs("A"), result: sqlmock.NewResult(0, 1)},
				failedAuditInsert(errDB, byValueEvent("A")),
				rollback(),
			},
			wantAudits: 1,
			wantErr:    true, wantErrIs: errDB,
		},
		{
			name: "already revoked token is neither written nor audited",
			steps: []step{
				begin(),
				{kind: "query", sql: digestLockSQL, args: argsOf(testOrgID, digest, 1), rows: tokenRows(testNow-60_000, "A")},
				commit(),
			},
			wantRevoked: false, wantAt: testNow - 60_000, wantSource: entity.RevokedByOwner,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, mock := newMockStore(t)
			expectSteps(mock, tt.steps)
			audits := 0
			tok, revoked, err := s.RevokeByDigest(context.Background(), testOrgID, digest, testOwnerID, entity.TimeFromMillis(testNow),
				func(tok *entity.PersonalAccessToken) *entity.AuditEvent {
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
				if _, ok := apperr.As(err); ok || apperr.CodeOf(err) != apperr.Internal || errors.Is(err, ErrNotFound) {
					t.Errorf("RevokeByDigest error %v: got code %v, want an internal error", err, apperr.CodeOf(err))
				}
				if tt.wantErrIs != nil && !errors.Is(err, tt.wantErrIs) {
					t.Errorf("errors.Is(%v, %v): got false, want true", err, tt.wantErrIs)
				}
				if tt.wantOwnErr && errors.Unwrap(err) != nil {
					t.Errorf("RevokeByDigest error %v: got a wrapped error, want the store's own (a statement followed the UPDATE)", err)
				}
				assertMet(t, mock)
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
			assertMet(t, mock)
		})
	}
}

// TestRevokeTokensCounter checks that the organization's unrevoked-token
// counter goes down by the number of tokens this call newly revoked, after
// their audit events, in the revocation's transaction, whatever the
// caller's scope, and that neither an audit nor a counter statement is
// sent when nothing was newly revoked.
func TestRevokeTokensCounter(t *testing.T) {
	owner := testOwnerID
	ids := []string{"A", "B", "C"}
	tests := []struct {
		name      string
		scope     Reach
		steps     []step
		events    []*entity.AuditEvent
		wantKinds []string
		wantCount int64
	}{
		{
			name:  "admin revoking two of three counts two",
			scope: Reach{OrgID: testOrgID},
			steps: []step{
				begin(),
				{kind: "query", sql: bulkLockSQL(false, 3), args: argsOf(testOrgID, "A", "B", "C"), rows: tokenRows(nil, "A", "B").
					AddRow("C", testOrgID, testOwnerID, "Name C", "name c", " a b ", []byte("digest-C"),
						"pat_C", testNow-1000, testNow+1000, nil, testNow-60_000, testOwnerID, "OWNER")},
				{kind: "exec", sql: bulkRevokeSQL(false, 3), args: bulkRevokeArgs(nil, ids...), result: sqlmock.NewResult(0, 2)},
				auditInsertStep(revokedEvents("A", "B")...),
				counterStep(-2),
				commit(),
			},
			events:    revokedEvents("A", "B"),
			wantKinds: []string{"begin", "query", "exec", "exec", "exec", "commit"},
			wantCount: 2,
		},
		{
			name:  "member revocation updates the organization's counter",
			scope: Reach{OrgID: testOrgID, OwnerID: &owner},
			steps: []step{
				begin(),
				{kind: "query", sql: bulkLockSQL(true, 3), args: argsOf(testOrgID, testOwnerID, "A", "B", "C"), rows: tokenRows(nil, "A", "B", "C")},
				{kind: "exec", sql: bulkRevokeSQL(true, 3), args: bulkRevokeArgs(&owner, ids...), result: sqlmock.NewResult(0, 3)},
				auditInsertStep(revokedEvents(ids...)...),
				counterStep(-3),
				commit(),
			},
			events:    revokedEvents(ids...),
			wantKinds: []string{"begin", "query", "exec", "exec", "exec", "commit"},
			wantCount: 3,
		},
		{
			name:  "nothing newly revoked sends no audit or counter statement",
			scope: Reach{OrgID: testOrgID},
			steps: []step{
				begin(),
				{kind: "query", sql: bulkLockSQL(false, 3), args: argsOf(testOrgID, "A", "B", "C"), rows: tokenRows(testNow-60_000, "A", "B", "C")},
				{kind: "exec", sql: bulkRevokeSQL(false, 3), args: bulkRevokeArgs(nil, ids...), result: sqlmock.NewResult(0, 0)},
				commit(),
			},
			events:    []*entity.AuditEvent{},
			wantKinds: []string{"begin", "query", "exec", "commit"},
			wantCount: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kinds(tt.steps); !slices.Equal(got, tt.wantKinds) {
				t.Fatalf("statements: got %v, want %v", got, tt.wantKinds)
			}
			s, mock := newMockStore(t)
			expectSteps(mock, tt.steps)
			found, count, err := s.RevokeTokens(context.Background(), tt.scope, ids, testOwnerID,
				entity.TimeFromMillis(testNow), planEvents(tt.events))
			if err != nil {
				t.Fatalf("RevokeTokens: got %v, want nil", err)
			}
			if count != tt.wantCount || len(found) != 3 {
				t.Errorf("RevokeTokens: got count %d and %d tokens, want %d and 3", count, len(found), tt.wantCount)
			}
			assertMet(t, mock)
		})
	}
}
