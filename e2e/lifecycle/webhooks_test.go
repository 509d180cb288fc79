package lifecycle

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/patgov/pats/internal/testenv"
)

// receiver is a webhook endpoint under test: it records every request and
// answers with the status its script gives for each attempt (200 once
// the script is used up).
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []received
	script []int
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, script ...int) *receiver {
	r := &receiver{script: script}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{header: req.Header.Clone(), body: body})
		status := http.StatusOK
		if len(r.script) > 0 {
			status, r.script = r.script[0], r.script[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) messages() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

const (
	createWebhookQ = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
  secret endpoint { id url eventTypes status createdBy { id } } } }`
	deliveriesQ = `query($id: ID!, $after: String) { webhookDeliveries(endpointId: $id, first: 10, after: $after) {
  nodes { id eventId eventType status attempts lastHttpStatus lastError durationMs nextAttemptAt test }
  pageInfo { hasNextPage endCursor } } }`
)

type endpoint struct {
	ID, URL, Status string
	EventTypes      []string
}

type delivery struct {
	ID, EventID, EventType, Status string
	Attempts                       int
	LastHTTPStatus                 *int `json:"lastHttpStatus"`
	LastError                      *string
	NextAttemptAt                  *string
	Test                           bool
}

// createEndpoint creates an endpoint at url for types and returns it and
// its secret.
func createEndpoint(t *testing.T, admin *testenv.Client, url string, types ...string) (endpoint, string) {
	t.Helper()
	var out struct {
		CreateWebhookEndpoint struct {
			Secret   string
			Endpoint endpoint
		}
	}
	admin.MustDoInto(createWebhookQ, map[string]any{"input": map[string]any{"url": url, "eventTypes": types}}, &out)
	return out.CreateWebhookEndpoint.Endpoint, out.CreateWebhookEndpoint.Secret
}

func deliveriesOf(t *testing.T, admin *testenv.Client, id string) []delivery {
	t.Helper()
	var out struct {
		WebhookDeliveries struct{ Nodes []delivery }
	}
	admin.MustDoInto(deliveriesQ, map[string]any{"id": id}, &out)
	return out.WebhookDeliveries.Nodes
}

func deliverDue(t *testing.T, env *testenv.Env) {
	t.Helper()
	if _, err := env.Service.DeliverDue(context.Background()); err != nil {
		t.Fatalf("DeliverDue: %v", err)
	}
}

// TestWebhookDelivery: token events reach a subscribed endpoint, signed
// per Standard Webhooks (the reference library verifies them), with the
// documented payload and no secret; an unsubscribed type is not sent;
// the deliveries are listed as SUCCEEDED.
func TestWebhookDelivery(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("webhooks")
		admin, member := env.Admin(t, org, "root"), env.Member(t, org, "ann")
		rcv := newReceiver(t)
		ep, secret := createEndpoint(t, admin, rcv.srv.URL+"/hook?tenant=1", "TOKEN_CREATED", "TOKEN_REVOKED")
		if !strings.HasPrefix(secret, "whsec_") || ep.Status != "ACTIVE" || len(ep.EventTypes) != 2 {
			t.Fatalf("created: %+v, secret %.10s...", ep, secret)
		}
		var stored []byte
		env.DB.Raw(`SELECT secret_ciphertext FROM webhook_endpoints WHERE id = ?`, ep.ID).Scan(&stored)
		if len(stored) == 0 || strings.Contains(string(stored), strings.TrimPrefix(secret, "whsec_")) {
			t.Errorf("secret stored in the clear, or not at all")
		}
		tok := member.MustCreateToken(map[string]any{"name": "deploy", "scopes": []string{"OR.Jobs.Read"}})
		admin.MustDo(`mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount } }`, map[string]any{"ids": []string{tok.PersonalAccessToken.ID}})
		admin.MustUpdateSettings(map[string]any{"maxLifespanDays": 60}) // settings.updated: not subscribed
		deliverDue(t, env)

		msgs := rcv.messages()
		if len(msgs) != 2 {
			t.Fatalf("received %d messages, want 2 (created, revoked)", len(msgs))
		}
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			t.Fatal(err)
		}
		// Deliveries go out concurrently: no order between events.
		byType := map[string]received{}
		for _, m := range msgs {
			var p struct{ Type string }
			_ = json.Unmarshal(m.body, &p)
			byType[p.Type] = m
		}
		for _, want := range []string{"token.created", "token.revoked"} {
			m := byType[want]
			if err := wh.Verify(m.body, m.header); err != nil {
				t.Errorf("%s: signature: %v", want, err)
			}
			var p struct {
				Type string
				Data struct {
					Token struct {
						ID, Name string
						Scopes   []string
					}
					Owner, Actor     struct{ ID string }
					RevocationSource *string
				}
			}
			if err := json.Unmarshal(m.body, &p); err != nil || p.Type != want || p.Data.Token.ID != tok.PersonalAccessToken.ID ||
				p.Data.Token.Name != "deploy" || p.Data.Owner.ID != "ann" || m.header.Get("Content-Type") != "application/json" {
				t.Errorf("%s: payload %s (%v)", want, m.body, err)
			}
			if want == "token.revoked" && (p.Data.RevocationSource == nil || *p.Data.RevocationSource != "ADMIN" || p.Data.Actor.ID != "root") {
				t.Errorf("revoked: source %v actor %q, want ADMIN by root", p.Data.RevocationSource, p.Data.Actor.ID)
			}
			if strings.Contains(string(m.body), tok.Token) || strings.Contains(string(m.body), tok.Token[len(tok.Token)-8:]) {
				t.Errorf("%s: the payload holds the token's secret", want)
			}
		}
		if msgs[0].header.Get("webhook-id") == msgs[1].header.Get("webhook-id") {
			t.Errorf("two events, one webhook-id")
		}
		ds := deliveriesOf(t, admin, ep.ID)
		if len(ds) != 2 || ds[0].Status != "SUCCEEDED" || ds[0].Attempts != 1 || ds[0].LastHTTPStatus == nil || *ds[0].LastHTTPStatus != 200 ||
			ds[0].EventType != "token.revoked" || ds[0].NextAttemptAt != nil {
			t.Errorf("deliveries: %+v", ds)
		}
		deliverDue(t, env) // nothing more
		if n := len(rcv.messages()); n != 2 {
			t.Errorf("a second round sent again: %d messages", n)
		}
	})
}

// TestWebhookRetries: a failing receiver is retried on the schedule
// (5 s, then 5 min...) with the same webhook-id, each retry signed anew;
// a success ends it; a receiver that never recovers makes the delivery
// FAILED and the endpoint FAILING after the last attempt, and a later
// success makes it ACTIVE again.
func TestWebhookRetries(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("webhook-retries")
		admin := env.Admin(t, org, "root")
		flaky := newReceiver(t, 500, 503)
		ep, secret := createEndpoint(t, admin, flaky.srv.URL, "SETTINGS_UPDATED")
		admin.MustUpdateSettings(map[string]any{"maxLifespanDays": 30})
		deliverDue(t, env)
		d := deliveriesOf(t, admin, ep.ID)
		if len(d) != 1 || d[0].Status != "PENDING" || d[0].Attempts != 1 || *d[0].LastHTTPStatus != 500 || d[0].LastError == nil || *d[0].LastError != "http_status" {
			t.Fatalf("after a 500: %+v", d)
		}
		next, _ := time.Parse(time.RFC3339Nano, *d[0].NextAttemptAt)
		if wait := next.Sub(env.Clock.Now()); wait < 3*time.Second || wait > 7*time.Second {
			t.Errorf("first retry in %v, want about 5 s", wait)
		}
		deliverDue(t, env) // not due yet
		if n := len(flaky.messages()); n != 1 {
			t.Fatalf("retried before it was due: %d attempts", n)
		}
		env.Clock.Advance(7 * time.Second)
		deliverDue(t, env) // 503
		env.Clock.Advance(7 * time.Minute)
		deliverDue(t, env) // 200
		msgs := flaky.messages()
		d = deliveriesOf(t, admin, ep.ID)
		if len(msgs) != 3 || d[0].Status != "SUCCEEDED" || d[0].Attempts != 3 {
			t.Fatalf("after 500, 503, 200: %d attempts, %+v", len(msgs), d)
		}
		wh, _ := standardwebhooks.NewWebhook(secret)
		for i, m := range msgs {
			if m.header.Get("webhook-id") != msgs[0].header.Get("webhook-id") {
				t.Errorf("attempt %d: another webhook-id", i)
			}
			if err := wh.VerifyIgnoringTimestamp(m.body, m.header); err != nil {
				t.Errorf("attempt %d: %v", i, err)
			}
		}
		if msgs[0].header.Get("webhook-timestamp") == msgs[2].header.Get("webhook-timestamp") {
			t.Errorf("a retry kept the first attempt's timestamp: receivers would refuse it as too old")
		}

		// A receiver down for good: FAILED after the last attempt, more than 24 h later.
		down := newReceiver(t, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500)
		ep2, _ := createEndpoint(t, admin, down.srv.URL, "SETTINGS_UPDATED")
		start := env.Clock.Now()
		admin.MustUpdateSettings(map[string]any{"maxLifespanDays": 31})
		for range 20 {
			deliverDue(t, env)
			env.Clock.Advance(13 * time.Hour)
		}
		d = deliveriesOf(t, admin, ep2.ID)
		if len(d) != 1 || d[0].Status != "FAILED" {
			t.Fatalf("a receiver down for good: %+v", d)
		}
		var failing []struct {
			Status       string
			FailingSince *int64
		}
		env.DB.Raw(`SELECT status, failing_since FROM webhook_endpoints WHERE id = ?`, ep2.ID).Scan(&failing)
		if len(failing) != 1 || failing[0].Status != "FAILING" || failing[0].FailingSince == nil ||
			time.UnixMilli(*failing[0].FailingSince).Sub(start) < 24*time.Hour {
			t.Errorf("endpoint after giving up: %+v (started %v), want FAILING more than 24 h later", failing, start)
		}
		if n := len(down.messages()); n != d[0].Attempts || n < 8 {
			t.Errorf("attempts: %d received, %d recorded, want the same and at least 8", n, d[0].Attempts)
		}
		// Redelivered once the receiver is back: SUCCEEDED, same webhook-id, endpoint ACTIVE.
		down.mu.Lock()
		down.script = nil
		down.mu.Unlock()
		var re struct{ RedeliverWebhook delivery }
		admin.MustDoInto(`mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id eventId status } }`, map[string]any{"id": d[0].ID}, &re)
		if re.RedeliverWebhook.EventID != d[0].EventID || re.RedeliverWebhook.Status != "PENDING" {
			t.Errorf("redelivery: %+v, want PENDING with event %s", re.RedeliverWebhook, d[0].EventID)
		}
		deliverDue(t, env)
		var eps struct{ WebhookEndpoints []endpoint }
		admin.MustDoInto(`{ webhookEndpoints { id status } }`, nil, &eps)
		for _, e := range eps.WebhookEndpoints {
			if e.ID == ep2.ID && e.Status != "ACTIVE" {
				t.Errorf("after a redelivery succeeded: %s, want ACTIVE", e.Status)
			}
		}
	})
}

// TestOutboxSurvivesACrash: an event committed by an instance that dies
// before delivering is delivered by another; a change that rolls back
// leaves no event.
func TestOutboxSurvivesACrash(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, a *testenv.Env) {
		org := testenv.UniqueOrg("webhook-crash")
		admin := a.Admin(t, org, "root")
		rcv := newReceiver(t)
		createEndpoint(t, admin, rcv.srv.URL, "TOKEN_REVOKED", "TOKEN_CREATED")
		// All or nothing: one unknown ID revokes nothing and notifies nobody.
		member := a.Member(t, org, "ann")
		tok := member.MustCreateToken(map[string]any{"name": "x", "scopes": []string{"OR.Jobs.Read"}})
		before := countRows(t, a, `SELECT COUNT(*) FROM outbox_events WHERE organization_id = ?`, orgID(t, a, org))
		r := admin.Do(`mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount } }`,
			map[string]any{"ids": []string{tok.PersonalAccessToken.ID, "01NOSUCHTOKEN0000000000000"}})
		testenv.RequireError(t, r, "NOT_FOUND")
		if after := countRows(t, a, `SELECT COUNT(*) FROM outbox_events WHERE organization_id = ?`, orgID(t, a, org)); after != before {
			t.Errorf("a refused revocation left %d outbox events", after-before)
		}
		dbURL := a.DatabaseURL
		a.Crash() // committed, never delivered by a
		b := testenv.NewWith(t, a.Dialect, testenv.Options{DatabaseURL: dbURL})
		deliverDue(t, b)
		if msgs := rcv.messages(); len(msgs) != 1 || !strings.Contains(string(msgs[0].body), `"token.created"`) {
			t.Errorf("after the crash, the other instance delivered %d messages, want the token.created", len(msgs))
		}
	})
}

// TestWebhookEndpointManagement: validation, the limit, updates, secret
// rotation (both secrets sign during the overlap), test deliveries,
// deletion, admins only, another organization's endpoint not found.
func TestWebhookEndpointManagement(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("webhook-admin")
		admin, member := env.Admin(t, org, "root"), env.Member(t, org, "ann")
		rcv := newReceiver(t)
		for _, in := range []map[string]any{
			{"url": "not a url", "eventTypes": []string{"TOKEN_CREATED"}},
			{"url": "https://user:pass@hooks.example.com/x", "eventTypes": []string{"TOKEN_CREATED"}},
			{"url": rcv.srv.URL, "eventTypes": []string{}},
			{"url": rcv.srv.URL + "#frag", "eventTypes": []string{"TOKEN_CREATED"}},
		} {
			testenv.WantError(t, admin.Do(createWebhookQ, map[string]any{"input": in}), http.StatusOK, "BAD_USER_INPUT")
		}
		testenv.WantError(t, member.Do(createWebhookQ, map[string]any{"input": map[string]any{"url": rcv.srv.URL, "eventTypes": []string{"TOKEN_CREATED"}}}),
			http.StatusOK, "FORBIDDEN")
		ep, oldSecret := createEndpoint(t, admin, rcv.srv.URL, "TOKEN_CREATED", "TOKEN_CREATED")
		if len(ep.EventTypes) != 1 {
			t.Errorf("a type listed twice: %v", ep.EventTypes)
		}
		for range 9 {
			createEndpoint(t, admin, rcv.srv.URL+"/more", "SETTINGS_UPDATED")
		}
		testenv.WantError(t, admin.Do(createWebhookQ, map[string]any{"input": map[string]any{"url": rcv.srv.URL, "eventTypes": []string{"TOKEN_CREATED"}}}),
			http.StatusOK, "BAD_USER_INPUT")

		var upd struct{ UpdateWebhookEndpoint endpoint }
		admin.MustDoInto(`mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: {eventTypes: [TOKEN_REVOKED, TOKEN_STALE_WARNING]}) { id url eventTypes } }`,
			map[string]any{"id": ep.ID}, &upd)
		if strings.Join(upd.UpdateWebhookEndpoint.EventTypes, ",") != "TOKEN_REVOKED,TOKEN_STALE_WARNING" || upd.UpdateWebhookEndpoint.URL != rcv.srv.URL {
			t.Errorf("updated: %+v", upd.UpdateWebhookEndpoint)
		}
		var rot struct {
			RotateWebhookSecret struct {
				Secret   string
				Endpoint struct{ PreviousSecretExpiresAt *string }
			}
		}
		admin.MustDoInto(`mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret endpoint { previousSecretExpiresAt } } }`, map[string]any{"id": ep.ID}, &rot)
		newSecret := rot.RotateWebhookSecret.Secret
		if newSecret == oldSecret || !strings.HasPrefix(newSecret, "whsec_") || rot.RotateWebhookSecret.Endpoint.PreviousSecretExpiresAt == nil {
			t.Fatalf("rotation: %+v", rot.RotateWebhookSecret)
		}
		var test struct{ SendTestWebhook delivery }
		admin.MustDoInto(`mutation($id: ID!) { sendTestWebhook(id: $id) { id eventType status attempts lastHttpStatus test } }`, map[string]any{"id": ep.ID}, &test)
		if d := test.SendTestWebhook; d.Status != "SUCCEEDED" || !d.Test || d.EventType != "webhook.test" || d.Attempts != 1 {
			t.Errorf("test delivery: %+v", d)
		}
		msgs := rcv.messages()
		last := msgs[len(msgs)-1]
		for _, s := range []string{oldSecret, newSecret} {
			wh, _ := standardwebhooks.NewWebhook(s)
			if err := wh.Verify(last.body, last.header); err != nil {
				t.Errorf("during the overlap, a receiver with the %s secret refuses: %v", map[bool]string{true: "old", false: "new"}[s == oldSecret], err)
			}
		}
		env.Clock.Advance(25 * time.Hour)
		admin.MustDoInto(`mutation($id: ID!) { sendTestWebhook(id: $id) { id status } }`, map[string]any{"id": ep.ID}, &test)
		msgs = rcv.messages()
		last = msgs[len(msgs)-1]
		if old, _ := standardwebhooks.NewWebhook(oldSecret); old.VerifyIgnoringTimestamp(last.body, last.header) == nil {
			t.Errorf("after the overlap, the old secret still signs")
		}

		other := env.Admin(t, testenv.UniqueOrg("webhook-other"), "root")
		for _, q := range []string{
			`mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: {url: "https://x.example"}) { id } }`,
			`mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`,
			`mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`,
			`mutation($id: ID!) { sendTestWebhook(id: $id) { id } }`,
			`query($id: ID!) { webhookDeliveries(endpointId: $id) { nodes { id } } }`,
		} {
			testenv.WantError(t, other.Do(q, map[string]any{"id": ep.ID}), http.StatusOK, "NOT_FOUND")
		}
		var del struct{ DeleteWebhookEndpoint string }
		admin.MustDoInto(`mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, map[string]any{"id": ep.ID}, &del)
		if del.DeleteWebhookEndpoint != ep.ID {
			t.Errorf("delete: got %q", del.DeleteWebhookEndpoint)
		}
		testenv.WantError(t, admin.Do(`query($id: ID!) { webhookDeliveries(endpointId: $id) { nodes { id } } }`, map[string]any{"id": ep.ID}), http.StatusOK, "NOT_FOUND")

		// Every change of an endpoint is audited, with its ID and URL, by
		// its admin, never with a secret.
		var audit struct {
			AuditEvents struct {
				Nodes []struct {
					Action  string
					Actor   struct{ ID string }
					Webhook *struct{ ID, URL string }
				}
			}
		}
		admin.MustDoInto(`{ auditEvents(first: 100, filter: {actions: [WEBHOOK_CREATED, WEBHOOK_UPDATED, WEBHOOK_DELETED, WEBHOOK_SECRET_ROTATED]}) {
  nodes { action actor { id } webhook { id url } } } }`, nil, &audit)
		byAction := map[string]int{}
		for _, n := range audit.AuditEvents.Nodes {
			byAction[n.Action]++
			if n.Actor.ID != "root" || n.Webhook == nil || n.Webhook.URL == "" {
				t.Errorf("audit event %+v: want by root, with the endpoint", n)
			}
			if n.Action != "WEBHOOK_CREATED" && n.Webhook != nil && n.Webhook.ID != ep.ID {
				t.Errorf("audit event %s about %s, want %s", n.Action, n.Webhook.ID, ep.ID)
			}
		}
		if byAction["WEBHOOK_CREATED"] != 10 || byAction["WEBHOOK_UPDATED"] != 1 || byAction["WEBHOOK_SECRET_ROTATED"] != 1 || byAction["WEBHOOK_DELETED"] != 1 {
			t.Errorf("audited webhook changes: %v, want 10 created, 1 updated, 1 rotated, 1 deleted", byAction)
		}
		var rows []string
		env.DB.Raw(`SELECT COALESCE(webhook_url, '') FROM audit_events`).Scan(&rows)
		for _, r := range rows {
			for _, secret := range []string{oldSecret, newSecret} {
				if strings.Contains(r, strings.TrimPrefix(secret, "whsec_")) {
					t.Errorf("an audit row holds a webhook secret")
				}
			}
		}
	})
}

