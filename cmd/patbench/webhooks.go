package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/patgov/pats/internal/webhook"
)

// hooksOrg is workload o's organization: small, so that the events come
// from revocations of its own tokens while bench-big stays as it is.
const hooksOrg = "bench-hooks"

// The delivery worker's design, as internal/pat/deliveries.go has it
// (unexported there): one round a second per instance, claims of 64,
// 16 sends at a time. The floors send with as many workers.
const (
	workerClaim       = 64
	workerConcurrency = 16
)

// The documents of workload o.
const (
	endpointsDoc      = `query { webhookEndpoints { id url } }`
	deleteEndpointDoc = `mutation Delete($id: ID!) { deleteWebhookEndpoint(id: $id) }`
	createEndpointDoc = `mutation Create($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id url eventTypes status } } }`
)

// hookStats is what workload o measured.
type hookStats struct {
	events     int
	revokes    *result       // the revokeTokens calls that made the events
	genSpan    time.Duration // first call's start to last call's end
	server     receipts
	serverConn int64
	endToEnd   time.Duration // first call's start to the last delivery received
	drain      time.Duration // last call's end to the last delivery received
	cpu        cpuSample
	states     map[string]int // the endpoint's deliveries by state
	attempts   int64          // their attempts, summed
	backlog    int64          // outbox events pending when o began
	backlogFor time.Duration  // waited for them to be dispatched
	// statements are MariaDB's statement counters over o (Com_*,
	// server-wide: anything else using the database counts too).
	statements map[string]int64
	floors     []hookFloor
	records    []recordFloor
	firstAfter time.Duration // first call's start to the first delivery received
	err        string
}

// hookFloor is one floor of workload o: the same messages, signed anew,
// sent by workers without the service.
type hookFloor struct {
	name  string
	r     receipts
	conns int64
	cpu   cpuSample
	fails int
}

// ensureHooksOrg seeds hooksOrg unless it exists: in a run that seeds,
// and in a --skip-seed run of a database seeded before workload o existed.
func (b *bench) ensureHooksOrg(ctx context.Context) error {
	err := b.db.QueryRowContext(ctx, "SELECT id FROM organizations WHERE external_id = ?", hooksOrg).Scan(&b.hooksID)
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	logf("%s is missing: seeding it (%d tokens)", hooksOrg, b.opts.hookTokens)
	if err := runSeed(ctx, b.bin, b.dbURL, "--org", hooksOrg, "--tokens", strconv.Itoa(b.opts.hookTokens)); err != nil {
		return err
	}
	return b.db.QueryRowContext(ctx, "SELECT id FROM organizations WHERE external_id = ?", hooksOrg).Scan(&b.hooksID)
}

