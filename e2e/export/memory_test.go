package export

import (
	"context"
	"io"
	"net/http"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patgov/pats/internal/seed"
	"github.com/patgov/pats/internal/store"
	"github.com/patgov/pats/internal/testenv"
)

// TestExportMemoryIsFlat: the export streams. Exporting ten times as many
// tokens does not take more memory: the service's peak heap growth while
// an export of 60,000 rows streams (about 15 MB of CSV) stays within a
// small bound of that of 3,000 rows, and far below the file's size (on
// SQLite under the race detector, 8,000 and 400 rows). A service that
// buffered the result would grow with it.
func TestExportMemoryIsFlat(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		small, large := testenv.UniqueOrg("export-mem-s"), testenv.UniqueOrg("export-mem-l")
		smallN, largeN := 3_000, 60_000
		if env.Dialect == "sqlite" && testenv.RaceDetector {
			// The race detector slows the pure-Go SQLite engine twentyfold.
			smallN, largeN = 400, 8_000
		}
		for org, n := range map[string]int{small: smallN, large: largeN} {
			if err := seed.Run(context.Background(), store.New(env.DB.DB, env.DB.Dialect), seed.Options{
				Org: org, Users: 200, Tokens: n, Batch: 500, Writers: 1, Now: env.Clock.Now(), Seed: 7,
			}, &strings.Builder{}); err != nil {
				t.Fatalf("seed: %v", err)
			}
		}
		smallGrowth, smallBytes := exportPeak(t, env, small)
		largeGrowth, largeBytes := exportPeak(t, env, large)
		t.Logf("%s: peak heap growth %d KiB for %d KiB of CSV; %d KiB for %d KiB", env.Dialect,
			smallGrowth>>10, smallBytes>>10, largeGrowth>>10, largeBytes>>10)
		if largeBytes < 15*smallBytes {
			t.Fatalf("the large export is only %d bytes (small: %d)", largeBytes, smallBytes)
		}
		if bound := max(2*smallGrowth, 6<<20); largeGrowth > bound {
			t.Fatalf("peak heap growth %d bytes for %d bytes of CSV (small export: %d for %d): want at most %d, memory grows with the export",
				largeGrowth, largeBytes, smallGrowth, smallBytes, bound)
		}
		if largeBytes > 10<<20 && largeGrowth > largeBytes/3 {
			t.Fatalf("peak heap growth %d bytes for a %d-byte file: the export is buffered", largeGrowth, largeBytes)
		}
	})
}

// exportPeak downloads org's whole inventory as CSV over HTTP, reading it
// as it arrives, and returns the peak growth of the process's heap
// meanwhile (sampled every 2 ms, after a GC) and the file's size.
func exportPeak(t *testing.T, env *testenv.Env, org string) (growth, size int64) {
	t.Helper()
	admin := env.Admin(t, org, "mem-admin")
	runtime.GC()
	base := []metrics.Sample{{Name: heapObjects}}
	metrics.Read(base)
	var (
		peak uint64
		wg   sync.WaitGroup
		stop = make(chan struct{})
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		// runtime/metrics, unlike ReadMemStats, does not stop the world.
		sample := []metrics.Sample{{Name: heapObjects}}
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				metrics.Read(sample)
				peak = max(peak, sample[0].Value.Uint64())
			}
		}
	}()
	req, err := http.NewRequest(http.MethodPost, env.URL+"/export/tokens",
		strings.NewReader(`{"format":"csv","filter":{"status":["ACTIVE","EXPIRED","REVOKED"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+admin.Bearer)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	size, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	close(stop)
	wg.Wait()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("export: HTTP %d, %v", resp.StatusCode, err)
	}
	return int64(peak) - int64(base[0].Value.Uint64()), size
}

// heapObjects is the heap's live and not yet swept objects, in bytes
// (HeapAlloc).
const heapObjects = "/memory/classes/heap/objects:bytes"
