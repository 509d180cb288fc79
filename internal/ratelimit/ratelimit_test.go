package ratelimit

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	l := New(3, time.Minute, 100)
	clock := time.Unix(1_000_000, 0)
	l.now = func() time.Time { return clock }
	for i := range 3 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("event %d of a: got refused, want allowed (burst 3)", i+1)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait <= 0 || wait > 20*time.Second {
		t.Fatalf("4th event of a: got ok=%v wait=%v, want refused with a wait up to 20 s", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatalf("first event of b: got refused, want allowed (keys are independent)")
	}
	clock = clock.Add(wait)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatalf("a after waiting %v: got refused, want allowed", wait)
	}
	if ok, _ := l.Allow("a"); ok {
		t.Fatalf("a right after: got allowed, want refused")
	}
}

func TestNoLimit(t *testing.T) {
	var l *Limiter = New(0, time.Minute, 10)
	for range 1000 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatal("a nil limiter refused an event")
		}
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	for _, tc := range []struct {
		in   time.Duration
		want int
	}{{time.Millisecond, 1}, {time.Second, 1}, {1500 * time.Millisecond, 2}, {20 * time.Second, 20}} {
		if got := RetryAfterSeconds(tc.in); got != tc.want {
			t.Errorf("RetryAfterSeconds(%v): got %d, want %d", tc.in, got, tc.want)
		}
	}
}

// TestAllowN: n events are taken all or none; a refused batch takes
// nothing; a batch over the burst is never possible.
func TestAllowN(t *testing.T) {
	l := New(10, time.Minute, 100)
	clock := time.Unix(1_000_000, 0)
	l.now = func() time.Time { return clock }
	if ok, _ := l.AllowN("a", 7); !ok {
		t.Fatal("7 of 10: got refused, want allowed")
	}
	ok, wait := l.AllowN("a", 4)
	if ok || wait <= 0 || wait > 6*time.Second+time.Millisecond {
		t.Fatalf("4 more (3 left): got ok=%v wait=%v, want refused with a wait of 6 s", ok, wait)
	}
	if ok, _ := l.AllowN("a", 3); !ok {
		t.Fatal("the 3 left after a refused batch: got refused, want allowed (a refused batch takes nothing)")
	}
	if ok, wait := l.AllowN("b", 11); ok || wait >= 0 {
		t.Fatalf("11 with a burst of 10: got ok=%v wait=%v, want refused with a negative wait (never possible)", ok, wait)
	}
	if l.Burst() != 10 || (*Limiter)(nil).Burst() != -1 {
		t.Errorf("Burst: got %d and %d, want 10 and -1", l.Burst(), (*Limiter)(nil).Burst())
	}
	if ok, _ := (*Limiter)(nil).AllowN("a", 1_000_000); !ok {
		t.Error("a nil limiter refused a batch")
	}
}
