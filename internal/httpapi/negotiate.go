package httpapi

import (
	"context"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/patgov/pats/internal/apperr"
)

// The media types of GraphQL responses (GraphQL over HTTP, "Media
// Types"). Both are JSON; they differ in the status codes that go with
// them (see graphQLStatus).
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// contentType is the Content-Type header of a response of media type mt:
// the encoding is always stated, as the specification advises.
func contentType(mt string) string { return mt + "; charset=utf-8" }

type responseMediaKey struct{}

// responseMedia is the media type negotiated for the request's GraphQL
// responses (by negotiateGraphQL), or "" outside POST /query.
func responseMedia(ctx context.Context) string {
	mt, _ := ctx.Value(responseMediaKey{}).(string)
	return mt
}

func withResponseMedia(r *http.Request, mt string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), responseMediaKey{}, mt))
}

// negotiateGraphQL is the outermost step of POST /query: it chooses the
// response media type from Accept, so that every answer of the endpoint,
// refusals by the later steps included, uses it, and answers 406 when the
// client accepts neither.
func negotiateGraphQL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mt, ok := negotiate(r.Header.Values("Accept"))
		if !ok {
			// In application/json all the same: a client may still read it.
			writeGraphQLError(w, withResponseMedia(r, mediaJSON), http.StatusNotAcceptable, string(apperr.BadRequest),
				"Accept must allow application/graphql-response+json or application/json")
			return
		}
		next.ServeHTTP(w, withResponseMedia(r, mt))
	})
}

// graphQLMethodNotAllowed answers /query requests of any method but POST.
// GET is deliberately not served: the specification would have it refuse
// mutations but run queries, and a query by GET can be sent cross-site
// without a CORS preflight (a link, an image) with whatever credentials
// the browser attaches, while nothing here gains from HTTP caching (every
// answer depends on the caller and is no-store).
func graphQLMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	mt, ok := negotiate(r.Header.Values("Accept"))
	if !ok {
		mt = mediaJSON
	}
	r = withResponseMedia(r, mt)
	w.Header().Set("Allow", http.MethodPost)
	writeGraphQLError(w, r, http.StatusMethodNotAllowed, string(apperr.BadRequest),
		"method not allowed: send GraphQL requests with POST (GET is not served)")
}

// negotiate picks the response media type for the Accept header fields
// (RFC 9110, section 12.5.1): the supported type with the highest quality,
// where the most specific matching range gives a type its quality; on a
// tie a type named explicitly beats one matched by a wildcard, then the
// one listed first wins, then application/json (so */* and application/*
// give application/json, as for clients that predate the specification's
// media type). No Accept at all also gives application/json. It reports
// false when Accept allows neither type.
func negotiate(fields []string) (string, bool) {
	var ranges []mediaRange
	for _, f := range fields {
		for part := range strings.SplitSeq(f, ",") {
			if rg, ok := parseMediaRange(part); ok {
				ranges = append(ranges, rg)
			}
		}
	}
	if len(ranges) == 0 {
		if acceptAbsent(fields) {
			return mediaJSON, true
		}
		return "", false
	}
	best, bestScore := "", score{}
	for _, mt := range []string{mediaJSON, mediaGraphQLResponse} {
		s, ok := scoreFor(mt, ranges)
		if ok && s.q > 0 && (best == "" || s.beats(bestScore)) {
			best, bestScore = mt, s
		}
	}
	return best, best != ""
}

// acceptAbsent reports whether Accept was not sent or is empty: "no
// preference" rather than a list of nothing usable.
func acceptAbsent(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// mediaRange is one element of Accept.
type mediaRange struct {
	typ, sub string
	q        float64
	charset  string // lower case; "" if not given
}

// parseMediaRange parses "type/subtype;params;q=0.5"; it reports false for
// anything malformed, which is then ignored.
func parseMediaRange(s string) (mediaRange, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return mediaRange{}, false
	}
	mt, params, err := mime.ParseMediaType(s)
	if err != nil {
		return mediaRange{}, false
	}
	typ, sub, ok := strings.Cut(mt, "/")
	if !ok || typ == "" || sub == "" || (typ == "*" && sub != "*") {
		return mediaRange{}, false
	}
	rg := mediaRange{typ: typ, sub: sub, q: 1, charset: strings.ToLower(params["charset"])}
	if v, ok := params["q"]; ok {
		q, err := strconv.ParseFloat(v, 64)
		if err != nil || q < 0 || q > 1 {
			return mediaRange{}, false
		}
		rg.q = q
	}
	return rg, true
}

// score ranks a supported media type against Accept.
type score struct {
	q        float64
	explicit bool // matched by its full name, not a wildcard
	position int
}

// beats reports whether s ranks strictly above t (ties go to the type
// tried first, application/json).
func (s score) beats(t score) bool {
	if s.q != t.q {
		return s.q > t.q
	}
	if s.explicit != t.explicit {
		return s.explicit
	}
	return s.position < t.position
}

// scoreFor finds the most specific range matching mt (type/subtype over
// type/* over */*; RFC 9110 gives the most specific one precedence) and
// reports false when none does. A range naming a charset matches only if
// the charset is UTF-8, the one these responses use.
func scoreFor(mt string, ranges []mediaRange) (score, bool) {
	typ, sub, _ := strings.Cut(mt, "/")
	bestSpec, found := -1, score{}
	for i, rg := range ranges {
		spec := -1
		switch {
		case rg.typ == typ && rg.sub == sub:
			spec = 2
		case rg.typ == typ && rg.sub == "*":
			spec = 1
		case rg.typ == "*":
			spec = 0
		}
		if spec < 0 || (rg.charset != "" && rg.charset != "utf-8" && rg.charset != "utf8") {
			continue
		}
		if spec > bestSpec {
			bestSpec, found = spec, score{q: rg.q, explicit: spec == 2, position: i}
		}
	}
	return found, bestSpec >= 0
}