// webhooks: o, webhook delivery throughput. A server with
// PATS_WEBHOOKS_ALLOW_PRIVATE=true, an endpoint of bench-hooks subscribed
// to TOKEN_REVOKED pointing at the local receiver, then revokeTokens of
// --webhook-events tokens in calls of 1,000 as fast as they answer; the
// rate is the receiver's, from its first request to its last. Then, with
// the server stopped, the floors: o0s and o0s1 the worker's database work
// per delivery (recordFloors), and o0 and o0w, which send the same
// messages again, signed anew, with workerConcurrency workers: o0 a plain
// keep-alive client, o0w the service's own webhook.NewClient and
// webhook.Deliver (no database).
func (b *bench) webhooks(ctx context.Context) error {
	st := &hookStats{events: b.opts.hookEvents}
	b.hooks = st
	rcv, err := startReceiver()
	if err != nil {
		return err
	}
	defer rcv.close()
	srv, err := b.start(ctx, "webhooks", "PATS_WEBHOOKS_ALLOW_PRIVATE=true")
	if err != nil {
		return err
	}
	defer srv.stop()
	jwt, err := b.adminJWT(hooksOrg)
	if err != nil {
		return err
	}
	g, hc := gql{srv.base, jwt}, newClient(1)
	secret, err := b.freshEndpoint(ctx, g, hc, rcv.url)
	if err != nil {
		return err
	}
	if err := phase(ctx, "wait for the outbox to be dispatched", 15*time.Minute, func(ctx context.Context) error {
		var err error
		st.backlog, st.backlogFor, err = b.drainOutbox(ctx, 2*time.Second, true)
		return err
	}); err != nil {
		return err
	}
	ids, err := b.unrevokedIDs(ctx, b.hooksID, st.events)
	if err != nil {
		return err
	}
	st.events = len(ids) / revokeSize * revokeSize
	if st.events < revokeSize {
		return fmt.Errorf("%s has only %d unrevoked tokens", hooksOrg, len(ids))
	}
	if err := rcv.begin(secret, true); err != nil {
		return err
	}

	logf("workload o. webhook deliveries: %d token.revoked events from %d revokeTokens calls", st.events, st.events/revokeSize)
	probe := b.probe()
	status0, err := b.globalStatus(ctx)
	if err != nil {
		return err
	}
	cpu0, t0 := probe.sample(), time.Now()
	var lat []time.Duration
	for i := 0; i < st.events; i += revokeSize {
		c0 := time.Now()
		if err := g.op(hc, gqlBody(revokeDoc, map[string]any{"ids": ids[i : i+revokeSize]}), fmt.Sprintf(`"revokedCount":%d`, revokeSize))(ctx, 0); err != nil {
			return fmt.Errorf("revokeTokens in %s: %w", hooksOrg, err)
		}
		lat = append(lat, time.Since(c0))
	}
	genEnd := time.Now()
	st.genSpan = genEnd.Sub(t0)
	st.revokes = summarize(fmt.Sprintf("o1. revokeTokens x1000 (%s, making the events)", hooksOrg), 1, lat, st.genSpan)
	logResult(st.revokes)
	if err := rcv.until(ctx, st.events, 60*time.Second, 20*time.Minute); err != nil {
		st.err = err.Error()
		logf("workload o: %v", err)
	}
	st.cpu = cpuDelta(cpu0, probe.sample())
	status1, err := b.globalStatus(ctx)
	if err != nil {
		return err
	}
	st.statements = map[string]int64{}
	for k, v := range status1 {
		st.statements[k] = v - status0[k]
	}
	st.server, st.serverConn = rcv.snapshot()
	st.endToEnd = st.server.last.Sub(t0)
	st.firstAfter = st.server.first.Sub(t0)
	st.drain = st.server.last.Sub(genEnd)
	logf("workload o: %d deliveries received (%d distinct), %.0f/s first to last; %d new connections; signatures %d good, %d bad",
		st.server.n, st.server.distinct, st.server.rate(), st.serverConn, st.server.verified, st.server.badSig)
	if err := b.deliveryStates(ctx, st); err != nil {
		return err
	}
	srv.stop() // the floors run without the server
	b.current = nil
	if err := b.recordFloors(ctx, st); err != nil {
		return err
	}

	rcv.mu.Lock()
	kept := rcv.kept
	rcv.mu.Unlock()
	if len(kept) == 0 {
		return nil
	}
	plain := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil,
		MaxIdleConns: workerConcurrency, MaxIdleConnsPerHost: workerConcurrency, IdleConnTimeout: 90 * time.Second}}
	plainSend := func(ctx context.Context, m message, secrets []string) error {
		return plainDeliver(ctx, plain, rcv.url, m, secrets[0])
	}
	service := webhook.NewClient(webhook.ClientOptions{AllowPrivate: true})
	serviceSend := func(ctx context.Context, m message, secrets []string) error {
		res := webhook.Deliver(ctx, service, webhook.Request{URL: rcv.url, MsgID: m.id, Timestamp: time.Now(), Body: m.body,
			Secrets: secrets, EventType: m.eventType})
		return res.Err
	}
	for _, f := range []struct {
		name string
		send func(context.Context, message, []string) error
	}{
		{"o0. plain net/http client, keep-alive (16 idle connections)", plainSend},
		{"o0w. webhook.Deliver with webhook.NewClient (the service's sender, no database)", serviceSend},
	} {
		fl, err := b.hookFloor(ctx, rcv, secret, kept, f.name, f.send)
		if err != nil {
			return err
		}
		st.floors = append(st.floors, fl)
	}
	return nil
}

