// Command patbench measures the service's workloads beside their floors, in
// one run on one machine, against MariaDB:
//
//	go run ./cmd/patbench                      # 1,000,000-token organization
//	go run ./cmd/patbench --tokens 50000 --duration 3s
//
// It builds the server, seeds two organizations with the service's own
// `pats seed` command, starts the server as a subprocess (once with the
// validation cache disabled, once with it on), and drives each workload with
// a closed loop of keep-alive clients for --duration after a warm-up. Every
// workload is reported beside its floor: a bare net/http server, a raw
// database/sql point lookup, or the raw keyset SQL of the same page. The
// leak-response workloads come next: an export of every token (k), batch
// revocation by value (j) and a revocation by filter (l), each beside the
// raw SQL of the same work. Issue 11's workloads run among them: the
// settings impact preview (m) after the pages, the outbox's INSERT (n)
// after revokeTokens, and, last, with a server of its own, webhook
// delivery throughput to a local receiver (o). --skip leaves groups of
// workloads out. It exits non-zero only on errors, never on missed
// targets. See docs/PERFORMANCE.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "patbench:", err)
		os.Exit(1)
	}
}

// options are the command-line flags.
type options struct {
	mysql         string
	database      string
	tokens        int
	smallTokens   int
	users         int
	clients       int
	pageClients   int
	searchClients int
	duration      time.Duration
	warmup        time.Duration
	skipSeed      bool
	out           string
	workdir       string
	position      int
	revokeIters   int
	byValueIters  int
	filterTokens  int
	hookTokens    int
	hookEvents    int
	skip          map[string]bool
	walkBudget    time.Duration
	args          []string
}

// workloadGroups are the names --skip accepts, each with the workloads it
// leaves out.
var workloadGroups = map[string]string{
	"introspection": "a-d (floors, introspection; and the cache-off server start)",
	"pages":         "e-h (inventory pages, their SQL, the walk to the deep page)",
	"revocations":   "i1, i2 (revokeTokens x1000, revokeTokenByValue)",
	"by-value":      "j, j0 (revokeTokensByValue x1000 and its SQL)",
	"export":        "k, k0 (CSV export of the big organization and its SQL)",
	"filter":        "l, l0 (revocation by filter and its SQL)",
	"impact":        "m1-m6, m1s-m6s (patSettingsImpact of the big organization, and its SQL)",
	"outbox":        "n0b, n0, n1 (the outbox INSERT of one revokeTokens call, raw, beside the dispatcher and alone; revokeTokens x1000 with no dispatch beside it; after i1)",
	"webhooks":      "o, o0, o0w, o0s, o0s1 (webhook delivery throughput to a local receiver, and its floors; its own server start)",
}

