package faults

import (
	"net/http"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/patgov/pats/internal/faultproxy"
	"github.com/patgov/pats/internal/testenv"
)

// midRequestTimeout is the GraphQL deadline in the mid-request tests: long
// enough to tell "fails at once" from "fails at the deadline".
const midRequestTimeout = 5 * time.Second

// TestConnectionLostMidRequest loses the database connection while a
// revocation is inside its transaction (waiting for the token's row lock,
// which the test holds from a direct connection). A reset connection fails the request at once; a
// connection gone silent fails it at the request deadline. Either way the
// answer is a clean INTERNAL error, nothing is half-written, the service
// is ready again after the restore, and the same revocation then succeeds.
func TestConnectionLostMidRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault faultproxy.Fault
		// atOnce: the answer comes right after the cut, long before the
		// deadline; otherwise at the deadline.
		atOnce bool
	}{
		{"connection reset", faultproxy.Refuse, true},
		{"connection silent", faultproxy.Partition, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, rigOptions{timeout: midRequestTimeout})
			org := testenv.UniqueOrg("midrequest")
			admin := r.env.Admin(t, org, "admin")
			admin.MustDo(`{ viewer { id } }`, nil)
			tok := createTokens(t, r.direct, org, 1)[0]

			blocker := lockToken(t, r, tok.id)
			answered := make(chan outcome, 1)
			go func() {
				answered <- post(r.env, admin.Bearer, revokeTokensOp, map[string]any{"ids": []string{tok.id}})
			}()
			awaitLockWait(t, r, blocker, tok.id)
			cutAt := time.Now()
			r.proxy.Cut(tc.fault)
			if !tc.atOnce {
				// The server now answers the locking read, into the
				// silent link.
				blocker.release(t)
			}
			var o outcome
			select {
			case o = <-answered:
			case <-time.After(midRequestTimeout + margin):
				t.Fatalf("no answer %v after the cut (deadline %v)", time.Since(cutAt), midRequestTimeout)
			}
			sinceCut := time.Since(cutAt)
			if why := cleanFailure(o); why != "" {
				t.Fatalf("revocation during the fault: %s", why)
			}
			if o.status != http.StatusOK {
				t.Errorf("HTTP status: got %d, want 200 (the error arose inside the resolver)", o.status)
			}
			switch {
			case tc.atOnce && sinceCut > time.Second:
				t.Errorf("answered %v after the connection was reset, want at once (within 1 s)", sinceCut)
			case !tc.atOnce && (o.elapsed < midRequestTimeout-500*time.Millisecond || o.elapsed > midRequestTimeout+margin):
				t.Errorf("answered after %v, want at the %v deadline", o.elapsed, midRequestTimeout)
			}
			t.Logf("answered %v after the cut (request took %v): HTTP %d %s", sinceCut, o.elapsed, o.status, o.raw)

			r.proxy.Restore()
			blocker.release(t)
			awaitProbe(t, r.env, "/readyz", 5*time.Second, "readiness after the restore", func(s int) bool { return s == http.StatusOK })
			// Nothing was written: the server never got the UPDATE.
			rows := r.checkInvariants(t, org, "admin", nil)
			if rows[tok.id].RevokedAt != nil {
				t.Errorf("token %s is revoked though its revocation failed before the UPDATE", tok.id)
			}
			// The same revocation succeeds now (it may wait for the
			// server to roll back the orphaned transaction).
			var data opData
			admin.MustDoInto(revokeTokensOp, map[string]any{"ids": []string{tok.id}}, &data)
			if n := data.RevokeTokens.RevokedCount; n != 1 {
				t.Errorf("revokedCount after the restore: got %v, want 1", n)
			}
			rows = r.checkInvariants(t, org, "admin", nil)
			if rows[tok.id].RevokedAt == nil {
				t.Errorf("token %s: acknowledged revocation not stored", tok.id)
			}
		})
	}
}

// rowLock is a transaction on the direct connection that holds a token's
// row lock.
type rowLock struct {
	tx *gorm.DB
	// conn is the transaction's connection ID on the server.
	conn int64
	done bool
}

// lockToken locks the token's row until release (or the test's end).
func lockToken(t *testing.T, r *rig, id string) *rowLock {
	t.Helper()
	tx := r.direct.DB.Begin()
	if tx.Error != nil {
		t.Fatalf("begin: %v", tx.Error)
	}
	var got string
	if err := tx.Raw("SELECT id FROM personal_access_tokens WHERE id = ? FOR UPDATE", id).Scan(&got).Error; err != nil || got != id {
		_ = tx.Rollback()
		t.Fatalf("lock token %s: got %q, %v", id, got, err)
	}
	l := &rowLock{tx: tx}
	if err := tx.Raw("SELECT CONNECTION_ID()").Scan(&l.conn).Error; err != nil {
		_ = tx.Rollback()
		t.Fatalf("connection ID: %v", err)
	}
	t.Cleanup(func() { l.release(t) })
	return l
}

func (l *rowLock) release(t *testing.T) {
	t.Helper()
	if l.done {
		return
	}
	l.done = true
	if err := l.tx.Rollback().Error; err != nil {
		t.Errorf("release row lock: %v", err)
	}
}

// awaitLockWait waits until a locking read of the token, other than the
// lock's own, is running (blocked on the row lock: statements are
// interpolated, so the text names the ID).
func awaitLockWait(t *testing.T, r *rig, lock *rowLock, id string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var n int64
		err := r.direct.DB.Raw(`SELECT COUNT(*) FROM information_schema.PROCESSLIST
WHERE ID NOT IN (CONNECTION_ID(), ?) AND COMMAND = 'Query' AND INFO LIKE '%FOR UPDATE%' AND INFO LIKE ?`, lock.conn, "%"+id+"%").Scan(&n).Error
		if err != nil {
			t.Fatalf("read the process list: %v", err)
		}
		if n > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no statement waits for token %s's row lock after 5 s", id)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