// freshEndpoint deletes bench-hooks' endpoints (a previous run's, whose
// receivers are gone) and creates one for url, returning its secret.
func (b *bench) freshEndpoint(ctx context.Context, g gql, hc *http.Client, url string) (string, error) {
	resp, err := g.post(ctx, hc, gqlBody(endpointsDoc, nil))
	if err != nil {
		return "", fmt.Errorf("webhookEndpoints: %w", err)
	}
	var list struct {
		Data struct {
			Endpoints []struct{ ID, URL string } `json:"webhookEndpoints"`
		} `json:"data"`
	}
	if err := json.Unmarshal(resp, &list); err != nil {
		return "", err
	}
	for _, e := range list.Data.Endpoints {
		if _, err := g.post(ctx, hc, gqlBody(deleteEndpointDoc, map[string]any{"id": e.ID})); err != nil {
			return "", fmt.Errorf("deleteWebhookEndpoint: %w", err)
		}
		logf("deleted the webhook endpoint %s (%s) of a previous run", e.ID, e.URL)
	}
	resp, err = g.post(ctx, hc, gqlBody(createEndpointDoc, map[string]any{"input": map[string]any{"url": url, "eventTypes": []string{"TOKEN_REVOKED"}}}))
	if err != nil {
		return "", fmt.Errorf("createWebhookEndpoint: %w", err)
	}
	var created struct {
		Data struct {
			C struct {
				Secret   string `json:"secret"`
				Endpoint struct {
					ID string `json:"id"`
				} `json:"endpoint"`
			} `json:"createWebhookEndpoint"`
		} `json:"data"`
	}
	if err := json.Unmarshal(resp, &created); err != nil {
		return "", err
	}
	if created.Data.C.Secret == "" {
		return "", fmt.Errorf("createWebhookEndpoint: no secret: %.300s", resp)
	}
	b.hookEndpoint = created.Data.C.Endpoint.ID
	logf("webhook endpoint %s → %s (TOKEN_REVOKED)", b.hookEndpoint, url)
	return created.Data.C.Secret, nil
}

// drainOutbox waits until no outbox event is pending: earlier workloads'
// revocations (bench-big has no endpoint, but each admin revocation is an
// e-mail kept in the database) must not be dispatched during o.
// It polls every poll and returns the events pending at first and the
// time the wait took.
func (b *bench) drainOutbox(ctx context.Context, poll time.Duration, verbose bool) (int64, time.Duration, error) {
	t0 := time.Now()
	first := int64(-1)
	for {
		var n int64
		if err := b.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM outbox_events WHERE dispatched_at IS NULL").Scan(&n); err != nil {
			return 0, 0, err
		}
		if first < 0 {
			first = n
		}
		if n == 0 {
			return first, time.Since(t0), nil
		}
		if verbose {
			logf("outbox: %d events pending", n)
		}
		select {
		case <-ctx.Done():
			return 0, 0, ctx.Err()
		case <-time.After(poll):
		}
	}
}

