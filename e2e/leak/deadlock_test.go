package leak

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// TestRevocationsDoNotDeadlockCreations (MySQL/MariaDB: row locks): batch
// revocations (on secret-scanning alerts, by values, by IDs) run beside
// token creations (and first sign-ins) in the same organization for 2 s,
// and nothing fails: every revoking transaction locks the organization row
// first, in the order creations take it (store.lockOrganizations). Before,
// a revocation held a shared lock on that row (its inserts' foreign-key
// checks) and then asked for the exclusive one while a creation queued in
// between: a lock-upgrade deadlock that outlasted the retries (INTERNAL
// creations, HTTP 500 alerts). Counters stay equal to the real counts.
func TestRevocationsDoNotDeadlockCreations(t *testing.T) {
	for _, dialect := range testenv.Dialects(t) {
		if dialect != "mysql" {
			continue
		}
		for _, revoker := range []string{"alert", "byvalue", "byid"} {
			t.Run(dialect+"/"+revoker, func(t *testing.T) {
				s, logs := newScanner(t, dialect)
				env := s.env
				org := testenv.UniqueOrg("dl")
				fresh := make(chan created, 10000)
				admin := env.Admin(t, org, "boss")
				stop := time.Now().Add(2 * time.Second)
				var internal, made, alerts atomic.Int64
				var wg sync.WaitGroup
				for g := 0; g < 4; g++ {
					wg.Add(1)
					go func(g int) {
						defer wg.Done()
						for i := 0; time.Now().Before(stop); i++ {
							// A new user every 40 tokens: provisioning is part of the load.
							r := env.Member(t, org, fmt.Sprintf("c%d-%d", g, i/40)).CreateToken(map[string]any{"name": "x", "scopes": []string{"OR.Jobs"}})
							if len(r.Errors) > 0 {
								if r.Code() == "INTERNAL" {
									internal.Add(1)
								}
								continue
							}
							made.Add(1)
							var out struct{ CreatePersonalAccessToken created }
							if r.UnmarshalData(&out) == nil {
								select {
								case fresh <- out.CreatePersonalAccessToken:
								default:
								}
							}
						}
					}(g)
				}
				for g := 0; g < 2; g++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for time.Now().Before(stop) {
							var batch []alert
							var ids []string
							for len(batch) < 3 && time.Now().Before(stop) {
								select {
								case v := <-fresh:
									ids = append(ids, v.PersonalAccessToken.ID)
									batch = append(batch, alert{v.Token, "pats_pat", "https://github.com/x/y", "content"})
								case <-time.After(20 * time.Millisecond):
								}
							}
							if len(batch) == 0 {
								continue
							}
							switch revoker {
							case "byid":
								r := admin.Do(`mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount } }`, map[string]any{"ids": ids})
								if len(r.Errors) > 0 {
									t.Errorf("revokeTokens beside creations: %.200s", r.Raw)
								}
							case "byvalue":
								var vals []string
								for _, a := range batch {
									vals = append(vals, a.Token)
								}
								r := admin.Do(revokeByValues, map[string]any{"v": vals})
								if len(r.Errors) > 0 {
									t.Errorf("revokeTokensByValue beside creations: %.200s", r.Raw)
								}
							default:
								body, _ := json.Marshal(batch)
								if status, out := s.post(t, "k1", "", body); status != 200 {
									t.Errorf("alert beside creations: HTTP %d %s", status, out)
								}
							}
							alerts.Add(1)
						}
					}()
				}
				wg.Wait()
				l := logs.String()
				t.Logf("%d tokens created, %d alerts, %d INTERNAL failures of ordinary requests; %d deadlock log lines",
					made.Load(), alerts.Load(), internal.Load(), strings.Count(l, "Deadlock found"))
				if internal.Load() > 0 {
					t.Errorf("ordinary requests failed with INTERNAL (deadlocks past the retries) while alerts were being processed")
				}
				if bad := unrevokedMismatch(t, env); len(bad) > 0 {
					t.Errorf("counters: %v", bad)
				}
			})
		}
	}
}
