package client

import (
	"testing"

	"github.com/patgov/pats/client"
	"github.com/patgov/pats/internal/testenv"
)

// TestOffboardingFlow drives revocation by filter through the generated
// client: preview one user's tokens, confirm, read the job back, and find
// the job in the audit trail.
func TestOffboardingFlow(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		ctx := t.Context()
		org := testenv.UniqueOrg("client-offboard")
		admin := typed(env, env.Admin(t, org, "root"))
		leaver := typed(env, env.Member(t, org, "leaver"))
		for _, name := range []string{"ci", "laptop"} {
			if _, err := client.CreatePersonalAccessToken(ctx, leaver, client.CreatePersonalAccessTokenInput{Name: name, Scopes: []string{"OR.Jobs"}}); err != nil {
				t.Fatalf("CreatePersonalAccessToken: %v", err)
			}
		}
		filter := client.PersonalAccessTokenFilter{OwnerIds: []string{"leaver"}}
		preview, err := client.TokenRevocationPreview(ctx, admin, filter)
		if err != nil {
			t.Fatalf("TokenRevocationPreview: %v", err)
		}
		p := preview.TokenRevocationPreview
		if p.MatchingCount != 2 || p.OwnerCount != 1 || len(p.Sample) != 2 || p.Sample[0].Owner.Id != "leaver" {
			t.Fatalf("preview: got %+v", p)
		}
		if _, err := client.RevokeTokensMatching(ctx, admin, client.PersonalAccessTokenFilter{}, p.Confirmation); err == nil {
			t.Fatal("a confirmation for another filter was accepted")
		}
		revoked, err := client.RevokeTokensMatching(ctx, admin, filter, p.Confirmation)
		if err != nil {
			t.Fatalf("RevokeTokensMatching: %v", err)
		}
		job := revoked.RevokeTokensMatching
		if job.State != client.RevocationJobStateSucceeded || job.Total != 2 || job.Revoked != 2 || job.FinishedAt == nil || job.CreatedBy.Id != "root" {
			t.Fatalf("job: got %+v", job)
		}
		read, err := client.RevocationJob(ctx, admin, job.Id)
		if err != nil || read.RevocationJob == nil || read.RevocationJob.Revoked != 2 {
			t.Fatalf("RevocationJob: got %+v, %v", read.RevocationJob, err)
		}
		trail, err := client.AuditEvents(ctx, admin, 10, nil, &client.AuditEventFilter{Actions: []client.AuditAction{client.AuditActionTokenRevoked}})
		if err != nil {
			t.Fatalf("AuditEvents: %v", err)
		}
		if n := len(trail.AuditEvents.Nodes); n != 2 {
			t.Fatalf("audit: got %d revocations, want 2", n)
		}
		for _, e := range trail.AuditEvents.Nodes {
			if e.RevocationSource == nil || *e.RevocationSource != client.RevocationSourceFilter || e.RevocationJobId == nil || *e.RevocationJobId != job.Id {
				t.Fatalf("audit event: got %+v", e)
			}
		}
	})
}
