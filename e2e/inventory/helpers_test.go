package inventory

import (
	"cmp"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// listQuery fetches one page of the token list with everything the
// connection offers.
const listQuery = `query List($first: Int, $after: String, $filter: PersonalAccessTokenFilter, $orderBy: PersonalAccessTokenOrder) {
  personalAccessTokens(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount
    edges { cursor node { id } }
    nodes { ` + testenv.TokenFields + ` }
    pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
  }
}`

const revokeMutation = `mutation Revoke($ids: [ID!]!) {
  revokeTokens(ids: $ids) { revokedCount tokens { ` + testenv.TokenFields + ` } }
}`

const revokeByValueMutation = `mutation RevokeByValue($token: String!) {
  revokeTokenByValue(token: $token) { outcome token { ` + testenv.TokenFields + ` } }
}`

// allStatuses is the status filter that shows every token.
var allStatuses = []string{"ACTIVE", "EXPIRED", "REVOKED"}

const day = 24 * time.Hour

// connection is a page of personalAccessTokens.
type connection = testenv.Connection[testenv.Token]

// ids returns the node IDs of the page, in order.
func ids(nodes []testenv.Token) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.ID
	}
	return out
}

// created is a token just created, with its secret.
type created struct {
	testenv.Token
	Secret string
}

// list fetches one page; it returns nil and the response on errors.
func list(t testing.TB, c *testenv.Client, vars map[string]any) (*connection, *testenv.Response) {
	t.Helper()
	r := c.Do(listQuery, vars)
	if len(r.Errors) > 0 {
		return nil, r
	}
	if r.Status != http.StatusOK {
		t.Fatalf("list: HTTP %d: %s", r.Status, r.Raw)
	}
	var data struct{ PersonalAccessTokens connection }
	r.DecodeData(t, &data)
	return &data.PersonalAccessTokens, r
}

// mustList fetches one page and checks the connection is self-consistent.
func mustList(t testing.TB, c *testenv.Client, vars map[string]any) *connection {
	t.Helper()
	conn, r := list(t, c, vars)
	if conn == nil {
		t.Fatalf("list %v: unexpected errors: %s", vars, r.Raw)
	}
	checkConnection(t, conn, vars["after"] != nil)
	return conn
}

// checkConnection checks the Relay invariants of a page.
func checkConnection(t testing.TB, conn *connection, hasAfter bool) {
	t.Helper()
	if len(conn.Edges) != len(conn.Nodes) {
		t.Fatalf("edges/nodes: got %d edges and %d nodes, want the same", len(conn.Edges), len(conn.Nodes))
	}
	for i := range conn.Edges {
		if conn.Edges[i].Node.ID != conn.Nodes[i].ID {
			t.Fatalf("edge %d: got node %s, want %s (nodes[%d])", i, conn.Edges[i].Node.ID, conn.Nodes[i].ID, i)
		}
		if conn.Edges[i].Cursor == "" {
			t.Fatalf("edge %d: got an empty cursor, want one", i)
		}
	}
	if got := conn.PageInfo.HasPreviousPage; got != hasAfter {
		t.Fatalf("hasPreviousPage: got %v, want %v", got, hasAfter)
	}
	if len(conn.Edges) == 0 {
		if conn.PageInfo.StartCursor != nil || conn.PageInfo.EndCursor != nil {
			t.Fatalf("empty page cursors: got %v/%v, want null/null", conn.PageInfo.StartCursor, conn.PageInfo.EndCursor)
		}
		if conn.PageInfo.HasNextPage {
			t.Fatalf("empty page hasNextPage: got true, want false")
		}
		return
	}
	if conn.PageInfo.StartCursor == nil || *conn.PageInfo.StartCursor != conn.Edges[0].Cursor {
		t.Fatalf("startCursor: got %v, want the first edge's cursor %q", conn.PageInfo.StartCursor, conn.Edges[0].Cursor)
	}
	if conn.PageInfo.EndCursor == nil || *conn.PageInfo.EndCursor != conn.Edges[len(conn.Edges)-1].Cursor {
		t.Fatalf("endCursor: got %v, want the last edge's cursor", conn.PageInfo.EndCursor)
	}
}

