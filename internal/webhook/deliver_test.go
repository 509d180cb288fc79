package webhook

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// local is a client for receivers on loopback, as in development.
func local(timeout time.Duration) *http.Client {
	return NewClient(ClientOptions{AllowPrivate: true, Timeout: timeout})
}

func TestDeliverSendsVerifiableRequest(t *testing.T) {
	rcv := newReceiver(t, "127.0.0.1:0", nil)
	oldSecret, newSecret := mustSecret(t), mustSecret(t)
	req := request(t, rcv.URL+"/hooks/pats")
	req.Secrets = []string{oldSecret, newSecret}
	req.EventType = "token.created"
	req.UserAgent = "PATS-Webhooks/test"
	req.Header = http.Header{
		"Traceparent":       {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
		"Webhook-Signature": {"v1,forged"}, // must be overwritten
	}

	res := Deliver(context.Background(), local(0), req)
	if res.Class != ClassOK || res.Err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("got class %q status %d err %v, want ok 200", res.Class, res.StatusCode, res.Err)
	}
	if res.Duration <= 0 {
		t.Fatalf("duration: got %v, want > 0", res.Duration)
	}

	got, body := rcv.seen()
	for _, tc := range []struct{ header, want string }{
		{"Content-Type", "application/json"},
		{"User-Agent", "PATS-Webhooks/test"},
		{"Webhook-Id", "msg_test"},
		{"Webhook-Timestamp", strconv.FormatInt(req.Timestamp.Unix(), 10)},
		{HeaderEvent, "token.created"},
		{"Traceparent", req.Header.Get("Traceparent")},
	} {
		if v := got.Header.Get(tc.header); v != tc.want {
			t.Errorf("%s: got %q, want %q", tc.header, v, tc.want)
		}
	}
	if got.Method != http.MethodPost || got.URL.Path != "/hooks/pats" {
		t.Errorf("got %s %s, want POST /hooks/pats", got.Method, got.URL.Path)
	}
	if !bytes.Equal(body, req.Body) {
		t.Errorf("body: got %q, want %q", body, req.Body)
	}
	if sigs := strings.Fields(got.Header.Get("Webhook-Signature")); len(sigs) != 2 {
		t.Errorf("signature header: got %q, want two signatures", sigs)
	}
	for _, secret := range req.Secrets {
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			t.Fatal(err)
		}
		if err := wh.Verify(body, got.Header); err != nil {
			t.Errorf("receiver's verification: %v", err)
		}
	}
}

func TestDeliverDefaultUserAgent(t *testing.T) {
	rcv := newReceiver(t, "127.0.0.1:0", nil)
	Deliver(context.Background(), local(0), request(t, rcv.URL))
	if got, _ := rcv.seen(); got.Header.Get("User-Agent") != DefaultUserAgent {
		t.Fatalf("got %q, want %q", got.Header.Get("User-Agent"), DefaultUserAgent)
	}
}

func TestDeliverDoesNotFollowRedirects(t *testing.T) {
	target := newReceiver(t, "127.0.0.1:0", nil)
	redirector := newReceiver(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/stolen", http.StatusTemporaryRedirect)
	})
	res := Deliver(context.Background(), local(0), request(t, redirector.URL))
	if res.Class != ClassRedirect || res.StatusCode != http.StatusTemporaryRedirect || res.Err == nil {
		t.Fatalf("got class %q status %d err %v, want %q 307 and an error", res.Class, res.StatusCode, res.Err, ClassRedirect)
	}
	if n := target.conns.Load(); n != 0 {
		t.Fatalf("redirect target got %d connections, want 0", n)
	}
}

func TestDeliverHTTPStatusIsFailure(t *testing.T) {
	for _, code := range []int{http.StatusBadRequest, http.StatusGone, http.StatusInternalServerError, http.StatusServiceUnavailable} {
		rcv := newReceiver(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(code)
			io.WriteString(w, "nope")
		})
		res := Deliver(context.Background(), local(0), request(t, rcv.URL))
		if res.Class != ClassHTTPStatus || res.StatusCode != code || res.Err == nil || string(res.ResponseBody) != "nope" {
			t.Fatalf("%d: got class %q status %d err %v body %q", code, res.Class, res.StatusCode, res.Err, res.ResponseBody)
		}
	}
}

func TestDeliverTimesOutOnHangingReceiver(t *testing.T) {
	release := make(chan struct{})
	rcv := newReceiver(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release) // before rcv.Close, which waits for handlers

	start := time.Now()
	res := Deliver(context.Background(), local(200*time.Millisecond), request(t, rcv.URL))
	elapsed := time.Since(start)
	if res.Class != ClassTimeout || res.StatusCode != 0 || res.Err == nil {
		t.Fatalf("got class %q status %d err %v, want %q", res.Class, res.StatusCode, res.Err, ClassTimeout)
	}
	if elapsed < 200*time.Millisecond || elapsed > 2*time.Second {
		t.Fatalf("returned after %v, want about 200ms", elapsed)
	}
}

func TestDeliverTimeoutCoversSlowBody(t *testing.T) {
	release := make(chan struct{})
	rcv := newReceiver(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "partial")
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)

	start := time.Now()
	res := Deliver(context.Background(), local(200*time.Millisecond), request(t, rcv.URL))
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Fatalf("returned after %v, want about 200ms", elapsed)
	}
	// The receiver accepted the message with its status; the body is
	// only informational.
	if res.Class != ClassOK || string(res.ResponseBody) != "partial" {
		t.Fatalf("got class %q body %q, want ok and the partial body", res.Class, res.ResponseBody)
	}
}

// endless is a response body with no end that counts what was read.
type endless struct{ read atomic.Int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	e.read.Add(int64(len(p)))
	return len(p), nil
}

func (e *endless) Close() error { return nil }

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestDeliverReadsBoundedBody(t *testing.T) {
	body := &endless{}
	client := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Body: body, Header: http.Header{}, Request: r}, nil
	})}
	res := Deliver(context.Background(), client, request(t, "https://hook.example.com/"))
	if res.Class != ClassOK || len(res.ResponseBody) != MaxResponseBody {
		t.Fatalf("got class %q and %d body bytes, want ok and %d", res.Class, len(res.ResponseBody), MaxResponseBody)
	}
	if n := body.read.Load(); n > MaxResponseBody {
		t.Fatalf("read %d bytes, want at most %d", n, MaxResponseBody)
	}
}

func TestDeliverDoesNotWaitForHugeBody(t *testing.T) {
	rcv := newReceiver(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for range 16 << 10 { // 1 GiB, unless the client hangs up
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	start := time.Now()
	res := Deliver(context.Background(), local(5*time.Second), request(t, rcv.URL))
	if res.Class != ClassOK || len(res.ResponseBody) != MaxResponseBody {
		t.Fatalf("got class %q and %d body bytes, want ok and %d", res.Class, len(res.ResponseBody), MaxResponseBody)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Fatalf("took %v, want no wait for the rest of the body", elapsed)
	}
}
