package leak

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// TestByValueBulkStatements: statements and answer size of a batch that
// revokes many real tokens with every token field (owner, revokedBy)
// selected: no per-token statements.
func TestByValueBulkStatements(t *testing.T) {
	for _, dialect := range testenv.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			env := testenv.New(t, dialect)
			org := testenv.UniqueOrg("bulk")
			admin := env.Admin(t, org, "boss")
			counts := map[int]int{}
			for _, n := range []int{5, 250} {
				var vals []string
				for i := 0; i < n; i++ {
					vals = append(vals, create(t, env, env.Member(t, org, fmt.Sprintf("dev%d-%d", n, i/50)), "t", 0).Token)
				}
				var got *testenv.RevokeByValuesPayload
				var r *testenv.Response
				start := time.Now()
				stmts := env.Statements.Record(func() { got, r = revoke(t, admin, vals) })
				if got == nil || got.RevokedCount != n {
					t.Fatalf("n=%d: %.300s", n, r.Raw)
				}
				counts[n] = len(stmts)
				t.Logf("n=%d revoked: %d statements, %d bytes, %v", n, len(stmts), len(r.Raw), time.Since(start).Round(time.Millisecond))
			}
			if counts[250] > counts[5] {
				t.Errorf("statements grow with the batch: %v", counts)
			}
			// 1000 values of ~1000 bytes (a body just under / over 1 MiB).
			big := make([]string, 1000)
			for i := range big {
				big[i] = "opat_" + strings.Repeat("A", 1040)
			}
			_, r := revoke(t, admin, big)
			t.Logf("1000 x 1 KB values: HTTP %d %.200s", r.Status, r.Raw)
			if bad := unrevokedMismatch(t, env); len(bad) > 0 {
				t.Errorf("counters: %v", bad)
			}
		})
	}
}
