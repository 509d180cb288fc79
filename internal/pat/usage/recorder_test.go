package usage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/patgov/pats/internal/entity"
)

// base is the fake clock's start, on a millisecond so entity.TimeOf keeps it.
var base = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// at returns the use time sec seconds after base.
func at(sec int) entity.Time { return after(time.Duration(sec) * time.Second) }

// after returns the use time d after base.
func after(d time.Duration) entity.Time { return entity.TimeOf(base.Add(d)) }

// fakeClock is a settable Options.Now.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock { return &fakeClock{now: base} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fakeWriter keeps a copy of every batch it is given; fn, when set, decides
// each call's outcome (n counts calls from 0).
type fakeWriter struct {
	fn     func(ctx context.Context, n int, uses map[string]entity.Time) error
	notify chan struct{} // signalled, without blocking, after every call

	mu    sync.Mutex
	calls []map[string]entity.Time
}

func newWriter(fn func(ctx context.Context, n int, uses map[string]entity.Time) error) *fakeWriter {
	return &fakeWriter{fn: fn, notify: make(chan struct{}, 1)}
}

func (w *fakeWriter) RecordUses(ctx context.Context, uses map[string]entity.Time) error {
	w.mu.Lock()
	n := len(w.calls)
	w.calls = append(w.calls, maps.Clone(uses))
	w.mu.Unlock()
	var err error
	if w.fn != nil {
		err = w.fn(ctx, n, uses)
	}
	select {
	case w.notify <- struct{}{}:
	default:
	}
	return err
}

func (w *fakeWriter) Calls() []map[string]entity.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.calls)
}

// waitFor waits, without sleeping, until cond holds after some write.
func (w *fakeWriter) waitFor(t *testing.T, what string, cond func([]map[string]entity.Time) bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for !cond(w.Calls()) {
		select {
		case <-w.notify:
		case <-deadline:
			t.Fatalf("timed out waiting for %s; writes: %v", what, w.Calls())
		}
	}
}

func equalUses(a, b map[string]entity.Time) bool {
	return maps.EqualFunc(a, b, func(x, y entity.Time) bool { return x.Equal(y.Time) })
}

