package matching

import (
	"fmt"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

// TestStatementsAreBounded: a preview and an inline revocation by filter
// send the same number of statements whether they match 5 tokens or 500:
// no per-token or per-owner query.
func TestStatementsAreBounded(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		counts := map[int][2]int{}
		for _, n := range []int{5, 500} {
			org := testenv.UniqueOrg(fmt.Sprintf("stmts-%d", n))
			admin := env.Admin(t, org, "admin")
			for i := range n {
				create(t, env.Member(t, org, fmt.Sprintf("owner-%d", i/25)), fmt.Sprintf("t%d", i))
			}
			filter := map[string]any{"status": []string{"ACTIVE"}}
			var preview testenv.RevocationPreview
			previewSQL := env.Statements.Record(func() { preview = admin.MustPreview(filter) })
			if preview.MatchingCount != n {
				t.Fatalf("preview: %d matching, want %d", preview.MatchingCount, n)
			}
			var job testenv.RevocationJob
			revokeSQL := env.Statements.Record(func() { job = admin.MustRevokeMatching(filter, preview.Confirmation) })
			if job.Revoked != n || job.State != "SUCCEEDED" {
				t.Fatalf("job: got %+v", job)
			}
			counts[n] = [2]int{len(previewSQL), len(revokeSQL)}
			if n == 500 && (counts[5] != counts[500]) {
				t.Fatalf("statements (preview, revocation): %v for 5 tokens, %v for 500:\n%s\n--\n%s",
					counts[5], counts[500], strings.Join(previewSQL, "\n"), strings.Join(revokeSQL, "\n"))
			}
		}
		t.Logf("%s: statements (preview, revocation): %v", env.Dialect, counts[500])
	})
}
