package webhook

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// receiver is an httptest server that records what reaches it: every
// connection accepted and every request handled.
type receiver struct {
	*httptest.Server
	conns    atomic.Int64
	requests atomic.Int64
	mu       sync.Mutex
	last     *http.Request
	lastBody []byte
}

// newReceiver starts a receiver on addr ("127.0.0.1:0", "[::1]:0") that
// hands each request to h after recording it.
func newReceiver(t *testing.T, addr string, h http.HandlerFunc) *receiver {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen on %s: %v", addr, err)
	}
	r := &receiver{}
	r.Server = &httptest.Server{
		Listener: ln,
		Config: &http.Server{
			Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				body, _ := io.ReadAll(req.Body)
				r.mu.Lock()
				r.last, r.lastBody = req, body
				r.mu.Unlock()
				r.requests.Add(1)
				if h != nil {
					h(w, req)
				}
			}),
			ConnState: func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					r.conns.Add(1)
				}
			},
		},
	}
	r.Start()
	t.Cleanup(r.Close)
	return r
}

// seen returns the last request and its body.
func (r *receiver) seen() (*http.Request, []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last, r.lastBody
}

// port is the receiver's port, for URLs that name another host.
func (r *receiver) port() string {
	_, p, _ := net.SplitHostPort(r.Listener.Addr().String())
	return p
}

// resolveTo returns a ClientOptions.Resolve that answers every name with
// addrs, as a DNS server under an attacker's control could.
func resolveTo(addrs ...string) func(context.Context, string) ([]netip.Addr, error) {
	return func(context.Context, string) ([]netip.Addr, error) {
		out := make([]netip.Addr, len(addrs))
		for i, a := range addrs {
			out[i] = netip.MustParseAddr(a)
		}
		return out, nil
	}
}

// request is a valid Request to url.
func request(t *testing.T, url string) Request {
	t.Helper()
	return Request{
		URL: url, MsgID: "msg_test", Timestamp: time.Now(),
		Body: []byte(`{"type":"token.created"}`), Secrets: []string{mustSecret(t)},
	}
}
