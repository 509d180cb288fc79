package webhook

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"

	"code.dny.dev/ssrf"
)

// forbidden lists one address of every range the brief names; each must
// be refused by the policy, the dialer and ValidateURL alike.
var forbidden = []string{
	"127.0.0.1", "127.1.2.3", "::1",
	"10.0.0.1", "172.16.0.1", "172.31.255.254", "192.168.1.1", "fc00::1", "fd12:3456::1",
	"169.254.169.254", "169.254.1.1", "fe80::1", "fd00:ec2::254",
	"100.64.0.1", "100.127.255.254",
	"0.0.0.0", "::", "255.255.255.255",
	"224.0.0.1", "239.255.255.250", "ff02::1",
	"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
}

// permitted are public addresses: the rules must not refuse everything.
var permitted = []string{"93.184.215.14", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001::200e"}

func TestPolicyRanges(t *testing.T) {
	for _, s := range forbidden {
		if err := policy.SafeAddr(netip.MustParseAddr(s).Unmap()); !errors.Is(err, ssrf.ErrProhibitedIP) {
			t.Errorf("%s: got %v, want %v", s, err, ssrf.ErrProhibitedIP)
		}
	}
	for _, s := range permitted {
		if err := policy.SafeAddr(netip.MustParseAddr(s)); err != nil {
			t.Errorf("%s: got %v, want nil", s, err)
		}
	}
}

// TestControlHookRefuses checks the second line on its own: a dial that
// bypassed the dialer's own check still stops at the Control hook, just
// before connect(2), with a listener there to connect to.
func TestControlHookRefuses(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- struct{}{}
			c.Close()
		}
	}()

	d := newDialer(ClientOptions{})
	_, err = d.net.DialContext(context.Background(), "tcp", ln.Addr().String())
	if !errors.Is(err, ssrf.ErrProhibitedIP) {
		t.Fatalf("got %v, want %v", err, ssrf.ErrProhibitedIP)
	}
	select {
	case <-accepted:
		t.Fatal("the listener accepted a connection")
	default:
	}
}
