package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"
)

// ProviderAlgorithms are the signing algorithms an identity provider's
// tokens may be allowed to use: asymmetric ones only, so a published key
// can never serve as an HMAC secret, and never "none".
var ProviderAlgorithms = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// DefaultProviderAlgorithms are allowed unless configured otherwise.
var DefaultProviderAlgorithms = []string{"RS256", "ES256", "EdDSA"}

// Defaults of ProviderOptions.
const (
	// DefaultKeyRefreshInterval is how often the key set is fetched
	// anyway, so a key the provider removed stops being accepted.
	DefaultKeyRefreshInterval = 15 * time.Minute
	// DefaultUnknownKeyInterval spaces the fetches an unknown key ID
	// starts: a flood of made-up kids costs the provider one request
	// per interval, not one per token.
	DefaultUnknownKeyInterval = time.Minute
	// DefaultProviderTimeout bounds each request to the provider.
	DefaultProviderTimeout = 10 * time.Second
	// maxProviderBody bounds the discovery document and the key set.
	maxProviderBody = 1 << 20
)

// ProviderOptions locate an identity provider's keys and tune their cache.
type ProviderOptions struct {
	// Issuer, when set, is an OpenID Connect issuer: its discovery
	// document (Issuer + "/.well-known/openid-configuration") names the
	// key set, and must name Issuer as its issuer.
	Issuer string
	// JWKSURL is the key set's URL when Issuer is not set.
	JWKSURL string
	// Client makes the requests (default: one with DefaultProviderTimeout).
	// Response bodies are bounded either way.
	Client *http.Client
	// RefreshInterval and UnknownKeyInterval default to
	// DefaultKeyRefreshInterval and DefaultUnknownKeyInterval.
	RefreshInterval, UnknownKeyInterval time.Duration
	// Logger receives failed refreshes (default: slog.Default()).
	Logger *slog.Logger
}

// ProviderKeys are an identity provider's published signing keys, cached
// in memory. They are fetched when made, then every RefreshInterval, and
// when a token names a key ID not in the cache (at most once per
// UnknownKeyInterval; a token whose kid is still unknown is refused at
// once). A failed fetch keeps the cached keys, so tokens signed with them
// are accepted while the provider is unreachable; a successful one
// replaces them all, so removed keys stop being accepted.
type ProviderKeys struct {
	// JWKSURL is where the keys are fetched (discovered, or given).
	JWKSURL string
	kf      keyfunc.Keyfunc
}

// NewProviderKeys discovers the key set (if o.Issuer is set) and fetches
// it; either failing is an error, so a wrong URL stops the service at
// start. The background refresh runs until ctx ends.
func NewProviderKeys(ctx context.Context, o ProviderOptions) (*ProviderKeys, error) {
	client := o.Client
	if client == nil {
		client = &http.Client{Timeout: DefaultProviderTimeout}
	}
	bounded := *client
	bounded.Transport = boundedBodies{next: client.Transport}
	// A redirect may not lead where the URLs themselves may not (plain
	// http off this host).
	bounded.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("too many redirects")
		}
		if err := CheckProviderURL(req.URL.String()); err != nil {
			return fmt.Errorf("redirect to %s: %w", req.URL.Redacted(), err)
		}
		return nil
	}
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	jwksURL := o.JWKSURL
	if o.Issuer != "" {
		var err error
		if jwksURL, err = discover(ctx, &bounded, o.Issuer); err != nil {
			return nil, err
		}
	}
	refresh := o.RefreshInterval
	if refresh <= 0 {
		refresh = DefaultKeyRefreshInterval
	}
	unknown := o.UnknownKeyInterval
	if unknown <= 0 {
		unknown = DefaultUnknownKeyInterval
	}
	noFirstError := false
	kf, err := keyfunc.NewDefaultOverrideCtx(ctx, []string{jwksURL}, keyfunc.Override{
		Client:      &bounded,
		HTTPTimeout: DefaultProviderTimeout,
		// The first fetch must succeed: no keys, no sessions.
		NoErrorReturnFirstHTTPReq: &noFirstError,
		// An unknown kid waits for the rate limiter no longer than a
		// fetch may take (the same deadline bounds the fetch), and not
		// at all once the limiter's next slot is further away than that.
		RateLimitWaitMax: DefaultProviderTimeout,
		RefreshErrorHandlerFunc: func(u string) func(ctx context.Context, err error) {
			return func(ctx context.Context, err error) {
				log.WarnContext(ctx, "identity provider keys not refreshed: keeping the cached keys", "url", u, "err", err)
			}
		},
		RefreshInterval:   refresh,
		RefreshUnknownKID: rate.NewLimiter(rate.Every(unknown), 1),
	})
	if err != nil {
		return nil, fmt.Errorf("fetch the identity provider's keys from %s: %w", jwksURL, err)
	}
	// Keys published for encryption ("use": "enc") never verify a token.
	kf, err = keyfunc.New(keyfunc.Options{Ctx: ctx, Storage: kf.Storage(), UseWhitelist: []jwkset.USE{jwkset.UseSig, ""}})
	if err != nil {
		return nil, err
	}
	return &ProviderKeys{JWKSURL: jwksURL, kf: kf}, nil
}

// keyfunc returns the jwt.Keyfunc of a request: an unknown key ID's
// refresh ends with ctx.
func (k *ProviderKeys) keyfunc(ctx context.Context) jwt.Keyfunc { return k.kf.KeyfuncCtx(ctx) }

// discoveryDocument holds the members of OpenID Connect Discovery 1.0
// section 3 the service uses.
type discoveryDocument struct {
	Issuer  string `json:"issuer"`
	JWKSURI string `json:"jwks_uri"`
}

// discover reads issuer's discovery document and returns its jwks_uri.
func discover(ctx context.Context, client *http.Client, issuer string) (string, error) {
	where := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	fail := func(err error) (string, error) {
		return "", fmt.Errorf("OpenID Connect discovery at %s: %w", where, err)
	}
	ctx, cancel := context.WithTimeout(ctx, DefaultProviderTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, where, nil)
	if err != nil {
		return fail(err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return fail(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fail(fmt.Errorf("HTTP %d", resp.StatusCode))
	}
	var doc discoveryDocument
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return fail(fmt.Errorf("decode: %w", err))
	}
	// Discovery section 4.3: the document must name the issuer it was
	// fetched for, exactly.
	if doc.Issuer != issuer {
		return fail(fmt.Errorf("the document names issuer %q, not %q", doc.Issuer, issuer))
	}
	if err := CheckProviderURL(doc.JWKSURI); err != nil {
		return fail(fmt.Errorf("jwks_uri: %w", err))
	}
	return doc.JWKSURI, nil
}

// CheckProviderURL accepts an https URL, or an http one on a loopback
// host (a provider on the same machine, as in development and tests):
// keys fetched in clear text from elsewhere could be anyone's.
func CheckProviderURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || u.User != nil:
		return errors.New("must be an absolute http(s) URL without credentials")
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && loopback(u.Hostname()):
		return nil
	}
	return errors.New("must be an https URL (http only on a loopback host)")
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// boundedBodies caps response bodies at maxProviderBody: reading beyond
// fails the fetch rather than filling memory.
type boundedBodies struct{ next http.RoundTripper }

func (b boundedBodies) RoundTrip(req *http.Request) (*http.Response, error) {
	next := b.next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(req)
	if err == nil {
		resp.Body = http.MaxBytesReader(nil, resp.Body, maxProviderBody)
	}
	return resp, err
}
