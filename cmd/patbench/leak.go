package main

import (
	"context"
	"fmt"
	"time"
)

// oneOff is what a one-shot workload of the leak response measured: an
// export, a revocation by filter, or the floor of either.
type oneOff struct {
	name  string
	floor bool
	items int64 // rows exported or tokens revoked
	wall  time.Duration
	// first is the time to the first row (export); preview and mutation
	// the preview's and the mutation's latencies, server the job's own
	// finishedAt - createdAt (revocation by filter).
	first, preview, mutation, server time.Duration
	matching, owners                 int64 // the preview's counts
	chunks                           int   // the floor's transactions
	rss                              rssPeak
	cpu                              cpuSample // totals over the workload
	err                              string
}

// perSecond is items over the wall time.
func (o *oneOff) perSecond() float64 {
	if o == nil || o.wall <= 0 {
		return 0
	}
	return float64(o.items) / o.wall.Seconds()
}

// cpuDelta is the CPU time spent between two samples.
func cpuDelta(a, b cpuSample) cpuSample {
	return cpuSample{server: b.server - a.server, db: b.db - a.db, self: b.self - a.self}
}

// leakResponse runs the workloads of the leak-response issue, each after
// its floor: k (export, read only), then j (revokeTokensByValue), then l
// (revocation by filter), which revokes a tenth of bench-big and so runs
// last. The next --skip-seed run un-revokes what they revoked.
func (b *bench) leakResponse(ctx context.Context, srv *server) error {
	skip := b.opts.skip
	jwt, err := b.adminJWT(bigOrg)
	if err != nil {
		return err
	}
	g, hc := gql{srv.base, jwt}, newClient(1)
	if !skip["export"] {
		if err := phase(ctx, "export workloads k0, k", 10*time.Minute, func(ctx context.Context) error {
			if err := b.db.QueryRowContext(ctx, "SELECT count(*) FROM personal_access_tokens WHERE organization_id = ?", b.bigID).Scan(&b.bigTotal); err != nil {
				return err
			}
			o, err := b.exportFloor(ctx)
			if err != nil {
				return err
			}
			b.oneOffs["k0"] = o
			b.oneOffs["k"], err = b.export(ctx, srv, jwt)
			return err
		}); err != nil {
			return err
		}
	}
	if !skip["by-value"] {
		if err := b.byValue(ctx, g, hc); err != nil {
			return err
		}
	}
	if skip["filter"] {
		return nil
	}
	return phase(ctx, "revocation by filter workloads l0, l", time.Hour, func(ctx context.Context) error {
		actor, err := b.adminUserID(ctx, g, hc)
		if err != nil {
			return err
		}
		target := b.opts.filterTokens
		srvOwners, floorOwners, err := b.ownerSets(ctx, target)
		if err != nil {
			b.notes = append(b.notes, fmt.Sprintf("revocation by filter not measured: %v", err))
			return nil
		}
		o, err := b.filterFloor(ctx, floorOwners, actor)
		if err != nil {
			return err
		}
		b.oneOffs["l0"] = o
		b.oneOffs["l"], err = b.filterRevocation(ctx, srv, g, hc, srvOwners)
		return err
	})
}
