package e2e

import (
	"fmt"
	"sync"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

// TestQuotaHoldsUnderConcurrentCreates fires more creations than the quota
// allows, all at once, for one user: exactly the quota succeeds and every
// other call is QUOTA_EXCEEDED.
func TestQuotaHoldsUnderConcurrentCreates(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("quota-race")
		user := env.Member(t, org, "racer")
		user.MustDo(`{ viewer { id } }`, nil)
		const attempts = 64
		codes := make([]string, attempts)
		var wg sync.WaitGroup
		for i := range attempts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := user.Do(`mutation($n: String!) { createPersonalAccessToken(input:{name:$n, scopes:["OR.Jobs"]}) { personalAccessToken { id } } }`,
					map[string]any{"n": fmt.Sprintf("t%d", i)})
				codes[i] = r.Code()
			}()
		}
		wg.Wait()
		counts := map[string]int{}
		for _, c := range codes {
			counts[c]++
		}
		if counts[""] != 50 || counts["QUOTA_EXCEEDED"] != attempts-50 {
			t.Fatalf("got outcomes %v, want 50 successes and %d QUOTA_EXCEEDED", counts, attempts-50)
		}
		var stored int64
		env.DB.Raw(`SELECT COUNT(*) FROM personal_access_tokens t JOIN users u ON u.id = t.owner_id
JOIN organizations o ON o.id = u.organization_id WHERE o.external_id = ? AND u.subject = ?`, org, "racer").Scan(&stored)
		if stored != 50 {
			t.Fatalf("stored tokens: got %d, want 50", stored)
		}
	})
}

// TestConcurrentRevocationsRevokeOnce revokes the same tokens from several
// admins at once: every call succeeds, and the revoked counts add up to the
// number of tokens (none is revoked twice).
func TestConcurrentRevocationsRevokeOnce(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("revoke-race")
		ids := seedTokens(t, env, org, 30)
		const admins = 6
		counts := make([]int, admins)
		var wg sync.WaitGroup
		for i := range admins {
			admin := env.Admin(t, org, fmt.Sprintf("admin-%d", i))
			admin.MustDo(`{ viewer { id } }`, nil)
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := admin.Do(`mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount } }`, map[string]any{"ids": ids})
				if len(r.Errors) > 0 {
					t.Errorf("admin %d: %s", i, r.Raw)
					return
				}
				var data struct{ RevokeTokens testenv.RevokePayload }
				if err := r.UnmarshalData(&data); err != nil {
					t.Errorf("admin %d: %v", i, err)
					return
				}
				counts[i] = data.RevokeTokens.RevokedCount
			}()
		}
		wg.Wait()
		total := 0
		for _, c := range counts {
			total += c
		}
		if total != len(ids) {
			t.Fatalf("revoked counts %v add up to %d, want %d", counts, total, len(ids))
		}
	})
}
