package pat_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/pat"
	"github.com/patgov/pats/internal/seed"
	"github.com/patgov/pats/internal/store"
)

// backgroundJob seeds org with more tokens than a job revokes inline and
// starts a revocation of all of them: RUNNING, leased by r's instance,
// whose runner is not running.
func backgroundJob(t *testing.T, r *rules, org string) (*auth.Principal, *entity.RevocationJob) {
	t.Helper()
	ctx := context.Background()
	sqlStore := sqlStoreOf(t, r)
	if err := seed.Run(ctx, sqlStore, seed.Options{Org: org, Users: 20, Tokens: 1300, Batch: 500, Writers: 1, Now: r.clock.Now(), Seed: 5}, &strings.Builder{}); err != nil {
		t.Fatalf("seed: %v", err)
	}
	admin := r.admin(t, org, "admin")
	preview, err := r.svc.PreviewRevocation(ctx, admin, pat.TokenFilter{})
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	if preview.MatchingCount <= pat.InlineRevocationLimit {
		t.Fatalf("only %d matching tokens", preview.MatchingCount)
	}
	job, err := r.svc.RevokeTokensMatching(ctx, admin, pat.TokenFilter{}, preview.Confirmation)
	if err != nil || job.State != entity.JobRunning {
		t.Fatalf("revoke matching: got %+v, %v; want a RUNNING job", job, err)
	}
	return admin, job
}

// sqlStoreOf returns the SQL store under r's service.
func sqlStoreOf(t *testing.T, r *rules) *store.Store {
	t.Helper()
	var s pat.Store = r.store
	for {
		switch v := s.(type) {
		case *store.Store:
			return v
		case interface{ Unwrap() pat.Store }:
			s = v.Unwrap()
		default:
			t.Fatalf("no SQL store under %T", s)
		}
	}
}

