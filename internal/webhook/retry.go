package webhook

import (
	"math/rand/v2"
	"time"
)

// retrySchedule is the nominal wait before each retry, after the first
// attempt that is made at once. It follows the Svix / Standard Webhooks
// schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) with one more 10 h
// step, so that even with every wait at its shortest jitter the retries
// span more than 24 h: a receiver down for a whole day still gets the
// message.
//
// Nominal total 37 h 35 min 5 s; with RetryJitter at least 30 h 4 min 4 s
// and at most 45 h 6 min 6 s.
var retrySchedule = [...]time.Duration{
	5 * time.Second,
	5 * time.Minute,
	30 * time.Minute,
	2 * time.Hour,
	5 * time.Hour,
	10 * time.Hour,
	10 * time.Hour,
	10 * time.Hour,
}

// MaxAttempts is how many attempts a message gets: the first one and a
// retry for each step of the schedule (9 in all).
const MaxAttempts = len(retrySchedule) + 1

// RetryJitter is the fraction by which each wait is moved at random
// either way (±20%), so that messages that failed together, when a
// receiver went down, do not all come back at the same instant.
const RetryJitter = 0.2

// NextAttempt tells, after attempt attempts of a message have failed
// (1 after the first), how long to wait before the next one, or giveUp
// once MaxAttempts attempts have been made. Zero attempts made means the
// first attempt, at once. rnd returns a number in [0, 1) (nil means
// math/rand/v2's Float64); tests pass a fixed one.
//
// A fixed table rather than an exponential backoff library: the steps of
// this schedule are not one multiplier apart, and an auditable table is
// what receivers' documentation (and ours) can quote.
func NextAttempt(attempt int, rnd func() float64) (delay time.Duration, giveUp bool) {
	if attempt >= MaxAttempts {
		return 0, true
	}
	if attempt <= 0 {
		return 0, false
	}
	if rnd == nil {
		rnd = rand.Float64
	}
	r := min(max(rnd(), 0), 1)
	base := retrySchedule[attempt-1]
	factor := 1 + RetryJitter*(2*r-1)
	return time.Duration(float64(base) * factor), false
}
