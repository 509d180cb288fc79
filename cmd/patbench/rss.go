package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rssPeak is the server's resident set over one workload.
type rssPeak struct {
	startKB, peakKB int64
	// exact: peakKB is the kernel's high-water mark since the workload
	// began (VmHWM after a reset); otherwise it is the largest VmRSS
	// sampled every rssInterval.
	exact bool
}

// rssInterval is how often rssWatch samples VmRSS.
const rssInterval = 20 * time.Millisecond

// rssWatch follows the resident set of the running server during one
// workload.
type rssWatch struct {
	srv   *server
	exact bool
	start int64

	mu      sync.Mutex
	sampled int64
	done    chan struct{}
	wg      sync.WaitGroup
}

// watchRSS starts following srv's resident set: it resets the kernel's
// high-water mark (keeping the one so far for the server's own peak) and
// samples VmRSS until stop.
func watchRSS(srv *server) *rssWatch {
	w := &rssWatch{srv: srv, done: make(chan struct{})}
	pid := srv.cmd.Process.Pid
	w.exact = srv.resetPeak() == nil
	w.start, _ = procStatusKB(pid, "VmRSS:")
	w.sampled = w.start
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		t := time.NewTicker(rssInterval)
		defer t.Stop()
		for {
			select {
			case <-w.done:
				return
			case <-t.C:
				if kb, err := procStatusKB(pid, "VmRSS:"); err == nil {
					w.mu.Lock()
					w.sampled = max(w.sampled, kb)
					w.mu.Unlock()
				}
			}
		}
	}()
	return w
}

// stop ends the sampling and returns the peak.
func (w *rssWatch) stop() rssPeak {
	close(w.done)
	w.wg.Wait()
	p := rssPeak{startKB: w.start, peakKB: w.sampled}
	if w.exact {
		if hwm, err := peakRSSKB(w.srv.cmd.Process.Pid); err == nil {
			p.peakKB, p.exact = max(hwm, w.sampled), true
		}
	}
	return p
}

// String prints the start and the peak in MB.
func (p rssPeak) String() string {
	if p.peakKB == 0 {
		return "–"
	}
	how := "VmHWM"
	if !p.exact {
		how = fmt.Sprintf("VmRSS sampled every %s", rssInterval)
	}
	return fmt.Sprintf("%.1f MB (%.1f MB at start; %s)", float64(p.peakKB)/1024, float64(p.startKB)/1024, how)
}

// resetPeak resets the server's VmHWM, first folding the high-water mark so
// far into the server's own peak, which stop reports.
func (s *server) resetPeak() error {
	pid := s.cmd.Process.Pid
	if kb, err := peakRSSKB(pid); err == nil {
		s.peakKB = max(s.peakKB, kb)
	}
	return resetPeakRSS(pid)
}

// procStatusKB reads a "<key> <n> kB" line of /proc/<pid>/status.
func procStatusKB(pid int, key string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), key); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no %s in /proc status", key)
}
