package webhook

import (
	"net/netip"

	"code.dny.dev/ssrf"
)

// newGuardian returns the address policy every webhook connection obeys.
// The library's defaults already deny what must never be reached from
// here: loopback, RFC 1918 and fc00::/7 (which holds the AWS metadata
// address fd00:ec2::254), link-local (169.254.0.0/16 with the metadata
// address 169.254.169.254, fe80::/10), multicast, unspecified, CGNAT
// 100.64.0.0/10, 240.0.0.0/4 with the broadcast address, and every IPv6
// address outside global unicast, IPv4-mapped ones included. Tests pin
// each of these, so a library upgrade that relaxed one would fail them.
//
// Ports are not restricted: admins run receivers on ports such as 8443,
// and it is the address rules that keep requests off internal networks.
func newGuardian() *ssrf.Guardian {
	return ssrf.New(ssrf.WithAnyPort())
}

// policy is the one guardian shared by the dialer and ValidateURL, so
// that a URL accepted at configuration time is judged by the same rules
// as the connection made for it later. A Guardian is safe for concurrent
// use once built.
var policy = newGuardian()

// Well-known addresses named in error messages because an admin who typed
// them most likely meant to probe the cloud provider's metadata service.
var (
	metadataV4 = netip.MustParseAddr("169.254.169.254")
	metadataV6 = netip.MustParseAddr("fd00:ec2::254")
	broadcast  = netip.MustParseAddr("255.255.255.255")
	sharedCGN  = netip.MustParsePrefix("100.64.0.0/10")
)

// addrKind names, for an error message, why a refused address is refused.
// It only words the message: whether an address is refused is decided by
// the guardian alone.
func addrKind(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case a == metadataV4 || a.WithZone("") == metadataV6:
		return "the cloud metadata address"
	case a.IsLoopback():
		return "a loopback address"
	case a.IsUnspecified():
		return "the unspecified address"
	case a == broadcast:
		return "the broadcast address"
	case a.IsLinkLocalUnicast():
		return "a link-local address"
	case a.IsMulticast():
		return "a multicast address"
	case a.IsPrivate():
		return "a private network address"
	case sharedCGN.Contains(a):
		return "a carrier-grade NAT (shared) address"
	default:
		return "a reserved special-purpose address"
	}
}