func checkUses(t *testing.T, what string, got, want map[string]entity.Time) {
	t.Helper()
	if !equalUses(got, want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

func checkCalls(t *testing.T, w *fakeWriter, want ...map[string]entity.Time) {
	t.Helper()
	got := w.Calls()
	if len(got) != len(want) {
		t.Fatalf("writes: got %d %v, want %d %v", len(got), got, len(want), want)
	}
	for i := range got {
		checkUses(t, fmt.Sprintf("write %d", i), got[i], want[i])
	}
}

func flush(t *testing.T, r *Recorder) {
	t.Helper()
	if err := r.Flush(context.Background()); err != nil {
		t.Fatalf("Flush: %v", err)
	}
}

var errWrite = errors.New("write failed")

func TestRecordKeepsLatestUse(t *testing.T) {
	tests := []struct {
		name string
		uses []entity.Time
		want entity.Time
	}{
		{"one use", []entity.Time{at(1)}, at(1)},
		{"newer after older", []entity.Time{at(1), at(2), at(3)}, at(3)},
		{"older after newer", []entity.Time{at(3), at(1), at(2)}, at(3)},
		{"same time twice", []entity.Time{at(2), at(2)}, at(2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWriter(nil)
			r := NewRecorder(w, Options{Now: newClock().Now})
			for _, u := range tt.uses {
				r.Record("a", u)
			}
			r.Record("b", at(7))
			want := map[string]entity.Time{"a": tt.want, "b": at(7)}
			checkUses(t, "Pending", r.Pending(), want)
			flush(t, r)
			checkCalls(t, w, want)
		})
	}
}

func TestFlushWritesEverythingOnce(t *testing.T) {
	w := newWriter(nil)
	r := NewRecorder(w, Options{Now: newClock().Now})
	flush(t, r)
	checkCalls(t, w) // nothing pending: no empty write

	r.Record("a", at(1))
	r.Record("b", at(2))
	r.Record("c", at(3))
	flush(t, r)
	want := map[string]entity.Time{"a": at(1), "b": at(2), "c": at(3)}
	checkCalls(t, w, want)
	if p := r.Pending(); len(p) != 0 {
		t.Errorf("Pending after Flush: got %v, want none", p)
	}
	flush(t, r)
	checkCalls(t, w, want) // the second Flush writes nothing
	if got := r.Writes.Load(); got != 1 {
		t.Errorf("Writes: got %d, want 1", got)
	}
}

func TestPendingIsACopy(t *testing.T) {
	r := NewRecorder(newWriter(nil), Options{Now: newClock().Now})
	r.Record("a", at(1))
	p := r.Pending()
	p["a"] = at(2)
	p["b"] = at(2)
	checkUses(t, "Pending after changing its result", r.Pending(), map[string]entity.Time{"a": at(1)})
}

func TestMinGap(t *testing.T) {
	const gap = time.Minute
	tests := []struct {
		elapsed time.Duration
		written bool
	}{
		{0, false},
		{gap - time.Millisecond, false},
		{gap, true},
		{gap + time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.elapsed.String(), func(t *testing.T) {
			clock := newClock()
			w := newWriter(nil)
			r := NewRecorder(w, Options{MinGap: gap, Now: clock.Now})
			r.Record("a", at(0))
			flush(t, r)
			clock.advance(tt.elapsed)
			r.Record("a", after(tt.elapsed))
			r.Record("b", after(tt.elapsed)) // never written: not held back
			flush(t, r)
			if tt.written {
				checkCalls(t, w, map[string]entity.Time{"a": at(0)}, map[string]entity.Time{"a": after(tt.elapsed), "b": after(tt.elapsed)})
				return
			}
			checkCalls(t, w, map[string]entity.Time{"a": at(0)}, map[string]entity.Time{"b": after(tt.elapsed)})
			checkUses(t, "Pending", r.Pending(), map[string]entity.Time{"a": after(tt.elapsed)})
		})
	}
}

// TestMinGapCountsFromWrite: the gap runs from when a token was written,
// not from the time of the use written.
func TestMinGapCountsFromWrite(t *testing.T) {
	clock := newClock()
	w := newWriter(nil)
	r := NewRecorder(w, Options{MinGap: time.Minute, Now: clock.Now})
	r.Record("a", at(0))
	clock.advance(30 * time.Second)
	flush(t, r) // written at 30 s
	clock.advance(40 * time.Second)
	r.Record("a", at(70))
	flush(t, r) // 70 s after the use written, 40 s after the write
	checkCalls(t, w, map[string]entity.Time{"a": at(0)})
	clock.advance(20 * time.Second)
	flush(t, r)
	checkCalls(t, w, map[string]entity.Time{"a": at(0)}, map[string]entity.Time{"a": at(70)})
}

// TestUseDuringWriteWaits: a use recorded while its token is being written
// stays pending, for a later write once MinGap has passed.
func TestUseDuringWriteWaits(t *testing.T) {
	clock := newClock()
	var r *Recorder
	w := newWriter(func(_ context.Context, n int, _ map[string]entity.Time) error {
		if n == 0 {
			r.Record("a", at(5))
		}
		return nil
	})
	r = NewRecorder(w, Options{MinGap: time.Minute, Now: clock.Now})
	r.Record("a", at(1))
	flush(t, r)
	checkUses(t, "Pending", r.Pending(), map[string]entity.Time{"a": at(5)})
	flush(t, r)
	checkCalls(t, w, map[string]entity.Time{"a": at(1)})
	clock.advance(time.Minute)
	flush(t, r)
	checkCalls(t, w, map[string]entity.Time{"a": at(1)}, map[string]entity.Time{"a": at(5)})
}

func TestFailedWriteIsRetried(t *testing.T) {
	type outcome struct {
		size int
		err  error
	}
	var flushes []outcome
	w := newWriter(func(_ context.Context, n int, _ map[string]entity.Time) error {
		if n == 0 {
			return errWrite
		}
		return nil
	})
	r := NewRecorder(w, Options{Now: newClock().Now, OnFlush: func(size int, err error) {
		flushes = append(flushes, outcome{size, err})
	}})
	r.Record("a", at(1))
	r.Record("b", at(2))
	want := map[string]entity.Time{"a": at(1), "b": at(2)}

	if err := r.Flush(context.Background()); !errors.Is(err, errWrite) {
		t.Fatalf("Flush: got %v, want %v", err, errWrite)
	}
	checkUses(t, "Pending after a failed write", r.Pending(), want)
	if f, n := r.Failures.Load(), r.Writes.Load(); f != 1 || n != 0 {
		t.Errorf("Failures, Writes: got %d, %d, want 1, 0", f, n)
	}
	// The retry is not held back by MinGap: the clock has not moved.
	flush(t, r)
	checkCalls(t, w, want, want)
	if p := r.Pending(); len(p) != 0 {
		t.Errorf("Pending after the retry: got %v, want none", p)
	}
	wantFlushes := []outcome{{2, errWrite}, {2, nil}}
	if !slices.Equal(flushes, wantFlushes) {
		t.Errorf("OnFlush: got %v, want %v", flushes, wantFlushes)
	}
}

// TestFailedWriteKeepsNewerUse: a failed batch goes back without
// overwriting a newer use recorded meanwhile, and overwrites an older one.
func TestFailedWriteKeepsNewerUse(t *testing.T) {
	var r *Recorder
	w := newWriter(func(_ context.Context, n int, _ map[string]entity.Time) error {
		if n > 0 {
			return nil
		}
		r.Record("a", at(9)) // newer than the batch's
		r.Record("b", at(1)) // older than the batch's
		return errWrite
	})
	r = NewRecorder(w, Options{Now: newClock().Now})
	r.Record("a", at(5))
	r.Record("b", at(5))
	if err := r.Flush(context.Background()); !errors.Is(err, errWrite) {
		t.Fatalf("Flush: got %v, want %v", err, errWrite)
	}
	checkUses(t, "Pending", r.Pending(), map[string]entity.Time{"a": at(9), "b": at(5)})
}

func TestBatchSize(t *testing.T) {
	tests := []struct {
		batch, tokens int
		sizes         []int
	}{
		{batch: 2, tokens: 5, sizes: []int{2, 2, 1}},
		{batch: 2, tokens: 4, sizes: []int{2, 2}},
		{batch: 3, tokens: 3, sizes: []int{3}},
		{batch: 1, tokens: 3, sizes: []int{1, 1, 1}},
		{batch: 0, tokens: 501, sizes: []int{500, 1}}, // the default
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d of %d", tt.tokens, tt.batch), func(t *testing.T) {
			var sizes []int
			w := newWriter(nil)
			r := NewRecorder(w, Options{BatchSize: tt.batch, Now: newClock().Now, OnFlush: func(size int, err error) {
				sizes = append(sizes, size)
			}})
			want := map[string]entity.Time{}
			for i := range tt.tokens {
				id := fmt.Sprintf("t%d", i)
				r.Record(id, at(i))
				want[id] = at(i)
			}
			flush(t, r)
			got := map[string]entity.Time{}
			var gotSizes []int
			for _, c := range w.Calls() {
				gotSizes = append(gotSizes, len(c))
				for id, u := range c {
					if _, dup := got[id]; dup {
						t.Errorf("token %s written twice", id)
					}
					got[id] = u
				}
			}
			slices.Sort(gotSizes)
			slices.Reverse(gotSizes)
			if !slices.Equal(gotSizes, tt.sizes) {
				t.Errorf("batch sizes: got %v, want %v", gotSizes, tt.sizes)
			}
			if !slices.Equal(sizes, gotSizes) {
				t.Errorf("OnFlush sizes: got %v, want %v", sizes, gotSizes)
			}
			checkUses(t, "written", got, want)
			if got := r.Writes.Load(); got != int64(len(tt.sizes)) {
				t.Errorf("Writes: got %d, want %d", got, len(tt.sizes))
			}
		})
	}
}

