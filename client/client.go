package client

import (
	"errors"
	"net/http"

	"github.com/Khan/genqlient/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// New returns a client of the GraphQL endpoint (the service's URL plus
// /query) that sends bearer, a session token, in the Authorization header of
// every request. httpClient supplies timeouts and transport; nil means a
// client with no timeout over http.DefaultTransport. httpClient itself is
// not modified.
func New(endpoint, bearer string, httpClient *http.Client) graphql.Client {
	var hc http.Client
	if httpClient != nil {
		hc = *httpClient
	}
	hc.Transport = &bearerTransport{bearer: "Bearer " + bearer, base: hc.Transport}
	return graphql.NewClient(endpoint, &hc)
}

// bearerTransport adds the Authorization header to each request.
type bearerTransport struct {
	bearer string
	base   http.RoundTripper
}

// RoundTrip sends a copy of req with the header set: a RoundTripper must
// not modify the request it is given.
func (t *bearerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("Authorization", t.bearer)
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(req)
}

// ErrorCode returns extensions.code of the first GraphQL error in err, or ""
// when err carries none (nil, a network error, a decoding error). It reads
// both the gqlerror.List of a response with errors and the
// *graphql.HTTPError of a non-200 response (UNAUTHENTICATED,
// BAD_REQUEST, ...). The codes are the schema's ErrorCode
// values.
func ErrorCode(err error) string {
	var list gqlerror.List
	var httpErr *graphql.HTTPError
	switch {
	case errors.As(err, &httpErr):
		list = httpErr.Response.Errors
	case errors.As(err, &list):
	default:
		var one *gqlerror.Error
		if errors.As(err, &one) {
			list = gqlerror.List{one}
		}
	}
	for _, e := range list {
		if code, ok := e.Extensions["code"].(string); ok {
			return code
		}
	}
	return ""
}
