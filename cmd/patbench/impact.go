package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// impactDoc is workload m's query, with the selection of the console's
// PatSettingsImpact operation (client/operations/settings.graphql).
const impactDoc = `query PatSettingsImpact($input: UpdatePatSettingsInput!) { patSettingsImpact(input: $input) {
 tokensExpiring tokensRestored tokensBlocked tokensRevokedAsUnused affectedOwners
 sample { id name owner { id email name accountType } scopes createdAt expiresAt lastUsedAt status revokedAt
  revokedBy { id email name accountType } revocationSource hint } } }`

// impactTarget is the target for patSettingsImpact at 1M tokens.
const impactTarget = 250 * time.Millisecond

// impactSample is pat.PreviewSampleSize: the tokens a preview shows.
const impactSample = 20

// policy is an organization's token settings, as patSettingsImpact weighs
// them.
type policy struct {
	enabled              bool
	maxDays, unusedAfter int
}

// impactCase is one proposed change of workload m: its GraphQL input and
// the policy it proposes, given the current one.
type impactCase struct {
	key, name string
	input     map[string]any
}

// apply is the proposed policy (pat.SettingsChange.apply).
func (c impactCase) apply(p policy) policy {
	if v, ok := c.input["enabled"].(bool); ok {
		p.enabled = v
	}
	if v, ok := c.input["maxLifespanDays"].(int); ok {
		p.maxDays = v
	}
	if v, ok := c.input["revokeUnusedAfterDays"].(int); ok {
		p.unusedAfter = v
	}
	return p
}

// impactCases are the inputs of workload m against bench-big, whose
// seeded maximum lifespan is 365 days (internal/seed): lowered to 90 and
// to 30 days, raised to 730, support disabled (every active token counts),
// the stale-token policy at 90 days, and a change of all three at once
// (disabled, 180 days, stale after 30: every kind but restored).
func impactCases() []impactCase {
	return []impactCase{
		{"m1", "maxLifespanDays 365→90", map[string]any{"maxLifespanDays": 90}},
		{"m2", "maxLifespanDays 365→30", map[string]any{"maxLifespanDays": 30}},
		{"m3", "maxLifespanDays 365→730", map[string]any{"maxLifespanDays": 730}},
		{"m4", "enabled: false", map[string]any{"enabled": false}},
		{"m5", "revokeUnusedAfterDays: 90", map[string]any{"revokeUnusedAfterDays": 90}},
		{"m6", "enabled: false, maxLifespanDays 365→180, revokeUnusedAfterDays: 30", map[string]any{"enabled": false, "maxLifespanDays": 180, "revokeUnusedAfterDays": 30}},
	}
}

// impactCounts are the counts of a preview.
type impactCounts struct {
	Expiring int64 `json:"tokensExpiring"`
	Restored int64 `json:"tokensRestored"`
	Blocked  int64 `json:"tokensBlocked"`
	Unused   int64 `json:"tokensRevokedAsUnused"`
	Owners   int64 `json:"affectedOwners"`
	sample   int
}

func (c impactCounts) String() string {
	return fmt.Sprintf("expiring %d, restored %d, blocked %d, revoked as unused %d; %d owners; sample %d",
		c.Expiring, c.Restored, c.Blocked, c.Unused, c.Owners, c.sample)
}

// impactResult is one case's pair of measurements.
type impactResult struct {
	c             impactCase
	floor, server *result
	// onePass is the alternative SQL (impactOnePassOp), for comparison.
	onePass *result
	// floorCounts, serverCounts and onePassCounts are the last answers of
	// each.
	floorCounts, serverCounts, onePassCounts impactCounts
}

// impactArmSQL is one kind of affected token as store.impactArms builds
// it: the index, the condition and its arguments, the sample's order.
type impactArmSQL struct {
	name, index, cond, order string
	args                     []any
}

// staleCond is store.staleCond.
const staleCond = "t.created_at > ? AND (t.last_used_at < ? OR (t.last_used_at IS NULL AND t.created_at < ?))"

// impactArmsSQL is store.impactArms for the change from cur to next at
// now (pat.SettingsImpactOf's caps and stale instant).
func impactArmsSQL(cur, next policy, now int64) []impactArmSQL {
	curCap, newCap := now-lifespanMs(cur.maxDays), now-lifespanMs(next.maxDays)
	var arms []impactArmSQL
	if newCap > curCap {
		arms = append(arms, impactArmSQL{"expiring", "ix_pat_org_created", "t.created_at > ? AND t.created_at <= ?", "t.created_at, t.id", []any{curCap, newCap}})
	}
	if newCap < curCap {
		arms = append(arms, impactArmSQL{"restored", "ix_pat_org_created", "t.created_at > ? AND t.created_at <= ?", "t.created_at, t.id", []any{newCap, curCap}})
	}
	if cur.enabled && !next.enabled {
		arms = append(arms, impactArmSQL{"blocked", "ix_pat_org_created", "t.created_at > ?", "t.created_at, t.id", []any{max(curCap, newCap)}})
	}
	if next.unusedAfter > 0 {
		stale := now - lifespanMs(next.unusedAfter)
		arms = append(arms, impactArmSQL{"unused", "ix_pat_org_last_used", staleCond, "t.last_used_at, t.id", []any{newCap, stale, stale}})
	}
	return arms
}

