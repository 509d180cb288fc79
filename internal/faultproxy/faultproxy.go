// Package faultproxy is an in-process TCP proxy for tests that puts a
// fault between a service and its database: the test cuts the link in one
// of several styles and restores it, while the service keeps running.
package faultproxy

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Fault is a style of cut.
type Fault int

// The styles of cut.
const (
	// Refuse resets every live connection and every new one at once, as
	// a stopped server does: clients fail fast.
	Refuse Fault = iota + 1
	// Blackhole resets every live connection; new ones are accepted but
	// no byte reaches the server until Restore, so clients wait on their
	// own deadlines. After Restore the held connections are connected
	// through, as a late answer to a retransmitted SYN would be.
	Blackhole
	// Partition freezes every connection, live and new: each stays open
	// but no byte moves either way until Restore, when traffic resumes
	// where it stopped (as TCP retransmission delivers it once a network
	// heals). A request that was mid-statement waits on its deadline.
	Partition
)

// String names the fault.
func (f Fault) String() string {
	switch f {
	case Refuse:
		return "refuse"
	case Blackhole:
		return "blackhole"
	case Partition:
		return "partition"
	}
	return "none"
}

// dialTimeout bounds the connection to the upstream server.
const dialTimeout = 5 * time.Second

// Proxy forwards connections from a local listener to an upstream address
// until cut. Its methods are safe for concurrent use.
type Proxy struct {
	upstream string
	ln       net.Listener
	accepted atomic.Int64

	mu sync.Mutex
	// fault is the current cut (0: traffic flows).
	fault Fault
	// flowing is closed while traffic flows; each cut replaces it with an
	// open channel that Restore closes.
	flowing chan struct{}
	links   map[*link]struct{}
	closed  bool
	wg      sync.WaitGroup
	// trigger, when armed, partitions the network at a client's chunk
	// (see PartitionWhen); nextID numbers the links for it.
	trigger func(link uint64, chunk []byte) bool
	nextID  uint64
}

// New starts a proxy on 127.0.0.1 (a free port) to upstream ("host:port").
func New(upstream string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{upstream: upstream, ln: ln, flowing: make(chan struct{}), links: map[*link]struct{}{}}
	close(p.flowing)
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the proxy's listening address ("127.0.0.1:port").
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Accepted counts the client connections accepted so far.
func (p *Proxy) Accepted() int64 { return p.accepted.Load() }

// Live counts the open client connections (held or forwarding).
func (p *Proxy) Live() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.links)
}

// Fault returns the current cut, 0 when traffic flows.
func (p *Proxy) Fault() Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.fault
}

// Cut stops traffic in the style of f (which may replace an earlier cut).
// When it returns, no byte of a reset connection moves any more, and new
// connections are refused or held.
func (p *Proxy) Cut(f Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fault == 0 {
		p.flowing = make(chan struct{})
	}
	p.fault = f
	if f == Partition {
		return
	}
	for l := range p.links {
		l.close(true)
	}
}

// PartitionWhen arms a one-shot trigger: the first chunk a client sends
// for which match returns true (given the connection's number and the
// chunk) starts a Partition just before it is forwarded, and that chunk
// still reaches the server. The server thus acts on it, but its answer is
// held until Restore: a test can lose exactly the acknowledgement of a
// COMMIT. match runs with the proxy locked and must not call its methods.
func (p *Proxy) PartitionWhen(match func(link uint64, chunk []byte) bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.trigger = match
}

// fire applies the armed trigger to a chunk from l's client; true means
// the partition has started and the chunk must still be forwarded.
func (p *Proxy) fire(l *link, chunk []byte) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.trigger == nil || !p.trigger(l.id, chunk) {
		return false
	}
	p.trigger = nil
	if p.fault == 0 {
		p.flowing = make(chan struct{})
	}
	p.fault = Partition
	return true
}

// Restore lets traffic flow again: held connections are connected through
// and frozen ones resume. It does nothing when traffic already flows.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fault == 0 {
		return
	}
	p.fault = 0
	close(p.flowing)
}

// Close stops the proxy: it closes the listener and every connection and
// waits for all of its goroutines to end.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	links := make([]*link, 0, len(p.links))
	for l := range p.links {
		links = append(links, l)
	}
	p.mu.Unlock()
	err := p.ln.Close()
	for _, l := range links {
		l.close(false)
	}
	p.wg.Wait()
	return err
}

// accept serves the listener until it is closed.
func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // closed
		}
		p.accepted.Add(1)
		p.mu.Lock()
		if p.closed || p.fault == Refuse {
			p.mu.Unlock()
			reset(c)
			continue
		}
		ctx, cancel := context.WithCancel(context.Background())
		p.nextID++
		l := &link{id: p.nextID, client: c, ctx: ctx, cancel: cancel}
		p.links[l] = struct{}{}
		// Added under mu while not closed, so Close's Wait sees it.
		p.wg.Add(1)
		p.mu.Unlock()
		go p.serve(l)
	}
}

// serve connects l to the upstream server once traffic flows and pumps
// bytes both ways until either side closes or the link is cut.
func (p *Proxy) serve(l *link) {
	defer p.wg.Done()
	defer p.drop(l)
	if !p.waitFlowing(l) {
		return
	}
	d := net.Dialer{Timeout: dialTimeout}
	up, err := d.DialContext(l.ctx, "tcp", p.upstream)
	if err != nil {
		return
	}
	if !l.attach(up) {
		_ = up.Close()
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.pump(l, up, l.client, false)
		l.close(false)
	}()
	p.pump(l, l.client, up, true)
	l.close(false)
	<-done
}

// pump copies src to dst chunk by chunk, each chunk only while traffic
// flows (fromClient: the chunk may fire the trigger, see PartitionWhen).
// A close of src is passed on (by the caller) once traffic flows.
func (p *Proxy) pump(l *link, src, dst net.Conn, fromClient bool) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !(fromClient && p.fire(l, buf[:n])) && !p.waitFlowing(l) {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			p.waitFlowing(l)
			return
		}
	}
}

// waitFlowing blocks while traffic is cut; it reports false if l was
// closed meanwhile.
func (p *Proxy) waitFlowing(l *link) bool {
	for {
		p.mu.Lock()
		ch := p.flowing
		p.mu.Unlock()
		select {
		case <-ch:
			p.mu.Lock()
			same := p.flowing == ch
			p.mu.Unlock()
			if same {
				return l.ctx.Err() == nil
			}
			// Cut again after the restore that woke us: wait anew.
		case <-l.ctx.Done():
			return false
		}
	}
}

// drop forgets l and closes it.
func (p *Proxy) drop(l *link) {
	p.mu.Lock()
	delete(p.links, l)
	p.mu.Unlock()
	l.close(false)
}

// link is one client connection and, once connected, its upstream one.
type link struct {
	id     uint64
	client net.Conn
	// ctx ends when the link is closed; it also cancels the upstream dial.
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	upstream net.Conn
	closed   bool
}

// attach records the upstream connection; false if l is already closed.
func (l *link) attach(up net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.upstream = up
	return true
}

// close closes both connections, with a reset (RST) when rst is set.
func (l *link) close(rst bool) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	up := l.upstream
	l.mu.Unlock()
	l.cancel()
	for _, c := range []net.Conn{l.client, up} {
		if c == nil {
			continue
		}
		if rst {
			reset(c)
		} else {
			_ = c.Close()
		}
	}
}

// reset closes c with a TCP reset rather than an orderly shutdown, as a
// crashed or unreachable peer looks to the other side.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}
