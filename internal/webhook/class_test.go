package webhook

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestDeliverErrorsHideQueryAndSecret(t *testing.T) {
	rcv := newReceiver(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	})
	closed := closedPort(t)
	for _, tc := range []struct {
		name, url string
		want      Class
	}{
		{"http status", rcv.URL + "/T000/B000/pathsecret?token=querysecret", ClassHTTPStatus},
		{"connection refused", "http://" + closed + "/T000/B000/pathsecret?token=querysecret", ClassConnection},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := request(t, tc.url)
			res := Deliver(context.Background(), local(2*time.Second), req)
			if res.Class != tc.want || res.Err == nil {
				t.Fatalf("got class %q err %v, want %q and an error", res.Class, res.Err, tc.want)
			}
			msg := res.Err.Error()
			for _, leak := range []string{"querysecret", "pathsecret", strings.TrimPrefix(req.Secrets[0], "whsec_")} {
				if strings.Contains(msg, leak) {
					t.Fatalf("error %q contains %q", msg, leak)
				}
			}
			host := strings.SplitN(strings.TrimPrefix(tc.url, "http://"), "/", 2)[0]
			if !strings.Contains(msg, host) {
				t.Fatalf("error %q does not name the host %s", msg, host)
			}
		})
	}
}

func TestDeliverClasses(t *testing.T) {
	tlsServer := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	tlsServer.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	tlsServer.StartTLS()
	defer tlsServer.Close()
	plain := newReceiver(t, "127.0.0.1:0", nil)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	noSuchHost := func(_ context.Context, host string) ([]netip.Addr, error) {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}

	for _, tc := range []struct {
		name   string
		ctx    context.Context
		client *http.Client
		req    Request
		want   Class
	}{
		{"untrusted certificate", context.Background(), local(2 * time.Second), request(t, tlsServer.URL), ClassTLS},
		{"https to a plain HTTP server", context.Background(), local(2 * time.Second), request(t, strings.Replace(plain.URL, "http:", "https:", 1)), ClassTLS},
		{"connection refused", context.Background(), local(2 * time.Second), request(t, "http://"+closedPort(t)), ClassConnection},
		{"unknown host", context.Background(), NewClient(ClientOptions{Resolve: noSuchHost}), request(t, "https://nowhere.example.com/"), ClassDNS},
		{"caller canceled", canceled, local(2 * time.Second), request(t, plain.URL), ClassCanceled},
		{"no client", context.Background(), nil, request(t, plain.URL), ClassInvalidRequest},
		{"no secret", context.Background(), local(0), Request{URL: plain.URL, MsgID: "m"}, ClassInvalidRequest},
		{"bad URL", context.Background(), local(0), request(t, "http://[::1/"), ClassInvalidRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Deliver(tc.ctx, tc.client, tc.req)
			if res.Class != tc.want || res.Err == nil || res.StatusCode != 0 {
				t.Fatalf("got class %q status %d err %v, want %q, 0, an error", res.Class, res.StatusCode, res.Err, tc.want)
			}
		})
	}
	if n := plain.requests.Load(); n != 0 {
		t.Fatalf("plain receiver got %d requests, want 0", n)
	}
}

func TestDeliverInvalidSecretErrorIsSentinel(t *testing.T) {
	req := request(t, "https://hook.example.com/")
	req.Secrets = []string{"whsec_tooshort"}
	res := Deliver(context.Background(), local(0), req)
	if !errors.Is(res.Err, ErrInvalidSecret) || strings.Contains(res.Err.Error(), "tooshort") {
		t.Fatalf("got %v, want %v without the secret", res.Err, ErrInvalidSecret)
	}
}

// closedPort returns a loopback address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
