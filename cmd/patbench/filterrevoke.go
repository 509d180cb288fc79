package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// The documents of workload l, a revocation by filter.
const (
	previewDoc  = `query Preview($f: PersonalAccessTokenFilter!) { tokenRevocationPreview(filter: $f) { matchingCount ownerCount confirmation expiresAt } }`
	matchingDoc = `mutation RevokeMatching($f: PersonalAccessTokenFilter!, $c: String!) { revokeTokensMatching(filter: $f, confirmation: $c) { id state total revoked } }`
	jobDoc      = `query Job($id: ID!) { revocationJob(id: $id) { state total revoked createdAt finishedAt } }`
)

// jobChunk is the chunk size of the server's background revocations and
// of the floor (PATS_REVOCATION_CHUNK_SIZE's default, pat.DefaultJobChunkSize).
const jobChunk = 1000

// jobPoll is how often workload l asks how its job stands.
const jobPoll = 100 * time.Millisecond

// ownerSets picks two disjoint sets of bench-big's users, in subject order,
// each owning at least target unrevoked tokens: the first for the
// server's revocation (l), the second for its floor (l0).
func (b *bench) ownerSets(ctx context.Context, target int) (srv, floor []string, err error) {
	rows, err := b.db.QueryContext(ctx, `SELECT u.subject, COUNT(*) FROM personal_access_tokens t JOIN users u ON u.id = t.owner_id
WHERE t.organization_id = ? AND t.revoked_at IS NULL GROUP BY u.subject ORDER BY u.subject`, b.bigID)
	if err != nil {
		return nil, nil, fmt.Errorf("owners: %w", err)
	}
	defer rows.Close()
	var sums [2]int
	for rows.Next() {
		var (
			subject string
			n       int
		)
		if err := rows.Scan(&subject, &n); err != nil {
			return nil, nil, err
		}
		switch {
		case sums[0] < target:
			srv, sums[0] = append(srv, subject), sums[0]+n
		case sums[1] < target:
			floor, sums[1] = append(floor, subject), sums[1]+n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if sums[1] < target {
		return nil, nil, fmt.Errorf("%s has too few unrevoked tokens for two sets of %d (lower --filter-revoke-tokens)", bigOrg, target)
	}
	if len(srv) > 1000 || len(floor) > 1000 {
		return nil, nil, fmt.Errorf("%d and %d owners: ownerIds accepts at most 1,000 (lower --filter-revoke-tokens or raise --users' tokens per user)", len(srv), len(floor))
	}
	return srv, floor, nil
}

// filterFloor: l0, the raw SQL of a background revocation of owners'
// unrevoked tokens created by now: chunks of jobChunk, each one
// transaction that reads the next IDs by keyset over (organization_id,
// created_at, id) with the filter, locks them by ID, and makes
// revokeSQL's writes.
func (b *bench) filterFloor(ctx context.Context, owners []string, actor int64) (*oneOff, error) {
	logf("workload l0. SQL revocation by filter: %d owners, chunks of %d", len(owners), jobChunk)
	o := &oneOff{name: fmt.Sprintf("l0. SQL revocation by filter (%d owners, %d per transaction)", len(owners), jobChunk), floor: true}
	w := revokeSQL{orgID: b.bigID, actorID: actor, lifespanMs: b.lifespanMs, source: "FILTER", jobID: "patbench-floor"}
	// The candidates come from the creation index alone (it holds
	// revoked_at and owner_id): FORCE INDEX, since MariaDB prefers the
	// owner index for this statement and then sorts every match of the
	// filter for each chunk (see docs/PERFORMANCE.md, l).
	candidates := "SELECT t.id, t.created_at FROM personal_access_tokens AS t FORCE INDEX (ix_pat_org_created)" +
		" WHERE t.organization_id = ? AND t.revoked_at IS NULL" +
		" AND t.owner_id IN (SELECT u.id FROM users u WHERE u.organization_id = ? AND u.subject IN (" + placeholders(len(owners)) + "))" +
		" AND t.created_at <= ? AND (t.created_at > ? OR (t.created_at = ? AND t.id > ?))" +
		" ORDER BY t.created_at, t.id LIMIT ?"
	cpu0, t0 := b.probe().sample(), time.Now()
	at := t0.UnixMilli()
	var pos keysetPos
	for {
		n, next, err := b.filterChunk(ctx, w, candidates, owners, at, pos)
		if err != nil {
			return nil, fmt.Errorf("%s: chunk %d: %w", o.name, o.chunks+1, err)
		}
		o.chunks++
		o.items += int64(n)
		if next == nil {
			break
		}
		pos = *next
	}
	o.wall = time.Since(t0)
	o.cpu = cpuDelta(cpu0, b.probe().sample())
	logf("workload %s: %d tokens in %s, %d transactions", o.name, o.items, o.wall.Round(time.Millisecond), o.chunks)
	return o, nil
}

// filterChunk is one transaction of the floor. It returns how many tokens
// it revoked and the position after them, nil after the last chunk.
func (b *bench) filterChunk(ctx context.Context, w revokeSQL, candidates string, owners []string, at int64, pos keysetPos) (int, *keysetPos, error) {
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, nil, err
	}
	defer tx.Rollback()
	args := make([]any, 0, len(owners)+7)
	args = append(args, w.orgID, w.orgID)
	for _, s := range owners {
		args = append(args, s)
	}
	args = append(args, at, pos.createdAt, pos.createdAt, pos.id, jobChunk)
	rows, err := tx.QueryContext(ctx, candidates, args...)
	if err != nil {
		return 0, nil, fmt.Errorf("candidates: %w", err)
	}
	var ids []any
	var last keysetPos
	for rows.Next() {
		if err := rows.Scan(&last.id, &last.createdAt); err != nil {
			rows.Close()
			return 0, nil, err
		}
		ids = append(ids, last.id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, err
	}
	n := 0
	if len(ids) > 0 {
		locked, err := scanRevokeRows(tx.QueryContext(ctx, "SELECT "+revokeRowColumns+" FROM personal_access_tokens FORCE INDEX (PRIMARY)"+
			" WHERE organization_id = ? AND id IN ("+placeholders(len(ids))+") AND revoked_at IS NULL ORDER BY created_at, id FOR UPDATE",
			append([]any{w.orgID}, ids...)...))
		if err != nil {
			return 0, nil, fmt.Errorf("lock: %w", err)
		}
		if n, err = w.revokeLocked(ctx, tx, locked, time.Now().UnixMilli()); err != nil {
			return 0, nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, nil, err
	}
	if len(ids) < jobChunk {
		return n, nil, nil
	}
	return n, &last, nil
}

// jobState is the part of a revocation job the workload reads.
type jobState struct {
	ID         string  `json:"id"`
	State      string  `json:"state"`
	Total      int64   `json:"total"`
	Revoked    int64   `json:"revoked"`
	CreatedAt  string  `json:"createdAt"`
	FinishedAt *string `json:"finishedAt"`
}

// filterRevocation: l, tokenRevocationPreview of ownerIds, then
// revokeTokensMatching with its confirmation, then revocationJob every
// jobPoll until the job is no longer RUNNING. The wall time runs from
// sending the mutation to the answer that shows the job ended; the
// server's peak RSS is over the same span.
func (b *bench) filterRevocation(ctx context.Context, srv *server, g gql, hc *http.Client, owners []string) (*oneOff, error) {
	logf("workload l. revocation by filter: %d owners", len(owners))
	o := &oneOff{name: fmt.Sprintf("l. revokeTokensMatching (ownerIds: %d users)", len(owners))}
	filter := map[string]any{"ownerIds": owners}
	t0 := time.Now()
	resp, err := g.post(ctx, hc, gqlBody(previewDoc, map[string]any{"f": filter}))
	if err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	o.preview = time.Since(t0)
	var pv struct {
		Data struct {
			P struct {
				MatchingCount int64  `json:"matchingCount"`
				OwnerCount    int64  `json:"ownerCount"`
				Confirmation  string `json:"confirmation"`
			} `json:"tokenRevocationPreview"`
		} `json:"data"`
	}
	if err := json.Unmarshal(resp, &pv); err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	o.matching, o.owners = pv.Data.P.MatchingCount, pv.Data.P.OwnerCount
	logf("preview: %d matching tokens of %d owners, in %s", o.matching, o.owners, fmtDur(o.preview))

	rss := watchRSS(srv)
	cpu0, t0 := b.probe().sample(), time.Now()
	resp, err = g.post(ctx, hc, gqlBody(matchingDoc, map[string]any{"f": filter, "c": pv.Data.P.Confirmation}))
	if err != nil {
		rss.stop()
		return nil, fmt.Errorf("revokeTokensMatching: %w", err)
	}
	var started struct {
		Data struct {
			Job jobState `json:"revokeTokensMatching"`
		} `json:"data"`
	}
	if err := json.Unmarshal(resp, &started); err != nil {
		rss.stop()
		return nil, fmt.Errorf("revokeTokensMatching: %w", err)
	}
	o.mutation = time.Since(t0)
	job := started.Data.Job
	pctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	for job.State == "RUNNING" {
		select {
		case <-pctx.Done():
			rss.stop()
			return nil, fmt.Errorf("job %s still RUNNING after %s (%d of %d revoked)", job.ID, time.Since(t0).Round(time.Second), job.Revoked, job.Total)
		case <-time.After(jobPoll):
		}
		resp, err := g.post(pctx, hc, gqlBody(jobDoc, map[string]any{"id": started.Data.Job.ID}))
		if err != nil {
			rss.stop()
			return nil, fmt.Errorf("revocationJob: %w", err)
		}
		var polled struct {
			Data struct {
				Job jobState `json:"revocationJob"`
			} `json:"data"`
		}
		if err := json.Unmarshal(resp, &polled); err != nil {
			rss.stop()
			return nil, fmt.Errorf("revocationJob: %w", err)
		}
		polled.Data.Job.ID = job.ID
		job = polled.Data.Job
	}
	o.wall = time.Since(t0)
	o.cpu = cpuDelta(cpu0, b.probe().sample())
	o.rss = rss.stop()
	o.items = job.Revoked
	if job.FinishedAt != nil {
		created, err1 := time.Parse(time.RFC3339Nano, job.CreatedAt)
		finished, err2 := time.Parse(time.RFC3339Nano, *job.FinishedAt)
		if err1 == nil && err2 == nil {
			o.server = finished.Sub(created)
		}
	}
	if job.State != "SUCCEEDED" || job.Revoked != job.Total || job.Total != o.matching {
		o.err = fmt.Sprintf("job %s ended %s with %d of %d revoked (preview: %d)", job.ID, job.State, job.Revoked, job.Total, o.matching)
	}
	logf("workload %s: %d tokens in %s (server %s), server RSS %s %s", o.name, o.items, o.wall.Round(time.Millisecond),
		o.server.Round(time.Millisecond), o.rss, o.err)
	return o, nil
}
