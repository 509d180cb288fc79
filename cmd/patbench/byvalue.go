package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/patgov/pats/pattoken"
)

// A revokeTokensByValue call of the leak-response workload j: 1,000
// values, of which byValueKnown are secrets of active tokens and the rest
// well-formed values no token has (a leaked log holds both).
const (
	byValueCall  = 1000
	byValueKnown = 900
)

// byValuesDoc is the mutation of workload j.
const byValuesDoc = `mutation RevokeByValues($tokens: [String!]!) { revokeTokensByValue(tokens: $tokens) { revokedCount results { index outcome token { id } } } }`

// byValueNeed is how many seeded secrets workloads j and j0 use: a fresh
// batch for each call (warm-up included) of each.
func byValueNeed(iterations int) int { return 2 * (iterations + 1) * byValueKnown }

// byValueBatches splits known into calls of byValueKnown secrets each,
// with fresh unknown well-formed values in between (one in ten), so that
// every call revokes exactly byValueKnown tokens.
func byValueBatches(known []string, calls int) ([][]string, error) {
	if len(known) < calls*byValueKnown {
		return nil, fmt.Errorf("%d secrets for %d calls of %d", len(known), calls, byValueKnown)
	}
	every := byValueCall / (byValueCall - byValueKnown)
	batches := make([][]string, calls)
	k := 0
	for c := range batches {
		batch := make([]string, byValueCall)
		for i := range batch {
			if i%every == every-1 {
				tok, err := pattoken.Generate()
				if err != nil {
					return nil, err
				}
				batch[i] = tok.Value
				continue
			}
			batch[i] = known[k]
			k++
		}
		batches[c] = batch
	}
	return batches, nil
}

// byValue: j0, the raw SQL of revoking 1,000 values in one transaction,
// then j, revokeTokensByValue of 1,000 values; each call and each
// transaction a fresh batch of not yet revoked secrets.
func (b *bench) byValue(ctx context.Context, g gql, hc *http.Client) error {
	// Earlier workloads may have revoked some of these tokens: i1 revokes
	// the newest active ones, which in a small organization are also in
	// the secrets file.
	pool, err := b.usableSecrets(ctx, b.byValuePool)
	if err != nil {
		return err
	}
	if gone := len(b.byValuePool) - len(pool); gone > 0 {
		logf("revokeTokensByValue: %d of its %d secrets were revoked by earlier workloads (or now expire within a day)", gone, len(b.byValuePool))
		b.byValuePool = pool
	}
	per := len(b.byValuePool) / 2
	calls := min(b.opts.byValueIters+1, per/byValueKnown)
	if calls < 2 {
		b.notes = append(b.notes, fmt.Sprintf("revokeTokensByValue not measured: only %d usable secrets for it (seeded with fewer --secrets? drop --skip-seed)", len(b.byValuePool)))
		return nil
	}
	if calls-1 < b.opts.byValueIters {
		b.notes = append(b.notes, fmt.Sprintf("revokeTokensByValue: only %d measured calls and floor transactions (%d usable secrets for them)", calls-1, len(b.byValuePool)))
	}
	floorBatches, err := byValueBatches(b.byValuePool[:per], calls)
	if err != nil {
		return err
	}
	srvBatches, err := byValueBatches(b.byValuePool[per:], calls)
	if err != nil {
		return err
	}
	actor, err := b.adminUserID(ctx, g, hc)
	if err != nil {
		return err
	}

	floor := byValueFloorOp(b.db, revokeSQL{orgID: b.bigID, actorID: actor, lifespanMs: b.lifespanMs, source: "BY_VALUE"}, floorBatches)
	r, err := sequential(ctx, "j0. SQL revoke by digest x1000", b.probe(), 1, calls-1, 10*time.Minute, floor)
	if err != nil {
		return err
	}
	b.record("j0", r)

	bodies := make([][]byte, calls)
	for i, batch := range srvBatches {
		bodies[i] = gqlBody(byValuesDoc, map[string]any{"tokens": batch})
	}
	want := fmt.Sprintf(`"revokedCount":%d`, byValueKnown)
	r, err = sequential(ctx, "j. revokeTokensByValue x1000", b.probe(), 1, calls-1, 10*time.Minute, func(ctx context.Context, i uint64) error {
		return g.op(hc, bodies[i], want)(ctx, i)
	})
	if err != nil {
		return err
	}
	b.record("j", r)
	return nil
}

// byValueFloorOp revokes batch i in one transaction of raw SQL: the values'
// digests, the locking read through uq_pat_org_digest (as
// store.RevokeByDigests reads), then revokeSQL's writes.
func byValueFloorOp(db *sql.DB, w revokeSQL, batches [][]string) op {
	return func(ctx context.Context, i uint64) error {
		batch := batches[i]
		args := make([]any, 0, len(batch)+1)
		args = append(args, w.orgID)
		for _, v := range batch {
			d, err := pattoken.Parse(v)
			if err != nil {
				return err
			}
			args = append(args, d[:])
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		locked, err := scanRevokeRows(tx.QueryContext(ctx, "SELECT "+revokeRowColumns+
			" FROM personal_access_tokens FORCE INDEX (uq_pat_org_digest) WHERE organization_id = ? AND token_digest IN ("+
			placeholders(len(batch))+") FOR UPDATE", args...))
		if err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		n, err := w.revokeLocked(ctx, tx, locked, time.Now().UnixMilli())
		if err != nil {
			return err
		}
		if n != byValueKnown {
			return fmt.Errorf("revoked %d of the batch's %d known values", n, byValueKnown)
		}
		return tx.Commit()
	}
}

// adminUserID is the internal ID of the benchmark's admin in bench-big,
// provisioned by a first request if need be: the floors write as that
// user, so that the next --skip-seed run undoes their revocations too.
func (b *bench) adminUserID(ctx context.Context, g gql, hc *http.Client) (int64, error) {
	if b.adminID != 0 {
		return b.adminID, nil
	}
	if _, err := g.post(ctx, hc, gqlBody(`query { viewer { id } }`, nil)); err != nil {
		return 0, fmt.Errorf("provision the admin: %w", err)
	}
	err := b.db.QueryRowContext(ctx, "SELECT id FROM users WHERE organization_id = ? AND subject = ?", b.bigID, adminSub).Scan(&b.adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errors.New("the admin was not provisioned by its first request")
	}
	return b.adminID, err
}
