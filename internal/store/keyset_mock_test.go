package store

import (
	"context"
	"database/sql/driver"
	"regexp"
	"testing"

	"github.com/patgov/pats/internal/cursor"
	"github.com/patgov/pats/internal/entity"
)

func afterKey(i int64, null bool, str, id string) *cursor.Key {
	return &cursor.Key{Int: i, Null: null, Str: str, ID: id}
}

// rowConstructor matches a row-value comparison such as (c, k.id) > (?, ?),
// which index range scans cannot use; every keyset predicate must be the
// expanded form (c > ? OR (c = ? AND k.id > ?)).
var rowConstructor = regexp.MustCompile(`,\s*[a-z]\.id\s*\)\s*[<>]`)

// deferredJoin is an admin's page: the IDs of the page (pageSQL, on alias
// k) joined to the rows by primary key, in the list's order.
func deferredJoin(pageSQL, order string) string {
	return "SELECT t.* FROM personal_access_tokens AS t JOIN (" + pageSQL + ") page ON page.id = t.id " +
		"WHERE t.organization_id = ? ORDER BY " + order + " LIMIT ?"
}

// unionIDs merges the IDs of two limited index scans.
func unionIDs(a, b string) string {
	return "SELECT id FROM (" + a + ") a UNION ALL SELECT id FROM (" + b + ") b"
}