// TestFailedBatchDoesNotStopOthers: the other batches of a flush are still
// written, only the failed one goes back, and Flush returns the first error.
func TestFailedBatchDoesNotStopOthers(t *testing.T) {
	errLater := errors.New("later write failed")
	w := newWriter(func(_ context.Context, n int, _ map[string]entity.Time) error {
		switch n {
		case 0:
			return errWrite
		case 2:
			return errLater
		}
		return nil
	})
	r := NewRecorder(w, Options{BatchSize: 2, Now: newClock().Now})
	for i := range 6 {
		r.Record(fmt.Sprintf("t%d", i), at(i))
	}
	err := r.Flush(context.Background())
	if !errors.Is(err, errWrite) {
		t.Fatalf("Flush: got %v, want %v", err, errWrite)
	}
	calls := w.Calls()
	if len(calls) != 3 {
		t.Fatalf("writes: got %d, want 3", len(calls))
	}
	failed := maps.Clone(calls[0])
	maps.Copy(failed, calls[2])
	checkUses(t, "Pending", r.Pending(), failed)
	if f, n := r.Failures.Load(), r.Writes.Load(); f != 2 || n != 1 {
		t.Errorf("Failures, Writes: got %d, %d, want 2, 1", f, n)
	}
}

func TestMaxPending(t *testing.T) {
	w := newWriter(nil)
	r := NewRecorder(w, Options{MaxPending: 2, Now: newClock().Now})
	r.Record("a", at(1))
	r.Record("b", at(1))
	r.Record("c", at(1)) // a third token: dropped
	r.Record("a", at(2)) // a newer use of a pending token: kept
	r.Record("b", at(0)) // an older use: ignored, not dropped
	checkUses(t, "Pending", r.Pending(), map[string]entity.Time{"a": at(2), "b": at(1)})
	if got := r.Dropped.Load(); got != 1 {
		t.Errorf("Dropped: got %d, want 1", got)
	}
	flush(t, r)
	r.Record("c", at(3)) // room again after the flush
	checkUses(t, "Pending after Flush", r.Pending(), map[string]entity.Time{"c": at(3)})
}

