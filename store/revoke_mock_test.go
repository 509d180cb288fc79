package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"

	"github.com/patgov/pats/apperr"
	"github.com/patgov/pats/model"
)

// revokeSteps are the statements of a bulk revocation of ids by an admin:
// the same round trips whatever the number of IDs (the counter update
// only when the UPDATE revoked some).
func revokeSteps(ids []string, found []string, affected int64) []step {
	lockArgs := argsOf(testOrgID)
	updArgs := argsOf(testNow, testOwnerID, testOrgID)
	for _, id := range ids {
		lockArgs = append(lockArgs, id)
		updArgs = append(updArgs, id)
	}
	steps := []step{
		begin(),
		{kind: "query",
			sql:  "SELECT * FROM `personal_access_tokens` WHERE organization_id = ? AND id IN (" + placeholders(len(ids)) + ") FOR UPDATE",
			args: lockArgs, rows: tokenRows(nil, found...)},
		{kind: "exec",
			sql:    "UPDATE `personal_access_tokens` SET `revoked_at`=?,`revoked_by_id`=? WHERE organization_id = ? AND (id IN (" + placeholders(len(ids)) + ") AND revoked_at IS NULL)",
			args:   updArgs,
			result: sqlmock.NewResult(0, affected)},
	}
	if affected != 0 {
		steps = append(steps, counterStep(-affected))
	}
	return append(steps, commit())
}

func TestRevokeTokensSingleTransaction(t *testing.T) {
	makeIDs := func(n int) []string {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("01TOKEN%05d", i)
		}
		return ids
	}
	// BEGIN, SELECT ... FOR UPDATE, UPDATE ... revoked_at IS NULL, UPDATE
	// of the organization's counter, COMMIT.
	wantKinds := []string{"begin", "query", "exec", "exec", "commit"}
	for _, n := range []int{1, 3, 1000} {
		t.Run(fmt.Sprintf("%d IDs", n), func(t *testing.T) {
			ids := makeIDs(n)
			steps := revokeSteps(ids, ids, int64(n))
			if got := kinds(steps); !slices.Equal(got, wantKinds) {
				t.Fatalf("statements: got %v, want %v", got, wantKinds)
			}
			s, mock := newMockStore(t)
			expectSteps(mock, steps)
			checked := 0
			found, count, err := s.RevokeTokens(context.Background(), Scope{OrgID: testOrgID}, ids, testOwnerID,
				model.TimeFromMillis(testNow), func(found []*model.PersonalAccessToken) error {
					checked++
					if len(found) != n {
						t.Errorf("check: got %d tokens, want %d", len(found), n)
					}
					return nil
				})
			if err != nil {
				t.Fatalf("RevokeTokens: got %v, want nil", err)
			}
			if checked != 1 {
				t.Errorf("check calls: got %d, want 1", checked)
			}
			if count != int64(n) || len(found) != n {
				t.Errorf("RevokeTokens: got count %d and %d tokens, want %d and %d", count, len(found), n, n)
			}
			for _, tok := range found {
				if tok.RevokedAt == nil || tok.RevokedAt.Millis() != testNow || tok.RevokedByID == nil || *tok.RevokedByID != testOwnerID {
					t.Errorf("token %s: got revoked %v by %v, want %d by %d", tok.ID, tok.RevokedAt, tok.RevokedByID, testNow, testOwnerID)
					break
				}
			}
			assertMet(t, mock)
		})
	}
}