// TestWebhookURLsArePublicOnly: without PATS_WEBHOOKS_ALLOW_PRIVATE, http
// and private, loopback and metadata addresses are refused.
func TestWebhookURLsArePublicOnly(t *testing.T) {
	env := testenv.NewWith(t, "sqlite", testenv.Options{WebhooksPublicOnly: true})
	admin := env.Admin(t, testenv.UniqueOrg("webhook-ssrf"), "root")
	for _, url := range []string{"http://hooks.example.com/x", "https://127.0.0.1/x", "https://10.1.2.3/x", "https://169.254.169.254/latest",
		"https://[::1]/x", "https://192.168.0.10/x", "https://localhost/x"} {
		testenv.WantError(t, admin.Do(createWebhookQ, map[string]any{"input": map[string]any{"url": url, "eventTypes": []string{"TOKEN_CREATED"}}}),
			http.StatusOK, "BAD_USER_INPUT")
	}
	createEndpoint(t, admin, "https://hooks.example.com/pats", "TOKEN_CREATED")
}

// TestWebhookDeliveriesPages: newest first, first bounds, the cursor, and
// a cursor of another endpoint refused.
func TestWebhookDeliveriesPages(t *testing.T) {
	env := testenv.New(t, "sqlite")
	admin := env.Admin(t, testenv.UniqueOrg("webhook-pages"), "root")
	rcv := newReceiver(t)
	ep, _ := createEndpoint(t, admin, rcv.srv.URL, "TOKEN_CREATED")
	other, _ := createEndpoint(t, admin, rcv.srv.URL+"/other", "TOKEN_CREATED")
	var ids []string
	for _, id := range []string{ep.ID, ep.ID, ep.ID, other.ID} {
		var out struct{ SendTestWebhook struct{ ID string } }
		admin.MustDoInto(`mutation($id: ID!) { sendTestWebhook(id: $id) { id } }`, map[string]any{"id": id}, &out)
		ids = append(ids, out.SendTestWebhook.ID)
		env.Clock.Advance(time.Millisecond)
	}
	page := func(after any, first int) (nodes []string, next bool, end string, r *testenv.Response) {
		r = admin.Do(`query($id: ID!, $first: Int, $after: String) { webhookDeliveries(endpointId: $id, first: $first, after: $after) {
  nodes { id } pageInfo { hasNextPage endCursor } } }`, map[string]any{"id": ep.ID, "first": first, "after": after})
		var out struct {
			WebhookDeliveries struct {
				Nodes    []struct{ ID string }
				PageInfo struct {
					HasNextPage bool
					EndCursor   *string
				}
			}
		}
		if len(r.Errors) == 0 {
			r.DecodeData(t, &out)
		}
		for _, n := range out.WebhookDeliveries.Nodes {
			nodes = append(nodes, n.ID)
		}
		if out.WebhookDeliveries.PageInfo.EndCursor != nil {
			end = *out.WebhookDeliveries.PageInfo.EndCursor
		}
		return nodes, out.WebhookDeliveries.PageInfo.HasNextPage, end, r
	}
	first, next, end, _ := page(nil, 2)
	if strings.Join(first, ",") != ids[2]+","+ids[1] || !next {
		t.Fatalf("first page: %v next %v, want the two newest (%s, %s) and more", first, next, ids[2], ids[1])
	}
	rest, next, _, _ := page(end, 2)
	if strings.Join(rest, ",") != ids[0] || next {
		t.Errorf("second page: %v next %v, want %s and no more", rest, next, ids[0])
	}
	for _, bad := range []struct {
		after any
		first int
	}{{ids[3], 2}, {"nope", 2}, {nil, 0}, {nil, 101}} {
		_, _, _, r := page(bad.after, bad.first)
		testenv.WantError(t, r, http.StatusOK, "BAD_USER_INPUT")
	}
}