func lifespanMs(days int) int64 { return int64(days) * 24 * 3600 * 1000 }

// impactFloorOp runs store.SettingsImpact's statements for the change,
// raw, as the service sends them (text protocol, parameters interpolated
// by the driver): a count per kind, the distinct owners over every kind,
// the sample of each kind until it holds impactSample tokens, then the
// resolvers' look-up of the sample's owners (prefetchUsers).
func impactFloorOp(db *sql.DB, orgID int64, cur policy, c impactCase, last *impactCounts) op {
	next := c.apply(cur)
	return func(ctx context.Context, _ uint64) error {
		now := time.Now().UnixMilli()
		arms := impactArmsSQL(cur, next, now)
		var counts impactCounts
		dest := map[string]*int64{"expiring": &counts.Expiring, "restored": &counts.Restored, "blocked": &counts.Blocked, "unused": &counts.Unused}
		var owners []string
		var ownerArgs []any
		for _, a := range arms {
			f, args := impactFrom(orgID, now, a)
			if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+f, args...).Scan(dest[a.name]); err != nil {
				return fmt.Errorf("count %s: %w", a.name, err)
			}
			owners = append(owners, "SELECT t.owner_id FROM "+f)
			ownerArgs = append(ownerArgs, args...)
		}
		if len(arms) > 0 {
			if err := db.QueryRowContext(ctx, "SELECT COUNT(DISTINCT o.owner_id) FROM ("+strings.Join(owners, " UNION ALL ")+") o", ownerArgs...).Scan(&counts.Owners); err != nil {
				return fmt.Errorf("owners: %w", err)
			}
		}
		n, err := impactSamples(ctx, db, orgID, now, arms, dest)
		if err != nil {
			return err
		}
		counts.sample = n
		*last = counts
		return nil
	}
}

// impactOnePassOp is an alternative to the store's statements, measured
// for comparison (not what the service sends): every count and the
// distinct owners in one statement, a single range of the
// (organization_id, expires_at, …) index, which holds every column of
// every kind's condition and skips the expired tokens, then the same
// samples and owners' look-up as impactFloorOp.
func impactOnePassOp(db *sql.DB, orgID int64, cur policy, c impactCase, last *impactCounts) op {
	next := c.apply(cur)
	return func(ctx context.Context, _ uint64) error {
		now := time.Now().UnixMilli()
		arms := impactArmsSQL(cur, next, now)
		var counts impactCounts
		if len(arms) == 0 {
			*last = counts
			return nil
		}
		dest := map[string]*int64{"expiring": &counts.Expiring, "restored": &counts.Restored, "blocked": &counts.Blocked, "unused": &counts.Unused}
		var sums, ors []string
		var sumArgs, orArgs []any
		for _, a := range arms {
			sums = append(sums, "COALESCE(SUM("+a.cond+"), 0)")
			sumArgs = append(sumArgs, a.args...)
			ors = append(ors, "("+a.cond+")")
			orArgs = append(orArgs, a.args...)
		}
		args := append(append(append(sumArgs, orArgs...), orgID, now), orArgs...)
		q := "SELECT " + strings.Join(sums, ", ") + ", COUNT(DISTINCT CASE WHEN " + strings.Join(ors, " OR ") + " THEN t.owner_id END)" +
			" FROM personal_access_tokens AS t FORCE INDEX (ix_pat_org_expires)" +
			" WHERE t.organization_id = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND (" + strings.Join(ors, " OR ") + ")"
		out := make([]any, 0, len(arms)+1)
		for _, a := range arms {
			out = append(out, dest[a.name])
		}
		out = append(out, &counts.Owners)
		if err := db.QueryRowContext(ctx, q, args...).Scan(out...); err != nil {
			return fmt.Errorf("one pass: %w", err)
		}
		n, err := impactSamples(ctx, db, orgID, now, arms, dest)
		if err != nil {
			return err
		}
		counts.sample = n
		*last = counts
		return nil
	}
}

