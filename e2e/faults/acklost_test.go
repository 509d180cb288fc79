package faults

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/patgov/pats/internal/faultproxy"
	"github.com/patgov/pats/internal/testenv"
)

// ackLostTimeout is the GraphQL deadline in TestAcknowledgementLost.
const ackLostTimeout = 2 * time.Second

// TestAcknowledgementLost partitions the network just as a revocation's
// COMMIT reaches the server: the server commits, and its answer is lost.
// The caller gets a clean INTERNAL error at the request deadline, yet the
// revocation is whole (token revoked, organization counter decremented):
// nothing is half-written. Once the network heals, a retry reports the
// token as already revoked, and the token stops authenticating on both
// instances, including the one whose answer was lost (its cache held the
// token; its change poll catches up).
func TestAcknowledgementLost(t *testing.T) {
	t.Parallel()
	r := newRig(t, rigOptions{timeout: ackLostTimeout})
	org := testenv.UniqueOrg("ack-lost")
	admin := r.env.Admin(t, org, "admin")
	admin.MustDo(`{ viewer { id } }`, nil)
	toks := createTokens(t, r.direct, org, 2)
	tests := []struct {
		name  string
		tok   token
		query string
		vars  map[string]any
		// retried checks the payload of the same call after the restore.
		retried func(t *testing.T, data opData)
	}{
		{
			"revokeTokens", toks[0], revokeTokensOp, map[string]any{"ids": []string{toks[0].id}},
			func(t *testing.T, data opData) {
				if n := data.RevokeTokens.RevokedCount; n != 0 {
					t.Errorf("retry: revokedCount %v, want 0 (revoked by the call whose answer was lost)", n)
				}
			},
		},
		{
			"revokeTokenByValue", toks[1], revokeByValueOp, map[string]any{"v": toks[1].secret},
			func(t *testing.T, data opData) {
				if out := data.RevokeTokenByValue.Outcome; out != "ALREADY_REVOKED" {
					t.Errorf("retry: outcome %v, want ALREADY_REVOKED", out)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The instance behind the proxy has the token in its cache.
			for range 2 {
				if status, body, _, err := introspect(r.env, tc.tok.secret); err != nil || status != http.StatusOK || body == inactive {
					t.Fatalf("introspect before: got HTTP %d %q, %v; want active", status, body, err)
				}
			}
			// Partition at the COMMIT of the connection whose statements
			// named the token (statements are interpolated).
			var link uint64
			r.proxy.PartitionWhen(func(l uint64, chunk []byte) bool {
				if bytes.Contains(chunk, []byte(tc.tok.id)) {
					link = l
				}
				return l == link && bytes.Contains(chunk, []byte("COMMIT"))
			})
			answered := make(chan outcome, 1)
			go func() { answered <- post(r.env, admin.Bearer, tc.query, tc.vars) }()
			select {
			case o := <-answered:
				if r.proxy.Fault() != faultproxy.Partition {
					r.proxy.PartitionWhen(nil)
					t.Fatalf("the COMMIT never passed the proxy: HTTP %d %s", o.status, o.raw)
				}
				if why := cleanFailure(o); why != "" {
					t.Errorf("revocation whose answer is lost: %s", why)
				}
				if o.elapsed < ackLostTimeout-500*time.Millisecond {
					t.Errorf("answered after %v, want at the %v deadline", o.elapsed, ackLostTimeout)
				}
				r.proxy.Restore()
			case <-time.After(ackLostTimeout + margin):
				// The COMMIT does not honour the request deadline: only the
				// driver's read timeout (30 s) would end the wait. Restore,
				// and the held answer arrives.
				t.Errorf("no answer %v after the request started (deadline %v): the wait for the COMMIT's answer ignores the request deadline",
					ackLostTimeout+margin, ackLostTimeout)
				r.proxy.Restore()
				o := <-answered
				t.Logf("after the restore the request completed after %v: HTTP %d %s", o.elapsed, o.status, o.raw)
			}
			awaitProbe(t, r.env, "/readyz", 5*time.Second, "readiness after the restore", func(s int) bool { return s == http.StatusOK })

			rows := r.checkInvariants(t, org, "admin", nil)
			if rows[tc.tok.id].RevokedAt == nil {
				t.Fatalf("token %s: not revoked, but the server received the COMMIT", tc.tok.id)
			}
			var data opData
			admin.MustDoInto(tc.query, tc.vars, &data)
			tc.retried(t, data)
			r.checkInvariants(t, org, "admin", nil)
			if status, body, _, err := introspect(r.direct, tc.tok.secret); err != nil || status != http.StatusOK || body != inactive {
				t.Errorf("direct instance: got HTTP %d %q, %v; want inactive", status, body, err)
			}
			start := time.Now()
			for {
				status, body, _, err := introspect(r.env, tc.tok.secret)
				if err == nil && status == http.StatusOK && body == inactive {
					break
				}
				if time.Since(start) > 2*time.Second {
					t.Fatalf("instance whose answer was lost still answers HTTP %d %q, %v after 2 s; want inactive", status, body, err)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}
