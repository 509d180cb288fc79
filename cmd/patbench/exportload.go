package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// exportBody is the request of workload k: every token of the
// organization, as CSV.
const exportBody = `{"format":"csv","filter":{"status":["ACTIVE","EXPIRED","REVOKED"]}}`

// exportFloorSQL streams the rows of workload k's file in its order
// (newest first): each token with its owner and its revoker. FORCE INDEX
// and STRAIGHT_JOIN keep the plan a scan of ix_pat_org_created that
// streams from the first row; left to itself, MariaDB 10.11 reads users
// first and sorts the million joined rows in a temporary table (7.3 s
// against 4.5 s from the mysql client on this machine).
const exportFloorSQL = `SELECT STRAIGHT_JOIN t.id, t.name, u.subject, u.name, u.email, t.scopes, t.created_at, t.last_used_at,
t.expires_at, t.revoked_at, rb.subject, t.revocation_source, t.hint
FROM personal_access_tokens t FORCE INDEX (ix_pat_org_created)
JOIN users u ON u.id = t.owner_id LEFT JOIN users rb ON rb.id = t.revoked_by_id
WHERE t.organization_id = ? ORDER BY t.created_at DESC, t.id DESC`

// exportFloor: k0, the export's rows read with database/sql in one
// statement and written with encoding/csv to io.Discard, cells formatted
// as the service formats them.
func (b *bench) exportFloor(ctx context.Context) (*oneOff, error) {
	logf("workload k0. SQL export: one streaming statement")
	o := &oneOff{name: "k0. SQL export (CSV to io.Discard)", floor: true}
	cpu0, t0 := b.probe().sample(), time.Now()
	rows, err := b.db.QueryContext(ctx, exportFloorSQL, b.bigID)
	if err != nil {
		return nil, fmt.Errorf("export floor: %w", err)
	}
	defer rows.Close()
	w := csv.NewWriter(io.Discard)
	_ = w.Write([]string{"id", "name", "owner_id", "owner_name", "owner_email", "scopes", "created_at",
		"last_used_at", "expires_at", "status", "revoked_at", "revoked_by", "revocation_source", "hint"})
	now := time.Now().UnixMilli()
	var (
		id, name, owner, ownerName, ownerEmail, scopes, hint string
		created, expires                                     int64
		lastUsed, revoked                                    sql.NullInt64
		revokedBy, source                                    sql.NullString
	)
	for rows.Next() {
		if err := rows.Scan(&id, &name, &owner, &ownerName, &ownerEmail, &scopes, &created, &lastUsed, &expires,
			&revoked, &revokedBy, &source, &hint); err != nil {
			return nil, fmt.Errorf("export floor: %w", err)
		}
		if o.items == 0 {
			o.first = time.Since(t0)
		}
		expiry := min(expires, created+b.lifespanMs)
		status := "ACTIVE"
		switch {
		case revoked.Valid:
			status = "REVOKED"
		case expiry <= now:
			status = "EXPIRED"
		}
		_ = w.Write([]string{id, name, owner, ownerName, ownerEmail, strings.Join(strings.Fields(scopes), " "),
			csvTime(sql.NullInt64{Int64: created, Valid: true}), csvTime(lastUsed), csvTime(sql.NullInt64{Int64: expiry, Valid: true}),
			status, csvTime(revoked), revokedBy.String, source.String, hint})
		o.items++
		if o.items%exportBatchRows == 0 {
			w.Flush()
		}
	}
	w.Flush()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("export floor: %w", err)
	}
	o.wall = time.Since(t0)
	o.cpu = cpuDelta(cpu0, b.probe().sample())
	logf("workload %s: %d rows in %s", o.name, o.items, o.wall.Round(time.Millisecond))
	return o, nil
}

// exportBatchRows is how many rows the service hands its encoder, and
// flushes, at a time (pat.exportBatch).
const exportBatchRows = 500

// csvTime formats a millisecond time as the export does (RFC 3339, UTC,
// milliseconds), or "" for NULL.
func csvTime(ms sql.NullInt64) string {
	if !ms.Valid {
		return ""
	}
	return time.UnixMilli(ms.Int64).UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// lineCounter counts the newlines written to it.
type lineCounter struct{ lines int64 }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.lines += int64(bytes.Count(p, []byte{'\n'}))
	return len(p), nil
}

// export: k, POST /export/tokens as bench-big's admin, the whole body read
// (and its lines counted) as it streams; the server's peak RSS over it.
func (b *bench) export(ctx context.Context, srv *server, jwt string) (*oneOff, error) {
	logf("workload k. POST /export/tokens (CSV, every status)")
	o := &oneOff{name: "k. POST /export/tokens (CSV)"}
	hc := &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{DisableCompression: true}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.base+"/export/tokens", strings.NewReader(exportBody))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+jwt)
	rss := watchRSS(srv)
	cpu0, t0 := b.probe().sample(), time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		rss.stop()
		return nil, fmt.Errorf("export: %w", err)
	}
	defer resp.Body.Close()
	o.first = time.Since(t0)
	var lines lineCounter
	_, copyErr := io.Copy(&lines, resp.Body)
	o.wall = time.Since(t0)
	o.cpu = cpuDelta(cpu0, b.probe().sample())
	o.rss = rss.stop()
	switch {
	case resp.StatusCode != http.StatusOK:
		o.err = "HTTP " + strconv.Itoa(resp.StatusCode)
	case copyErr != nil:
		o.err = fmt.Sprintf("body cut short after %d lines, %s: %v", lines.lines, o.wall.Round(time.Millisecond), copyErr)
	case lines.lines-1 != b.bigTotal:
		o.err = fmt.Sprintf("%d rows, want %d", lines.lines-1, b.bigTotal)
	}
	o.items = max(lines.lines-1, 0)
	logf("workload %s: %d rows in %s (first byte %s), server RSS %s %s", o.name, o.items, o.wall.Round(time.Millisecond),
		fmtDur(o.first), o.rss, o.err)
	return o, nil
}