// unrevokedIDs returns up to n IDs of orgID's unrevoked tokens, newest
// first.
func (b *bench) unrevokedIDs(ctx context.Context, orgID int64, n int) ([]string, error) {
	rows, err := b.db.QueryContext(ctx, "SELECT id FROM personal_access_tokens WHERE organization_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id DESC LIMIT ?", orgID, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// until waits for n requests of the current phase, failing after stall
// without one or after limit in all.
func (r *receiver) until(ctx context.Context, n int, stall, limit time.Duration) error {
	deadline := time.After(limit)
	for {
		ch := r.wait()
		if p, _ := r.snapshot(); p.n >= n {
			return nil
		}
		select {
		case <-ch:
		case <-time.After(stall):
			p, _ := r.snapshot()
			return fmt.Errorf("%d of %d deliveries received, none in the last %s", p.n, n, stall)
		case <-deadline:
			p, _ := r.snapshot()
			return fmt.Errorf("%d of %d deliveries received after %s", p.n, n, limit)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// statusCounters are the MariaDB statement counters workload o reports.
var statusCounters = []string{"Com_begin", "Com_commit", "Com_select", "Com_insert", "Com_update", "Questions"}

// globalStatus reads statusCounters.
func (b *bench) globalStatus(ctx context.Context) (map[string]int64, error) {
	rows, err := b.db.QueryContext(ctx, "SHOW GLOBAL STATUS WHERE Variable_name IN ("+placeholders(len(statusCounters))+")",
		func() []any {
			args := make([]any, len(statusCounters))
			for i, c := range statusCounters {
				args[i] = c
			}
			return args
		}()...)
	if err != nil {
		return nil, fmt.Errorf("global status: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var (
			name string
			v    int64
		)
		if err := rows.Scan(&name, &v); err != nil {
			return nil, err
		}
		out[name] = v
	}
	return out, rows.Err()
}

// deliveryStates reads the endpoint's deliveries by state, once the last
// outcomes are recorded (at most 10 s after the last request): the
// receiver answers before the worker writes the outcome.
func (b *bench) deliveryStates(ctx context.Context, st *hookStats) error {
	for deadline := time.Now().Add(10 * time.Second); ; {
		if err := b.readDeliveryStates(ctx, st); err != nil || st.states["PENDING"] == 0 || time.Now().After(deadline) {
			return err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (b *bench) readDeliveryStates(ctx context.Context, st *hookStats) error {
	st.attempts = 0
	rows, err := b.db.QueryContext(ctx, "SELECT state, COUNT(*), COALESCE(SUM(attempts), 0) FROM deliveries WHERE organization_id = ? AND endpoint_id = ? GROUP BY state",
		b.hooksID, b.hookEndpoint)
	if err != nil {
		return fmt.Errorf("delivery states: %w", err)
	}
	defer rows.Close()
	st.states = map[string]int{}
	for rows.Next() {
		var (
			state    string
			n        int
			attempts int64
		)
		if err := rows.Scan(&state, &n, &attempts); err != nil {
			return err
		}
		st.states[state], st.attempts = n, st.attempts+attempts
	}
	return rows.Err()
}

// hookFloor sends every kept message once more, signed anew, with
// workerConcurrency workers taking them in turn.
func (b *bench) hookFloor(ctx context.Context, rcv *receiver, secret string, msgs []message, name string,
	send func(context.Context, message, []string) error,
) (hookFloor, error) {
	logf("workload %s: %d messages, %d workers", name, len(msgs), workerConcurrency)
	if err := rcv.begin(secret, false); err != nil {
		return hookFloor{}, err
	}
	secrets := []string{secret}
	var (
		next, fails atomic.Int64
		wg          sync.WaitGroup
		mu          sync.Mutex
		firstErr    error
	)
	probe := b.probe()
	cpu0 := probe.sample()
	for range workerConcurrency {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(msgs) || ctx.Err() != nil {
					return
				}
				if err := send(ctx, msgs[i], secrets); err != nil {
					fails.Add(1)
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return hookFloor{}, err
	}
	f := hookFloor{name: name, cpu: cpuDelta(cpu0, probe.sample()), fails: int(fails.Load())}
	f.r, f.conns = rcv.snapshot()
	if firstErr != nil {
		logf("workload %s: %d failed sends; first: %v", name, f.fails, firstErr)
	}
	logf("workload %s: %d received, %.0f/s first to last; %d new connections; signatures %d good, %d bad",
		name, f.r.n, f.r.rate(), f.conns, f.r.verified, f.r.badSig)
	return f, nil
}

// plainDeliver is a delivery's request from a plain client: the same
// headers as webhook.Deliver, signed with the reference library.
func plainDeliver(ctx context.Context, hc *http.Client, url string, m message, secret string) error {
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		return err
	}
	now := time.Now()
	sig, err := wh.Sign(m.id, now, m.body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(m.body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", webhook.DefaultUserAgent)
	req.Header.Set(standardwebhooks.HeaderWebhookID, m.id)
	req.Header.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(standardwebhooks.HeaderWebhookSignature, sig)
	req.Header.Set(webhook.HeaderEvent, m.eventType)
	_, status, err := roundTrip(hc, req)
	if err != nil {
		return err
	}
	if status < 200 || status > 299 {
		return errors.New("receiver answered " + strconv.Itoa(status))
	}
	return nil
}

// recordFloor is a floor of the worker's database work per delivery: the
// statements sendOne makes for a successful attempt (store.WebhookEndpoint,
// then store.RecordAttempt's transaction), raw, for each of the endpoint's
// deliveries, with workerConcurrency workers; hot says whether the
// transaction also updates the endpoint's row (its health), as
// RecordAttempt does for every success.
type recordFloor struct {
	name  string
	n     int
	wall  time.Duration
	cpu   cpuSample
	fails int
}

func (f recordFloor) rate() float64 {
	if f.wall <= 0 {
		return 0
	}
	return float64(f.n) / f.wall.Seconds()
}

// recordFloors run after o, with the server stopped: o0s with the
// endpoint's update, o0s1 without it.
func (b *bench) recordFloors(ctx context.Context, st *hookStats) error {
	ids, err := b.deliveryIDs(ctx)
	if err != nil {
		return err
	}
	for _, hot := range []bool{true, false} {
		name := "o0s. the worker's SQL per delivery, raw (endpoint SELECT; UPDATE delivery, UPDATE endpoint, COMMIT)"
		if !hot {
			name = "o0s1. the same without the endpoint's UPDATE"
		}
		logf("workload %s: %d deliveries, %d workers", name, len(ids), workerConcurrency)
		var (
			next, fails atomic.Int64
			wg          sync.WaitGroup
			mu          sync.Mutex
			firstErr    error
		)
		probe := b.probe()
		cpu0, t0 := probe.sample(), time.Now()
		for range workerConcurrency {
			wg.Go(func() {
				for {
					i := int(next.Add(1)) - 1
					if i >= len(ids) || ctx.Err() != nil {
						return
					}
					if err := b.recordOne(ctx, ids[i], hot); err != nil {
						fails.Add(1)
						mu.Lock()
						if firstErr == nil {
							firstErr = err
						}
						mu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		if err := ctx.Err(); err != nil {
			return err
		}
		f := recordFloor{name: name, n: len(ids) - int(fails.Load()), wall: time.Since(t0), cpu: cpuDelta(cpu0, probe.sample()), fails: int(fails.Load())}
		if firstErr != nil {
			logf("workload %s: %d failed; first: %v", name, f.fails, firstErr)
		}
		logf("workload %s: %d in %s, %.0f/s", name, f.n, f.wall.Round(time.Millisecond), f.rate())
		st.records = append(st.records, f)
	}
	return nil
}

// deliveryIDs are the IDs of the endpoint's deliveries.
func (b *bench) deliveryIDs(ctx context.Context) ([]string, error) {
	rows, err := b.db.QueryContext(ctx, "SELECT id FROM deliveries WHERE organization_id = ? AND endpoint_id = ? ORDER BY id", b.hooksID, b.hookEndpoint)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// recordOne is one delivery's statements: the endpoint's row (full, as
// GORM reads it), then the outcome's transaction, committed by statement
// as the store does (store.commit).
func (b *bench) recordOne(ctx context.Context, id string, hot bool) error {
	if _, _, err := scanRaw(b.db.QueryContext(ctx, "SELECT * FROM `webhook_endpoints` WHERE organization_id = ? AND id = ? LIMIT 1", b.hooksID, b.hookEndpoint)); err != nil {
		return fmt.Errorf("endpoint: %w", err)
	}
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := time.Now().UnixMilli()
	res, err := tx.ExecContext(ctx, "UPDATE `deliveries` SET `finished_at`=?,`last_duration_ms`=?,`last_error`=?,`last_status_code`=?,`lease_owner`=?,`lease_until`=?,`next_attempt_at`=?,`state`=?"+
		" WHERE id = ? AND lease_owner = ?", now, 1, nil, 204, "", 0, now, "SUCCEEDED", id, "")
	if err != nil {
		return fmt.Errorf("delivery: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("delivery %s: %d rows", id, n)
	}
	if hot {
		if _, err := tx.ExecContext(ctx, "UPDATE `webhook_endpoints` SET `failing_since`=?,`last_success_at`=?,`status`=? WHERE organization_id = ? AND id = ?",
			nil, now, "ACTIVE", b.hooksID, b.hookEndpoint); err != nil {
			return fmt.Errorf("endpoint health: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, "COMMIT"); err != nil {
		return err
	}
	return tx.Commit()
}
