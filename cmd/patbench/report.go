package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
)

// facts describe the machine the figures come from.
type facts struct {
	nproc      int
	cpu        string
	memTotal   string
	kernel     string
	goVersion  string
	mariadb    string
	bufferPool int64
	loadStart  string
	loadEnd    string
	date       time.Time
	revision   string
}

// gitRevision describes the working tree the server was built from.
func gitRevision(ctx context.Context, root string) string {
	out, err := exec.CommandContext(ctx, "git", "-C", root, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	rev := strings.TrimSpace(string(out))
	status, err := exec.CommandContext(ctx, "git", "-C", root, "status", "--porcelain", "--untracked-files=no").Output()
	if err == nil && len(strings.TrimSpace(string(status))) > 0 {
		rev += fmt.Sprintf(" + uncommitted changes in %d tracked files", len(strings.Split(strings.TrimSpace(string(status)), "\n")))
	}
	return rev
}

func machineFacts(ctx context.Context) facts {
	f := facts{nproc: runtime.NumCPU(), cpu: "unknown", goVersion: runtime.Version(), loadStart: loadAvg(), date: time.Now()}
	if v, err := exec.CommandContext(ctx, "go", "version").Output(); err == nil {
		f.goVersion = strings.TrimSpace(string(v))
	}
	f.cpu = procField("/proc/cpuinfo", "model name", ":")
	f.memTotal = procField("/proc/meminfo", "MemTotal", ":")
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		f.kernel = strings.TrimSpace(string(b))
	}
	return f
}

// procField returns the value of the first "key<sep> value" line of a file.
func procField(path, key, sep string) string {
	file, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), sep)
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	fields := strings.Fields(string(b))
	if len(fields) < 3 {
		return "unknown"
	}
	return strings.Join(fields[:3], " ")
}

// check is one row of the results table.
type check struct {
	name   string
	r      *result
	floor  string
	ratio  float64 // 0: none
	target string
	met    string
}

// lowerIsBetter checks value/floor <= limit.
func lowerIsBetter(name string, r *result, floorName string, floor time.Duration, limit float64) check {
	c := check{name: name, r: r, target: fmt.Sprintf("≤ %.1f×", limit)}
	if r == nil || floor <= 0 {
		c.met = "–"
		return c
	}
	c.floor = fmt.Sprintf("%s p50 %s", floorName, fmtDur(floor))
	c.ratio = float64(r.p50) / float64(floor)
	c.met = yesNo(c.ratio <= limit)
	return c
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "**NO**"
}

