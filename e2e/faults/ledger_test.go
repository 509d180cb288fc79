package faults

import (
	"fmt"
	"sync"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// ledger records what the API acknowledged and how every call ended.
type ledger struct {
	mu sync.Mutex
	// cutAt, restoredAt and readyAt mark the fault; zero: not yet.
	cutAt, restoredAt, readyAt time.Time
	// acked maps each token whose revocation the API acknowledged to the
	// phase of the acknowledgement; attempted holds every token any
	// revocation named.
	acked     map[string]string
	attempted map[string]bool
	// tally counts outcomes by phase, operation, HTTP status and code.
	tally map[string]int
	// slowest is the longest call by phase.
	slowest map[string]time.Duration
	// failedRevocations counts revocations that returned an error.
	failedRevocations int
	// streak counts the calls in a row, started after /readyz passed
	// again, that succeeded; failedAfterReady counts those that failed.
	streak, failedAfterReady int
}

func newLedger() *ledger {
	return &ledger{acked: map[string]string{}, attempted: map[string]bool{}, tally: map[string]int{}, slowest: map[string]time.Duration{}}
}

func (l *ledger) mark(at *time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	*at = time.Now()
}

// phase places a call that ran from start to end: before the cut, after
// the restore, or during the fault (overlapping it at all).
func (l *ledger) phase(start, end time.Time) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.cutAt.IsZero() || end.Before(l.cutAt):
		return "before"
	case !l.restoredAt.IsZero() && start.After(l.restoredAt):
		return "after"
	}
	return "during"
}

// recovered reports whether the last n calls, all started after /readyz
// passed again, succeeded.
func (l *ledger) recovered(n int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.streak >= n
}

// record judges one call: nil if it is a success or a clean failure within
// deadline. It counts the successes in a row since /readyz passed again
// (see recovered). revoked names the tokens the call asked to revoke; on
// success they are acknowledged.
func (l *ledger) record(op string, o outcome, deadline time.Duration, revoked []string) error {
	ph := l.phase(o.start, o.start.Add(o.elapsed))
	code := ""
	if len(o.errors) > 0 {
		code, _ = o.errors[0].Extensions["code"].(string)
	}
	l.mu.Lock()
	l.tally[fmt.Sprintf("%s %s HTTP %d %s", ph, op, o.status, code)]++
	l.slowest[ph] = max(l.slowest[ph], o.elapsed)
	for _, id := range revoked {
		l.attempted[id] = true
	}
	if o.ok() {
		for _, id := range revoked {
			l.acked[id] = ph
		}
	} else if len(revoked) > 0 {
		l.failedRevocations++
	}
	if !l.readyAt.IsZero() && o.start.After(l.readyAt) {
		if o.ok() {
			l.streak++
		} else {
			l.streak = 0
			l.failedAfterReady++
		}
	}
	l.mu.Unlock()
	if o.elapsed > deadline+margin {
		return fmt.Errorf("%s (%s): answered after %v, want within the %v deadline (+%v)", op, ph, o.elapsed, deadline, margin)
	}
	if o.ok() {
		return checkRevocationResult(op, o, revoked)
	}
	if why := cleanFailure(o); why != "" {
		return fmt.Errorf("%s (%s): %s", op, ph, why)
	}
	return nil
}

// checkRevocationResult checks a successful revocation's payload.
func checkRevocationResult(op string, o outcome, revoked []string) error {
	switch op {
	case "revokeTokens":
		var toks []testenv.Token
		if p := o.data.RevokeTokens; p != nil {
			toks = p.Tokens
		}
		if len(toks) != len(revoked) {
			return fmt.Errorf("revokeTokens: got %d tokens, want %d: %s", len(toks), len(revoked), o.raw)
		}
		for _, tk := range toks {
			if s := tk.Status; s != "REVOKED" {
				return fmt.Errorf("revokeTokens: token status %v, want REVOKED: %s", s, o.raw)
			}
		}
	case "revokeTokenByValue":
		out := "null"
		if p := o.data.RevokeTokenByValue; p != nil {
			out = p.Outcome
		}
		if out != "REVOKED" && out != "ALREADY_REVOKED" {
			return fmt.Errorf("revokeTokenByValue: outcome %v: %s", out, o.raw)
		}
	}
	return nil
}

// step sends one worker call: i chooses a revocation by IDs, a revocation
// by value, or a read (also when no token is left to revoke).
func step(r *rig, book *ledger, bearer string, queue chan token, i int) (outcome, error) {
	var picked []token
	switch i % 3 {
	case 0:
		picked = take(queue, 2)
	case 1:
		picked = take(queue, 1)
	}
	ids := make([]string, len(picked))
	for k, tk := range picked {
		ids[k] = tk.id
	}
	switch {
	case i%3 == 0 && len(picked) > 0:
		o := post(r.env, bearer, revokeTokensOp, map[string]any{"ids": ids})
		return o, book.record("revokeTokens", o, r.timeout, ids)
	case i%3 == 1 && len(picked) > 0:
		o := post(r.env, bearer, revokeByValueOp, map[string]any{"v": picked[0].secret})
		return o, book.record("revokeTokenByValue", o, r.timeout, ids)
	}
	o := post(r.env, bearer, readOp, nil)
	return o, book.record("read", o, r.timeout, nil)
}

// take receives up to n tokens without waiting.
func take(queue chan token, n int) []token {
	var out []token
	for range n {
		select {
		case tk := <-queue:
			out = append(out, tk)
		default:
			return out
		}
	}
	return out
}
