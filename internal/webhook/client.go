package webhook

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/netip"
	"time"
)

// DefaultTimeout bounds one whole delivery attempt: connecting, TLS,
// sending, waiting for the answer and reading its (bounded) body. A slow
// receiver must not hold a worker for longer.
const DefaultTimeout = 10 * time.Second

// maxResponseHeaderBytes bounds a receiver's response headers; nothing
// in them is of use to us beyond the status line.
const maxResponseHeaderBytes = 64 << 10

// ClientOptions configures NewClient. The zero value is the production
// setting: address rules on, DefaultTimeout, the system resolver.
type ClientOptions struct {
	// AllowPrivate lifts the address rules so that receivers on loopback
	// or a private network can be reached. It comes from
	// PATS_WEBHOOKS_ALLOW_PRIVATE and is meant for development and tests
	// only: with it, any admin can make the service call internal hosts.
	AllowPrivate bool

	// Timeout bounds a whole request including reading the response
	// body; zero means DefaultTimeout.
	Timeout time.Duration

	// Resolve, when set, replaces the system resolver for host names (IP
	// literals never reach it). Tests use it to point a name at an
	// address of their choice; every address it returns is still checked
	// before it is dialed.
	Resolve func(ctx context.Context, host string) ([]netip.Addr, error)
}

// NewClient returns the HTTP client webhook deliveries must use. Its
// dialer refuses a forbidden address at connect time, for every address a
// name resolves to, on every connection (so a DNS answer that changes
// after ValidateURL cannot slip an internal address in). It never follows
// redirects (a 3xx is a failed delivery, and following one would let a
// public receiver point us at an internal URL), and it takes no proxy
// from the environment, since HTTP_PROXY would route around the dialer.
func NewClient(opts ClientOptions) *http.Client {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	d := newDialer(opts)
	transport := &http.Transport{
		Proxy:               nil,
		DialContext:         d.DialContext,
		ForceAttemptHTTP2:   true, // a custom DialContext turns HTTP/2 off otherwise
		TLSClientConfig:     &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout: timeout,
		MaxIdleConns:        100,
		// As many idle connections per receiver as deliveries are sent at
		// once (pat's sendConcurrency): with Go's default of 2, a quarter
		// to a third of deliveries opened a new connection (and TLS
		// handshake) in patbench's run.
		MaxIdleConnsPerHost:    16,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: maxResponseHeaderBytes,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// dialer resolves a name itself and dials its addresses one by one, so
// that each address is checked before any socket exists for it, and again
// by the net.Dialer's Control hook just before connect(2) as a second
// line that also covers any dial path added later.
type dialer struct {
	guard   bool
	resolve func(ctx context.Context, host string) ([]netip.Addr, error)
	net     net.Dialer
}

// newDialer builds the dialer of opts, guarded unless AllowPrivate.
func newDialer(opts ClientOptions) *dialer {
	d := &dialer{guard: !opts.AllowPrivate, resolve: opts.Resolve}
	if d.resolve == nil {
		d.resolve = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	d.net.KeepAlive = 30 * time.Second
	if d.guard {
		d.net.Control = policy.Safe
	}
	return d
}

// DialContext is the transport's dial function. Addresses are tried in
// the resolver's order; when all fail, the first failure is returned.
func (d *dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	portNum, err := net.LookupPort(network, port)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	addrs, err := d.lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	var first error
	for _, a := range addrs {
		// The kernel connects an IPv4-mapped address over IPv4, so that
		// is the address the rules must judge.
		ap := netip.AddrPortFrom(a.Unmap(), uint16(portNum))
		conn, err := d.dialOne(ctx, network, ap)
		if err == nil {
			return conn, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, first
}

// dialOne checks ap against the rules, then connects to it; a refused
// address gets no socket at all.
func (d *dialer) dialOne(ctx context.Context, network string, ap netip.AddrPort) (net.Conn, error) {
	if d.guard {
		if err := policy.SafeAddr(ap.Addr()); err != nil {
			return nil, &net.OpError{Op: "dial", Net: network, Addr: net.TCPAddrFromAddrPort(ap), Err: err}
		}
	}
	return d.net.DialContext(ctx, network, ap.String())
}

// lookup returns the addresses of host, an IP literal as itself.
func (d *dialer) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	addrs, err := d.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	if len(addrs) == 0 {
		return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	return addrs, nil
}
