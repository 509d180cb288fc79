package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/oklog/ulid/v2"
)

// revokeRow is what a floor reads of a token it revokes: the columns of
// its audit event, and whether it is revoked already.
type revokeRow struct {
	id, name, scopes, hint        string
	ownerID, createdAt, expiresAt int64
	revoked                       bool
}

// revokeRowColumns are the columns scanRevokeRows reads, in order.
const revokeRowColumns = "id, owner_id, name, scopes, hint, created_at, expires_at, revoked_at IS NOT NULL"

// scanRevokeRows reads rows of revokeRowColumns.
func scanRevokeRows(rows *sql.Rows, err error) ([]revokeRow, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []revokeRow
	for rows.Next() {
		var r revokeRow
		if err := rows.Scan(&r.id, &r.ownerID, &r.name, &r.scopes, &r.hint, &r.createdAt, &r.expiresAt, &r.revoked); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// revokeSQL is the raw SQL of a revocation's writes, as the store makes
// them (store.writeRevocation): the update of the locked, unrevoked rows,
// one multi-row INSERT of their audit events with the columns the service
// fills, and the organization's counter.
type revokeSQL struct {
	orgID, actorID, lifespanMs int64
	source                     string // BY_VALUE or FILTER
	jobID                      string // FILTER: the events' revocation_job_id
}

// auditColumns are the columns of audit_events a revocation event fills.
var auditColumns = []string{"id", "organization_id", "action", "occurred_at", "actor_id", "token_id", "token_owner_id",
	"token_name", "token_scopes", "token_expires_at", "token_hint", "revocation_source", "request_id", "client_ip",
	"user_agent", "revocation_job_id"}

// revokeLocked revokes the rows of locked that are not revoked, at now,
// within tx, and returns how many it revoked.
func (r revokeSQL) revokeLocked(ctx context.Context, tx *sql.Tx, locked []revokeRow, now int64) (int, error) {
	var todo []revokeRow
	for _, t := range locked {
		if !t.revoked {
			todo = append(todo, t)
		}
	}
	if len(todo) == 0 {
		return 0, nil
	}
	args := make([]any, 0, 4+len(todo))
	args = append(args, now, r.actorID, r.source, r.orgID)
	for _, t := range todo {
		args = append(args, t.id)
	}
	res, err := tx.ExecContext(ctx, "UPDATE personal_access_tokens SET revoked_at = ?, revoked_by_id = ?, revocation_source = ?"+
		" WHERE organization_id = ? AND id IN ("+placeholders(len(todo))+") AND revoked_at IS NULL", args...)
	if err != nil {
		return 0, fmt.Errorf("update: %w", err)
	}
	if n, _ := res.RowsAffected(); n != int64(len(todo)) {
		return 0, fmt.Errorf("update: %d rows revoked, %d locked unrevoked", n, len(todo))
	}

	var jobID any // NULL unless FILTER
	if r.jobID != "" {
		jobID = r.jobID
	}
	row := "(" + placeholders(len(auditColumns)) + ")"
	values := make([]string, len(todo))
	args = make([]any, 0, len(todo)*len(auditColumns))
	for i, t := range todo {
		values[i] = row
		expiry := min(t.expiresAt, t.createdAt+r.lifespanMs)
		args = append(args, ulid.Make().String(), r.orgID, "TOKEN_REVOKED", now, r.actorID, t.id, t.ownerID,
			t.name, t.scopes, expiry, t.hint, r.source, "patbench-floor", "127.0.0.1", "patbench", jobID)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO audit_events ("+strings.Join(auditColumns, ", ")+") VALUES "+
		strings.Join(values, ","), args...); err != nil {
		return 0, fmt.Errorf("insert audit events: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE organizations SET unrevoked_token_count = unrevoked_token_count - ? WHERE id = ?",
		len(todo), r.orgID); err != nil {
		return 0, fmt.Errorf("count: %w", err)
	}
	return len(todo), nil
}

// placeholders is "?,?,…" for n values.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return "?" + strings.Repeat(",?", n-1)
}
