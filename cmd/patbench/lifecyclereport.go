package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// Targets of issue 11's workloads.
const (
	outboxRevokeTarget = 100 * time.Millisecond // i1 p50, with the outbox
	deliveryTarget     = 500.0                  // o, deliveries per second
)

// lifecycleReport writes the tables of workloads m, n and o, each beside
// its floor: the ratio is ours over the floor's, measured in the same run.
func (b *bench) lifecycleReport(s *strings.Builder) {
	w := func(format string, args ...any) { fmt.Fprintf(s, format, args...) }
	i1, n0 := b.results["i1"], b.results["n0"]
	if len(b.impacts) == 0 && n0 == nil && b.hooks == nil {
		return
	}
	w("\n### Issue 11: impact preview, outbox, webhook throughput\n\n")
	if len(b.impacts) > 0 {
		p := b.impactPolicy
		w("m: `patSettingsImpact` on %s (current policy: enabled %t, maxLifespanDays %d, revokeUnusedAfterDays %d), 1 client; "+
			"each floor (s) is the store's statements for the same input, raw, plus the resolvers' look-up of the sample's owners.\n\n",
			bigOrg, p.enabled, p.maxDays, p.unusedAfter)
		w("| workload | expiring | restored | blocked | revoked as unused | owners | n | p50 | p90 | floor p50 | ratio | target | met? | CPU/req server · db · patbench | one-pass SQL p50 (x) |\n")
		w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|---:|\n")
		for _, ir := range b.impacts {
			c, f, r := ir.serverCounts, ir.floor, ir.server
			ratio := "–"
			if f.p50 > 0 && r.n > 0 {
				ratio = fmt.Sprintf("%.2f", float64(r.p50)/float64(f.p50))
			}
			x := "–"
			if ir.onePass != nil {
				x = fmtDur(ir.onePass.p50)
			}
			w("| %s | %d | %d | %d | %d | %d | %d | %s | %s | %s | %s | p50 < 250 ms | %s | %s · %s · %s | %s |\n",
				r.name, c.Expiring, c.Restored, c.Blocked, c.Unused, c.Owners, r.n, fmtDur(r.p50), fmtDur(r.p90), fmtDur(f.p50), ratio,
				yesNo(r.n > 0 && r.p50 < impactTarget), fmtCPU(r.cpuServer), fmtCPU(r.cpuDB), fmtCPU(r.cpuSelf), x)
		}
		w("\nx (not what the service sends, for comparison): every count and the distinct owners in one statement over one range of ix_pat_org_expires " +
			"(organization_id, expires_at, …, which holds every column of every kind's condition and skips expired tokens), then the same samples.\n")
		for _, ir := range b.impacts {
			for _, o := range []struct {
				what string
				c    impactCounts
			}{{"the floor", ir.floorCounts}, {"the one-pass SQL", ir.onePassCounts}} {
				if s := ir.serverCounts; o.c != s {
					w("\n%s: %s counted %s (its last call; the server's last: %s).\n", ir.c.key, o.what, o.c, s)
				}
			}
		}
	}
	if n0 != nil || i1 != nil {
		w("\n| workload | n | p50 | p90 | max | share of i1's p50 | target | met? |\n|---|---:|---:|---:|---:|---:|---|---|\n")
		if i1 != nil {
			w("| %s (the outbox's INSERT included) | %d | %s | %s | %s | 1 | p50 < 100 ms | %s |\n", i1.name, i1.n, fmtDur(i1.p50), fmtDur(i1.p90), fmtDur(i1.max),
				yesNo(i1.n > 0 && i1.p50 < outboxRevokeTarget))
		}
		for _, k := range []string{"n0b", "n0bc", "n0", "n0c", "n1"} {
			r := b.results[k]
			if r == nil {
				continue
			}
			share := "–"
			if i1 != nil && i1.p50 > 0 {
				share = fmt.Sprintf("%.0f %%", 100*float64(r.p50)/float64(i1.p50))
			}
			role := "(info)"
			if k == "n0" || k == "n0c" {
				role = "(floor)"
			}
			w("| %s | %d | %s | %s | %s | %s | %s | – |\n", r.name, r.n, fmtDur(r.p50), fmtDur(r.p90), fmtDur(r.max), share, role)
		}
		if n0 != nil {
			w("\nn0: `INSERT INTO outbox_events (%s) VALUES` %d rows, as GORM writes []*entity.OutboxEvent, in a transaction of its own on bench-big, "+
				"each once no outbox event is pending; n0b the same back to back just after i1, while the server's dispatcher works through i1's events; "+
				"the (+ COMMIT) rows time the whole transaction.\n", strings.Join(outboxColumns, ", "), revokeSize)
		}
		if b.results["n1"] != nil {
			w("\nn1: revokeTokens of %d IDs like i1, but each call only once no outbox event is pending, so the server's dispatcher (which turns each revoked token into an e-mail kept in the database, bench-big having no endpoint) does not run beside it.\n", revokeSize)
		}
	}
	if h := b.hooks; h != nil {
		b.hooksReport(s, h)
	}
	var rounds []string
	for _, srv := range b.servers {
		if failed, deadlocked := failedRounds(srv.logPath); failed > 0 {
			rounds = append(rounds, fmt.Sprintf("server %s logged %d failed delivery rounds (`webhook deliveries failed`), %d of them deadlocks", srv.label, failed, deadlocked))
		}
	}
	if b.deadlocks >= 0 {
		rounds = append(rounds, fmt.Sprintf("MariaDB counted %d InnoDB deadlocks during the run (Innodb_deadlocks, server-wide)", b.deadlocks))
	}
	if len(rounds) > 0 {
		w("\nDeadlocks: %s.\n", strings.Join(rounds, "; "))
	}
}

