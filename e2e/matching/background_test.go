package matching

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/seed"
	"github.com/patgov/pats/internal/store"
	"github.com/patgov/pats/internal/testenv"
)

// seedTokens fills org with n tokens (some expired, some revoked already)
// and returns how many are not revoked.
func seedTokens(t *testing.T, env *testenv.Env, org string, n int) int64 {
	t.Helper()
	if err := seed.Run(context.Background(), store.New(env.DB.DB, env.DB.Dialect), seed.Options{
		Org: org, Users: 40, Tokens: n, Batch: 500, Writers: 1, Now: env.Clock.Now(), Seed: 11,
	}, &strings.Builder{}); err != nil {
		t.Fatalf("seed: %v", err)
	}
	_, unrevoked := unrevokedCounter(t, env, org)
	return unrevoked
}

// waitJob polls the job through c until done says so, failing after
// timeout.
func waitJob(t *testing.T, c *testenv.Client, id string, timeout time.Duration, done func(j *testenv.RevocationJob) bool) testenv.RevocationJob {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		j := c.RevocationJob(id)
		if j == nil {
			t.Fatalf("job %s not found", id)
		}
		if done(j) {
			return *j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s: still %+v after %v", id, *j, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestBackgroundJobResumedAfterCrash: a job over 1,000 tokens runs in the
// background in chunks; the instance running it dies mid-way; another
// instance on the same database takes it over once the lease expires and
// finishes it: every matching token revoked exactly once (one audit
// event each), the job SUCCEEDED with revoked = total, the counters
// right.
func TestBackgroundJobResumedAfterCrash(t *testing.T) {
	for _, dialect := range testenv.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			jobs := testenv.Options{RevocationChunkSize: 100, RevocationPause: 40 * time.Millisecond, RevocationLease: 500 * time.Millisecond}
			a := testenv.NewWith(t, dialect, jobs)
			jobs.DatabaseURL = a.DatabaseURL
			b := testenv.NewWith(t, dialect, jobs)
			org := testenv.UniqueOrg("background")
			unrevoked := seedTokens(t, a, org, 2600)
			if unrevoked <= 1000 {
				t.Fatalf("seeded only %d unrevoked tokens", unrevoked)
			}
			adminA, adminB := a.Admin(t, org, "admin"), b.Admin(t, org, "admin")
			preview := adminA.MustPreview(map[string]any{})
			if int64(preview.MatchingCount) != unrevoked {
				t.Fatalf("preview: %d matching, want %d", preview.MatchingCount, unrevoked)
			}
			job := adminA.MustRevokeMatching(map[string]any{}, preview.Confirmation)
			if job.State != "RUNNING" || int64(job.Total) != unrevoked || job.FinishedAt != nil {
				t.Fatalf("job: got %+v, want RUNNING over %d", job, unrevoked)
			}
			mid := waitJob(t, adminB, job.ID, 30*time.Second, func(j *testenv.RevocationJob) bool { return j.Revoked >= 300 })
			a.Crash()
			if mid.State != "RUNNING" || mid.Revoked >= mid.Total {
				t.Fatalf("the job ended before the crash: %+v", mid)
			}
			done := waitJob(t, adminB, job.ID, 60*time.Second, func(j *testenv.RevocationJob) bool { return j.State != "RUNNING" })
			if done.State != "SUCCEEDED" || done.Revoked != done.Total || done.FinishedAt == nil {
				t.Fatalf("job after the crash: got %+v, want SUCCEEDED with every token revoked", done)
			}
			events, tokens := jobEvents(t, b, job.ID)
			if int64(events) != unrevoked || int64(tokens) != unrevoked {
				t.Fatalf("job events: %d about %d tokens, want one about each of %d", events, tokens, unrevoked)
			}
			filtered := 0
			for _, src := range sources(t, b, org) {
				switch src {
				case "FILTER":
					filtered++
				case "":
					t.Fatal("a token the job matched is not revoked")
				}
			}
			if int64(filtered) != unrevoked {
				t.Fatalf("%d tokens revoked by the job, want %d", filtered, unrevoked)
			}
			if kept, actual := unrevokedCounter(t, b, org); kept != 0 || actual != 0 {
				t.Fatalf("unrevoked counter %d, actual %d; want 0", kept, actual)
			}
			wantMetrics(t, b, `pats_revocation_jobs_total{event="resumed"} 1`, `pats_revocation_jobs_total{event="succeeded"} 1`,
				`pats_revocation_job_chunk_failures_total 0`)
		})
	}
}
