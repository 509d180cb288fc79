package main

import (
	"fmt"
	"strings"
	"time"
)

// Targets of the leak-response workloads.
const (
	byValueTarget = 150 * time.Millisecond // j p50
	oneOffTarget  = 20 * time.Second       // k and l, wall time
	rssTargetKB   = 150 * 1024             // k and l, the server's peak RSS
)

// leakReport writes the tables of workloads j, k and l, each beside its
// floor: the ratio is ours over the floor's, measured in the same run.
func (b *bench) leakReport(s *strings.Builder) {
	w := func(format string, args ...any) { fmt.Fprintf(s, format, args...) }
	j, j0 := b.results["j"], b.results["j0"]
	if j == nil && len(b.oneOffs) == 0 {
		return
	}
	w("\n### Leak response\n\n")
	if j != nil || j0 != nil {
		w("| workload | n | p50 | p90 | max | floor | ratio | target | met? | errors | CPU/call server · db · patbench |\n")
		w("|---|---:|---:|---:|---:|---|---:|---|---|---:|---|\n")
		row := func(r *result, floor, ratio, target, met string) {
			w("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %d | %s · %s · %s |\n", r.name, r.n, fmtDur(r.p50), fmtDur(r.p90),
				fmtDur(r.max), floor, ratio, target, met, r.errors, fmtCPU(r.cpuServer), fmtCPU(r.cpuDB), fmtCPU(r.cpuSelf))
		}
		if j0 != nil {
			row(j0, "(floor)", "–", "–", "–")
		}
		if j != nil {
			floor, ratio := "–", "–"
			if j0 != nil && j0.p50 > 0 && j.n > 0 {
				floor, ratio = "j0 p50 "+fmtDur(j0.p50), fmt.Sprintf("%.2f", float64(j.p50)/float64(j0.p50))
			}
			row(j, floor, ratio, "p50 < 150 ms", yesNo(j.n > 0 && j.p50 < byValueTarget))
		}
		w("\nEach call: %d values, %d of them secrets of active tokens and %d unknown well-formed values; each j0 transaction the same for another batch.\n\n",
			byValueCall, byValueKnown, byValueCall-byValueKnown)
	}
	if len(b.oneOffs) == 0 {
		return
	}
	w("| workload | rows or tokens | wall | per second | floor | ratio | peak server RSS | target | met? | CPU server · db · patbench (total) |\n")
	w("|---|---:|---:|---:|---|---:|---|---|---|---|\n")
	for _, pair := range [][2]string{{"k", "k0"}, {"l", "l0"}} {
		o, f := b.oneOffs[pair[0]], b.oneOffs[pair[1]]
		if f != nil {
			w("| %s | %d | %s | %.0f /s | (floor) | – | – | – | – | %s |\n", f.name, f.items, fmtSpan(f.wall), f.perSecond(), f.cpu)
		}
		if o == nil {
			continue
		}
		floor, ratio := "–", "–"
		if f != nil && f.wall > 0 {
			floor = fmt.Sprintf("%s %s", pair[1], fmtSpan(f.wall))
			ratio = fmt.Sprintf("%.2f", o.wall.Seconds()/f.wall.Seconds())
		}
		met := yesNo(o.err == "" && o.wall < oneOffTarget && o.rss.peakKB > 0 && o.rss.peakKB < rssTargetKB)
		w("| %s | %d | %s | %.0f /s | %s | %s | %s | < 20 s, < 150 MB | %s | %s |\n", o.name, o.items, fmtSpan(o.wall), o.perSecond(),
			floor, ratio, o.rss, met, o.cpu)
	}
	if k := b.oneOffs["k"]; k != nil {
		w("\nk: `POST /export/tokens` `%s`; first byte after %s", exportBody, fmtDur(k.first))
		if k0 := b.oneOffs["k0"]; k0 != nil {
			w(" (k0's first row after %s)", fmtDur(k0.first))
		}
		w(".\n")
	}
	if l := b.oneOffs["l"]; l != nil {
		w("\nl: the preview took %s (matchingCount %d, ownerCount %d); the mutation answered in %s; the job's own createdAt → finishedAt %s; "+
			"revocationJob polled every %s; chunks of %d (PATS_REVOCATION_CHUNK_SIZE default), no pause.\n",
			fmtDur(l.preview), l.matching, l.owners, fmtDur(l.mutation), fmtSpan(l.server), jobPoll, jobChunk)
	}
	if l0 := b.oneOffs["l0"]; l0 != nil {
		w("\nl0: %d transactions on other owners' tokens (the same number of them, ±one user's).\n", l0.chunks)
	}
	for _, k := range []string{"k", "l"} {
		if o := b.oneOffs[k]; o != nil && o.err != "" {
			w("\n**Error in %s**: %s\n", o.name, o.err)
		}
	}
}

// String prints CPU totals.
func (c cpuSample) String() string {
	return fmt.Sprintf("%s · %s · %s", fmtSpan(c.server), fmtSpan(c.db), fmtSpan(c.self))
}

// fmtSpan prints a duration that may be milliseconds or minutes.
func fmtSpan(d time.Duration) string {
	if d < 10*time.Second {
		return fmtDur(d)
	}
	return roundDur(d)
}