func fmtRPS(v float64) string {
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

// commandLine is the command as typed.
func (b *bench) commandLine() string {
	parts := []string{"go run ./cmd/patbench"}
	for _, a := range b.opts.args {
		if strings.ContainsAny(a, " \t'\"$") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

func (b *bench) report() string {
	r := b.results
	p50 := func(k string) time.Duration {
		if r[k] == nil {
			return 0
		}
		return r[k].p50
	}
	var checks []check
	add := func(c check) { checks = append(checks, c) }
	floorRow := func(k, what string) {
		if r[k] != nil {
			add(check{name: r[k].name, r: r[k], floor: what, target: "–", met: "–"})
		}
	}

	floorRow("a", "(floor)")
	floorRow("b", "(floor)")
	if c, a := r["c"], r["a"]; c != nil && a != nil {
		ratio := c.rps / a.rps
		add(check{name: c.name, r: c, floor: fmt.Sprintf("a %s req/s", fmtRPS(a.rps)), ratio: ratio,
			target: "req/s ≥ 0.70× a", met: yesNo(ratio >= 0.70)})
	}
	add(lowerIsBetter(nameOf(r["d"]), r["d"], "a+b", p50("a")+p50("b"), 1.5))
	for _, k := range []string{"h1", "h2", "h3", "h4", "h5"} {
		floorRow(k, "(floor)")
	}
	add(lowerIsBetter(nameOf(r["e1"]), r["e1"], "h1", p50("h1"), 3))
	add(lowerIsBetter(nameOf(r["e1"])+" — vs small", r["e1"], "e2", p50("e2"), 2))
	add(lowerIsBetter(nameOf(r["e2"]), r["e2"], "h2", p50("h2"), 3))
	add(lowerIsBetter(nameOf(r["f"]), r["f"], "h3", p50("h3"), 3))
	add(lowerIsBetter(nameOf(r["f"])+" — vs first page", r["f"], "e1", p50("e1"), 1.5))
	add(lowerIsBetter(nameOf(r["g"]), r["g"], "h4", p50("h4"), 3))
	add(lowerIsBetter(nameOf(r["g2"])+" (info)", r["g2"], "h5", p50("h5"), 3))
	if i := r["i1"]; i != nil {
		add(check{name: i.name, r: i, floor: "–", target: "p50 < 100 ms", met: yesNo(i.p50 < 100*time.Millisecond)})
	}
	if i := r["i2"]; i != nil {
		add(check{name: i.name, r: i, floor: "–", target: "p50 < 5 ms", met: yesNo(i.p50 < 5*time.Millisecond)})
	}

	var s strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&s, format, args...) }
	f := b.facts
	w("## patbench results (%s)\n\n", f.date.UTC().Format("2006-01-02 15:04 UTC"))
	w("Command: `%s`  \nServer built from: %s\n\n", b.commandLine(), f.revision)
	w("| workload | clients | n | p50 | p99 | req/s | floor | ratio | target | met? | errors | CPU/req server · db · patbench |\n")
	w("|---|---:|---:|---:|---:|---:|---|---:|---|---|---:|---|\n")
	for _, c := range checks {
		if c.r == nil {
			continue
		}
		ratio := "–"
		if c.ratio > 0 {
			ratio = fmt.Sprintf("%.2f", c.ratio)
		}
		w("| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %d | %s · %s · %s |\n",
			c.name, c.r.clients, c.r.n, fmtDur(c.r.p50), fmtDur(c.r.p99), fmtRPS(c.r.rps), c.floor, ratio, c.target, c.met, c.r.errors,
			fmtCPU(c.r.cpuServer), fmtCPU(c.r.cpuDB), fmtCPU(c.r.cpuSelf))
	}

	b.leakReport(&s)
	b.lifecycleReport(&s)

	w("\n| one-off measurement | value | target | met? |\n|---|---|---|---|\n")
	if b.seedBig > 0 {
		target, met := "< 2 min (for 1,000,000 tokens)", "–"
		if b.opts.tokens >= 1_000_000 {
			target, met = "< 2 min", yesNo(b.seedBig < 2*time.Minute)
		}
		w("| seed %s: %d tokens, %d users (`pats seed`) | %s | %s | %s |\n", bigOrg, b.opts.tokens, b.opts.users,
			b.seedBig.Round(100*time.Millisecond), target, met)
		w("| seed %s: %d tokens, 100 users | %s | – | – |\n", smallOrg, b.opts.smallTokens, b.seedSmall.Round(100*time.Millisecond))
	} else {
		w("| seeding | skipped (--skip-seed) | – | – |\n")
	}
	if wk := b.walk; wk.pages > 0 {
		per := fmtDur(wk.elapsed / time.Duration(wk.pages))
		if wk.reached >= wk.target {
			w("| walk to position %d of %d listed tokens (first: 100, no totalCount) | %s for %d pages (mean %s, last pages %s each) | – | – |\n",
				wk.target, b.listed, wk.elapsed.Round(100*time.Millisecond), wk.pages, per, fmtDur(wk.lastPage))
		} else {
			w("| walk to position %d of %d listed tokens (first: 100, no totalCount) | **stopped by --walk-budget** at position %d after %s (%d pages, last pages %s each); full walk extrapolated to **≈ %s** | – | – |\n",
				wk.target, b.listed, wk.reached, wk.elapsed.Round(100*time.Millisecond), wk.pages, fmtDur(wk.lastPage), roundDur(wk.estimate))
		}
	}
	if b.idsTime > 0 {
		w("| collect IDs of ACTIVE tokens for revokeTokens (first: 100 pages) | %s | – | – |\n", b.idsTime.Round(100*time.Millisecond))
	}
	var peak int64
	for _, srv := range b.servers {
		w("| peak RSS (VmHWM), server %s | %.1f MB | < 150 MB | %s |\n", srv.label, float64(srv.peakKB)/1024, yesNo(srv.peakKB < 150*1024))
		peak = max(peak, srv.peakKB)
	}
	if len(b.servers) > 0 {
		w("| **peak RSS, max** | **%.1f MB** | < 150 MB | %s |\n", float64(peak)/1024, yesNo(peak < 150*1024))
	}

	w("\nMachine: %d CPUs, %s, %s RAM, Linux %s; %s; %s (innodb_buffer_pool_size %d MiB); load average %s at start, %s at end.\n",
		f.nproc, f.cpu, f.memTotal, f.kernel, f.goVersion, f.mariadb, f.bufferPool>>20, f.loadStart, f.loadEnd)
	w("\nClients: %d for a–d (each its own keep-alive http.Client), %d for e, f, h1–h3, %d for the search g and h4, 1 for i, j, k and l; "+
		"%s warm-up then %s per load workload (every client completes at least 3 measured requests, however slow). "+
		"p50/p99 over successful requests; n = measured requests that succeeded. "+
		"CPU/req: user+system CPU time per request (warm-up included) of the server, of mariadbd (which also serves anything else running on this machine) and of patbench (the clients, and the in-process HTTP floor), from /proc/<pid>/stat.\n",
		b.opts.clients, b.opts.pageClients, b.opts.searchClients, b.opts.warmup, b.opts.duration)
	w("\nServer environment: PATS_DATABASE_URL, PATS_ADDR, PATS_JWT_SECRET, PATS_INTROSPECTION_SECRET (random), PATS_LOG_FORMAT=json, %s; "+
		"d only: PATS_VALIDATION_CACHE_SIZE=0.\n", strings.Join(serverLimits, ", "))
	if len(b.opts.skip) > 0 {
		var skipped []string
		for g := range b.opts.skip {
			skipped = append(skipped, g+" ("+workloadGroups[g]+")")
		}
		slices.Sort(skipped)
		w("\nSkipped (--skip): %s.\n", strings.Join(skipped, "; "))
	}
	if b.restored > 0 {
		w("\n%d tokens revoked by a previous run were un-revoked first (--skip-seed).\n", b.restored)
	}
	for k, res := range r {
		if res.errors > 0 {
			w("\nErrors in %s (%s): %d; first: %s\n", k, res.name, res.errors, res.firstErr)
		}
	}
	if b.walk.forgeNote != "" {
		w("\nDeep page: %s.\n", b.walk.forgeNote)
	}
	for _, n := range b.notes {
		w("\nNote: %s\n", n)
	}
	return s.String()
}

func nameOf(r *result) string {
	if r == nil {
		return ""
	}
	return r.name
}

// roundDur rounds a long duration to a readable precision.
func roundDur(d time.Duration) string {
	switch {
	case d >= time.Hour:
		return d.Round(time.Minute).String()
	case d >= time.Minute:
		return d.Round(time.Second).String()
	default:
		return d.Round(100 * time.Millisecond).String()
	}
}

// fmtCPU prints a CPU time per request ("0" rather than "–" for none).
func fmtCPU(d time.Duration) string {
	if d <= 0 {
		return "0"
	}
	return fmtDur(d)
}
