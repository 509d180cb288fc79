package e2e

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/seed"
	"github.com/patgov/pats/internal/store"
	"github.com/patgov/pats/internal/testenv"
)

// seedTokens creates n tokens spread over several owners (50 active per
// user at most) and returns their IDs.
func seedTokens(t *testing.T, env *testenv.Env, org string, n int) []string {
	t.Helper()
	var ids []string
	for i := 0; i < n; i++ {
		owner := env.Member(t, org, fmt.Sprintf("owner-%d", i/10))
		var data struct{ CreatePersonalAccessToken testenv.CreatePayload }
		owner.MustDoInto(`mutation($n: String!) { createPersonalAccessToken(input:{name:$n, scopes:["OR.Jobs"]}) { personalAccessToken { id } } }`,
			map[string]any{"n": fmt.Sprintf("token %d", i)}, &data)
		ids = append(ids, data.CreatePersonalAccessToken.PersonalAccessToken.ID)
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
		const unfilteredWithCount = `query($first: Int) { personalAccessTokens(first: $first) {
  totalCount nodes { id owner { id name } revokedBy { id } } } }`
		for _, first := range []int{1, 7, 60, 100} {
			// The unfiltered count is a maintained counter: no COUNT.
			sqls := env.Statements.Record(func() { admin.MustDo(unfilteredWithCount, map[string]any{"first": first}) })
			if len(sqls) > 3 || countMatching(sqls, "COUNT(") != 0 {
				t.Errorf("first=%d unfiltered with totalCount: got %d statements, want at most 3 and no COUNT:\n%s", first, len(sqls), strings.Join(sqls, "\n"))
			}
			sqls = env.Statements.Record(func() { admin.MustDo(page, map[string]any{"first": first}) })
			// Provisioning the caller, the page, the users.
			if len(sqls) > 3 {
				t.Errorf("first=%d without totalCount: got %d statements, want at most 3:\n%s", first, len(sqls), strings.Join(sqls, "\n"))
			}
			if got := countMatching(sqls, "COUNT("); got != 0 {
				t.Errorf("first=%d without totalCount: got %d COUNT statements, want 0", first, got)
			}
			// A filtered count is one COUNT: page, users and count, plus the
			// caller's identity look-up that every request makes.
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
// number of statements for 3 IDs and for 1,000, and at most 9: identity,
// the organization lock (MySQL: see store.lockOrganizations), the token
// lock, update, audit events (one multi-row INSERT), their outbox events
// (another), counter, the revocation log's row (store.recordRevocation),
// and the owners and revokers of the payload.
func TestRevokeStatementsAreBounded(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("revoke-stmts")
		if err := seed.Run(context.Background(), store.New(env.DB.DB, env.DB.Dialect), seed.Options{
			Org: org, Users: 30, Tokens: 1003, Batch: 500, Writers: 1, Now: env.Clock.Now(), Seed: 3,
		}, io.Discard); err != nil {
			t.Fatalf("seed: %v", err)
		}
		var ids []string
		if err := env.DB.Raw(`SELECT t.id FROM personal_access_tokens t JOIN organizations o ON o.id = t.organization_id
WHERE o.external_id = ? ORDER BY t.id`, org).Scan(&ids).Error; err != nil || len(ids) != 1003 {
			t.Fatalf("seeded IDs: got %d, %v; want 1003", len(ids), err)
		}
		admin := env.Admin(t, org, "admin")
		admin.MustDo(`{ viewer { id } }`, nil) // provision the caller first
		const revoke = `mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount tokens { id owner { id } revokedBy { id } } } }`
		small := env.Statements.Record(func() { admin.MustDo(revoke, map[string]any{"ids": ids[:3]}) })
		large := env.Statements.Record(func() { admin.MustDo(revoke, map[string]any{"ids": ids[3:]}) })
		if len(small) != len(large) {
			t.Errorf("got %d statements for 3 IDs and %d for 1,000, want equal:\n%s\n--\n%s",
				len(small), len(large), abbreviate(small), abbreviate(large))
		}
		if len(large) > 9 {
			t.Errorf("got %d statements for 1,000 IDs, want at most 9:\n%s", len(large), abbreviate(large))
		}
	})
}

// abbreviate joins statements for a failure message, each cut to 200
// bytes: a 1,000-row statement would bury the message.
func abbreviate(sqls []string) string {
	out := make([]string, len(sqls))
	for i, q := range sqls {
		if len(q) > 200 {
			q = q[:200] + "…"
		}
		out[i] = q
	}
	return strings.Join(out, "\n")
}
