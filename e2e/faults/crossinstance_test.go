package faults

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/patgov/pats/internal/faultproxy"
	"github.com/patgov/pats/internal/testenv"
)

// changePollOverlap was how far back each instance's change poll looked
// (pat/background.go, pollOverlap) when this test found the bug below; the
// partition outlasts it.
const changePollOverlap = 10 * time.Second

// TestRevocationDelayedByPartitionReachesOtherInstances: instance A's
// connection goes silent in the middle of a revocation for longer than
// the change poll's look-back, then heals within A's request deadline (as
// TCP delivers held packets once a network heals). A acknowledges the
// revocation. Instance B, whose validation cache holds the token, must
// stop authenticating it within the cache's staleness bound (1 s), as it
// does for any revocation (see e2e TestCacheStalenessAcrossInstances).
//
// It failed when the poll looked back 10 s: the revocation is stamped with
// revoked_at when the request starts and committed more than 10 s later,
// so the polls of other instances never saw it and B kept answering
// "active" for as long as the entry stayed in its cache. The look-back is
// now a minute, beyond any request's deadline, and cache entries expire.
func TestRevocationDelayedByPartitionReachesOtherInstances(t *testing.T) {
	t.Parallel()
	// A: behind the proxy, with the service's default 15 s deadline; B:
	// the direct instance, its cache on.
	r := newRig(t, rigOptions{directCache: true})
	org := testenv.UniqueOrg("late-commit")
	admin := r.env.Admin(t, org, "admin")
	admin.MustDo(`{ viewer { id } }`, nil)
	tok := createTokens(t, r.direct, org, 1)[0]
	// A resource server keeps using the token on B, so B's cache holds
	// it (entries of owners and organizations changed within the poll's
	// look-back are dropped at every poll, and read again at the next use).
	stopUsing := make(chan struct{})
	using := make(chan string, 1)
	go func() {
		for {
			select {
			case <-stopUsing:
				using <- ""
				return
			case <-time.After(100 * time.Millisecond):
			}
			if status, body, _, err := introspect(r.direct, tok.secret); err != nil || status != http.StatusOK || body == inactive {
				using <- fmt.Sprintf("introspect on B before the revocation: got HTTP %d %q, %v; want active", status, body, err)
				return
			}
		}
	}()

	// Catch A's revocation inside its transaction, then silence the link
	// for longer than the poll look-back.
	blocker := lockToken(t, r, tok.id)
	answered := make(chan outcome, 1)
	go func() {
		answered <- post(r.env, admin.Bearer, revokeTokensOp, map[string]any{"ids": []string{tok.id}})
	}()
	awaitLockWait(t, r, blocker, tok.id)
	r.proxy.Cut(faultproxy.Partition)
	blocker.release(t)
	time.Sleep(changePollOverlap + 1500*time.Millisecond)
	close(stopUsing)
	if msg := <-using; msg != "" {
		t.Fatal(msg)
	}
	if hits, _ := r.direct.Validator.CacheStats(); hits == 0 {
		t.Fatal("B's cache never answered")
	}
	r.proxy.Restore()
	o := <-answered
	if !o.ok() {
		t.Fatalf("revocation across the healed partition: got HTTP %d %s, want success (it took %v of the %v deadline)", o.status, o.raw, o.elapsed, r.timeout)
	}
	t.Logf("A acknowledged the revocation after %v: %s", o.elapsed, o.raw)
	if rows := r.checkInvariants(t, org, "admin", nil); rows[tok.id].RevokedAt == nil {
		t.Fatalf("acknowledged revocation of %s is not stored", tok.id)
	}
	// A forgot the token itself.
	if status, body, _, err := introspect(r.env, tok.secret); err != nil || status != http.StatusOK || body != inactive {
		t.Errorf("introspect on A: got HTTP %d %q, %v; want inactive", status, body, err)
	}
	// B must see it within its staleness bound; allow twice that.
	start := time.Now()
	for {
		status, body, _, err := introspect(r.direct, tok.secret)
		if err == nil && status == http.StatusOK && body == inactive {
			t.Logf("B saw the revocation after %v", time.Since(start))
			return
		}
		if time.Since(start) > 2*time.Second {
			t.Fatalf("B still answers HTTP %d %q for a token whose revocation A acknowledged %v ago: the change poll (look-back %v) missed a revocation committed %v after its revoked_at",
				status, body, time.Since(start), changePollOverlap, o.elapsed)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
