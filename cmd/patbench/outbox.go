package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"
)

// outboxColumns are outbox_events' columns in entity.OutboxEvent's field
// order: the columns GORM's INSERT of []*entity.OutboxEvent names
// (store.insertOutboxEvents; store/audit_mock_test.go pins the same list).
var outboxColumns = []string{"id", "organization_id", "event_type", "occurred_at", "audit_event_id", "token_id", "payload", "dispatched_at"}

// outboxInsertSQL is that INSERT of n rows.
func outboxInsertSQL(n int) string {
	row := "(" + placeholders(len(outboxColumns)) + ")"
	return "INSERT INTO `outbox_events` (`" + strings.Join(outboxColumns, "`,`") + "`) VALUES " +
		strings.TrimSuffix(strings.Repeat(row+",", n), ",")
}

// outboxArgs are the values of n token.revoked events of orgID, at now,
// as store.outboxOf makes them for a revocation: a fresh ULID each, the
// audit event's ID (here a fresh ULID of the same size), the token's ID,
// no payload, not dispatched.
func outboxArgs(orgID int64, tokenIDs []string, now int64) []any {
	args := make([]any, 0, len(tokenIDs)*len(outboxColumns))
	for _, t := range tokenIDs {
		args = append(args, ulid.Make().String(), orgID, "token.revoked", now, ulid.Make().String(), t, nil, nil)
	}
	return args
}

// outbox: the outbox's INSERT of revokeSize rows (one revokeTokens
// call's events) in a transaction of its own, raw, first back to back
// just after i1 while the server's dispatcher works through i1's events
// (n0b, n0bc: the INSERT, and with its COMMIT), then each once no event is
// pending (n0, n0c: the floor); then n1. The rows name bench-big's newest
// token IDs but audit events that do not exist, so the dispatcher marks
// them dispatched without building a delivery; the next run keeps them (as
// it keeps i1's).
func (b *bench) outbox(ctx context.Context, srv *server) error {
	ids, err := b.unrevokedIDs(ctx, b.bigID, revokeSize)
	if err != nil {
		return fmt.Errorf("outbox: token IDs: %w", err)
	}
	if len(ids) < revokeSize {
		return fmt.Errorf("outbox: %s has only %d tokens", bigOrg, len(ids))
	}
	stmt := outboxInsertSQL(revokeSize)
	for _, drained := range []bool{false, true} {
		key, name, before := "n0b", "n0b. SQL outbox INSERT x1000, beside the dispatch of i1's events", func(context.Context) error { return nil }
		if drained {
			key, name, before = "n0", "n0. SQL outbox INSERT x1000, nothing pending", func(ctx context.Context) error {
				_, _, err := b.drainOutbox(ctx, 50*time.Millisecond, false)
				return err
			}
		}
		var inserts []time.Duration
		r, err := sequentialAfter(ctx, name+" (+ COMMIT)", b.probe(), 1, max(b.opts.revokeIters, 5), 5*time.Minute,
			func(ctx context.Context, i uint64) error {
				d, err := outboxTx(ctx, b.db, stmt, outboxArgs(b.bigID, ids, time.Now().UnixMilli()))
				if err == nil && i > 0 { // call 0 warms up
					inserts = append(inserts, d)
				}
				return err
			}, before)
		if err != nil {
			return err
		}
		b.record(key+"c", r)
		s := summarize(name, 1, inserts, 0)
		logResult(s)
		b.record(key, s)
	}
	return b.revokeDrained(ctx, srv)
}

// revokeDrained: n1, revokeTokens of revokeSize of bench-big's newest
// unrevoked IDs per call, like i1, each call once the outbox is drained
// (the wait not counted), so that no dispatch runs beside it.
func (b *bench) revokeDrained(ctx context.Context, srv *server) error {
	calls := max(b.opts.revokeIters, 5) + 1
	ids, err := b.unrevokedIDs(ctx, b.bigID, calls*revokeSize)
	if err != nil {
		return err
	}
	if len(ids) < calls*revokeSize {
		return fmt.Errorf("n1: only %d unrevoked tokens", len(ids))
	}
	jwt, err := b.adminJWT(bigOrg)
	if err != nil {
		return err
	}
	g, hc := gql{srv.base, jwt}, newClient(1)
	r, err := sequentialAfter(ctx, "n1. revokeTokens x1000, each once the outbox is drained", b.probe(), 1, calls-1, 10*time.Minute, func(ctx context.Context, i uint64) error {
		batch := ids[int(i)*revokeSize : int(i+1)*revokeSize]
		return g.op(hc, gqlBody(revokeDoc, map[string]any{"ids": batch}), fmt.Sprintf(`"revokedCount":%d`, revokeSize))(ctx, i)
	}, func(ctx context.Context) error {
		_, _, err := b.drainOutbox(ctx, 50*time.Millisecond, false)
		return err
	})
	if err != nil {
		return err
	}
	b.record("n1", r)
	return nil
}

// outboxTx runs the INSERT in a transaction and commits it, returning
// the INSERT's own time.
func outboxTx(ctx context.Context, db *sql.DB, stmt string, args []any) (time.Duration, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	t0 := time.Now()
	res, err := tx.ExecContext(ctx, stmt, args...)
	d := time.Since(t0)
	if err != nil {
		return 0, fmt.Errorf("insert outbox events: %w", err)
	}
	if n, _ := res.RowsAffected(); n != int64(revokeSize) {
		return 0, fmt.Errorf("insert outbox events: %d rows, want %d", n, revokeSize)
	}
	return d, tx.Commit()
}
