package faultproxy

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// echoServer echoes lines and counts its open connections.
type echoServer struct {
	ln   net.Listener
	mu   sync.Mutex
	open int
	wg   sync.WaitGroup
}

func startEcho(t *testing.T) *echoServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	s := &echoServer{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.open++
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer func() {
					s.mu.Lock()
					s.open--
					s.mu.Unlock()
					_ = c.Close()
				}()
				_, _ = io.Copy(c, c)
			}()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *echoServer) openConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.open
}

func startProxy(t *testing.T, upstream string) *Proxy {
	t.Helper()
	p, err := New(upstream)
	if err != nil {
		t.Fatalf("new proxy: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// client is one connection through the proxy.
type client struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, p *Proxy) *client {
	t.Helper()
	c, err := net.DialTimeout("tcp", p.Addr(), time.Second)
	if err != nil {
		t.Fatalf("dial proxy: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &client{t: t, c: c, r: bufio.NewReader(c)}
}

// roundTrip sends line and reads the echo within wait.
func (c *client) roundTrip(line string, wait time.Duration) (string, error) {
	c.t.Helper()
	_ = c.c.SetDeadline(time.Now().Add(wait))
	if _, err := io.WriteString(c.c, line+"\n"); err != nil {
		return "", err
	}
	got, err := c.r.ReadString('\n')
	return got, err
}

// read waits up to wait for an echo (or an error) without sending.
func (c *client) read(wait time.Duration) (string, error) {
	_ = c.c.SetReadDeadline(time.Now().Add(wait))
	return c.r.ReadString('\n')
}

func wantEcho(t *testing.T, c *client, line string) {
	t.Helper()
	got, err := c.roundTrip(line, 2*time.Second)
	if err != nil || got != line+"\n" {
		t.Fatalf("round trip %q: got %q, %v; want the echo", line, got, err)
	}
}

// wantClosed expects the connection to be closed by the proxy at once.
func wantClosed(t *testing.T, c *client) {
	t.Helper()
	_, err := c.roundTrip("ping", 2*time.Second)
	if err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("round trip: got %v, want the connection closed at once", err)
	}
}

// wantSilent expects no answer within a short wait, the connection open.
func wantSilent(t *testing.T, c *client, send bool) {
	t.Helper()
	var err error
	if send {
		_, err = c.roundTrip("hello", 200*time.Millisecond)
	} else {
		_, err = c.read(200 * time.Millisecond)
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("got %v, want silence (a read deadline)", err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestForwards(t *testing.T) {
	echo := startEcho(t)
	p := startProxy(t, echo.ln.Addr().String())
	a, b := dial(t, p), dial(t, p)
	wantEcho(t, a, "one")
	wantEcho(t, b, "two")
	wantEcho(t, a, "three")
	if got := p.Accepted(); got != 2 {
		t.Fatalf("accepted: got %d, want 2", got)
	}
}

// TestCutAndRestore covers each fault's effect on live and new
// connections, and on those connections after Restore.
func TestCutAndRestore(t *testing.T) {
	t.Run("refuse", func(t *testing.T) {
		echo := startEcho(t)
		p := startProxy(t, echo.ln.Addr().String())
		live := dial(t, p)
		wantEcho(t, live, "before")
		p.Cut(Refuse)
		wantClosed(t, live)
		// A new connection is reset at once: during the dial or at the
		// first exchange.
		if c, err := net.DialTimeout("tcp", p.Addr(), time.Second); err == nil {
			t.Cleanup(func() { _ = c.Close() })
			wantClosed(t, &client{t: t, c: c, r: bufio.NewReader(c)})
		}
		waitFor(t, "the server to see its connection closed", func() bool { return echo.openConns() == 0 })
		p.Restore()
		wantEcho(t, dial(t, p), "after")
	})
	t.Run("blackhole", func(t *testing.T) {
		echo := startEcho(t)
		p := startProxy(t, echo.ln.Addr().String())
		live := dial(t, p)
		wantEcho(t, live, "before")
		p.Cut(Blackhole)
		wantClosed(t, live)
		held := dial(t, p)
		wantSilent(t, held, true)
		if n := echo.openConns(); n != 0 {
			t.Fatalf("server connections during the blackhole: got %d, want 0", n)
		}
		p.Restore()
		// The held connection is connected through: what it sent arrives.
		if got, err := held.read(2 * time.Second); err != nil || got != "hello\n" {
			t.Fatalf("held connection after restore: got %q, %v; want the echo", got, err)
		}
		wantEcho(t, held, "after")
	})
	t.Run("partition", func(t *testing.T) {
		echo := startEcho(t)
		p := startProxy(t, echo.ln.Addr().String())
		live := dial(t, p)
		wantEcho(t, live, "before")
		p.Cut(Partition)
		wantSilent(t, live, true)
		held := dial(t, p)
		wantSilent(t, held, true)
		if n := echo.openConns(); n != 1 {
			t.Fatalf("server connections during the partition: got %d, want the 1 frozen", n)
		}
		p.Restore()
		for name, c := range map[string]*client{"frozen": live, "held": held} {
			if got, err := c.read(2 * time.Second); err != nil || got != "hello\n" {
				t.Fatalf("%s connection after restore: got %q, %v; want the delayed echo", name, got, err)
			}
			wantEcho(t, c, "after")
		}
	})
	t.Run("a client that gives up during a partition is closed upstream after it", func(t *testing.T) {
		echo := startEcho(t)
		p := startProxy(t, echo.ln.Addr().String())
		live := dial(t, p)
		wantEcho(t, live, "before")
		p.Cut(Partition)
		_ = live.c.Close()
		time.Sleep(50 * time.Millisecond)
		if n := echo.openConns(); n != 1 {
			t.Fatalf("server connections during the partition: got %d, want 1 (the close is not delivered)", n)
		}
		p.Restore()
		waitFor(t, "the close to reach the server", func() bool { return echo.openConns() == 0 })
		waitFor(t, "the proxy to forget the link", func() bool { return p.Live() == 0 })
	})
	t.Run("switching faults and cutting twice", func(t *testing.T) {
		echo := startEcho(t)
		p := startProxy(t, echo.ln.Addr().String())
		live := dial(t, p)
		wantEcho(t, live, "before")
		p.Cut(Partition)
		p.Cut(Refuse)
		wantClosed(t, live)
		if got := p.Fault(); got != Refuse {
			t.Fatalf("fault: got %v, want refuse", got)
		}
		p.Restore()
		p.Restore()
		wantEcho(t, dial(t, p), "after")
	})
}

// TestPartitionWhen: the matching chunk reaches the server, its answer is
// held until Restore, and the trigger fires once.
func TestPartitionWhen(t *testing.T) {
	echo := startEcho(t)
	p := startProxy(t, echo.ln.Addr().String())
	other, c := dial(t, p), dial(t, p)
	wantEcho(t, other, "first")
	wantEcho(t, c, "hello")
	var target uint64
	p.PartitionWhen(func(link uint64, chunk []byte) bool {
		if target == 0 && strings.Contains(string(chunk), "hello") {
			target = link // remember the link, but do not fire yet
			return false
		}
		return link == target && strings.Contains(string(chunk), "commit")
	})
	wantEcho(t, other, "commit elsewhere") // another link: no trigger
	wantEcho(t, c, "hello again")          // marks c's link
	if got, err := c.roundTrip("commit", 300*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("matching chunk: got %q, %v; want its answer held", got, err)
	}
	if got := p.Fault(); got != Partition {
		t.Fatalf("fault after the trigger: got %v, want partition", got)
	}
	p.Restore()
	if got, err := c.read(2 * time.Second); err != nil || got != "commit\n" {
		t.Fatalf("held answer after restore: got %q, %v; want the echo", got, err)
	}
	wantEcho(t, c, "commit") // one-shot
}

// TestCloseReleasesEverything: Close ends every connection, held or
// frozen, and returns only when all goroutines are done.
func TestCloseReleasesEverything(t *testing.T) {
	echo := startEcho(t)
	p, err := New(echo.ln.Addr().String())
	if err != nil {
		t.Fatalf("new proxy: %v", err)
	}
	live := dial(t, p)
	wantEcho(t, live, "before")
	p.Cut(Partition)
	held := dial(t, p)
	waitFor(t, "two links", func() bool { return p.Live() == 2 })
	done := make(chan error, 1)
	go func() { done <- p.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("close: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not return within 2 s")
	}
	if n := p.Live(); n != 0 {
		t.Fatalf("live links after Close: got %d, want 0", n)
	}
	for name, c := range map[string]*client{"frozen": live, "held": held} {
		if _, err := c.read(2 * time.Second); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("%s connection after Close: got %v, want it closed", name, err)
		}
	}
	waitFor(t, "the server to see every connection closed", func() bool { return echo.openConns() == 0 })
	if _, err := net.DialTimeout("tcp", p.Addr(), time.Second); err == nil {
		t.Fatal("dial after Close: got a connection, want refused")
	}
	if err := p.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// TestConcurrentUse cuts and restores while clients talk (run with -race).
func TestConcurrentUse(t *testing.T) {
	echo := startEcho(t)
	p := startProxy(t, echo.ln.Addr().String())
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				c, err := net.DialTimeout("tcp", p.Addr(), time.Second)
				if err != nil {
					continue
				}
				_ = c.SetDeadline(time.Now().Add(50 * time.Millisecond))
				_, _ = io.WriteString(c, "x\n")
				_, _ = bufio.NewReader(c).ReadString('\n')
				_ = c.Close()
			}
		}()
	}
	for _, f := range []Fault{Refuse, Blackhole, Partition, Refuse, Partition, Blackhole} {
		time.Sleep(20 * time.Millisecond)
		p.Cut(f)
		time.Sleep(20 * time.Millisecond)
		p.Restore()
	}
	close(stop)
	wg.Wait()
	wantEcho(t, dial(t, p), "still works")
}
