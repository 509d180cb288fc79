package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// result is what one workload measured.
type result struct {
	name     string
	clients  int
	n        int // successful requests completed in the measured window
	errors   int // failed requests in the measured window
	p50, p99 time.Duration
	p90, max time.Duration // reported for the leak-response calls (few, slow)
	rps      float64
	firstErr string
	// CPU time per request (warm-up included) of the server, MariaDB
	// and patbench (clients); zero when not sampled.
	cpuServer, cpuDB, cpuSelf time.Duration
}

// op is one request of a workload; seq numbers requests across all clients.
type op func(ctx context.Context, seq uint64) error

// newClient returns a keep-alive HTTP client of its own: one per load
// goroutine, so no two goroutines share a connection pool.
func newClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 60 * time.Second,
		Transport: &http.Transport{
			Proxy:               nil,
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			IdleConnTimeout:     2 * time.Minute,
			DisableCompression:  true,
		},
	}
}

// closedLoop runs clients goroutines, each issuing requests back to back,
// for warmup (unmeasured) then dur (measured). newOp is called once per
// goroutine, so each can hold its own client. The measured requests are
// those started inside the measured window (each goroutine starts at least
// minPerClient, however slow, within a hard limit); latencies are those of the
// successful ones, and the throughput is their count over the time from
// the window's start to the last completion.
func closedLoop(ctx context.Context, name string, probe cpuProbe, clients int, warmup, dur time.Duration, newOp func(worker int) op) (*result, error) {
	logf("workload %s: %d clients, %s warm-up + %s", name, clients, warmup, dur)
	const slack = 2 * time.Minute
	ctx, cancel := context.WithTimeout(ctx, warmup+dur+slack+time.Minute)
	defer cancel()
	var (
		seq      atomic.Uint64
		mu       sync.Mutex
		all      []time.Duration
		errs     int
		firstErr string
		lastDone time.Time
		wg       sync.WaitGroup
	)
	cpu0 := probe.sample()
	start := time.Now()
	measureFrom, end, hardEnd := start.Add(warmup), start.Add(warmup+dur), start.Add(warmup+dur+slack)
	for w := range clients {
		do := newOp(w)
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 4096)
			var (
				nerr, measured int
				ferr           string
				last           time.Time
			)
			for ctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(end) && (measured >= minPerClient || !t0.Before(hardEnd)) {
					break
				}
				err := do(ctx, seq.Add(1)-1)
				t1 := time.Now()
				if t0.Before(measureFrom) {
					continue
				}
				if err != nil && ctx.Err() != nil {
					break
				}
				measured++
				last = t1
				if err != nil {
					nerr++
					if ferr == "" {
						ferr = err.Error()
					}
					continue
				}
				lat = append(lat, t1.Sub(t0))
			}
			mu.Lock()
			all = append(all, lat...)
			errs += nerr
			if firstErr == "" {
				firstErr = ferr
			}
			if last.After(lastDone) {
				lastDone = last
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("workload %s: %w", name, err)
	}
	r := summarize(name, clients, all, max(lastDone.Sub(measureFrom), dur))
	r.errors, r.firstErr = errs, firstErr
	r.setCPU(cpu0, probe.sample(), seq.Load())
	logResult(r)
	return r, nil
}

// setCPU records the CPU time per request between two samples.
func (r *result) setCPU(a, b cpuSample, requests uint64) {
	if requests == 0 {
		return
	}
	n := time.Duration(requests)
	r.cpuServer, r.cpuDB, r.cpuSelf = (b.server-a.server)/n, (b.db-a.db)/n, (b.self-a.self)/n
}

// minPerClient is the least number of measured requests each client of a
// closed loop issues, so a workload slower than --duration still has a
// few samples.
const minPerClient = 3

// summarize computes percentiles (nearest rank) and throughput.
func summarize(name string, clients int, lat []time.Duration, dur time.Duration) *result {
	slices.Sort(lat)
	r := &result{name: name, clients: clients, n: len(lat)}
	if len(lat) > 0 {
		r.p50 = percentile(lat, 0.50)
		r.p90 = percentile(lat, 0.90)
		r.p99 = percentile(lat, 0.99)
		r.max = lat[len(lat)-1]
	}
	if dur > 0 {
		r.rps = float64(len(lat)) / dur.Seconds()
	}
	return r
}

func percentile(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func logResult(r *result) {
	msg := fmt.Sprintf("workload %s: n=%d p50=%s p99=%s %.1f req/s; CPU/req server %s, db %s, patbench %s",
		r.name, r.n, fmtDur(r.p50), fmtDur(r.p99), r.rps, fmtDur(r.cpuServer), fmtDur(r.cpuDB), fmtDur(r.cpuSelf))
	if r.errors > 0 {
		msg += fmt.Sprintf(" ERRORS=%d (first: %s)", r.errors, r.firstErr)
	}
	logf("%s", msg)
}

// sequential runs op count times in a row after warm calls that are not
// measured, stopping early at maxDur; the throughput is over the measured
// calls' total time.
func sequential(ctx context.Context, name string, probe cpuProbe, warm, count int, maxDur time.Duration, do op) (*result, error) {
	return sequentialAfter(ctx, name, probe, warm, count, maxDur, do, nil)
}

// sequentialAfter is sequential with before, when not nil, run ahead of
// each call and not counted in its time.
func sequentialAfter(ctx context.Context, name string, probe cpuProbe, warm, count int, maxDur time.Duration, do op, before func(context.Context) error) (*result, error) {
	logf("workload %s: 1 client, %d warm-up + up to %d calls (at most %s)", name, warm, count, maxDur)
	ctx, cancel := context.WithTimeout(ctx, maxDur+2*time.Minute)
	defer cancel()
	var (
		lat      []time.Duration
		errs     int
		firstErr string
		total    time.Duration
	)
	cpu0 := probe.sample()
	calls := 0
	deadline := time.Now().Add(maxDur)
	for i := 0; i < warm+count && time.Now().Before(deadline); i++ {
		if before != nil {
			if err := before(ctx); err != nil {
				return nil, fmt.Errorf("workload %s: %w", name, err)
			}
		}
		t0 := time.Now()
		err := do(ctx, uint64(i))
		d := time.Since(t0)
		calls++
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("workload %s: %w", name, err)
		}
		if i < warm {
			if err != nil {
				return nil, fmt.Errorf("workload %s: warm-up call: %w", name, err)
			}
			continue
		}
		total += d
		if err != nil {
			errs++
			if firstErr == "" {
				firstErr = err.Error()
			}
			continue
		}
		lat = append(lat, d)
	}
	r := summarize(name, 1, lat, total)
	r.errors, r.firstErr = errs, firstErr
	r.setCPU(cpu0, probe.sample(), uint64(calls))
	logResult(r)
	return r, nil
}

// fmtDur prints a latency with 3 significant figures.
func fmtDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	case d < 10*time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	default:
		return d.Round(100 * time.Millisecond).String()
	}
}
