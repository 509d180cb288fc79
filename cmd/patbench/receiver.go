package main

import (
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// verifyEvery is how often the receiver checks a signature: one request
// in verifyEvery, with the Standard Webhooks reference library.
const verifyEvery = 25

// message is a delivery the receiver kept, for the floors to send again.
type message struct {
	id, eventType string
	body          []byte
}

// receiver is workload o's webhook endpoint: a bare net/http server on
// loopback that answers 204 at once, counting the requests of the current
// phase, their distinct webhook-ids and new connections, and verifying a
// sample of signatures.
type receiver struct {
	url string
	srv *http.Server

	conns atomic.Int64 // connections accepted, all phases

	mu       sync.Mutex
	wh       *standardwebhooks.Webhook
	phase    receipts
	keep     bool // keep the messages of this phase
	kept     []message
	progress chan struct{} // closed and replaced on each request
}

// receipts is what the receiver saw in one phase.
type receipts struct {
	n, distinct      int
	first, last      time.Time
	verified, badSig int
	firstBad         string
	conns0           int64 // conns at the phase's start
	ids              map[string]bool
	eventTypes       map[string]int // by X-Pats-Event
}

// startReceiver listens on a free loopback port.
func startReceiver() (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &receiver{url: "http://" + ln.Addr().String() + "/hook", progress: make(chan struct{})}
	r.phase = receipts{ids: map[string]bool{}, eventTypes: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /hook", r.handle)
	r.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 2 * time.Minute,
		ConnState: func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				r.conns.Add(1)
			}
		}}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

func (r *receiver) close() { _ = r.srv.Close() }

// begin starts a phase: counts from zero, signatures checked with secret.
func (r *receiver) begin(secret string, keep bool) error {
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.wh, r.keep = wh, keep
	r.phase = receipts{ids: map[string]bool{}, eventTypes: map[string]int{}, conns0: r.conns.Load()}
	if keep {
		r.kept = nil
	}
	return nil
}

// snapshot is the current phase's receipts so far (maps left out).
func (r *receiver) snapshot() (receipts, int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.phase
	p.ids, p.eventTypes = nil, nil
	return p, r.conns.Load() - p.conns0
}

// wait returns a channel closed at the next request.
func (r *receiver) wait() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.progress
}

func (r *receiver) handle(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	now := time.Now()
	if err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	id := req.Header.Get(standardwebhooks.HeaderWebhookID)
	typ := req.Header.Get("X-Pats-Event")
	r.mu.Lock()
	p := &r.phase
	p.n++
	if p.n == 1 {
		p.first = now
	}
	p.last = now
	if !p.ids[id] {
		p.ids[id] = true
		p.distinct++
	}
	p.eventTypes[typ]++
	check := p.n%verifyEvery == 1
	wh := r.wh
	if r.keep {
		r.kept = append(r.kept, message{id: id, eventType: typ, body: body})
	}
	close(r.progress)
	r.progress = make(chan struct{})
	r.mu.Unlock()
	if check && wh != nil {
		err := wh.Verify(body, req.Header)
		r.mu.Lock()
		if err == nil {
			p.verified++
		} else {
			p.badSig++
			if p.firstBad == "" {
				p.firstBad = err.Error()
			}
		}
		r.mu.Unlock()
	}
	w.WriteHeader(http.StatusNoContent)
}

// rate is deliveries per second from the first to the last request.
func (p receipts) rate() float64 {
	span := p.last.Sub(p.first)
	if p.n < 2 || span <= 0 {
		return 0
	}
	return float64(p.n-1) / span.Seconds()
}