// TestRevokeTokensKeepsEarlierRevocation checks that tokens revoked before
// keep their revocation time and author, and only newly revoked ones count.
func TestRevokeTokensKeepsEarlierRevocation(t *testing.T) {
	s, mock := newMockStore(t)
	rows := sqlmock.NewRows(tokenColumns).
		AddRow("A", testOrgID, testOwnerID, "a", "a", " x ", []byte("da"), "h", testNow-10, testNow+10, nil, testNow-5, int64(99)).
		AddRow("B", testOrgID, testOwnerID, "b", "b", " x ", []byte("db"), "h", testNow-10, testNow+10, nil, nil, nil)
	mock.ExpectBegin()
	mock.ExpectQuery("SELECT * FROM `personal_access_tokens` WHERE organization_id = ? AND id IN (?,?) FOR UPDATE").
		WithArgs(testOrgID, "A", "B").WillReturnRows(rows)
	mock.ExpectExec("UPDATE `personal_access_tokens` SET `revoked_at`=?,`revoked_by_id`=? WHERE organization_id = ? AND (id IN (?,?) AND revoked_at IS NULL)").
		WithArgs(testNow, testOwnerID, testOrgID, "A", "B").WillReturnResult(sqlmock.NewResult(0, 1))
	mock.ExpectExec(counterSQL).WithArgs(-1, testOrgID).WillReturnResult(sqlmock.NewResult(0, 1))
	mock.ExpectCommit()
	found, count, err := s.RevokeTokens(context.Background(), Scope{OrgID: testOrgID}, []string{"A", "B"}, testOwnerID,
		model.TimeFromMillis(testNow), func([]*model.PersonalAccessToken) error { return nil })
	if err != nil {
		t.Fatalf("RevokeTokens: got %v, want nil", err)
	}
	if count != 1 {
		t.Errorf("count: got %d, want 1", count)
	}
	byID := map[string]*model.PersonalAccessToken{}
	for _, tok := range found {
		byID[tok.ID] = tok
	}
	if a := byID["A"]; a == nil || a.RevokedAt.Millis() != testNow-5 || *a.RevokedByID != 99 {
		t.Errorf("token A: got %+v, want revoked at %d by 99", a, testNow-5)
	}
	if b := byID["B"]; b == nil || b.RevokedAt == nil || b.RevokedAt.Millis() != testNow || *b.RevokedByID != testOwnerID {
		t.Errorf("token B: got %+v, want revoked at %d by %d", b, testNow, testOwnerID)
	}
	assertMet(t, mock)
}

