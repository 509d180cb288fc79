package store

import (
	"context"
	"database/sql/driver"
	"strings"
	"testing"

	"github.com/patgov/pats/cursor"
)

func afterKey(i int64, null bool, str, id string) *cursor.Key {
	return &cursor.Key{Int: i, Null: null, Str: str, ID: id}
}

// TestListTokensKeyset pins the keyset ("seek") predicate, the ORDER BY and
// the LIMIT of each order field in both directions. The predicate must be
// the expanded form (col > ? OR (col = ? AND t.id > ?)), never a row
// constructor such as (col, t.id) > (?, ?).
func TestListTokensKeyset(t *testing.T) {
	const (
		lifespan = int64(30 * 24 * 3600 * 1000) // 2592000000
		prefix   = "SELECT t.* FROM personal_access_tokens AS t WHERE t.organization_id = ? AND "
		eff      = "(CASE WHEN t.expires_at < t.created_at + 2592000000 THEN t.expires_at ELSE t.created_at + 2592000000 END)"
	)
	tests := []struct {
		name     string
		order    OrderField
		desc     bool
		after    *cursor.Key
		wantSQL  string
		wantArgs []driver.Value
	}{
		{
			name: "CREATED_AT asc", order: OrderCreatedAt, after: afterKey(1000, false, "", "01B"),
			wantSQL:  prefix + "((t.created_at > ? OR (t.created_at = ? AND t.id > ?))) ORDER BY t.created_at ASC, t.id ASC LIMIT ?",
			wantArgs: argsOf(testOrgID, 1000, 1000, "01B", 26),
		},
		{
			name: "CREATED_AT desc", order: OrderCreatedAt, desc: true, after: afterKey(1000, false, "", "01B"),
			wantSQL:  prefix + "((t.created_at < ? OR (t.created_at = ? AND t.id < ?))) ORDER BY t.created_at DESC, t.id DESC LIMIT ?",
			wantArgs: argsOf(testOrgID, 1000, 1000, "01B", 26),
		},
		{
			name: "EXPIRES_AT asc uses the effective expiry", order: OrderExpiresAt, after: afterKey(5000, false, "", "01C"),
			wantSQL:  prefix + "((" + eff + " > ? OR (" + eff + " = ? AND t.id > ?))) ORDER BY " + eff + " ASC, t.id ASC LIMIT ?",
			wantArgs: argsOf(testOrgID, 5000, 5000, "01C", 26),
		},
		{
			name: "EXPIRES_AT desc uses the effective expiry", order: OrderExpiresAt, desc: true, after: afterKey(5000, false, "", "01C"),
			wantSQL:  prefix + "((" + eff + " < ? OR (" + eff + " = ? AND t.id < ?))) ORDER BY " + eff + " DESC, t.id DESC LIMIT ?",
			wantArgs: argsOf(testOrgID, 5000, 5000, "01C", 26),
		},
		{
			name: "LAST_USED_AT asc non-null cursor keeps never-used tokens", order: OrderLastUsedAt, after: afterKey(7000, false, "", "01D"),
			wantSQL: prefix + "((t.last_used_at > ? OR (t.last_used_at = ? AND t.id > ?) OR t.last_used_at IS NULL)) " +
				"ORDER BY (t.last_used_at IS NULL) ASC, t.last_used_at ASC, t.id ASC LIMIT ?",
			wantArgs: argsOf(testOrgID, 7000, 7000, "01D", 26),
		},
		{
			name: "LAST_USED_AT desc non-null cursor keeps never-used tokens", order: OrderLastUsedAt, desc: true, after: afterKey(7000, false, "", "01D"),
			wantSQL: prefix + "((t.last_used_at < ? OR (t.last_used_at = ? AND t.id < ?) OR t.last_used_at IS NULL)) " +
				"ORDER BY (t.last_used_at IS NULL) ASC, t.last_used_at DESC, t.id DESC LIMIT ?",
			wantArgs: argsOf(testOrgID, 7000, 7000, "01D", 26),
		},
		{
			name: "LAST_USED_AT asc NULL cursor", order: OrderLastUsedAt, after: afterKey(0, true, "", "01E"),
			wantSQL: prefix + "((t.last_used_at IS NULL AND t.id > ?)) " +
				"ORDER BY (t.last_used_at IS NULL) ASC, t.last_used_at ASC, t.id ASC LIMIT ?",
			wantArgs: argsOf(testOrgID, "01E", 26),
		},
		{
			name: "LAST_USED_AT desc NULL cursor", order: OrderLastUsedAt, desc: true, after: afterKey(0, true, "", "01E"),
			wantSQL: prefix + "((t.last_used_at IS NULL AND t.id < ?)) " +
				"ORDER BY (t.last_used_at IS NULL) ASC, t.last_used_at DESC, t.id DESC LIMIT ?",
			wantArgs: argsOf(testOrgID, "01E", 26),
		},
		{
			name: "NAME asc binds the string key", order: OrderName, after: afterKey(0, false, "deploy key", "01F"),
			wantSQL:  prefix + "((t.name_key > ? OR (t.name_key = ? AND t.id > ?))) ORDER BY t.name_key ASC, t.id ASC LIMIT ?",
			wantArgs: argsOf(testOrgID, "deploy key", "deploy key", "01F", 26),
		},
		{
			name: "NAME desc binds the string key", order: OrderName, desc: true, after: afterKey(0, false, "deploy key", "01F"),
			wantSQL:  prefix + "((t.name_key < ? OR (t.name_key = ? AND t.id < ?))) ORDER BY t.name_key DESC, t.id DESC LIMIT ?",
			wantArgs: argsOf(testOrgID, "deploy key", "deploy key", "01F", 26),
		},
		{
			name: "first page has no predicate", order: OrderExpiresAt, desc: true,
			wantSQL:  "SELECT t.* FROM personal_access_tokens AS t WHERE t.organization_id = ? ORDER BY " + eff + " DESC, t.id DESC LIMIT ?",
			wantArgs: argsOf(testOrgID, 26),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.Contains(tt.wantSQL, ", t.id) >") || strings.Contains(tt.wantSQL, ", t.id) <") {
				t.Fatalf("want SQL %q uses a row constructor", tt.wantSQL)
			}
			s, mock := newMockStore(t)
			mock.ExpectQuery(tt.wantSQL).WithArgs(tt.wantArgs...).WillReturnRows(tokenRows(nil, "01Z"))
			toks, err := s.ListTokens(context.Background(), ListQuery{
				Scope: Scope{OrgID: testOrgID}, Now: testNow, LifespanMillis: lifespan,
				Order: tt.order, Desc: tt.desc, After: tt.after, Limit: 26,
			})
			if err != nil {
				t.Fatalf("ListTokens: got %v, want nil", err)
			}
			if len(toks) != 1 || toks[0].ID != "01Z" {
				t.Errorf("ListTokens: got %d tokens, want token 01Z", len(toks))
			}
			assertMet(t, mock)
		})
	}
}
