// Package usage takes token uses off the authentication path: uses are
// recorded in memory and written in batches (one statement for many
// tokens), each token at most once per MinGap, by a background loop and
// once more at shutdown. A failed write is retried later and never fails
// an authentication.
package usage

import (
	"context"
	"log/slog"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/patgov/pats/internal/entity"
)

// Writer persists a batch of uses (token ID → latest use).
type Writer interface {
	RecordUses(ctx context.Context, uses map[string]entity.Time) error
}

// Options tune a Recorder; zero fields take the defaults.
type Options struct {
	// Interval between background flushes (default 5 s).
	Interval time.Duration
	// MinGap is the least time between two writes of one token (default 1 min).
	MinGap time.Duration
	// BatchSize bounds the tokens of one statement (default 500).
	BatchSize int
	// MaxPending bounds the tokens waiting in memory (default 1,000,000);
	// uses beyond it are dropped and counted.
	MaxPending int
	// Now is the clock (default time.Now).
	Now    func() time.Time
	Logger *slog.Logger
	// OnFlush, when set, is told the size and outcome of every batch.
	OnFlush func(size int, err error)
}

// Recorder batches token uses.
type Recorder struct {
	w    Writer
	opts Options

	mu      sync.Mutex
	pending map[string]entity.Time
	// written is when each token was last written, for MinGap; entries
	// older than MinGap are pruned at every flush.
	written map[string]entity.Time

	// Stats for tests and metrics.
	Writes, Failures, Dropped atomic.Int64
}

// NewRecorder returns a recorder that writes through w.
func NewRecorder(w Writer, opts Options) *Recorder {
	if opts.Interval <= 0 {
		opts.Interval = 5 * time.Second
	}
	if opts.MinGap <= 0 {
		opts.MinGap = time.Minute
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 500
	}
	if opts.MaxPending <= 0 {
		opts.MaxPending = 1_000_000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Recorder{w: w, opts: opts, pending: map[string]entity.Time{}, written: map[string]entity.Time{}}
}

// Record notes that the token was used at at. It never blocks on I/O.
func (r *Recorder) Record(tokenID string, at entity.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	prev, ok := r.pending[tokenID]
	switch {
	case ok && !at.After(prev.Time):
	case ok || len(r.pending) < r.opts.MaxPending:
		r.pending[tokenID] = at
	default:
		r.Dropped.Add(1)
	}
}

// Flush writes every pending use whose token was not written within
// MinGap; the others wait for a later flush.
func (r *Recorder) Flush(ctx context.Context) error {
	due := r.takeDue()
	var firstErr error
	for len(due) > 0 {
		batch := make(map[string]entity.Time, min(len(due), r.opts.BatchSize))
		for id, at := range due {
			batch[id] = at
			delete(due, id)
			if len(batch) == r.opts.BatchSize {
				break
			}
		}
		err := r.w.RecordUses(ctx, batch)
		if r.opts.OnFlush != nil {
			r.opts.OnFlush(len(batch), err)
		}
		if err != nil {
			r.Failures.Add(1)
			r.requeue(batch)
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		r.Writes.Add(1)
	}
	return firstErr
}

// takeDue removes and returns the pending uses that may be written now,
// marking them written.
func (r *Recorder) takeDue() map[string]entity.Time {
	now := entity.TimeOf(r.opts.Now())
	horizon := now.Add(-r.opts.MinGap)
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, at := range r.written {
		if !at.After(horizon) {
			delete(r.written, id)
		}
	}
	due := make(map[string]entity.Time)
	for id, at := range r.pending {
		if _, recent := r.written[id]; recent {
			continue
		}
		due[id] = at
		r.written[id] = now
		delete(r.pending, id)
	}
	return due
}

// requeue puts a failed batch back, keeping any newer use.
func (r *Recorder) requeue(batch map[string]entity.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, at := range batch {
		delete(r.written, id)
		if prev, ok := r.pending[id]; !ok || at.After(prev.Time) {
			r.pending[id] = at
		}
	}
}

// Pending returns a copy of the uses not yet written (for tests).
func (r *Recorder) Pending() map[string]entity.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.pending)
}

// Run flushes every Interval until ctx ends. Call Flush once more after
// Run returns to write what is left (graceful shutdown).
func (r *Recorder) Run(ctx context.Context) {
	t := time.NewTicker(r.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fctx, cancel := context.WithTimeout(ctx, r.opts.Interval)
			if err := r.Flush(fctx); err != nil {
				r.opts.Logger.WarnContext(ctx, "writing token uses failed; will retry", "err", err)
			}
			cancel()
		}
	}
}