// impactSamples reads the sample of each kind, as store.SettingsImpact
// does, until it holds impactSample tokens, then the sample's owners as
// the resolvers' prefetchUsers does; it returns the sample's size.
func impactSamples(ctx context.Context, db *sql.DB, orgID, now int64, arms []impactArmSQL, counts map[string]*int64) (int, error) {
	seen := map[string]bool{}
	var ownerIDs []int64
	for _, a := range arms {
		if len(seen) >= impactSample || *counts[a.name] == 0 {
			continue
		}
		f, args := impactFrom(orgID, now, a)
		ids, owners, err := scanSample(db.QueryContext(ctx, "SELECT t.* FROM "+f+" ORDER BY "+a.order+" LIMIT ?", append(args, impactSample)...))
		if err != nil {
			return 0, fmt.Errorf("sample %s: %w", a.name, err)
		}
		for i, id := range ids {
			if !seen[id] && len(seen) < impactSample {
				seen[id] = true
				ownerIDs = append(ownerIDs, owners[i])
			}
		}
	}
	if len(ownerIDs) > 0 {
		args := append(make([]any, 0, len(ownerIDs)+1), orgID)
		for _, id := range ownerIDs {
			args = append(args, id)
		}
		if _, _, err := scanRaw(db.QueryContext(ctx, "SELECT * FROM users WHERE organization_id = ? AND id IN ("+placeholders(len(ownerIDs))+")", args...)); err != nil {
			return 0, fmt.Errorf("owners of the sample: %w", err)
		}
	}
	return len(seen), nil
}

// impactFrom is store.impactFrom on MySQL: the FROM and WHERE of arm a.
func impactFrom(orgID, now int64, a impactArmSQL) (string, []any) {
	return "personal_access_tokens AS t FORCE INDEX (" + a.index + ")" +
		" WHERE t.organization_id = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND " + a.cond, append([]any{orgID, now}, a.args...)
}

// scanSample reads full token rows as raw bytes and returns their id and
// owner_id columns.
func scanSample(rows *sql.Rows, err error) ([]string, []int64, error) {
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, err
	}
	idCol, ownerCol := -1, -1
	for i, c := range cols {
		switch c {
		case "id":
			idCol = i
		case "owner_id":
			ownerCol = i
		}
	}
	if idCol < 0 || ownerCol < 0 {
		return nil, nil, errors.New("no id or owner_id column")
	}
	raw := make([]sql.RawBytes, len(cols))
	dest := make([]any, len(cols))
	for i := range raw {
		dest[i] = &raw[i]
	}
	var ids []string
	var owners []int64
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, nil, err
		}
		var owner int64
		if _, err := fmt.Sscan(string(raw[ownerCol]), &owner); err != nil {
			return nil, nil, fmt.Errorf("owner_id: %w", err)
		}
		ids, owners = append(ids, string(raw[idCol])), append(owners, owner)
	}
	return ids, owners, rows.Err()
}

// impactServerOp posts the case's patSettingsImpact and keeps its counts.
func impactServerOp(g gql, c impactCase, last *impactCounts) op {
	hc := newClient(1)
	body := gqlBody(impactDoc, map[string]any{"input": c.input})
	return func(ctx context.Context, _ uint64) error {
		resp, err := g.post(ctx, hc, body)
		if err != nil {
			return err
		}
		var out struct {
			Data struct {
				I struct {
					impactCounts
					Sample []json.RawMessage `json:"sample"`
				} `json:"patSettingsImpact"`
			} `json:"data"`
		}
		if err := json.Unmarshal(resp, &out); err != nil {
			return fmt.Errorf("patSettingsImpact: %w", err)
		}
		*last = out.Data.I.impactCounts
		last.sample = len(out.Data.I.Sample)
		return nil
	}
}

// impact: m1–m6, patSettingsImpact of bench-big for each case with one
// client, each just after its floor (the store's statements, raw).
func (b *bench) impact(ctx context.Context, srv *server) error {
	var cur policy
	if err := b.db.QueryRowContext(ctx, "SELECT pat_enabled, max_lifespan_days, revoke_unused_after_days FROM organizations WHERE id = ?", b.bigID).
		Scan(&cur.enabled, &cur.maxDays, &cur.unusedAfter); err != nil {
		return fmt.Errorf("settings of %s: %w", bigOrg, err)
	}
	b.impactPolicy = cur
	jwt, err := b.adminJWT(bigOrg)
	if err != nil {
		return err
	}
	g := gql{srv.base, jwt}
	for _, c := range impactCases() {
		ir := &impactResult{c: c}
		fr, err := closedLoop(ctx, c.key+"s. SQL of patSettingsImpact, "+c.name, b.probe(), 1, b.opts.warmup, b.opts.duration, func(int) op {
			return impactFloorOp(b.db, b.bigID, cur, c, &ir.floorCounts)
		})
		if err != nil {
			return err
		}
		sr, err := closedLoop(ctx, c.key+". patSettingsImpact, "+c.name, b.probe(), 1, b.opts.warmup, b.opts.duration, func(int) op {
			return impactServerOp(g, c, &ir.serverCounts)
		})
		if err != nil {
			return err
		}
		or, err := closedLoop(ctx, c.key+"x. one-pass SQL alternative, "+c.name, b.probe(), 1, b.opts.warmup, b.opts.duration, func(int) op {
			return impactOnePassOp(b.db, b.bigID, cur, c, &ir.onePassCounts)
		})
		if err != nil {
			return err
		}
		ir.floor, ir.server, ir.onePass = fr, sr, or
		logf("%s counts: server %s; floor %s; one pass %s", c.key, ir.serverCounts, ir.floorCounts, ir.onePassCounts)
		b.impacts = append(b.impacts, ir)
	}
	return nil
}
