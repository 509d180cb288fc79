package webhook

import (
	"testing"
	"time"
)

func fixed(r float64) func() float64 { return func() float64 { return r } }

func TestNextAttemptSpansADay(t *testing.T) {
	for _, tc := range []struct {
		name      string
		r         float64
		wantTotal time.Duration
	}{
		{"shortest jitter", 0, 30*time.Hour + 4*time.Minute + 4*time.Second},
		{"nominal", 0.5, 37*time.Hour + 35*time.Minute + 5*time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var total time.Duration
			attempts := 1 // the first one, made at once
			for {
				d, giveUp := NextAttempt(attempts, fixed(tc.r))
				if giveUp {
					break
				}
				total += d
				attempts++
			}
			if attempts != MaxAttempts {
				t.Fatalf("attempts: got %d, want %d", attempts, MaxAttempts)
			}
			if total < 24*time.Hour {
				t.Fatalf("total: got %v, want at least 24h", total)
			}
			if total != tc.wantTotal {
				t.Fatalf("total: got %v, want %v (as documented)", total, tc.wantTotal)
			}
		})
	}
}

func TestNextAttemptBaseNonDecreasing(t *testing.T) {
	var prev time.Duration
	for a := 1; a < MaxAttempts; a++ {
		d, giveUp := NextAttempt(a, fixed(0.5))
		if giveUp {
			t.Fatalf("attempt %d: gave up early", a)
		}
		if d < prev {
			t.Fatalf("attempt %d: got %v after %v, want non-decreasing", a, d, prev)
		}
		prev = d
	}
	if d, _ := NextAttempt(1, fixed(0.5)); d != 5*time.Second {
		t.Fatalf("first retry: got %v, want 5s", d)
	}
}

func TestNextAttemptJitterBounds(t *testing.T) {
	for a := 1; a < MaxAttempts; a++ {
		base, _ := NextAttempt(a, fixed(0.5))
		lo, hi := time.Duration(float64(base)*0.8), time.Duration(float64(base)*1.2)
		for _, r := range []float64{0, 0.1, 0.25, 0.5, 0.75, 0.999999, 1, -3, 7} {
			d, _ := NextAttempt(a, fixed(r))
			if d < lo || d > hi {
				t.Fatalf("attempt %d, r %v: got %v, want within [%v, %v]", a, r, d, lo, hi)
			}
		}
		if d, _ := NextAttempt(a, fixed(0)); d != lo {
			t.Fatalf("attempt %d, r 0: got %v, want %v", a, d, lo)
		}
		// The default source stays in bounds too.
		for range 100 {
			if d, _ := NextAttempt(a, nil); d < lo || d > hi {
				t.Fatalf("attempt %d, math/rand: got %v, want within [%v, %v]", a, d, lo, hi)
			}
		}
	}
}

func TestNextAttemptEnds(t *testing.T) {
	for _, tc := range []struct {
		attempt   int
		wantDelay time.Duration
		wantGive  bool
	}{
		{0, 0, false},
		{-1, 0, false},
		{MaxAttempts - 1, 10 * time.Hour, false},
		{MaxAttempts, 0, true},
		{MaxAttempts + 5, 0, true},
	} {
		d, giveUp := NextAttempt(tc.attempt, fixed(0.5))
		if d != tc.wantDelay || giveUp != tc.wantGive {
			t.Fatalf("attempt %d: got (%v, %v), want (%v, %v)", tc.attempt, d, giveUp, tc.wantDelay, tc.wantGive)
		}
	}
	if MaxAttempts != 9 {
		t.Fatalf("MaxAttempts: got %d, want 9 as documented", MaxAttempts)
	}
}
