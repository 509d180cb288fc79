package console

import (
	"net/http"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/origin"

	"github.com/patgov/pats/internal/testenv"
)

// TestBundleServed: the real handler serves the console under /admin/
// with its security headers and request IDs; /admin redirects.
func TestBundleServed(t *testing.T) {
	env := testenv.New(t, "sqlite")
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tt := range []struct {
		path, wantType, wantLocation string
		wantStatus                   int
	}{
		{"/admin/", "text/html", "", http.StatusOK},
		{"/admin/tokens/01JD", "text/html", "", http.StatusOK},
		{"/admin", "", "/admin/", http.StatusPermanentRedirect},
		{"/admin/api/nope", "application/json", "", http.StatusNotFound},
	} {
		req, err := http.NewRequest(http.MethodGet, env.URL+tt.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set(origin.RequestIDHeader, "console-req-1")
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", tt.path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.wantStatus || !strings.HasPrefix(resp.Header.Get("Content-Type"), tt.wantType) ||
			resp.Header.Get("Location") != tt.wantLocation {
			t.Errorf("GET %s: got %d %q Location %q, want %d %q %q", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"),
				resp.Header.Get("Location"), tt.wantStatus, tt.wantType, tt.wantLocation)
		}
		// The service's own ID, never the client's.
		if got := resp.Header.Get(origin.RequestIDHeader); len(got) != 26 || got == "console-req-1" {
			t.Errorf("GET %s: %s got %q, want an ID the service generated", tt.path, origin.RequestIDHeader, got)
		}
		if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
			resp.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("GET %s: got CSP %q Referrer-Policy %q, want the console's", tt.path,
				resp.Header.Get("Content-Security-Policy"), resp.Header.Get("Referrer-Policy"))
		}
	}
}
