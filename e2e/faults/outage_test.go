package faults

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patgov/pats/internal/faultproxy"
	"github.com/patgov/pats/internal/pat"
	"github.com/patgov/pats/internal/testenv"
)

// outageTimeout is the GraphQL deadline of the instance under test: short,
// so that requests hung on a silent database come back quickly.
const outageTimeout = 2 * time.Second

// recoveryStreak is how many worker calls in a row must succeed after the
// restore for the service to count as recovered.
const recoveryStreak = 9

// TestDatabaseOutage cuts the database away from a running instance while
// an admin keeps revoking tokens and reading, in each style of fault, and
// restores it. Every response, before, during and after, is a success or
// a clean INTERNAL error within the request deadline; /readyz fails while
// the database is away and passes again after, without a restart, while
// /healthz always passes; an uncached token's introspection is HTTP 503,
// never "inactive". Afterwards every acknowledged revocation is stored and
// effective, and nothing that failed left a half-written revocation (the
// organization's token counter matches its tokens).
func TestDatabaseOutage(t *testing.T) {
	t.Parallel()
	for _, fault := range []faultproxy.Fault{faultproxy.Refuse, faultproxy.Blackhole, faultproxy.Partition} {
		t.Run(fault.String(), func(t *testing.T) {
			t.Parallel()
			testOutage(t, fault)
		})
	}
}

