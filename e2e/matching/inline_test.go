package matching

import (
	"reflect"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

// TestOffboardingInline: revoking every token of one user (up to 1,000)
// is done within the call: SUCCEEDED, every token revoked with source
// FILTER and one audit event naming the job, nobody else's touched, and
// the tokens stop authenticating at once.
func TestOffboardingInline(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("offboard")
		admin := env.Admin(t, org, "admin")
		leaver, stayer := env.Member(t, org, "leaver"), env.Member(t, org, "stayer")
		var secrets []string
		for _, n := range []string{"ci", "deploy", "laptop"} {
			secrets = append(secrets, create(t, leaver, n).Token)
		}
		kept := create(t, stayer, "kept")
		for _, s := range secrets {
			env.RequireActive(t, s)
		}
		filter := map[string]any{"ownerIds": []string{"leaver"}}
		preview := admin.MustPreview(filter)
		job := admin.MustRevokeMatching(filter, preview.Confirmation)
		if job.State != "SUCCEEDED" || job.Total != 3 || job.Revoked != 3 || job.FinishedAt == nil || job.CreatedBy.ID != "admin" {
			t.Fatalf("job: got %+v, want SUCCEEDED 3/3 by admin", job)
		}
		for _, s := range secrets {
			if env.IntrospectActive(t, s) {
				t.Fatal("a revoked token still authenticates on this instance")
			}
		}
		env.RequireActive(t, kept.Token)
		src := sources(t, env, org)
		for id, s := range src {
			want := "FILTER"
			if id == kept.PersonalAccessToken.ID {
				want = ""
			}
			if s != want {
				t.Fatalf("token %s: source %q, want %q", id, s, want)
			}
		}
		if events, tokens := jobEvents(t, env, job.ID); events != 3 || tokens != 3 {
			t.Fatalf("job events: got %d about %d tokens, want 3 about 3", events, tokens)
		}
		var trail struct {
			AuditEvents testenv.Connection[struct {
				RevocationSource *string `json:"revocationSource"`
				RevocationJobID  *string `json:"revocationJobId"`
				Actor            testenv.User
			}]
		}
		admin.MustDoInto(`{ auditEvents(first: 3, filter: {actions: [TOKEN_REVOKED]}) { nodes { revocationSource revocationJobId actor { id email name accountType } } } }`, nil, &trail)
		for _, e := range trail.AuditEvents.Nodes {
			if e.RevocationSource == nil || *e.RevocationSource != "FILTER" || e.RevocationJobID == nil || *e.RevocationJobID != job.ID || e.Actor.ID != "admin" {
				t.Fatalf("audit event: got %+v", e)
			}
		}
		if got := admin.RevocationJob(job.ID); got == nil || !reflect.DeepEqual(*got, job) {
			t.Fatalf("revocationJob: got %+v, want %+v", got, job)
		}
		if kept, actual := unrevokedCounter(t, env, org); kept != actual {
			t.Fatalf("unrevoked counter %d, actual %d", kept, actual)
		}
		wantMetrics(t, env, `pats_revocation_job_tokens_revoked_total 3`,
			`pats_revocation_jobs_total{event="inline"} 1`, `pats_revocation_jobs_total{event="succeeded"} 1`)
	})
}

// TestIncidentSwitch: the empty filter revokes every token of the
// organization and nothing of another.
func TestIncidentSwitch(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org, other := testenv.UniqueOrg("incident"), testenv.UniqueOrg("incident-other")
		admin := env.Admin(t, org, "admin")
		for _, n := range []string{"a", "b"} {
			create(t, env.Member(t, org, "u-"+n), n)
		}
		theirs := create(t, env.Admin(t, other, "admin"), "theirs")
		job := admin.MustRevokeMatching(map[string]any{}, admin.MustPreview(map[string]any{}).Confirmation)
		if job.State != "SUCCEEDED" || job.Revoked != 2 {
			t.Fatalf("job: got %+v", job)
		}
		env.RequireActive(t, theirs.Token)
		if got := env.Admin(t, other, "admin").RevocationJob(job.ID); got != nil {
			t.Fatalf("another organization's admin reads the job: %+v", got)
		}
		if got := admin.RevocationJob("01JUNKNOWNJOB0000000000000"); got != nil {
			t.Fatalf("unknown job: got %+v", got)
		}
	})
}

// TestTokensCreatedAfterThePreviewSurvive: a token created after the
// preview matches the filter but is never revoked with its confirmation.
func TestTokensCreatedAfterThePreviewSurvive(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("after-preview")
		admin := env.Admin(t, org, "admin")
		user := env.Member(t, org, "user")
		before := create(t, user, "before")
		preview := admin.MustPreview(map[string]any{"ownerIds": []string{"user"}})
		after := create(t, user, "after")
		job := admin.MustRevokeMatching(map[string]any{"ownerIds": []string{"user"}}, preview.Confirmation)
		if job.Total != 1 || job.Revoked != 1 {
			t.Fatalf("job: got %+v, want 1/1", job)
		}
		if env.IntrospectActive(t, before.Token) {
			t.Fatal("the token of before the preview still authenticates")
		}
		env.RequireActive(t, after.Token)
	})
}