// TestListTokensKeyset pins an admin's page query for each order field in
// both directions: the page's IDs come from an index scan on alias k (two
// merged scans for LAST_USED_AT ascending and for EXPIRES_AT while capping
// is possible), with the keyset ("seek") predicate in its expanded form,
// and the rows are joined by ID in the outer query. The organization
// condition is in the outer query and in every scan.
func TestListTokensKeyset(t *testing.T) {
	const (
		lifespan = int64(30 * 24 * 3600 * 1000) // 2592000000
		scan     = "SELECT k.id FROM personal_access_tokens AS k WHERE k.organization_id = ? "
		eff      = "(CASE WHEN t.expires_at < t.created_at + 2592000000 THEN t.expires_at ELSE t.created_at + 2592000000 END)"
		uncapped = "AND k.expires_at <= k.created_at + 2592000000 "
		capped   = "AND k.expires_at > k.created_at + 2592000000 "
	)
	active := func(q *ListQuery) { q.Statuses = []entity.TokenStatus{entity.TokenStatusActive} }
	tests := []struct {
		name        string
		order       OrderField
		desc        bool
		capPossible bool
		after       *cursor.Key
		filter      func(q *ListQuery)
		wantSQL     string
		wantArgs    []driver.Value
	}{
		{
			name: "CREATED_AT asc", order: OrderCreatedAt, after: afterKey(1000, false, "", "01B"),
			wantSQL: deferredJoin(scan+"AND ((k.created_at > ? OR (k.created_at = ? AND k.id > ?))) ORDER BY k.created_at ASC, k.id ASC LIMIT ?",
				"t.created_at ASC, t.id ASC"),
			wantArgs: argsOf(testOrgID, 1000, 1000, "01B", 26, testOrgID, 26),
		},
		{
			name: "CREATED_AT desc", order: OrderCreatedAt, desc: true, after: afterKey(1000, false, "", "01B"),
			wantSQL: deferredJoin(scan+"AND ((k.created_at < ? OR (k.created_at = ? AND k.id < ?))) ORDER BY k.created_at DESC, k.id DESC LIMIT ?",
				"t.created_at DESC, t.id DESC"),
			wantArgs: argsOf(testOrgID, 1000, 1000, "01B", 26, testOrgID, 26),
		},
		{
			name: "EXPIRES_AT asc, no cap possible: one scan on expires_at", order: OrderExpiresAt, after: afterKey(5000, false, "", "01C"),
			wantSQL: deferredJoin(scan+"AND ((k.expires_at > ? OR (k.expires_at = ? AND k.id > ?))) ORDER BY k.expires_at ASC, k.id ASC LIMIT ?",
				eff+" ASC, t.id ASC"),
			wantArgs: argsOf(testOrgID, 5000, 5000, "01C", 26, testOrgID, 26),
		},
		{
			name: "EXPIRES_AT desc, no cap possible: one scan on expires_at", order: OrderExpiresAt, desc: true, after: afterKey(5000, false, "", "01C"),
			wantSQL: deferredJoin(scan+"AND ((k.expires_at < ? OR (k.expires_at = ? AND k.id < ?))) ORDER BY k.expires_at DESC, k.id DESC LIMIT ?",
				eff+" DESC, t.id DESC"),
			wantArgs: argsOf(testOrgID, 5000, 5000, "01C", 26, testOrgID, 26),
		},
		{
			name:  "EXPIRES_AT asc, cap possible: uncapped on expires_at, capped on created_at shifted by the lifespan",
			order: OrderExpiresAt, capPossible: true, after: afterKey(5000, false, "", "01C"),
			wantSQL: deferredJoin(unionIDs(
				scan+uncapped+"AND ((k.expires_at > ? OR (k.expires_at = ? AND k.id > ?))) ORDER BY k.expires_at ASC, k.id ASC LIMIT ?",
				scan+capped+"AND ((k.created_at > ? OR (k.created_at = ? AND k.id > ?))) ORDER BY k.created_at ASC, k.id ASC LIMIT ?"),
				eff+" ASC, t.id ASC"),
			wantArgs: argsOf(testOrgID, 5000, 5000, "01C", 26,
				testOrgID, 5000-lifespan, 5000-lifespan, "01C", 26,
				testOrgID, 26),
		},
		{
			name:  "EXPIRES_AT desc, cap possible: uncapped on expires_at, capped on created_at shifted by the lifespan",
			order: OrderExpiresAt, desc: true, capPossible: true, after: afterKey(5000, false, "", "01C"),
			wantSQL: deferredJoin(unionIDs(
				scan+uncapped+"AND ((k.expires_at < ? OR (k.expires_at = ? AND k.id < ?))) ORDER BY k.expires_at DESC, k.id DESC LIMIT ?",
				scan+capped+"AND ((k.created_at < ? OR (k.created_at = ? AND k.id < ?))) ORDER BY k.created_at DESC, k.id DESC LIMIT ?"),
				eff+" DESC, t.id DESC"),
			wantArgs: argsOf(testOrgID, 5000, 5000, "01C", 26,
				testOrgID, 5000-lifespan, 5000-lifespan, "01C", 26,
				testOrgID, 26),
		},
		{
			name: "EXPIRES_AT asc, cap possible, first page", order: OrderExpiresAt, capPossible: true,
			wantSQL: deferredJoin(unionIDs(
				scan+uncapped+"ORDER BY k.expires_at ASC, k.id ASC LIMIT ?",
				scan+capped+"ORDER BY k.created_at ASC, k.id ASC LIMIT ?"),
				eff+" ASC, t.id ASC"),
			wantArgs: argsOf(testOrgID, 26, testOrgID, 26, testOrgID, 26),
		},
		{
			name:  "LAST_USED_AT asc non-null cursor: used tokens after the cursor, then never-used ones",
			order: OrderLastUsedAt, after: afterKey(7000, false, "", "01D"),
			wantSQL: deferredJoin(unionIDs(
				scan+"AND k.last_used_at IS NOT NULL AND ((k.last_used_at > ? OR (k.last_used_at = ? AND k.id > ?) OR k.last_used_at IS NULL)) "+
					"ORDER BY k.last_used_at ASC, k.id ASC LIMIT ?",
				scan+"AND k.last_used_at IS NULL ORDER BY k.id ASC LIMIT ?"),
				"(t.last_used_at IS NULL) ASC, t.last_used_at ASC, t.id ASC"),
			wantArgs: argsOf(testOrgID, 7000, 7000, "01D", 26, testOrgID, 26, testOrgID, 26),
		},
		{
			name: "LAST_USED_AT asc first page", order: OrderLastUsedAt,
			wantSQL: deferredJoin(unionIDs(
				scan+"AND k.last_used_at IS NOT NULL ORDER BY k.last_used_at ASC, k.id ASC LIMIT ?",
				scan+"AND k.last_used_at IS NULL ORDER BY k.id ASC LIMIT ?"),
				"(t.last_used_at IS NULL) ASC, t.last_used_at ASC, t.id ASC"),
			wantArgs: argsOf(testOrgID, 26, testOrgID, 26, testOrgID, 26),
		},
		{
			name: "LAST_USED_AT asc NULL cursor: never-used tokens only", order: OrderLastUsedAt, after: afterKey(0, true, "", "01E"),
			wantSQL: deferredJoin(scan+"AND k.last_used_at IS NULL AND k.id > ? ORDER BY k.id ASC LIMIT ?",
				"(t.last_used_at IS NULL) ASC, t.last_used_at ASC, t.id ASC"),
			wantArgs: argsOf(testOrgID, "01E", 26, testOrgID, 26),
		},
		{
			name: "LAST_USED_AT desc non-null cursor keeps never-used tokens", order: OrderLastUsedAt, desc: true, after: afterKey(7000, false, "", "01D"),
			wantSQL: deferredJoin(scan+"AND ((k.last_used_at < ? OR (k.last_used_at = ? AND k.id < ?) OR k.last_used_at IS NULL)) "+
				"ORDER BY k.last_used_at DESC, k.id DESC LIMIT ?",
				"(t.last_used_at IS NULL) ASC, t.last_used_at DESC, t.id DESC"),
			wantArgs: argsOf(testOrgID, 7000, 7000, "01D", 26, testOrgID, 26),
		},
		{
			name: "LAST_USED_AT desc NULL cursor", order: OrderLastUsedAt, desc: true, after: afterKey(0, true, "", "01E"),
			wantSQL: deferredJoin(scan+"AND ((k.last_used_at IS NULL AND k.id < ?)) ORDER BY k.last_used_at DESC, k.id DESC LIMIT ?",
				"(t.last_used_at IS NULL) ASC, t.last_used_at DESC, t.id DESC"),
			wantArgs: argsOf(testOrgID, "01E", 26, testOrgID, 26),
		},
		{
			name: "NAME asc binds the string key", order: OrderName, after: afterKey(0, false, "deploy key", "01F"),
			wantSQL: deferredJoin(scan+"AND ((k.name_key > ? OR (k.name_key = ? AND k.id > ?))) ORDER BY k.name_key ASC, k.id ASC LIMIT ?",
				"t.name_key ASC, t.id ASC"),
			wantArgs: argsOf(testOrgID, "deploy key", "deploy key", "01F", 26, testOrgID, 26),
		},
		{
			name: "NAME desc binds the string key", order: OrderName, desc: true, after: afterKey(0, false, "deploy key", "01F"),
			wantSQL: deferredJoin(scan+"AND ((k.name_key < ? OR (k.name_key = ? AND k.id < ?))) ORDER BY k.name_key DESC, k.id DESC LIMIT ?",
				"t.name_key DESC, t.id DESC"),
			wantArgs: argsOf(testOrgID, "deploy key", "deploy key", "01F", 26, testOrgID, 26),
		},
		{
			name: "first page has no predicate", order: OrderExpiresAt, desc: true,
			wantSQL:  deferredJoin(scan+"ORDER BY k.expires_at DESC, k.id DESC LIMIT ?", eff+" DESC, t.id DESC"),
			wantArgs: argsOf(testOrgID, 26, testOrgID, 26),
		},
		{
			name: "covered filters go into the scan", order: OrderCreatedAt, desc: true, after: afterKey(1000, false, "", "01B"), filter: active,
			wantSQL: deferredJoin(scan+"AND (k.revoked_at IS NULL AND k.expires_at > ? AND k.created_at > ?) "+
				"AND ((k.created_at < ? OR (k.created_at = ? AND k.id < ?))) ORDER BY k.created_at DESC, k.id DESC LIMIT ?",
				"t.created_at DESC, t.id DESC"),
			wantArgs: argsOf(testOrgID, testNow, testNow-lifespan, 1000, 1000, "01B", 26, testOrgID, 26),
		},
		{
			name: "covered filters go into both scans", order: OrderExpiresAt, capPossible: true, after: afterKey(5000, false, "", "01C"), filter: active,
			wantSQL: deferredJoin(unionIDs(
				scan+"AND (k.revoked_at IS NULL AND k.expires_at > ? AND k.created_at > ?) "+uncapped+
					"AND ((k.expires_at > ? OR (k.expires_at = ? AND k.id > ?))) ORDER BY k.expires_at ASC, k.id ASC LIMIT ?",
				scan+"AND (k.revoked_at IS NULL AND k.expires_at > ? AND k.created_at > ?) "+capped+
					"AND ((k.created_at > ? OR (k.created_at = ? AND k.id > ?))) ORDER BY k.created_at ASC, k.id ASC LIMIT ?"),
				eff+" ASC, t.id ASC"),
			wantArgs: argsOf(testOrgID, testNow, testNow-lifespan, 5000, 5000, "01C", 26,
				testOrgID, testNow, testNow-lifespan, 5000-lifespan, 5000-lifespan, "01C", 26,
				testOrgID, 26),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := ListQuery{
				Reach: Reach{OrgID: testOrgID}, Now: testNow, LifespanMillis: lifespan,
				Order: tt.order, Desc: tt.desc, CapPossible: tt.capPossible, After: tt.after, Limit: 26,
			}
			if tt.filter != nil {
				tt.filter(&q)
			}
			checkListTokens(t, q, tt.wantSQL, tt.wantArgs)
		})
	}
}