// failedRounds counts the failed rounds of the delivery worker in a
// server's log, and those that failed on a deadlock.
func failedRounds(logPath string) (failed, deadlocked int) {
	b, err := os.ReadFile(logPath)
	if err != nil {
		return 0, 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if strings.Contains(line, `"msg":"webhook deliveries failed"`) {
			failed++
			if strings.Contains(line, "Deadlock found") {
				deadlocked++
			}
		}
	}
	return failed, deadlocked
}

// innodbDeadlocks reads Innodb_deadlocks, -1 when it cannot.
func (b *bench) innodbDeadlocks(ctx context.Context) int64 {
	var name string
	var n int64
	if err := b.db.QueryRowContext(ctx, "SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'").Scan(&name, &n); err != nil {
		logf("Innodb_deadlocks: %v", err)
		return -1
	}
	return n
}

// hooksReport writes workload o's table.
func (b *bench) hooksReport(s *strings.Builder, h *hookStats) {
	w := func(format string, args ...any) { fmt.Fprintf(s, format, args...) }
	w("\n| workload | received | distinct ids | deliveries/s (first → last) | span | new connections | signatures checked (bad) | floor | ratio | target | met? | CPU per delivery server · db · patbench |\n")
	w("|---|---:|---:|---:|---:|---:|---|---|---:|---|---|---|\n")
	var floor *hookFloor
	for i := range h.floors {
		if strings.HasPrefix(h.floors[i].name, "o0.") {
			floor = &h.floors[i]
		}
	}
	perDelivery := func(c cpuSample, n int) string {
		if n == 0 {
			return "–"
		}
		d := time.Duration(n)
		return fmt.Sprintf("%s · %s · %s", fmtCPU(c.server/d), fmtCPU(c.db/d), fmtCPU(c.self/d))
	}
	for _, f := range h.floors {
		w("| %s | %d | %d | %s | %s | %d | %d (%d) | (floor) | – | – | – | %s |\n", f.name, f.r.n, f.r.distinct, fmtRPS(f.r.rate()),
			fmtSpan(f.r.last.Sub(f.r.first)), f.conns, f.r.verified, f.r.badSig, perDelivery(f.cpu, f.r.n))
	}
	rate := h.server.rate()
	fl, ratio := "–", "–"
	if floor != nil && floor.r.rate() > 0 {
		fl, ratio = fmt.Sprintf("o0 %s/s", fmtRPS(floor.r.rate())), fmt.Sprintf("%.3f", rate/floor.r.rate())
	}
	w("| o. the service's delivery worker, %d token.revoked events | %d | %d | %s | %s | %d | %d (%d) | %s | %s | ≥ 500/s | %s | %s |\n",
		h.events, h.server.n, h.server.distinct, fmtRPS(rate), fmtSpan(h.server.last.Sub(h.server.first)), h.serverConn,
		h.server.verified, h.server.badSig, fl, ratio, yesNo(h.err == "" && rate >= deliveryTarget), perDelivery(h.cpu, h.server.n))
	w("\no: endpoint of %s subscribed to TOKEN_REVOKED at a local net/http receiver (204, one signature in %d checked with the Standard Webhooks library); "+
		"server with PATS_WEBHOOKS_ALLOW_PRIVATE=true; the worker's design: a round every second, claims of %d, %d sends at once. ",
		hooksOrg, verifyEvery, workerClaim, workerConcurrency)
	if r := h.revokes; r != nil {
		w("The events came from %d revokeTokens calls of %d in %s (p50 %s each); ", r.n, revokeSize, fmtSpan(h.genSpan), fmtDur(r.p50))
	}
	w("first call → first delivery %s, → last delivery %s (%s/s end to end); last call → last delivery %s. ", fmtSpan(h.firstAfter), fmtSpan(h.endToEnd),
		fmtRPS(float64(h.server.n)/h.endToEnd.Seconds()), fmtSpan(h.drain))
	var states []string
	for st, n := range h.states {
		states = append(states, fmt.Sprintf("%s %d", st, n))
	}
	slices.Sort(states)
	w("The endpoint's deliveries afterwards: %s, %d attempts. ", strings.Join(states, ", "), h.attempts)
	if n := h.server.n; n > 0 && len(h.statements) > 0 {
		var per []string
		for _, c := range statusCounters {
			per = append(per, fmt.Sprintf("%s %.2f", c, float64(h.statements[c])/float64(n)))
		}
		w("MariaDB's counters per delivery over o (server-wide, revocations included): %s. ", strings.Join(per, ", "))
	}
	if h.backlog > 0 {
		w("Before it began, %d outbox events of earlier workloads were pending; their dispatch took %s. ", h.backlog, fmtSpan(h.backlogFor))
	}
	w("The floors send the received messages again, signed anew, with %d workers, without the server running.\n", workerConcurrency)
	if len(h.records) > 0 {
		w("\n| the worker's database work per delivery, raw, %d workers | deliveries | wall | per second | CPU per delivery server · db · patbench |\n|---|---:|---:|---:|---|\n", workerConcurrency)
		for _, f := range h.records {
			w("| %s | %d | %s | %s | %s |\n", f.name, f.n, fmtSpan(f.wall), fmtRPS(f.rate()), perDelivery(f.cpu, f.n))
		}
		for _, f := range h.records {
			if f.fails > 0 {
				w("\n**%s**: %d failed.\n", f.name, f.fails)
			}
		}
	}
	if h.err != "" {
		w("\n**Error in o**: %s\n", h.err)
	}
	for _, f := range h.floors {
		if f.fails > 0 {
			w("\n**%s**: %d sends failed.\n", f.name, f.fails)
		}
	}
	if h.server.badSig > 0 {
		w("\n**o: %d bad signatures**; first: %s\n", h.server.badSig, h.server.firstBad)
	}
}
