package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"sync"
)

// headerSink lets code that runs during a GraphQL request (the error
// presenter, possibly in several resolver goroutines at once) set a
// response header before gqlgen writes the response.
type headerSink struct {
	mu sync.Mutex
	h  http.Header
}

type headerSinkKey struct{}

// withHeaderSink is middleware that gives each request a headerSink.
func withHeaderSink(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sink := &headerSink{h: w.Header()}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), headerSinkKey{}, sink)))
	})
}

// setRetryAfter sets the Retry-After header of the request's response.
func setRetryAfter(ctx context.Context, seconds int) {
	sink, ok := ctx.Value(headerSinkKey{}).(*headerSink)
	if !ok {
		return
	}
	sink.mu.Lock()
	defer sink.mu.Unlock()
	sink.h.Set("Retry-After", strconv.Itoa(seconds))
}