// TestListTokensDirectRead pins the lists that read rows directly on alias
// t (no index page): a member's own tokens (owner_id condition) and
// searches by text (users join, INSTR) or by scope, with the keyset
// predicate on t in its expanded form.
func TestListTokensDirectRead(t *testing.T) {
	const (
		lifespan = int64(30 * 24 * 3600 * 1000)
		eff      = "(CASE WHEN t.expires_at < t.created_at + 2592000000 THEN t.expires_at ELSE t.created_at + 2592000000 END)"
		search   = "AND ((INSTR(t.name_key, ?) > 0 OR INSTR(u.name_key, ?) > 0 OR INSTR(u.email_key, ?) > 0)) "
	)
	owner := testOwnerID
	member := Reach{OrgID: testOrgID, OwnerID: &owner}
	admin := Reach{OrgID: testOrgID}
	tests := []struct {
		name     string
		q        ListQuery
		wantSQL  string
		wantArgs []driver.Value
	}{
		{
			name: "member CREATED_AT desc",
			q:    ListQuery{Reach: member, Order: OrderCreatedAt, Desc: true, After: afterKey(1000, false, "", "01B")},
			wantSQL: "SELECT t.* FROM personal_access_tokens AS t WHERE t.organization_id = ? AND t.owner_id = ? " +
				"AND ((t.created_at < ? OR (t.created_at = ? AND t.id < ?))) ORDER BY t.created_at DESC, t.id DESC LIMIT ?",
			wantArgs: argsOf(testOrgID, testOwnerID, 1000, 1000, "01B", 26),
		},
		{
			name: "member EXPIRES_AT asc keyset on the effective expiry",
			q:    ListQuery{Reach: member, Order: OrderExpiresAt, CapPossible: true, After: afterKey(5000, false, "", "01C")},
			wantSQL: "SELECT t.* FROM personal_access_tokens AS t WHERE t.organization_id = ? AND t.owner_id = ? " +
				"AND ((" + eff + " > ? OR (" + eff + " = ? AND t.id > ?))) ORDER BY " + eff + " ASC, t.id ASC LIMIT ?",
			wantArgs: argsOf(testOrgID, testOwnerID, 5000, 5000, "01C", 26),
		},
		{
			name: "member LAST_USED_AT asc non-null cursor keeps never-used tokens",
			q:    ListQuery{Reach: member, Order: OrderLastUsedAt, After: afterKey(7000, false, "", "01D")},
			wantSQL: "SELECT t.* FROM personal_access_tokens AS t WHERE t.organization_id = ? AND t.owner_id = ? " +
				"AND ((t.last_used_at > ? OR (t.last_used_at = ? AND t.id > ?) OR t.last_used_at IS NULL)) " +
				"ORDER BY (t.last_used_at IS NULL) ASC, t.last_used_at ASC, t.id ASC LIMIT ?",
			wantArgs: argsOf(testOrgID, testOwnerID, 7000, 7000, "01D", 26),
		},
		{
			name: "member LAST_USED_AT asc NULL cursor",
			q:    ListQuery{Reach: member, Order: OrderLastUsedAt, After: afterKey(0, true, "", "01E")},
			wantSQL: "SELECT t.* FROM personal_access_tokens AS t WHERE t.organization_id = ? AND t.owner_id = ? " +
				"AND ((t.last_used_at IS NULL AND t.id > ?)) " +
				"ORDER BY (t.last_used_at IS NULL) ASC, t.last_used_at ASC, t.id ASC LIMIT ?",
			wantArgs: argsOf(testOrgID, testOwnerID, "01E", 26),
		},
		{
			name: "admin search joins users, lower-cases the needle",
			q:    ListQuery{Reach: admin, Search: "Deploy_%", Order: OrderName, After: afterKey(0, false, "ci", "01F")},
			wantSQL: "SELECT t.* FROM personal_access_tokens AS t JOIN users u ON u.id = t.owner_id WHERE t.organization_id = ? " +
				search + "AND ((t.name_key > ? OR (t.name_key = ? AND t.id > ?))) ORDER BY t.name_key ASC, t.id ASC LIMIT ?",
			wantArgs: argsOf(testOrgID, "deploy_%", "deploy_%", "deploy_%", "ci", "ci", "01F", 26),
		},
		{
			name: "member search first page",
			q:    ListQuery{Reach: member, Search: "ci", Order: OrderCreatedAt, Desc: true},
			wantSQL: "SELECT t.* FROM personal_access_tokens AS t JOIN users u ON u.id = t.owner_id " +
				"WHERE t.organization_id = ? AND t.owner_id = ? " + search + "ORDER BY t.created_at DESC, t.id DESC LIMIT ?",
			wantArgs: argsOf(testOrgID, testOwnerID, "ci", "ci", "ci", 26),
		},
		{
			name: "admin scope filter reads rows",
			q:    ListQuery{Reach: admin, Scopes: []string{"OR.Jobs"}, Order: OrderCreatedAt, After: afterKey(1000, false, "", "01B")},
			wantSQL: "SELECT t.* FROM personal_access_tokens AS t WHERE t.organization_id = ? AND INSTR(t.scopes, ?) > 0 " +
				"AND ((t.created_at > ? OR (t.created_at = ? AND t.id > ?))) ORDER BY t.created_at ASC, t.id ASC LIMIT ?",
			wantArgs: argsOf(testOrgID, " OR.Jobs ", 1000, 1000, "01B", 26),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.Now, q.LifespanMillis, q.Limit = testNow, lifespan, 26
			checkListTokens(t, q, tt.wantSQL, tt.wantArgs)
		})
	}
}

// checkListTokens checks that ListTokens(q) sends exactly wantSQL with
// wantArgs, a keyset predicate in its expanded form, every reference to
// the tokens table scoped to the organization (and to the member, for a
// member's list), and returns the rows found.
func checkListTokens(t *testing.T, q ListQuery, wantSQL string, wantArgs []driver.Value) {
	t.Helper()
	if rowConstructor.MatchString(wantSQL) {
		t.Fatalf("want SQL %q: got a row constructor, want the expanded keyset form", wantSQL)
	}
	checkTokenRefsScoped(t, wantSQL, wantArgs, testOrgID)
	if q.Reach.OwnerID != nil {
		checkBound(t, wantSQL, wantArgs, "t.owner_id = ?", testOwnerID, 1)
	}
	toks, err := mockStore(t, query(wantSQL, wantArgs...).returning(tokenRows(nil, "01Z"))).ListTokens(context.Background(), q)
	if err != nil {
		t.Fatalf("ListTokens: got %v, want nil", err)
	}
	if len(toks) != 1 || toks[0].ID != "01Z" {
		t.Errorf("ListTokens: got %d tokens, want token 01Z", len(toks))
	}
}