func TestNewRecorderDefaults(t *testing.T) {
	now := func() time.Time { return base }
	logger := slog.New(slog.DiscardHandler)
	set := Options{Interval: time.Second, MinGap: time.Hour, BatchSize: 7, MaxPending: 9, Now: now, Logger: logger}
	tests := []struct {
		name string
		opts Options
		want Options
	}{
		{"zero", Options{}, Options{Interval: 5 * time.Second, MinGap: time.Minute, BatchSize: 500, MaxPending: 1_000_000}},
		{"negative", Options{Interval: -1, MinGap: -1, BatchSize: -1, MaxPending: -1},
			Options{Interval: 5 * time.Second, MinGap: time.Minute, BatchSize: 500, MaxPending: 1_000_000}},
		{"set", set, set},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewRecorder(newWriter(nil), tt.opts).opts
			if got.Interval != tt.want.Interval || got.MinGap != tt.want.MinGap ||
				got.BatchSize != tt.want.BatchSize || got.MaxPending != tt.want.MaxPending {
				t.Errorf("Interval, MinGap, BatchSize, MaxPending: got %v, %v, %d, %d, want %v, %v, %d, %d",
					got.Interval, got.MinGap, got.BatchSize, got.MaxPending,
					tt.want.Interval, tt.want.MinGap, tt.want.BatchSize, tt.want.MaxPending)
			}
			wantLogger, wantNow := tt.want.Logger, tt.want.Now
			if wantLogger == nil {
				wantLogger = slog.Default()
			}
			if got.Logger != wantLogger {
				t.Errorf("Logger: got %p, want %p", got.Logger, wantLogger)
			}
			if got.Now == nil {
				t.Fatal("Now: got nil, want a clock")
			}
			if wantNow != nil {
				if !got.Now().Equal(wantNow()) {
					t.Errorf("Now(): got %v, want %v", got.Now(), wantNow())
				}
			} else if d := time.Since(got.Now()); d < 0 || d > time.Minute {
				t.Errorf("default Now(): %v from time.Now, want time.Now", d)
			}
		})
	}
}

// runRecorder starts r.Run and returns a stop func that cancels it, waits
// for it to return and reports when the cancel had taken effect.
func runRecorder(t *testing.T, r *Recorder) (stop func() (cancelled time.Time)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Run(ctx)
	}()
	var once sync.Once
	stop = func() (cancelled time.Time) {
		once.Do(func() {
			cancel() // cancels the children of ctx before it returns
			cancelled = time.Now()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Error("Run did not return after its context ended")
			}
		})
		return cancelled
	}
	t.Cleanup(func() { stop() })
	return stop
}

func hasUse(id string) func([]map[string]entity.Time) bool {
	return func(calls []map[string]entity.Time) bool {
		return slices.ContainsFunc(calls, func(c map[string]entity.Time) bool { _, ok := c[id]; return ok })
	}
}

