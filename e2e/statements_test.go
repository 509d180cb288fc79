package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

// seedTokens creates n tokens spread over several owners (50 active per
// user at most) and returns their IDs.
func seedTokens(t *testing.T, env *testenv.Env, org string, n int) []string {
	t.Helper()
	var ids []string
	for i := 0; i < n; i++ {
		owner := env.Member(t, org, fmt.Sprintf("owner-%d", i/10))
		data := owner.MustDo(`mutation($n: String!) { createPersonalAccessToken(input:{name:$n, scopes:["OR.Jobs"]}) { personalAccessToken { id } } }`,
			map[string]any{"n": fmt.Sprintf("token %d", i)})
		ids = append(ids, data["createPersonalAccessToken"].(map[string]any)["personalAccessToken"].(map[string]any)["id"].(string))
	}
	return ids
}

func countMatching(sqls []string, substr string) int {
	n := 0
	for _, s := range sqls {
		if strings.Contains(strings.ToUpper(s), substr) {
			n++
		}
	}
	return n
}

// TestListStatementsAreBounded proves owners are loaded in one batch (no
// N+1) and totalCount runs only when selected, whatever the page size.
func TestListStatementsAreBounded(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("stmts")
		ids := seedTokens(t, env, org, 60)
		admin := env.Admin(t, org, "admin")
		admin.MustDo(`mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount } }`, map[string]any{"ids": ids[:5]})
		const page = `query($first: Int) { personalAccessTokens(first: $first, filter: {status: [ACTIVE, REVOKED]}) {
  nodes { id owner { id name } revokedBy { id } } } }`
		const pageWithCount = `query($first: Int) { personalAccessTokens(first: $first, filter: {status: [ACTIVE, REVOKED]}) {
  totalCount nodes { id owner { id name } revokedBy { id } } } }`
		for _, first := range []int{1, 7, 60, 100} {
			sqls := env.Statements.Record(func() { admin.MustDo(page, map[string]any{"first": first}) })
			// Provisioning the caller, the page, the users.
			if len(sqls) > 3 {
				t.Errorf("first=%d without totalCount: got %d statements, want at most 3:\n%s", first, len(sqls), strings.Join(sqls, "\n"))
			}
			if got := countMatching(sqls, "COUNT("); got != 0 {
				t.Errorf("first=%d without totalCount: got %d COUNT statements, want 0", first, got)
			}
			sqls = env.Statements.Record(func() { admin.MustDo(pageWithCount, map[string]any{"first": first}) })
			if len(sqls) > 4 {
				t.Errorf("first=%d with totalCount: got %d statements, want at most 4:\n%s", first, len(sqls), strings.Join(sqls, "\n"))
			}
			if got := countMatching(sqls, "COUNT("); got != 1 {
				t.Errorf("first=%d with totalCount: got %d COUNT statements, want 1", first, got)
			}
		}
	})
}

// TestRevokeStatementsAreBounded proves a bulk revocation issues the same
// number of statements for 3 IDs and for 55.
func TestRevokeStatementsAreBounded(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("revoke-stmts")
		ids := seedTokens(t, env, org, 58)
		admin := env.Admin(t, org, "admin")
		admin.MustDo(`{ viewer { id } }`, nil) // provision the caller first
		const revoke = `mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount tokens { id owner { id } revokedBy { id } } } }`
		small := env.Statements.Record(func() { admin.MustDo(revoke, map[string]any{"ids": ids[:3]}) })
		large := env.Statements.Record(func() { admin.MustDo(revoke, map[string]any{"ids": ids[3:]}) })
		if len(small) != len(large) {
			t.Errorf("got %d statements for 3 IDs and %d for 55, want equal:\n%s\n--\n%s",
				len(small), len(large), strings.Join(small, "\n"), strings.Join(large, "\n"))
		}
		if len(large) > 5 {
			t.Errorf("got %d statements, want at most 5:\n%s", len(large), strings.Join(large, "\n"))
		}
	})
}
