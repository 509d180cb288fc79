package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	"github.com/patgov/pats/internal/cursor"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/store"
)

// walkStats describe the walk to the deep page.
type walkStats struct {
	target    int           // wanted position
	reached   int           // position reached by walking
	pages     int           // pages read
	elapsed   time.Duration // walking time
	lastPage  time.Duration // mean latency of the last 10 pages
	estimate  time.Duration // extrapolated full walk when the budget ran out
	forged    bool          // the deep cursor was rebuilt, not walked to
	forgeNote string
}

// forger rebuilds the cursor the server would give for a position of an
// admin's default list (no filter, newest first). It mirrors pat.ListTokens
// (the query shape) and server.go (the cursor key); it is used only when the
// walk's time budget runs out, and only after it reproduced a cursor the
// server really returned, so a change in the server makes it stand down
// rather than produce a wrong cursor.
type forger struct {
	codec *cursor.Codec
	shape []byte
}

func newForger(jwtSecret string, orgID, userID int64, capPossible bool) (*forger, error) {
	m := hmac.New(sha256.New, []byte(jwtSecret))
	m.Write([]byte("pats cursor key v1"))
	codec, err := cursor.NewCodec(m.Sum(nil))
	if err != nil {
		return nil, err
	}
	shape, err := json.Marshal(struct {
		Org, User int64
		Query     store.ListQuery
	}{orgID, userID, store.ListQuery{
		Reach:       store.Reach{OrgID: orgID},
		Statuses:    []entity.TokenStatus{entity.TokenStatusActive, entity.TokenStatusExpired},
		Order:       store.OrderCreatedAt,
		Desc:        true,
		CapPossible: capPossible,
	}})
	if err != nil {
		return nil, err
	}
	return &forger{codec: codec, shape: shape}, nil
}

func (f *forger) cursor(p keysetPos) string {
	return f.codec.Encode(f.shape, cursor.Key{Int: p.createdAt, ID: p.id})
}

// lastNode is the position of a page's last node.
func lastNode(p *listPage) (keysetPos, error) {
	nodes := p.Data.PersonalAccessTokens.Nodes
	if len(nodes) == 0 {
		return keysetPos{}, fmt.Errorf("empty page")
	}
	last := nodes[len(nodes)-1]
	at, err := time.Parse(time.RFC3339Nano, last.CreatedAt)
	if err != nil {
		return keysetPos{}, err
	}
	return keysetPos{createdAt: at.UnixMilli(), id: last.ID}, nil
}

// deepCursor walks bench-big's default list with first: 100 (no totalCount)
// to b.position and returns the cursor there. If the walk exceeds
// --walk-budget it stops, extrapolates the full walk's time, and rebuilds
// the cursor of the exact position (found with SQL) when the forger was
// validated on a walked page; otherwise the deep page is the one reached.
func (b *bench) deepCursor(ctx context.Context, g gql) (string, error) {
	w := &b.walk
	w.target = b.position
	var userID int64
	if err := b.db.QueryRowContext(ctx, "SELECT id FROM users WHERE organization_id = ? AND subject = ?", b.bigID, adminSub).Scan(&userID); err != nil {
		return "", fmt.Errorf("admin user: %w", err)
	}
	var forgers []*forger // the variants of the shape; the walk picks one
	for _, capPossible := range []bool{false, true} {
		fg, err := newForger(b.jwtSecret, b.bigID, userID, capPossible)
		if err != nil {
			return "", err
		}
		forgers = append(forgers, fg)
	}
	var fg *forger
	var (
		cur        string
		pos        keysetPos
		positions  []float64
		latencies  []float64
		t0         = time.Now()
		last       = t0
		budgetHit  bool
		decodeFail error
	)
	pages, err := g.walk(ctx, newClient(1), walkDoc, func(p *listPage) bool {
		now := time.Now()
		conn := p.Data.PersonalAccessTokens
		w.reached += len(conn.Nodes)
		positions = append(positions, float64(w.reached))
		latencies = append(latencies, now.Sub(last).Seconds())
		last = now
		if w.reached%50_000 == 0 {
			logf("walk: position %d after %s (last page %s)", w.reached, now.Sub(t0).Round(time.Millisecond), fmtDur(time.Duration(latencies[len(latencies)-1]*float64(time.Second))))
		}
		if pos, decodeFail = lastNode(p); decodeFail != nil {
			return true
		}
		if conn.PageInfo.EndCursor != nil {
			cur = *conn.PageInfo.EndCursor
			if len(positions) == 1 {
				for _, f := range forgers {
					if f.cursor(pos) == cur {
						fg = f
					}
				}
			}
		}
		if w.reached >= w.target {
			return true
		}
		if now.Sub(t0) > b.opts.walkBudget {
			budgetHit = true
			return true
		}
		return false
	})
	w.pages, w.elapsed = pages, time.Since(t0)
	if err != nil {
		return "", err
	}
	if decodeFail != nil {
		return "", fmt.Errorf("walk: %w", decodeFail)
	}
	n := min(10, len(latencies))
	var sum float64
	for _, l := range latencies[len(latencies)-n:] {
		sum += l
	}
	w.lastPage = time.Duration(sum / float64(n) * float64(time.Second))
	b.deepPos = pos
	if w.reached >= w.target {
		return cur, nil
	}
	if !budgetHit {
		return "", fmt.Errorf("walk ended at position %d, before %d", w.reached, w.target)
	}
	w.estimate = extrapolate(positions, latencies, w.target)
	logf("walk: budget %s exhausted at position %d of %d; full walk extrapolated to %s", b.opts.walkBudget, w.reached, w.target, w.estimate.Round(time.Second))
	if fg == nil {
		w.forgeNote = "the cursor could not be rebuilt (the check against a walked cursor failed), so the deep page is the one the walk reached"
		b.position = w.reached
		return cur, nil
	}
	var at keysetPos
	err = b.db.QueryRowContext(ctx, `SELECT created_at, id FROM personal_access_tokens
WHERE organization_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?`, b.bigID, w.target-1).Scan(&at.createdAt, &at.id)
	if err != nil {
		return "", fmt.Errorf("position %d: %w", w.target, err)
	}
	w.forged = true
	w.forgeNote = fmt.Sprintf("the cursor at position %d was rebuilt from the row found with SQL (the rebuild reproduced the server's cursor of the first walked page)", w.target)
	b.deepPos = at
	return fg.cursor(at), nil
}

// extrapolate fits page latency = a + b*position by least squares and sums
// it over every page up to target.
func extrapolate(pos, lat []float64, target int) time.Duration {
	n := float64(len(pos))
	var sx, sy, sxx, sxy float64
	for i := range pos {
		sx += pos[i]
		sy += lat[i]
		sxx += pos[i] * pos[i]
		sxy += pos[i] * lat[i]
	}
	slope, icept := 0.0, sy/n
	if d := n*sxx - sx*sx; d != 0 {
		slope = (n*sxy - sx*sy) / d
		icept = (sy - slope*sx) / n
	}
	var total float64
	for p := 100; p <= target; p += 100 {
		total += max(icept+slope*float64(p), 0)
	}
	return time.Duration(total * float64(time.Second))
}