func TestRunFlushesEveryInterval(t *testing.T) {
	w := newWriter(nil)
	r := NewRecorder(w, Options{Interval: 5 * time.Millisecond})
	stop := runRecorder(t, r)
	r.Record("a", at(1))
	w.waitFor(t, "the first write", hasUse("a"))
	r.Record("b", at(2))
	w.waitFor(t, "a later write", hasUse("b"))
	stop()
	for _, c := range w.Calls() {
		if len(c) == 0 {
			t.Errorf("an empty write: %v", w.Calls())
		}
	}
}

// TestRunStopsWithoutFinalFlush: Run leaves what is pending when its
// context ends; the Flush after it (shutdown) writes it.
func TestRunStopsWithoutFinalFlush(t *testing.T) {
	w := newWriter(nil)
	r := NewRecorder(w, Options{Interval: time.Hour})
	stop := runRecorder(t, r)
	r.Record("a", at(1))
	stop()
	checkCalls(t, w)
	checkUses(t, "Pending after Run", r.Pending(), map[string]entity.Time{"a": at(1)})
	flush(t, r)
	checkCalls(t, w, map[string]entity.Time{"a": at(1)})
}

// TestRunBoundsWrites: a background write gets a deadline of Interval and
// is cancelled with Run's context; its uses go back for the final Flush.
func TestRunBoundsWrites(t *testing.T) {
	const interval = 50 * time.Millisecond
	type first struct {
		deadline time.Time
		hasDL    bool
		err      error
	}
	var (
		succeed atomic.Bool
		mu      sync.Mutex
		got     first
		started = make(chan struct{})
	)
	w := newWriter(func(ctx context.Context, n int, _ map[string]entity.Time) error {
		if succeed.Load() {
			return nil
		}
		if n == 0 {
			mu.Lock()
			got.deadline, got.hasDL = ctx.Deadline()
			mu.Unlock()
			close(started)
		}
		<-ctx.Done()
		if n == 0 {
			mu.Lock()
			got.err = ctx.Err()
			mu.Unlock()
		}
		return ctx.Err()
	})
	r := NewRecorder(w, Options{Interval: interval, Logger: slog.New(slog.DiscardHandler)})
	stop := runRecorder(t, r)
	r.Record("a", at(1))
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("no background write started")
	}
	cancelled := stop()
	mu.Lock()
	defer mu.Unlock()
	if !got.hasDL {
		t.Fatal("background write: no deadline, want one within Interval")
	}
	if d := got.deadline.Sub(cancelled); d > interval {
		t.Errorf("background write: deadline %v after the cancel, want at most Interval (%v)", d, interval)
	}
	// Only a cancel that came before the deadline can be told apart from it.
	if cancelled.Before(got.deadline) && !errors.Is(got.err, context.Canceled) {
		t.Errorf("background write after Run's context ended: got %v, want %v", got.err, context.Canceled)
	}
	if r.Failures.Load() == 0 {
		t.Error("Failures: got 0, want the cancelled write counted")
	}
	checkUses(t, "Pending after Run", r.Pending(), map[string]entity.Time{"a": at(1)})
	succeed.Store(true)
	flush(t, r)
	if p := r.Pending(); len(p) != 0 {
		t.Errorf("Pending after the final Flush: got %v, want none", p)
	}
}

// syncBuffer is a log destination safe for the Run goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRunLogsAndRetries: a failed background write is logged and its uses
// are written at a later tick.
func TestRunLogsAndRetries(t *testing.T) {
	var log syncBuffer
	w := newWriter(func(_ context.Context, n int, _ map[string]entity.Time) error {
		if n == 0 {
			return errWrite
		}
		return nil
	})
	r := NewRecorder(w, Options{Interval: 5 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	stop := runRecorder(t, r)
	r.Record("a", at(1))
	w.waitFor(t, "the retry", func(calls []map[string]entity.Time) bool { return len(calls) >= 2 })
	stop()
	calls := w.Calls()
	checkUses(t, "the retry", calls[1], map[string]entity.Time{"a": at(1)})
	if got := log.String(); !strings.Contains(got, "writing token uses failed") || !strings.Contains(got, errWrite.Error()) {
		t.Errorf("log: got %q, want the failure and its error", got)
	}
	if p := r.Pending(); len(p) != 0 {
		t.Errorf("Pending after the retry: got %v, want none", p)
	}
}