// parseSkip reads a comma-separated list of workloadGroups names.
func parseSkip(list string) (map[string]bool, error) {
	skip := map[string]bool{}
	for name := range strings.SplitSeq(list, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		if _, ok := workloadGroups[name]; !ok {
			names := make([]string, 0, len(workloadGroups))
			for n := range workloadGroups {
				names = append(names, n)
			}
			slices.Sort(names)
			return nil, fmt.Errorf("--skip: unknown workload group %q (want some of %s)", name, strings.Join(names, ", "))
		}
		skip[name] = true
	}
	return skip, nil
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("patbench", flag.ContinueOnError)
	fs.StringVar(&o.mysql, "mysql", "mysql://root@127.0.0.1:3306", "MariaDB/MySQL server base URL, without database")
	fs.StringVar(&o.database, "database", "patbench", "database to (re)create and seed")
	fs.IntVar(&o.tokens, "tokens", 1_000_000, "tokens of the big organization (bench-big)")
	fs.IntVar(&o.smallTokens, "small-tokens", 10_000, "tokens of the small organization (bench-small)")
	fs.IntVar(&o.users, "users", 2000, "users of the big organization")
	fs.IntVar(&o.clients, "clients", 16, "concurrent keep-alive clients of the throughput workloads (floors a, b; introspection c, d)")
	fs.IntVar(&o.pageClients, "page-clients", 4, "concurrent clients of the inventory page workloads and their SQL floors (e, f, g, h)")
	fs.IntVar(&o.searchClients, "search-clients", 1, "concurrent clients of the filtered (search) page and its SQL floor (g, h4)")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "measured duration of each load workload")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured warm-up before each load workload")
	fs.BoolVar(&o.skipSeed, "skip-seed", false, "reuse the database and secrets files of a previous run")
	fs.StringVar(&o.out, "out", "", "also write the markdown report to this file")
	fs.StringVar(&o.workdir, "workdir", "", "folder for the server binary, secrets files and logs (default $TMPDIR/patbench; kept between runs for --skip-seed)")
	fs.IntVar(&o.position, "position", 500_000, "position of the deep page (capped at half the big organization's listed tokens)")
	fs.DurationVar(&o.walkBudget, "walk-budget", 5*time.Minute, "time allowed for walking to the deep page; past it the walk stops and its full time is extrapolated")
	fs.IntVar(&o.revokeIters, "revoke-iterations", 20, "measured revokeTokens calls of 1,000 IDs each")
	fs.IntVar(&o.byValueIters, "by-value-iterations", 20, "measured revokeTokensByValue calls of 1,000 values each (and as many transactions of its SQL floor)")
	fs.IntVar(&o.filterTokens, "filter-revoke-tokens", 100_000, "tokens the revocation by filter matches (and, on other owners, its SQL floor)")
	fs.IntVar(&o.hookTokens, "webhook-org-tokens", 20_000, "tokens of the webhook workload's organization (bench-hooks), seeded if it is missing")
	fs.IntVar(&o.hookEvents, "webhook-events", 10_000, "token.revoked events of the webhook workload (revokeTokens calls of 1,000 in bench-hooks)")
	skip := fs.String("skip", "", "comma-separated workload groups not to run: introspection, pages, revocations, by-value, export, filter, impact, outbox, webhooks")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	switch {
	case o.tokens < 1000 || o.smallTokens < 100 || o.users < 1:
		return o, errors.New("need --tokens >= 1000, --small-tokens >= 100, --users >= 1")
	case o.clients < 1 || o.pageClients < 1 || o.searchClients < 1:
		return o, errors.New("need --clients, --page-clients and --search-clients >= 1")
	case o.duration <= 0 || o.warmup < 0:
		return o, errors.New("need --duration > 0 and --warmup >= 0")
	case !strings.HasPrefix(o.mysql, "mysql://"):
		return o, errors.New("--mysql must be a mysql:// URL")
	case o.database == "" || strings.ContainsAny(o.database, "`/?# "):
		return o, errors.New("--database must be a plain name")
	case o.byValueIters < 1 || o.filterTokens < 1000:
		return o, errors.New("need --by-value-iterations >= 1 and --filter-revoke-tokens >= 1000")
	case o.hookEvents < 1000 || o.hookTokens < o.hookEvents:
		return o, errors.New("need --webhook-events >= 1000 and --webhook-org-tokens >= --webhook-events")
	}
	var err error
	if o.skip, err = parseSkip(*skip); err != nil {
		return o, err
	}
	o.mysql = strings.TrimRight(o.mysql, "/")
	if o.workdir == "" {
		o.workdir = os.TempDir() + "/patbench"
	}
	o.args = args
	return o, nil
}

var started = time.Now()

// logf prints progress to stderr.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[patbench %6.1fs] %s\n", time.Since(started).Seconds(), fmt.Sprintf(format, args...))
}

// phase runs fn with a deadline, logging its start and end.
func phase(ctx context.Context, name string, timeout time.Duration, fn func(ctx context.Context) error) error {
	logf("%s ...", name)
	t0 := time.Now()
	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := fn(pctx); err != nil {
		if errors.Is(pctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
			return fmt.Errorf("%s: timed out after %s: %w", name, timeout, err)
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	logf("%s: done in %s", name, time.Since(t0).Round(time.Millisecond))
	return nil
}

func run(ctx context.Context, args []string) error {
	opts, err := parseFlags(args)
	if err != nil {
		return err
	}
	b := &bench{opts: opts, results: map[string]*result{}, oneOffs: map[string]*oneOff{}}
	defer b.close()
	return b.run(ctx)
}