// waitState polls the job until it leaves RUNNING.
func waitState(t *testing.T, r *rules, p *auth.Principal, id string) *entity.RevocationJob {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		j, err := r.svc.RevocationJob(context.Background(), p, id)
		if err != nil || j == nil {
			t.Fatalf("read job: %+v, %v", j, err)
		}
		if j.State != entity.JobRunning {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job still running: %+v", j)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// revokedIn counts the revoked tokens of the organization.
func revokedIn(t *testing.T, r *rules, orgID int64) int64 {
	t.Helper()
	n, err := sqlStoreOf(t, r).CountTokens(context.Background(), store.ListQuery{
		Reach: store.Reach{OrgID: orgID}, Statuses: []entity.TokenStatus{entity.TokenStatusRevoked}})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// failingChunks fails every chunk of every revocation job.
type failingChunks struct{ pat.Store }

func (f failingChunks) Unwrap() pat.Store { return f.Store }

func (failingChunks) RevokeJobChunk(context.Context, string, string, int64, store.JobQuery, int, entity.Time, store.JobAudit) (*entity.RevocationJob, [][]byte, error) {
	return nil, nil, errors.New("injected chunk failure")
}

// TestJobFailsAfterRepeatedChunkFailures: a job whose chunks keep failing
// is given up (FAILED, finished), not left RUNNING; nothing is revoked.
func TestJobFailsAfterRepeatedChunkFailures(t *testing.T) {
	r := newRulesOver(t, func(s pat.Store) pat.Store { return failingChunks{s} })
	admin, job := backgroundJob(t, r, "failing")
	before := revokedIn(t, r, admin.Org.ID)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.svc.RunJobs(ctx)
	done := waitState(t, r, admin, job.ID)
	if done.State != entity.JobFailed || done.FinishedAt == nil || done.Revoked != 0 {
		t.Fatalf("job: got %+v, want FAILED, finished, nothing revoked", done)
	}
	if n := revokedIn(t, r, admin.Org.ID) - before; n != 0 {
		t.Fatalf("%d tokens revoked", n)
	}
}

// TestLeaseTakenOverLosesTheChunk: once another instance has claimed an
// expired lease, the first one's next chunk writes nothing (ErrLeaseLost),
// so no token is revoked by both; the claimer's chunks proceed.
func TestLeaseTakenOverLosesTheChunk(t *testing.T) {
	r := newRules(t)
	admin, job := backgroundJob(t, r, "takeover")
	st := sqlStoreOf(t, r)
	ctx := context.Background()
	before := revokedIn(t, r, admin.Org.ID)
	r.clock.Advance(pat.DefaultJobLease + time.Second)
	now := entity.TimeOf(r.clock.Now())
	claimed, err := st.ClaimRevocationJob(ctx, "instance-b", now, now.Add(time.Minute).UnixMilli(), 5)
	if err != nil || claimed == nil || claimed.ID != job.ID || claimed.Attempts != 1 {
		t.Fatalf("claim: got %+v, %v", claimed, err)
	}
	if again, err := st.ClaimRevocationJob(ctx, "instance-c", now, now.Add(time.Minute).UnixMilli(), 5); err != nil || again != nil {
		t.Fatalf("a held lease was claimed again: %+v, %v", again, err)
	}
	q := store.ListQuery{Statuses: []entity.TokenStatus{entity.TokenStatusActive, entity.TokenStatusExpired}, Now: job.EvaluatedAt.Millis(),
		LifespanMillis: entity.LifespanMillis(job.LifespanDays)}
	noAudit := func(store.JobChunk) []*entity.AuditEvent {
		t.Fatal("a chunk without the lease was audited")
		return nil
	}
	if _, _, err := st.RevokeJobChunk(ctx, job.ID, job.LeaseOwner, now.Add(time.Minute).UnixMilli(), q, 100, now, noAudit); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("the first instance's chunk: got %v, want ErrLeaseLost", err)
	}
	// The first instance's own runner finds the same.
	rctx, cancel := context.WithCancel(ctx)
	go r.svc.RunJobs(rctx)
	time.Sleep(200 * time.Millisecond)
	cancel()
	if n := revokedIn(t, r, admin.Org.ID) - before; n != 0 {
		t.Fatalf("%d tokens revoked without the lease", n)
	}
	audit := func(c store.JobChunk) []*entity.AuditEvent {
		events := make([]*entity.AuditEvent, len(c.Unrevoked))
		for i, tok := range c.Unrevoked {
			id, src := tok.ID, entity.RevokedByFilter
			events[i] = &entity.AuditEvent{ID: "E" + tok.ID, Action: entity.AuditTokenRevoked, OccurredAt: now, ActorID: c.Job.CreatedByID,
				TokenID: &id, RevocationSource: &src, RevocationJobID: &c.Job.ID}
		}
		return events
	}
	next, revoked, err := st.RevokeJobChunk(ctx, job.ID, "instance-b", now.Add(time.Minute).UnixMilli(), q, 100, now, audit)
	if err != nil || next.Revoked != 100 || len(revoked) != 100 || next.State != entity.JobRunning {
		t.Fatalf("the claimer's chunk: got %+v (%d digests), %v", next, len(revoked), err)
	}
	if n := revokedIn(t, r, admin.Org.ID) - before; n != 100 {
		t.Fatalf("%d tokens revoked, want 100", n)
	}
}

// TestJobGivenUpAfterTooManyClaims: a job whose instances keep dying
// (its lease claimed again and again without progress) is FAILED by the
// claim that would exceed the attempts.
func TestJobGivenUpAfterTooManyClaims(t *testing.T) {
	r := newRules(t)
	admin, job := backgroundJob(t, r, "claims")
	st := sqlStoreOf(t, r)
	ctx := context.Background()
	for attempt := 1; ; attempt++ {
		r.clock.Advance(2 * time.Minute)
		now := entity.TimeOf(r.clock.Now())
		claimed, err := st.ClaimRevocationJob(ctx, "instance", now, now.Add(time.Minute).UnixMilli(), 3)
		if err != nil {
			t.Fatal(err)
		}
		if attempt <= 3 {
			if claimed == nil || claimed.Attempts != attempt {
				t.Fatalf("claim %d: got %+v", attempt, claimed)
			}
			continue
		}
		if claimed != nil {
			t.Fatalf("claim %d: got %+v, want the job given up", attempt, claimed)
		}
		break
	}
	j, err := r.svc.RevocationJob(ctx, admin, job.ID)
	if err != nil || j.State != entity.JobFailed || j.FinishedAt == nil {
		t.Fatalf("job: got %+v, %v; want FAILED", j, err)
	}
}