// TestRevokeTokensCheckVeto checks that an error from the check callback
// rolls the transaction back before any UPDATE and is returned unchanged
// (it is the domain's client-facing error).
func TestRevokeTokensCheckVeto(t *testing.T) {
	for _, n := range []int{3, 1000} {
		t.Run(fmt.Sprintf("%d IDs", n), func(t *testing.T) {
			ids := make([]string, n)
			for i := range ids {
				ids[i] = fmt.Sprintf("01TOKEN%05d", i)
			}
			steps := revokeSteps(ids, ids[:n-1], 0)
			// BEGIN, the lock, then ROLLBACK instead of the UPDATEs and COMMIT.
			steps = []step{steps[0], steps[1], rollback()}
			if got, want := kinds(steps), []string{"begin", "query", "rollback"}; !slices.Equal(got, want) {
				t.Fatalf("statements: got %v, want %v", got, want)
			}
			s, mock := newMockStore(t)
			expectSteps(mock, steps)
			veto := apperr.New(apperr.NotFound, "tokens not found: %s; nothing was revoked", ids[n-1])
			found, count, err := s.RevokeTokens(context.Background(), Scope{OrgID: testOrgID}, ids, testOwnerID,
				model.TimeFromMillis(testNow), func(found []*model.PersonalAccessToken) error {
					if len(found) != n-1 {
						t.Errorf("check: got %d tokens, want %d", len(found), n-1)
					}
					return veto
				})
			if !errors.Is(err, veto) {
				t.Errorf("RevokeTokens error: got %v, want the check's error %v", err, veto)
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

func TestRevokeByDigest(t *testing.T) {
	digest := []byte("0123456789abcdef0123456789abcdef")
	const (
		selectSQL = "SELECT * FROM `personal_access_tokens` WHERE organization_id = ? AND token_digest = ? LIMIT ? FOR UPDATE"
		updateSQL = "UPDATE `personal_access_tokens` SET `revoked_at`=?,`revoked_by_id`=? WHERE organization_id = ? AND id = ? AND revoked_at IS NULL"
	)
	tests := []struct {
		name        string
		steps       []step
		wantRevoked bool
		wantAt      int64
	}{
		{
			name: "active token is revoked",
			steps: []step{
				begin(),
				{kind: "query", sql: selectSQL, args: argsOf(testOrgID, digest, 1), rows: tokenRows(nil, "A")},
				{kind: "exec", sql: updateSQL, args: argsOf(testNow, testOwnerID, testOrgID, "A"), result: sqlmock.NewResult(0, 1)},
				counterStep(-1),
				commit(),
			},
			wantRevoked: true, wantAt: testNow,
		},
		{
			// Cannot happen under the row lock; the counter must still not
			// move when the UPDATE changed nothing.
			name: "update revoking nothing leaves the counter alone",
			steps: []step{
				begin(),
				{kind: "query", sql: selectSQL, args: argsOf(testOrgID, digest, 1), rows: tokenRows(nil, "A")},
				{kind: "exec", sql: updateSQL, args: argsOf(testNow, testOwnerID, testOrgID, "A"), result: sqlmock.NewResult(0, 0)},
				commit(),
			},
			wantRevoked: false, wantAt: testNow,
		},
		{
			name: "already revoked token is not written",
			steps: []step{
				begin(),
				{kind: "query", sql: selectSQL, args: argsOf(testOrgID, digest, 1), rows: tokenRows(testNow-60_000, "A")},
				commit(),
			},
			wantRevoked: false, wantAt: testNow - 60_000,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, mock := newMockStore(t)
			expectSteps(mock, tt.steps)
			tok, revoked, err := s.RevokeByDigest(context.Background(), testOrgID, digest, testOwnerID, model.TimeFromMillis(testNow))
			if err != nil {
				t.Fatalf("RevokeByDigest: got %v, want nil", err)
			}
			if revoked != tt.wantRevoked {
				t.Errorf("revoked: got %v, want %v", revoked, tt.wantRevoked)
			}
			if tok.RevokedAt == nil || tok.RevokedAt.Millis() != tt.wantAt {
				t.Errorf("RevokedAt: got %v, want %d", tok.RevokedAt, tt.wantAt)
			}
			assertMet(t, mock)
		})
	}
}

// TestRevokeTokensCounter checks that the organization's unrevoked-token
// counter goes down by the number of tokens this call newly revoked, in
// the revocation's transaction, whatever the caller's scope, and that no
// counter statement is sent when nothing was newly revoked.
func TestRevokeTokensCounter(t *testing.T) {
	owner := testOwnerID
	const (
		lockAdmin    = "SELECT * FROM `personal_access_tokens` WHERE organization_id = ? AND id IN (?,?,?) FOR UPDATE"
		updateAdmin  = "UPDATE `personal_access_tokens` SET `revoked_at`=?,`revoked_by_id`=? WHERE organization_id = ? AND (id IN (?,?,?) AND revoked_at IS NULL)"
		lockMember   = "SELECT * FROM `personal_access_tokens` WHERE organization_id = ? AND owner_id = ? AND id IN (?,?,?) FOR UPDATE"
		updateMember = "UPDATE `personal_access_tokens` SET `revoked_at`=?,`revoked_by_id`=? WHERE organization_id = ? AND owner_id = ? AND (id IN (?,?,?) AND revoked_at IS NULL)"
	)
	tests := []struct {
		name      string
		scope     Scope
		steps     []step
		wantKinds []string
		wantCount int64
	}{
		{
			name:  "admin revoking two of three counts two",
			scope: Scope{OrgID: testOrgID},
			steps: []step{
				begin(),
				{kind: "query", sql: lockAdmin, args: argsOf(testOrgID, "A", "B", "C"), rows: tokenRows(nil, "A", "B", "C")},
				{kind: "exec", sql: updateAdmin, args: argsOf(testNow, testOwnerID, testOrgID, "A", "B", "C"), result: sqlmock.NewResult(0, 2)},
				counterStep(-2),
				commit(),
			},
			wantKinds: []string{"begin", "query", "exec", "exec", "commit"},
			wantCount: 2,
		},
		{
			name:  "member revocation updates the organization's counter",
			scope: Scope{OrgID: testOrgID, OwnerID: &owner},
			steps: []step{
				begin(),
				{kind: "query", sql: lockMember, args: argsOf(testOrgID, testOwnerID, "A", "B", "C"), rows: tokenRows(nil, "A", "B", "C")},
				{kind: "exec", sql: updateMember, args: argsOf(testNow, testOwnerID, testOrgID, testOwnerID, "A", "B", "C"), result: sqlmock.NewResult(0, 3)},
				counterStep(-3),
				commit(),
			},
			wantKinds: []string{"begin", "query", "exec", "exec", "commit"},
			wantCount: 3,
		},
		{
			name:  "nothing newly revoked sends no counter statement",
			scope: Scope{OrgID: testOrgID},
			steps: []step{
				begin(),
				{kind: "query", sql: lockAdmin, args: argsOf(testOrgID, "A", "B", "C"), rows: tokenRows(testNow-60_000, "A", "B", "C")},
				{kind: "exec", sql: updateAdmin, args: argsOf(testNow, testOwnerID, testOrgID, "A", "B", "C"), result: sqlmock.NewResult(0, 0)},
				commit(),
			},
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
			found, count, err := s.RevokeTokens(context.Background(), tt.scope, []string{"A", "B", "C"}, testOwnerID,
				model.TimeFromMillis(testNow), func([]*model.PersonalAccessToken) error { return nil })
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
