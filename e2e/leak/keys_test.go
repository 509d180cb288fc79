package leak

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/patgov/pats/internal/scanalert/scanalerttest"
	"github.com/patgov/pats/internal/testenv"
)

// slowProxy serves the issuer's keys document after a configurable delay.
type slowProxy struct {
	URL     string
	delay   atomic.Int64 // nanoseconds
	fetches atomic.Int64
}

func newSlowProxy(t testing.TB, upstream string) *slowProxy {
	p := &slowProxy{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.fetches.Add(1)
		select {
		case <-time.After(time.Duration(p.delay.Load())):
		case <-r.Context().Done():
			return
		}
		resp, err := http.Get(upstream)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

var forgedSig = base64.StdEncoding.EncodeToString([]byte("0E\x02 not a real signature at all...."))

// TestForgedAlertsCannotMakeTheServiceFetchKeys: while GitHub's keys URL
// fails (as GitHub's API does past its unauthenticated rate limit),
// unauthenticated alerts with forged identifiers get 503 with Retry-After
// and cause no more than one fetch a minute; once the URL answers again
// and the minute has passed, a genuine alert is checked.
func TestForgedAlertsCannotMakeTheServiceFetchKeys(t *testing.T) {
	issuer := scanalerttest.New(t, "k1")
	issuer.FailWith(http.StatusForbidden) // GitHub: "API rate limit exceeded"
	s, _ := newScannerURL(t, "sqlite", issuer.URL, issuer, testenv.Options{})
	for i := range 40 {
		status, header, _ := s.exchange(t, "forged-"+strconv.Itoa(i), forgedSig, []byte(`[]`), nil)
		if status != http.StatusServiceUnavailable || header.Get("Retry-After") != "60" {
			t.Fatalf("forged alert %d: got HTTP %d, Retry-After %q, want 503 and 60", i, status, header.Get("Retry-After"))
		}
	}
	if got := issuer.Fetches.Load(); got != 1 {
		t.Errorf("40 forged alerts made %d fetches of the keys document, want 1", got)
	}
	issuer.FailWith(0)
	s.env.Clock.Advance(time.Minute)
	if status, out := s.post(t, "k1", "", []byte(`[]`)); status != http.StatusOK {
		t.Errorf("a genuine alert once the keys answer: got HTTP %d %s, want 200", status, out)
	}
}

// TestSlowKeysFetchDoesNotStallKnownKeys: a forged identifier sets off a
// fetch of the keys (allowed once a minute) from a keys URL that takes
// 6 s; meanwhile an alert signed by a known key is answered at once, from
// the keys already held.
func TestSlowKeysFetchDoesNotStallKnownKeys(t *testing.T) {
	issuer := scanalerttest.New(t, "k1")
	proxy := newSlowProxy(t, issuer.URL)
	s, _ := newScannerURL(t, "sqlite", proxy.URL, issuer, testenv.Options{})
	env := s.env
	tok := create(t, env, env.Member(t, testenv.UniqueOrg("slow"), "dev"), "t", 0)
	if status, out := s.post(t, "k1", "", []byte(`[]`)); status != http.StatusOK { // keys loaded
		t.Fatalf("warm-up: %d %s", status, out)
	}
	env.Clock.Advance(time.Minute) // a fetch is allowed again
	proxy.delay.Store(int64(6 * time.Second))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the attacker: no session, no signature
		defer wg.Done()
		s.post(t, "attacker-kid", forgedSig, []byte(`[]`))
	}()
	for proxy.fetches.Load() < 2 {
		time.Sleep(5 * time.Millisecond)
	}
	body, _ := json.Marshal([]alert{{tok.Token, "pats_pat", "https://github.com/x/y", "content"}})
	start := time.Now()
	status, out := s.post(t, "k1", "", body)
	took := time.Since(start)
	wg.Wait()
	if status != http.StatusOK || took > 3*time.Second {
		t.Errorf("a known key's alert during a 6 s fetch: got HTTP %d %s after %v, want 200 without waiting for the fetch", status, out, took.Round(time.Millisecond))
	}
}

// TestRotatedKeyWithinTheMinuteIsRetried: when a forged identifier has
// just spent the once-a-minute fetch, a genuine alert signed by a key
// GitHub rotated in cannot be checked yet: 503 with Retry-After (GitHub
// retries), not 401 (which it would not); its retry after the minute
// revokes the token.
func TestRotatedKeyWithinTheMinuteIsRetried(t *testing.T) {
	s, _ := newScanner(t, "sqlite")
	env := s.env
	tok := create(t, env, env.Member(t, testenv.UniqueOrg("rot"), "dev"), "t", 0)
	if status, _ := s.post(t, "k1", "", []byte(`[]`)); status != http.StatusOK {
		t.Fatal("warm-up")
	}
	env.Clock.Advance(time.Minute)
	s.post(t, "attacker-kid", forgedSig, []byte(`[]`)) // spends the fetch
	s.issuer.AddKey(t, "k2", true)                     // GitHub rotates
	body, _ := json.Marshal([]alert{{tok.Token, "pats_pat", "https://github.com/x/y", "content"}})
	status, header, out := s.exchange(t, "k2", "", body, nil)
	if status != http.StatusServiceUnavailable || header.Get("Retry-After") == "" {
		t.Fatalf("a rotated key right after a spent fetch: got HTTP %d %s (Retry-After %q), want 503 with Retry-After", status, out, header.Get("Retry-After"))
	}
	env.Clock.Advance(time.Minute)
	if status, out := s.post(t, "k2", "", body); status != http.StatusOK {
		t.Fatalf("GitHub's retry a minute later: got HTTP %d %s, want 200", status, out)
	}
	if env.IntrospectActive(t, tok.Token) {
		t.Error("the leaked token still authenticates after the retried alert")
	}
}
