package origin

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClientIP(t *testing.T) {
	tests := []struct {
		name    string
		trusted []string
		remote  string
		xff     []string
		want    string
	}{
		{"no proxies: peer address", nil, "203.0.113.7:5000", nil, "203.0.113.7"},
		{"no proxies: header ignored", nil, "203.0.113.7:5000", []string{"198.51.100.1"}, "203.0.113.7"},
		{"IPv6 peer", nil, "[2001:db8::1]:443", nil, "2001:db8::1"},
		{"trusted proxy: rightmost untrusted entry", []string{"10.0.0.0/8"}, "10.0.0.2:1", []string{"198.51.100.9, 203.0.113.5, 10.0.0.3"}, "203.0.113.5"},
		{"spoofed leftmost entry is not believed", []string{"10.0.0.0/8"}, "10.0.0.2:1", []string{"1.2.3.4, 203.0.113.5"}, "203.0.113.5"},
		{"several headers count as one list", []string{"10.0.0.0/8"}, "10.0.0.2:1", []string{"1.2.3.4", "203.0.113.5"}, "203.0.113.5"},
		{"no header behind proxy config: peer", []string{"10.0.0.0/8"}, "203.0.113.7:5000", nil, "203.0.113.7"},
		{"only trusted entries: peer", []string{"10.0.0.0/8"}, "10.0.0.2:1", []string{"10.0.0.9"}, "10.0.0.2"},
		{"single trusted address", []string{"192.0.2.1"}, "192.0.2.1:1", []string{"203.0.113.5"}, "203.0.113.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := NewResolver(tt.trusted)
			if err != nil {
				t.Fatalf("NewResolver: %v", err)
			}
			r := httptest.NewRequest(http.MethodPost, "/query", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := res.Of(r).ClientIP; got != tt.want {
				t.Errorf("ClientIP: got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewResolverRejectsBadRanges(t *testing.T) {
	for _, bad := range []string{"not-an-ip", "10.0.0.0/33", ""} {
		if _, err := NewResolver([]string{bad}); err == nil {
			t.Errorf("NewResolver(%q): got nil error, want one", bad)
		}
	}
}

func TestCleanUserAgent(t *testing.T) {
	long := strings.Repeat("é", 400) // 800 bytes
	tests := []struct{ in, want string }{
		{"curl/8.5.0", "curl/8.5.0"},
		{"evil\nInjected: line\r\x00", "evilInjected: line"},
		{"bad \xff byte", "bad \uFFFD byte"},
		{long, strings.Repeat("é", 256)},
	}
	for _, tt := range tests {
		got := CleanUserAgent(tt.in)
		if got != tt.want {
			t.Errorf("CleanUserAgent(%q): got %q, want %q", tt.in, got, tt.want)
		}
		if len(got) > MaxUserAgentBytes || !utf8.ValidString(got) {
			t.Errorf("CleanUserAgent(%q) = %q: over the bound or invalid UTF-8", tt.in, got)
		}
	}
	odd := "x" + long // the cut falls inside a character
	if got := CleanUserAgent(odd); len(got) != 511 || !utf8.ValidString(got) {
		t.Errorf("odd cut: got %d bytes (valid %v), want 511 valid", len(got), utf8.ValidString(got))
	}
}

func TestMiddlewareCarriesOrigin(t *testing.T) {
	res, _ := NewResolver(nil)
	var got Origin
	h := AssignRequestID(res.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		got = From(r.Context())
	})))
	r := httptest.NewRequest(http.MethodPost, "/query", nil)
	r.RemoteAddr = "198.51.100.4:999"
	r.Header.Set("User-Agent", "console/1.0")
	r.Header.Set(RequestIDHeader, "req-42")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	// The service's request ID, the client's beside it.
	want := Origin{RequestID: rec.Header().Get(RequestIDHeader), ClientRequestID: "req-42", ClientIP: "198.51.100.4", UserAgent: "console/1.0"}
	if got != want || len(got.RequestID) != 26 {
		t.Errorf("origin: got %+v, want %+v", got, want)
	}
	if (From(context.Background()) != Origin{}) {
		t.Error("From(empty context): want the zero Origin")
	}
}
