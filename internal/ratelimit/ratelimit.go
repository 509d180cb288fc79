// Package ratelimit keeps one token-bucket limiter (golang.org/x/time/rate)
// per key, such as an admin or a client credential, in a size-bounded
// cache so that many distinct keys cannot exhaust memory.
package ratelimit

import (
	"sync"
	"time"

	"github.com/maypok86/otter/v2"
	"golang.org/x/time/rate"
)

// Limiter limits events per key.
type Limiter struct {
	every time.Duration
	burst int
	mu    sync.Mutex // serializes creating a key's limiter
	keys  *otter.Cache[string, *rate.Limiter]
	now   func() time.Time
}

// New allows each key n events per period, in bursts of up to n. Keys
// unused for two periods are forgotten (their bucket would be full again).
// n <= 0 returns nil: no limit.
func New(n int, period time.Duration, maxKeys int) *Limiter {
	if n <= 0 {
		return nil
	}
	return &Limiter{
		every: period / time.Duration(n),
		burst: n,
		keys: otter.Must(&otter.Options[string, *rate.Limiter]{
			MaximumSize:      maxKeys,
			ExpiryCalculator: otter.ExpiryAccessing[string, *rate.Limiter](2 * period),
		}),
		now: time.Now,
	}
}

// Allow reports whether one more event of key may happen now, and if not,
// how long until it may.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	return l.AllowN(key, 1)
}

// AllowN reports whether n more events of key may happen now, taking them
// all or none, and if not, how long until they may. n over Burst can never
// happen: the wait is then negative (callers must refuse such a request
// outright rather than ask the client to retry).
func (l *Limiter) AllowN(key string, n int) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	if n > l.burst {
		return false, -1
	}
	lim := l.limiter(key)
	now := l.now()
	r := lim.ReserveN(now, n)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// Burst is the most events a key may have at once (nil: no limit, -1).
func (l *Limiter) Burst() int {
	if l == nil {
		return -1
	}
	return l.burst
}

func (l *Limiter) limiter(key string) *rate.Limiter {
	if lim, ok := l.keys.GetIfPresent(key); ok {
		return lim
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if lim, ok := l.keys.GetIfPresent(key); ok {
		return lim
	}
	lim := rate.NewLimiter(rate.Every(l.every), l.burst)
	l.keys.Set(key, lim)
	return lim
}

// RetryAfterSeconds rounds a wait up to whole seconds (at least 1), the
// unit of the Retry-After header.
func RetryAfterSeconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}
