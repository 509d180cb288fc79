package webhook

import (
	"context"
	"net/http"
	"net/netip"
	"testing"
	"time"
)

// TestDeliverRefusesForbiddenAddresses points a host name at each
// forbidden address, with a live receiver on the loopback ones, and
// checks that each is refused before any connection is made.
func TestDeliverRefusesForbiddenAddresses(t *testing.T) {
	v4 := newReceiver(t, "127.0.0.1:0", nil)
	v6 := newReceiver(t, "[::1]:0", nil)
	for _, rcv := range []*receiver{v4, v6} {
		for _, addr := range forbidden {
			t.Run(addr+" port "+rcv.port(), func(t *testing.T) {
				client := NewClient(ClientOptions{Timeout: 2 * time.Second, Resolve: resolveTo(addr)})
				res := Deliver(context.Background(), client, request(t, "https://hook.example.com:"+rcv.port()+"/in"))
				if res.Class != ClassRefusedAddress || res.StatusCode != 0 || res.Err == nil {
					t.Fatalf("got class %q status %d err %v, want %q, 0, an error", res.Class, res.StatusCode, res.Err, ClassRefusedAddress)
				}
			})
		}
		if n := rcv.conns.Load(); n != 0 {
			t.Errorf("receiver %s: got %d connections, want 0", rcv.Listener.Addr(), n)
		}
		if n := rcv.requests.Load(); n != 0 {
			t.Errorf("receiver %s: got %d requests, want 0", rcv.Listener.Addr(), n)
		}
	}
}

// TestDeliverRefusesEveryResolvedAddress: a name that resolves to several
// forbidden addresses is refused for each, not only the first.
func TestDeliverRefusesEveryResolvedAddress(t *testing.T) {
	rcv := newReceiver(t, "127.0.0.1:0", nil)
	client := NewClient(ClientOptions{Resolve: resolveTo("10.0.0.1", "169.254.169.254", "127.0.0.1")})
	res := Deliver(context.Background(), client, request(t, "http://hook.example.com:"+rcv.port()+"/"))
	if res.Class != ClassRefusedAddress {
		t.Fatalf("got class %q (%v), want %q", res.Class, res.Err, ClassRefusedAddress)
	}
	if n := rcv.conns.Load(); n != 0 {
		t.Fatalf("got %d connections, want 0", n)
	}
}

// TestDeliverRefusesIPLiteralURL: an IP literal in the URL never reaches
// the resolver and is refused all the same.
func TestDeliverRefusesIPLiteralURL(t *testing.T) {
	rcv := newReceiver(t, "127.0.0.1:0", nil)
	resolved := false
	client := NewClient(ClientOptions{Resolve: func(ctx context.Context, host string) ([]netip.Addr, error) {
		resolved = true
		return resolveTo("127.0.0.1")(ctx, host)
	}})
	res := Deliver(context.Background(), client, request(t, rcv.URL))
	if res.Class != ClassRefusedAddress || resolved || rcv.conns.Load() != 0 {
		t.Fatalf("got class %q, resolved %v, %d connections; want %q, false, 0", res.Class, resolved, rcv.conns.Load(), ClassRefusedAddress)
	}
}

func TestAllowPrivateReachesLoopback(t *testing.T) {
	rcv := newReceiver(t, "127.0.0.1:0", nil)
	for _, tc := range []struct {
		name string
		opts ClientOptions
		url  string
	}{
		{"IP literal", ClientOptions{AllowPrivate: true}, rcv.URL + "/in"},
		{"name resolving to loopback", ClientOptions{AllowPrivate: true, Resolve: resolveTo("127.0.0.1")}, "http://hook.example.com:" + rcv.port() + "/in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := rcv.requests.Load()
			res := Deliver(context.Background(), NewClient(tc.opts), request(t, tc.url))
			if res.Class != ClassOK || res.StatusCode != http.StatusOK || res.Err != nil {
				t.Fatalf("got class %q status %d err %v, want ok 200", res.Class, res.StatusCode, res.Err)
			}
			if got := rcv.requests.Load() - before; got != 1 {
				t.Fatalf("receiver got %d requests, want 1", got)
			}
		})
	}
}

func TestClientTakesNoProxyFromEnvironment(t *testing.T) {
	// A proxy listening on loopback would be reachable only through the
	// environment; the request must go to the (refused) target instead.
	proxy := newReceiver(t, "127.0.0.1:0", nil)
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("HTTPS_PROXY", proxy.URL)
	client := NewClient(ClientOptions{Resolve: resolveTo("10.0.0.1")})
	if tr := client.Transport.(*http.Transport); tr.Proxy != nil {
		t.Fatal("transport has a Proxy function")
	}
	res := Deliver(context.Background(), client, request(t, "http://hook.example.com/"))
	if res.Class != ClassRefusedAddress || proxy.conns.Load() != 0 {
		t.Fatalf("got class %q, proxy connections %d; want %q, 0", res.Class, proxy.conns.Load(), ClassRefusedAddress)
	}
}
