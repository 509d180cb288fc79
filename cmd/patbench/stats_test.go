package main

import (
	"strings"
	"testing"
	"time"
)

// The benchmark program itself runs by hand against MariaDB (README,
// docs/PERFORMANCE.md); these tests pin its arithmetic and its flags, the
// parts a wrong number in a report would come from.

// TestPercentileNearestRank: nearest-rank percentiles of sorted latencies.
func TestPercentileNearestRank(t *testing.T) {
	lat := make([]time.Duration, 100)
	for i := range lat {
		lat[i] = time.Duration(i+1) * time.Millisecond
	}
	for q, want := range map[float64]time.Duration{0.5: 50 * time.Millisecond, 0.99: 99 * time.Millisecond, 1: 100 * time.Millisecond, 0: time.Millisecond} {
		if got := percentile(lat, q); got != want {
			t.Errorf("percentile(%v): got %v, want %v", q, got, want)
		}
	}
	if got := percentile([]time.Duration{7}, 0.99); got != 7 {
		t.Errorf("percentile of one sample: got %v, want it", got)
	}
}

// TestSummarize: percentiles of unsorted input and throughput.
func TestSummarize(t *testing.T) {
	r := summarize("x", 4, []time.Duration{3 * time.Millisecond, time.Millisecond, 2 * time.Millisecond, 4 * time.Millisecond}, 2*time.Second)
	if r.n != 4 || r.p50 != 2*time.Millisecond || r.p99 != 4*time.Millisecond || r.rps != 2 || r.clients != 4 {
		t.Errorf("summarize: got n=%d p50=%v p99=%v rps=%v clients=%d, want 4, 2ms, 4ms, 2, 4", r.n, r.p50, r.p99, r.rps, r.clients)
	}
	if r.p90 != 4*time.Millisecond || r.max != 4*time.Millisecond {
		t.Errorf("summarize: got p90=%v max=%v, want 4ms, 4ms", r.p90, r.max)
	}
	if empty := summarize("y", 1, nil, 0); empty.n != 0 || empty.rps != 0 {
		t.Errorf("summarize of nothing: got n=%d rps=%v, want zeros", empty.n, empty.rps)
	}
}

// TestExtrapolate: a walk's total time from a linear fit of page latency
// by position (in seconds), summed over every page of 100 up to the target.
func TestExtrapolate(t *testing.T) {
	// latency = 1 ms + 0.01 ms per position: pages at 100..1000 sum to
	// 10×1 ms + 0.01 ms × (100+…+1000) = 10 ms + 55 ms.
	pos := []float64{100, 500, 900}
	lat := make([]float64, len(pos))
	for i, p := range pos {
		lat[i] = 0.001 + p*0.00001 // seconds
	}
	if got, want := extrapolate(pos, lat, 1000), 65*time.Millisecond; got < want-time.Microsecond || got > want+time.Microsecond {
		t.Errorf("extrapolate: got %v, want %v", got, want)
	}
	// One sample: a constant fit.
	if got := extrapolate([]float64{100}, []float64{0.001}, 300); got != 3*time.Millisecond {
		t.Errorf("extrapolate of one sample: got %v, want 3ms", got)
	}
}

// TestParseFlags: defaults, and every refused combination names its flag.
func TestParseFlags(t *testing.T) {
	o, err := parseFlags(nil)
	if err != nil || o.tokens != 1_000_000 || o.mysql != "mysql://root@127.0.0.1:3306" || o.workdir == "" {
		t.Fatalf("defaults: got %+v, %v", o, err)
	}
	if o, err := parseFlags([]string{"-skip", "pages, export"}); err != nil || !o.skip["pages"] || !o.skip["export"] || len(o.skip) != 2 {
		t.Errorf("--skip pages, export: got %v, %v, want both and nothing else", o.skip, err)
	}
	if o, err := parseFlags([]string{"-skip", "impact,outbox,webhooks"}); err != nil || len(o.skip) != 3 {
		t.Errorf("--skip impact,outbox,webhooks: got %v, %v, want the three groups", o.skip, err)
	}
	if o, err := parseFlags([]string{"-mysql", "mysql://u@h:1/"}); err != nil || o.mysql != "mysql://u@h:1" {
		t.Errorf("trailing slash: got %q, %v, want it trimmed", o.mysql, err)
	}
	for args, want := range map[string]string{
		"-tokens 999":             "--tokens",
		"-clients 0":              "--clients",
		"-duration 0s":            "--duration",
		"-mysql sqlite:x":         "--mysql",
		"-database a/b":           "--database",
		"-tokens 5000 extra-arg":  "unexpected arguments",
		"-skip pages,nonsense":    "--skip",
		"-by-value-iterations 0":  "--by-value-iterations",
		"-filter-revoke-tokens 5": "--filter-revoke-tokens",
		"-webhook-events 10":      "--webhook-events",
		"-webhook-org-tokens 500": "--webhook-org-tokens",
	} {
		_, err := parseFlags(strings.Fields(args))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want an error naming %s", args, err, want)
		}
	}
}
