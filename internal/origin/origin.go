// Package origin records where a request came from: its request ID (and
// the client's own, if it sent one), the client's IP address and its
// User-Agent. The audit trail stores them with
// every change.
//
// The client IP is the TCP peer's address unless trusted proxies are
// configured. Then it is the rightmost X-Forwarded-For address that is not
// one of them: the leftmost entries are whatever the client chose to send,
// so only addresses appended by proxies we trust mean anything.
package origin

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/realclientip/realclientip-go"
)

// MaxUserAgentBytes bounds the stored User-Agent.
const MaxUserAgentBytes = 512

// Origin is where a request came from.
type Origin struct {
	// RequestID is the service's ID of the request.
	RequestID string
	// ClientRequestID is the X-Request-ID the client sent, if safe to
	// keep (ValidClientRequestID); "" otherwise.
	ClientRequestID string
	ClientIP        string
	UserAgent       string
}

type key struct{}

// With returns ctx carrying o.
func With(ctx context.Context, o Origin) context.Context { return context.WithValue(ctx, key{}, o) }

// From returns the origin carried by ctx; the zero Origin if none.
func From(ctx context.Context) Origin {
	o, _ := ctx.Value(key{}).(Origin)
	return o
}

// Resolver derives a request's origin.
type Resolver struct {
	strategy realclientip.Strategy
}

// NewResolver returns a Resolver that trusts X-Forwarded-For entries
// appended by the given proxies (IP addresses or CIDR ranges). With none,
// X-Forwarded-For is ignored.
func NewResolver(trustedProxies []string) (*Resolver, error) {
	if len(trustedProxies) == 0 {
		return &Resolver{strategy: realclientip.RemoteAddrStrategy{}}, nil
	}
	ranges, err := realclientip.AddressesAndRangesToIPNets(trustedProxies...)
	if err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	xff, err := realclientip.NewRightmostTrustedRangeStrategy("X-Forwarded-For", ranges)
	if err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	// A request that reached us directly (no header, or only trusted
	// entries) is attributed to its TCP peer.
	return &Resolver{strategy: realclientip.NewChainStrategy(xff, realclientip.RemoteAddrStrategy{})}, nil
}

// Of returns the origin of r. It runs after the request ID is assigned.
func (res *Resolver) Of(r *http.Request) Origin {
	return Origin{
		RequestID:       RequestID(r.Context()),
		ClientRequestID: ClientRequestID(r.Context()),
		ClientIP:        res.strategy.ClientIP(r.Header, r.RemoteAddr),
		UserAgent:       CleanUserAgent(r.UserAgent()),
	}
}

// Middleware puts the request's origin into its context.
func (res *Resolver) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(With(r.Context(), res.Of(r))))
	})
}

// CleanUserAgent makes a client-supplied User-Agent safe to store and show:
// valid UTF-8, no control characters, at most MaxUserAgentBytes bytes (cut
// at a character boundary).
func CleanUserAgent(ua string) string {
	ua = strings.ToValidUTF8(ua, "\uFFFD")
	ua = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, ua)
	if len(ua) <= MaxUserAgentBytes {
		return ua
	}
	cut := MaxUserAgentBytes
	for cut > 0 && !utf8.RuneStart(ua[cut]) {
		cut--
	}
	return ua[:cut]
}