// createToken creates a token for c. expiresAt is optional.
func createToken(t testing.TB, c *testenv.Client, name string, scopes []string, expiresAt *time.Time) created {
	t.Helper()
	input := map[string]any{"name": name, "scopes": scopes}
	if expiresAt != nil {
		input["expiresAt"] = ts(*expiresAt)
	}
	p := c.MustCreateToken(input)
	return created{Token: p.PersonalAccessToken, Secret: p.Token}
}

// tokenSpec describes a token to create in bulk.
type tokenSpec struct {
	Name      string
	Scopes    []string
	ExpiresAt *time.Time
}

// maxAliases is the service's default alias limit per operation.
const maxAliases = 20

// createMany creates the tokens of specs for c, maxAliases per request
// (aliased mutations, which GraphQL runs one after the other).
func createMany(t testing.TB, c *testenv.Client, specs []tokenSpec) []created {
	t.Helper()
	var out []created
	for start := 0; start < len(specs); start += maxAliases {
		out = append(out, createBatch(t, c, specs[start:min(start+maxAliases, len(specs))])...)
	}
	return out
}

// createBatch creates the tokens of specs for c in one request.
func createBatch(t testing.TB, c *testenv.Client, specs []tokenSpec) []created {
	t.Helper()
	var decl, body strings.Builder
	vars := map[string]any{}
	for i, s := range specs {
		fmt.Fprintf(&decl, "$i%d: CreatePersonalAccessTokenInput!, ", i)
		fmt.Fprintf(&body, "t%d: createPersonalAccessToken(input: $i%d) { token personalAccessToken { %s } }\n", i, i, testenv.TokenFields)
		scopes := s.Scopes
		if scopes == nil {
			scopes = []string{"OR.Jobs"}
		}
		input := map[string]any{"name": s.Name, "scopes": scopes}
		if s.ExpiresAt != nil {
			input["expiresAt"] = ts(*s.ExpiresAt)
		}
		vars[fmt.Sprintf("i%d", i)] = input
	}
	q := fmt.Sprintf("mutation Bulk(%s) {\n%s}", strings.TrimSuffix(decl.String(), ", "), body.String())
	var data map[string]testenv.CreatePayload
	c.MustDoInto(q, vars, &data)
	out := make([]created, len(specs))
	for i := range specs {
		one, ok := data[fmt.Sprintf("t%d", i)]
		if !ok {
			t.Fatalf("bulk create: got no t%d, want one per spec", i)
		}
		out[i] = created{Token: one.PersonalAccessToken, Secret: one.Token}
	}
	return out
}

// revoke calls revokeTokens; the payload is nil on errors.
func revoke(t testing.TB, c *testenv.Client, ids []string) (*testenv.RevokePayload, *testenv.Response) {
	t.Helper()
	r := c.Do(revokeMutation, map[string]any{"ids": ids})
	if len(r.Errors) > 0 {
		return nil, r
	}
	var data struct{ RevokeTokens testenv.RevokePayload }
	r.DecodeData(t, &data)
	return &data.RevokeTokens, r
}

// mustRevoke calls revokeTokens and fails on errors.
func mustRevoke(t testing.TB, c *testenv.Client, ids ...string) *testenv.RevokePayload {
	t.Helper()
	p, r := revoke(t, c, ids)
	if p == nil {
		t.Fatalf("revokeTokens(%v): unexpected errors: %s", ids, r.Raw)
	}
	return p
}

// ts formats t as the API does: RFC 3339, UTC, milliseconds.
func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// dbToken is a personal_access_tokens row as stored.
type dbToken struct {
	ID          string
	OwnerID     int64
	Name        string
	CreatedAt   int64
	ExpiresAt   int64
	LastUsedAt  *int64
	RevokedAt   *int64
	RevokedByID *int64
}