func testOutage(t *testing.T, fault faultproxy.Fault) {
	r := newRig(t, rigOptions{timeout: outageTimeout})
	org := testenv.UniqueOrg("outage-" + fault.String())
	admin := r.env.Admin(t, org, "admin")
	admin.MustDo(`{ viewer { id } }`, nil)
	tokens := createTokens(t, r.direct, org, 75)
	// Reserved: introspected for the first time during the outage, and
	// again after it; never revoked.
	uncached := tokens[0]
	tokens = tokens[1:]
	book := newLedger()

	// Before the fault: acknowledged revocations of both kinds.
	for _, pair := range [][]token{tokens[0:2], tokens[2:4]} {
		ids := []string{pair[0].id, pair[1].id}
		if err := book.record("revokeTokens", post(r.env, admin.Bearer, revokeTokensOp, map[string]any{"ids": ids}), r.timeout, ids); err != nil {
			t.Fatal(err)
		}
	}
	for _, tk := range tokens[4:6] {
		if err := book.record("revokeTokenByValue", post(r.env, admin.Bearer, revokeByValueOp, map[string]any{"v": tk.secret}), r.timeout, []string{tk.id}); err != nil {
			t.Fatal(err)
		}
	}
	// The last few are kept for after the fault.
	queue := make(chan token, len(tokens))
	for _, tk := range tokens[6 : len(tokens)-4] {
		queue <- tk
	}
	afterwards := tokens[len(tokens)-4:]

	// Workers revoke and read throughout, before, during and after.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	problems := make(chan error, 1000)
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				o, err := step(r, book, admin.Bearer, queue, i)
				if err != nil {
					select {
					case problems <- err:
					default: // enough to report
					}
				}
				// Back off after a failure, as a client would.
				if o.ok() {
					time.Sleep(40 * time.Millisecond)
				} else {
					time.Sleep(150 * time.Millisecond)
				}
			}
		}()
	}
	stopWorkers := sync.OnceFunc(func() {
		close(stop)
		wg.Wait()
		close(problems)
	})
	t.Cleanup(stopWorkers)

	time.Sleep(300 * time.Millisecond)
	if status := probe(r.env, "/readyz"); status != http.StatusOK {
		t.Fatalf("/readyz before the fault: got %d, want 200", status)
	}

	// The fault.
	book.mark(&book.cutAt)
	r.proxy.Cut(fault)
	t.Logf("%v: cut", fault)

	// An uncached token cannot be answered: 503 (never "inactive")
	// within the introspection deadline.
	introspected := make(chan string, 1)
	go func() {
		status, body, elapsed, err := introspect(r.env, uncached.secret)
		switch {
		case err != nil:
			introspected <- fmt.Sprintf("introspection during the outage: %v", err)
		case status != http.StatusServiceUnavailable || strings.Contains(body, "active") || !strings.Contains(body, `"error"`):
			introspected <- fmt.Sprintf("introspection during the outage: got HTTP %d %s, want 503 with a JSON error", status, body)
		case leaked(body) != "":
			introspected <- fmt.Sprintf("introspection during the outage: body leaks %q: %s", leaked(body), body)
		case elapsed > pat.IntrospectionTimeout+margin:
			introspected <- fmt.Sprintf("introspection during the outage answered after %v, want within %v (+%v)", elapsed, pat.IntrospectionTimeout, margin)
		default:
			introspected <- ""
		}
	}()

	// Readiness fails within its 2 s probe deadline (plus margin), while
	// liveness holds.
	notReady := awaitProbe(t, r.env, "/readyz", 2*time.Second+margin, "readiness during the outage", func(s int) bool { return s != http.StatusOK })
	t.Logf("%v: /readyz failed after %v", fault, notReady)
	if status := probe(r.env, "/healthz"); status != http.StatusOK {
		t.Errorf("/healthz during the outage: got %d, want 200", status)
	}
	if msg := <-introspected; msg != "" {
		t.Error(msg)
	}
	// Let the workers' requests meet the fault: at least a deadline long.
	if d := time.Since(book.cutAt); d < outageTimeout+200*time.Millisecond {
		time.Sleep(outageTimeout + 200*time.Millisecond - d)
	}
	if status := probe(r.env, "/healthz"); status != http.StatusOK {
		t.Errorf("/healthz during the outage: got %d, want 200", status)
	}

	// The database returns: readiness recovers by itself.
	book.mark(&book.restoredAt)
	r.proxy.Restore()
	ready := awaitProbe(t, r.env, "/readyz", 5*time.Second, "readiness after the outage", func(s int) bool { return s == http.StatusOK })
	book.mark(&book.readyAt)
	t.Logf("%v: /readyz passed again %v after the restore", fault, ready)
	// The workers' calls succeed again: a run of them in a row. (A call
	// may still fail right after the restore if the shared database
	// server stalls beyond the short deadline; those are counted.)
	start := time.Now()
	for !book.recovered(recoveryStreak) {
		if time.Since(start) > 3*outageTimeout {
			t.Errorf("the service did not recover: no %d calls in a row succeeded within %v of /readyz passing", recoveryStreak, 3*outageTimeout)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	stopWorkers()
	for err := range problems {
		t.Error(err)
	}

	// After the fault: new requests succeed, revocations included.
	admin.MustDo(`{ viewer { id } }`, nil)
	ids := []string{afterwards[0].id, afterwards[1].id}
	if err := book.record("revokeTokens", post(r.env, admin.Bearer, revokeTokensOp, map[string]any{"ids": ids}), r.timeout, ids); err != nil {
		t.Error(err)
	}
	for _, tk := range afterwards[2:] {
		if err := book.record("revokeTokenByValue", post(r.env, admin.Bearer, revokeByValueOp, map[string]any{"v": tk.secret}), r.timeout, []string{tk.id}); err != nil {
			t.Error(err)
		}
	}
	status, body, _, err := introspect(r.env, uncached.secret)
	if err != nil || status != http.StatusOK || body == inactive {
		t.Errorf("introspection of the reserved token after the outage: got HTTP %d %q, %v; want 200 active", status, body, err)
	}

	// Every acknowledged revocation is stored and effective on both
	// instances; nothing failed half-way.
	rows := r.checkInvariants(t, org, "admin", book.attempted)
	phases := map[string]int{}
	for id, ph := range book.acked {
		phases[ph]++
		if row, ok := rows[id]; !ok || row.RevokedAt == nil {
			t.Errorf("revocation of %s acknowledged %s the fault is not stored", id, ph)
		}
	}
	secrets := map[string]string{}
	for _, tk := range tokens {
		secrets[tk.id] = tk.secret
	}
	for id := range book.acked {
		for name, env := range map[string]*testenv.Env{"proxied": r.env, "direct": r.direct} {
			if status, body, _, err := introspect(env, secrets[id]); err != nil || status != http.StatusOK || body != inactive {
				t.Errorf("%s instance: revoked token %s introspects as HTTP %d %q, %v; want inactive", name, id, status, body, err)
			}
		}
	}
	if phases["before"] == 0 || phases["after"] == 0 {
		t.Errorf("acknowledged revocations by phase: %v, want some before and after the fault", phases)
	}
	if book.failedRevocations == 0 {
		t.Errorf("no revocation failed: the fault did not bite")
	}
	revokedUnacked := 0
	for id := range book.attempted {
		if _, ok := book.acked[id]; !ok && rows[id].RevokedAt != nil {
			revokedUnacked++
		}
	}
	lines := make([]string, 0, len(book.tally))
	for k, n := range book.tally {
		lines = append(lines, fmt.Sprintf("%4d  %s", n, k))
	}
	sort.Strings(lines)
	t.Logf("%v: acknowledged revocations by phase %v; %d failed revocation calls, %d tokens revoked without an acknowledgement (committed, answer lost); %d calls failed after /readyz passed again; slowest call by phase %v\n%s",
		fault, phases, book.failedRevocations, revokedUnacked, book.failedAfterReady, book.slowest, strings.Join(lines, "\n"))
}
