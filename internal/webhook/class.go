package webhook

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"

	"code.dny.dev/ssrf"
)

// Class sorts the outcome of a delivery attempt into a few kinds that the
// delivery log shows and metrics count, so an admin can tell "your server
// said 500" from "we may not call that address" without reading errors.
type Class string

// The classes of Result.Class.
const (
	// ClassOK: the receiver answered 2xx.
	ClassOK Class = "ok"
	// ClassHTTPStatus: the receiver answered, with a status that is not
	// 2xx or 3xx.
	ClassHTTPStatus Class = "http_status"
	// ClassRedirect: the receiver answered 3xx; redirects are not followed.
	ClassRedirect Class = "redirect"
	// ClassTimeout: no complete answer within the client's timeout.
	ClassTimeout Class = "timeout"
	// ClassRefusedAddress: the URL's host is, or resolved to, an address
	// the rules forbid; no connection was attempted to it.
	ClassRefusedAddress Class = "refused_address"
	// ClassDNS: the host name could not be resolved.
	ClassDNS Class = "dns"
	// ClassTLS: the TLS handshake or the receiver's certificate failed.
	ClassTLS Class = "tls"
	// ClassConnection: any other network failure (refused, reset, ...).
	ClassConnection Class = "connection"
	// ClassCanceled: the caller's context was canceled (say, at
	// shutdown); this says nothing about the receiver.
	ClassCanceled Class = "canceled"
	// ClassInvalidRequest: the attempt could not be built (bad URL,
	// secret or message id); retrying will not help.
	ClassInvalidRequest Class = "invalid_request"
)

// classify sorts a transport error, the url.Error already unwrapped.
// Refusals come first: they are our decision, whatever else happened.
func classify(ctx context.Context, err error) Class {
	var (
		dnsErr   *net.DNSError
		netErr   net.Error
		certErr  *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invalid  x509.CertificateInvalidError
		alertErr tls.AlertError
		recErr   tls.RecordHeaderError
	)
	switch {
	case errors.Is(err, ssrf.ErrProhibitedIP), errors.Is(err, ssrf.ErrProhibitedPort),
		errors.Is(err, ssrf.ErrProhibitedNetwork), errors.Is(err, ssrf.ErrInvalidHostPort):
		return ClassRefusedAddress
	case errors.Is(ctx.Err(), context.Canceled):
		return ClassCanceled
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return ClassTimeout
	case errors.As(err, &dnsErr):
		return ClassDNS
	case errors.As(err, &certErr), errors.As(err, &unknown), errors.As(err, &hostErr),
		errors.As(err, &invalid), errors.As(err, &alertErr), errors.As(err, &recErr),
		errors.Is(err, http.ErrSchemeMismatch): // an https URL on a plain HTTP port
		return ClassTLS
	default:
		return ClassConnection
	}
}