// dbTokens reads every token row of the given organizations, by ID.
func dbTokens(t testing.TB, env *testenv.Env, orgs ...string) map[string]dbToken {
	t.Helper()
	var rows []dbToken
	err := env.DB.Raw(`SELECT t.id, t.owner_id, t.name, t.created_at, t.expires_at, t.last_used_at, t.revoked_at, t.revoked_by_id
FROM personal_access_tokens t JOIN organizations o ON o.id = t.organization_id
WHERE o.external_id IN ?`, orgs).Scan(&rows).Error
	if err != nil {
		t.Fatalf("read tokens: %v", err)
	}
	out := make(map[string]dbToken, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out
}

// expectUnchanged checks the stored tokens equal a snapshot.
func expectUnchanged(t testing.TB, env *testenv.Env, before map[string]dbToken, orgs ...string) {
	t.Helper()
	after := dbTokens(t, env, orgs...)
	if reflect.DeepEqual(before, after) {
		return
	}
	if len(before) != len(after) {
		t.Fatalf("database changed: got %d token rows, want %d", len(after), len(before))
	}
	for id, b := range before {
		if a, ok := after[id]; !ok || !reflect.DeepEqual(a, b) {
			t.Fatalf("database changed: token %s: got %+v, want %+v", id, describe(a), describe(b))
		}
	}
	t.Fatalf("database changed")
}

func describe(r dbToken) string {
	p := func(v *int64) string {
		if v == nil {
			return "NULL"
		}
		return fmt.Sprint(*v)
	}
	return fmt.Sprintf("{id:%s name:%q created:%d expires:%d lastUsed:%s revokedAt:%s revokedBy:%s}",
		r.ID, r.Name, r.CreatedAt, r.ExpiresAt, p(r.LastUsedAt), p(r.RevokedAt), p(r.RevokedByID))
}

// effectiveExpiry is the documented effective expiry in Unix milliseconds.
func effectiveExpiry(r dbToken, lifespanDays int) int64 {
	return min(r.ExpiresAt, r.CreatedAt+int64(lifespanDays)*day.Milliseconds())
}

// compareRows orders two rows by the documented rules of field and
// direction: the field's value (effective expiry for EXPIRES_AT,
// case-insensitive name for NAME, never-used last in both directions for
// LAST_USED_AT), then the ID in the same direction.
func compareRows(field string, desc bool, lifespanDays int) func(a, b dbToken) int {
	dir := 1
	if desc {
		dir = -1
	}
	return func(a, b dbToken) int {
		var c int
		switch field {
		case "CREATED_AT":
			c = cmp.Compare(a.CreatedAt, b.CreatedAt)
		case "EXPIRES_AT":
			c = cmp.Compare(effectiveExpiry(a, lifespanDays), effectiveExpiry(b, lifespanDays))
		case "NAME":
			c = strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		case "LAST_USED_AT":
			switch {
			case a.LastUsedAt == nil && b.LastUsedAt != nil:
				return 1 // never used: last whatever the direction
			case a.LastUsedAt != nil && b.LastUsedAt == nil:
				return -1
			case a.LastUsedAt != nil:
				c = cmp.Compare(*a.LastUsedAt, *b.LastUsedAt)
			}
		default:
			panic("unknown order field " + field)
		}
		if c == 0 {
			c = strings.Compare(a.ID, b.ID)
		}
		return dir * c
	}
}

// expectedOrder returns the IDs of rows sorted by field and direction.
func expectedOrder(rows map[string]dbToken, keep func(dbToken) bool, field string, desc bool, lifespanDays int) []string {
	var list []dbToken
	for _, r := range rows {
		if keep == nil || keep(r) {
			list = append(list, r)
		}
	}
	slices.SortFunc(list, compareRows(field, desc, lifespanDays))
	out := make([]string, len(list))
	for i, r := range list {
		out[i] = r.ID
	}
	return out
}

// sorted returns a sorted copy of s.
func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// firstDiff describes where two ID sequences first differ.
func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("first difference at %d: got %s, want %s", i, got[i], want[i])
		}
	}
	return fmt.Sprintf("got %d IDs, want %d", len(got), len(want))
}

// orderVars is the orderBy variable.
func orderVars(field, dir string) map[string]any {
	return map[string]any{"field": field, "direction": dir}
}
