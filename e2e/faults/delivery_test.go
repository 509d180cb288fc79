package faults

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/patgov/pats/internal/faultproxy"
	"github.com/patgov/pats/internal/testenv"
)

// TestDeliveriesSurviveADatabaseOutage: while the database is out of
// reach the delivery worker fails (nothing sent, nothing lost); once it is
// back, the event committed before the outage is delivered, once.
func TestDeliveriesSurviveADatabaseOutage(t *testing.T) {
	t.Parallel()
	r := newRig(t, rigOptions{timeout: 3 * time.Second})
	var received atomic.Int64
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		received.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rcv.Close)
	org := testenv.UniqueOrg("delivery-outage")
	admin := r.direct.Admin(t, org, "admin")
	admin.MustDo(`mutation($url: String!) { createWebhookEndpoint(input: {url: $url, eventTypes: [TOKEN_CREATED]}) { secret } }`,
		map[string]any{"url": rcv.URL})
	// Settle what other tests left pending, so this test counts its own.
	if _, err := r.direct.Service.DeliverDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	received.Store(0)
	createTokens(t, r.direct, org, 1) // committed: one token.created event

	r.proxy.Cut(faultproxy.Refuse)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	_, err := r.env.Service.DeliverDue(ctx)
	cancel()
	if err == nil {
		t.Fatal("DeliverDue with the database cut: got nil, want an error")
	}
	if n := received.Load(); n != 0 {
		t.Fatalf("sent %d deliveries without the database", n)
	}
	r.proxy.Restore()
	deadline := time.Now().Add(10 * time.Second)
	for received.Load() == 0 && time.Now().Before(deadline) {
		if _, err := r.env.Service.DeliverDue(context.Background()); err != nil {
			t.Logf("DeliverDue right after the restore: %v", err)
			time.Sleep(200 * time.Millisecond)
		}
	}
	if _, err := r.env.Service.DeliverDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := received.Load(); n != 1 {
		t.Errorf("after the outage: %d deliveries, want the one event, once", n)
	}
}
