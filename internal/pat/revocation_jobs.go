package pat

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/store"
)

// Revocation job defaults (JobConfig).
const (
	DefaultJobChunkSize = 1000
	DefaultJobLease     = 30 * time.Second
	// jobMaxAttempts is how many times a job's lease may be claimed (an
	// instance stopped while running it) without progress before it is
	// given up; jobMaxChunkFailures how many chunks in a row may fail on
	// one instance.
	jobMaxAttempts      = 5
	jobMaxChunkFailures = 5
	// jobQueue bounds the jobs this instance started and has yet to run;
	// beyond, a job waits for its lease to expire and any instance's claim.
	jobQueue = 64
)

// JobConfig configures the background runner of revocation jobs.
type JobConfig struct {
	// ChunkSize is how many tokens one transaction revokes (default
	// DefaultJobChunkSize, at most InlineRevocationLimit).
	ChunkSize int
	// Lease is how long a job stays with the instance running it without
	// a chunk (default DefaultJobLease): another instance resumes it once
	// the lease has expired. The runner looks for such jobs every tenth
	// of it.
	Lease time.Duration
	// Pause is the wait between two chunks of a job (default none), to
	// spare the database during a long job.
	Pause time.Duration
	// OnChunk, when set, learns of each chunk: the tokens it revoked, or
	// its failure (metrics). A job done within the call is one chunk.
	OnChunk func(revoked int, err error)
	// OnJob, when set, learns of each job event: "inline" or
	// "background" (started), "resumed", "succeeded", "failed".
	OnJob func(event string)
}

// jobRunner runs this instance's revocation jobs, one at a time: those it
// starts and those it claims from stopped instances.
type jobRunner struct {
	svc *Service
	// owner names this instance in the leases it takes.
	owner        string
	lease, pause time.Duration
	chunk        int
	queue        chan *entity.RevocationJob
	onChunk      func(revoked int, err error)
	onJob        func(event string)
}

func newJobRunner(svc *Service, cfg JobConfig) *jobRunner {
	r := &jobRunner{
		svc: svc, owner: ulid.Make().String(),
		lease: cmp.Or(cfg.Lease, DefaultJobLease), pause: cfg.Pause,
		chunk:   min(cmp.Or(cfg.ChunkSize, DefaultJobChunkSize), InlineRevocationLimit),
		queue:   make(chan *entity.RevocationJob, jobQueue),
		onChunk: cfg.OnChunk, onJob: cfg.OnJob,
	}
	if r.onChunk == nil {
		r.onChunk = func(int, error) {}
	}
	if r.onJob == nil {
		r.onJob = func(string) {}
	}
	return r
}

// start queues a job this instance has just started (and holds the lease
// of) in the request ctx; a full queue leaves it to the claims.
func (r *jobRunner) start(ctx context.Context, j *entity.RevocationJob) {
	select {
	case r.queue <- j:
	default:
		slog.WarnContext(ctx, "revocation job queue full: the job waits for its lease to expire", "job", j.ID)
	}
}

// RunJobs runs revocation jobs until ctx ends: those this instance starts,
// and any whose lease has expired (its instance stopped). A job in
// progress when ctx ends is released, so that another instance resumes it
// at once; its chunk in flight either committed or left no trace. (An
// instance that dies keeps its leases until they expire.)
func (s *Service) RunJobs(ctx context.Context) {
	r := s.jobs
	poll := min(max(r.lease/10, 20*time.Millisecond), 5*time.Second)
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-r.queue:
			r.run(ctx, j)
		case <-t.C:
			r.claimAll(ctx)
		}
	}
}

// claimAll runs every job whose lease has expired, one after the other.
func (r *jobRunner) claimAll(ctx context.Context) {
	for ctx.Err() == nil {
		now := r.svc.clock()
		j, err := r.svc.store.ClaimRevocationJob(ctx, r.owner, now, now.Add(r.lease).UnixMilli(), jobMaxAttempts)
		if err != nil {
			if ctx.Err() == nil {
				slog.WarnContext(ctx, "revocation jobs: claim failed", "err", err)
			}
			return
		}
		if j == nil {
			return
		}
		logJob(ctx, j, "revocation job resumed", "attempt", j.Attempts)
		r.onJob("resumed")
		r.run(ctx, j)
	}
}

// run revokes j's tokens chunk by chunk while this instance holds its
// lease. Failed chunks are retried with backoff; after
// jobMaxChunkFailures in a row the job is FAILED.
func (r *jobRunner) run(ctx context.Context, j *entity.RevocationJob) {
	q, err := jobQuery(j)
	if err != nil {
		r.fail(ctx, j, err)
		return
	}
	defer r.release(ctx, j)
	failures := 0
	for ctx.Err() == nil {
		now := r.svc.clock()
		next, revoked, err := r.svc.store.RevokeJobChunk(ctx, j.ID, r.owner, now.Add(r.lease).UnixMilli(), q, r.chunk, now, jobAudit(now))
		switch {
		case errors.Is(err, store.ErrLeaseLost):
			return // another instance has it, or it ended
		case err != nil:
			if ctx.Err() != nil {
				return
			}
			failures++
			r.onChunk(0, err)
			slog.WarnContext(ctx, "revocation job: chunk failed", "job", j.ID, "failures", failures, "err", err)
			if failures >= jobMaxChunkFailures {
				r.fail(ctx, j, err)
				return
			}
			sleep(ctx, time.Duration(1<<failures)*50*time.Millisecond)
			continue
		}
		failures = 0
		r.onChunk(len(revoked), nil)
		r.svc.validator.invalidate(store.Changes{RevokedDigests: revoked})
		if next.State != entity.JobRunning {
			logJob(ctx, next, "revocation job done")
			r.onJob("succeeded")
			return
		}
		sleep(ctx, r.pause)
	}
}

// release drops the lease of j if this instance still holds it because
// ctx ended (shutdown) while j was running.
func (r *jobRunner) release(ctx context.Context, j *entity.RevocationJob) {
	if ctx.Err() == nil {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if err := r.svc.store.ReleaseRevocationJob(rctx, j.ID, r.owner); err == nil {
		logJob(rctx, j, "revocation job released at shutdown")
	}
}

// fail gives j up.
func (r *jobRunner) fail(ctx context.Context, j *entity.RevocationJob, cause error) {
	if err := r.svc.store.FailRevocationJob(ctx, j.ID, r.owner, r.svc.clock()); err != nil && !errors.Is(err, store.ErrLeaseLost) {
		slog.ErrorContext(ctx, "revocation job: cannot mark failed", "job", j.ID, "err", err)
		return
	}
	logJob(ctx, j, "revocation job failed", "err", cause)
	r.onJob("failed")
}

// jobQuery rebuilds the store query of j's filter as it was confirmed:
// judged at j's time and lifespan, for the organization.
func jobQuery(j *entity.RevocationJob) (store.ListQuery, error) {
	var f TokenFilter
	if err := json.Unmarshal([]byte(j.Filter), &f); err != nil {
		return store.ListQuery{}, fmt.Errorf("revocation job %s: filter: %w", j.ID, err)
	}
	p := &auth.Principal{
		Org:  &entity.Organization{ID: j.OrganizationID, MaxLifespanDays: j.LifespanDays, MaxLifespanDaysEver: j.LifespanDays},
		User: &entity.User{ID: j.CreatedByID}, Role: auth.RoleAdmin,
	}
	q, _, err := revocationQuery(p, f, j.EvaluatedAt)
	return q, err
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
