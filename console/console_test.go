package console

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

const (
	indexHTML = "<!doctype html><title>PAT console</title><script type=module src=/admin/assets/index-abc123.js></script>"
	assetJS   = "console.log('console')"
	assetCSS  = "body{margin:0}"
	faviconSV = "<svg xmlns='http://www.w3.org/2000/svg'/>"
)

// testHandler serves a bundle like Vite's: index.html, hashed assets, a
// root file, and a manifest in a dot folder.
func testHandler(t *testing.T) http.Handler {
	t.Helper()
	files, err := load(fstest.MapFS{
		"dist/index.html":               {Data: []byte(indexHTML)},
		"dist/favicon.svg":              {Data: []byte(faviconSV)},
		"dist/assets/index-abc123.js":   {Data: []byte(assetJS)},
		"dist/assets/index-def456.css":  {Data: []byte(assetCSS)},
		"dist/assets/_chunk-789.js":     {Data: []byte(assetJS)},
		"dist/.vite/manifest.json":      {Data: []byte(`{"secret":"not served"}`)},
		"dist/assets/fonts/a-1.woff2":   {Data: []byte("wOF2")},
		"dist/nested/folder/readme.txt": {Data: []byte("text")},
	})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return newHandler(files, apiNotFoundStub, ContentSecurityPolicy)
}

// apiNotFoundStub stands for the API's 404 (package httpapi, which tests
// its body): it marks the responses it writes.
var apiNotFoundStub = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("X-Api-Not-Found", "yes")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
})

func get(t *testing.T, h http.Handler, method, target string, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestFilesAndFallback: files of the bundle are served with their type and
// cache policy; any other path under /admin/ is index.html (client-side
// routes), except missing assets, which are 404 and never cached.
func TestFilesAndFallback(t *testing.T) {
	h := testHandler(t)
	tests := []struct {
		path, wantBody, wantType, wantCache string
		wantStatus                          int
	}{
		{"/admin/", indexHTML, "text/html; charset=utf-8", "no-cache", 200},
		{"/admin/index.html", indexHTML, "text/html; charset=utf-8", "no-cache", 200},
		{"/admin/tokens", indexHTML, "text/html; charset=utf-8", "no-cache", 200},
		{"/admin/tokens/01JD/details?tab=scopes", indexHTML, "text/html; charset=utf-8", "no-cache", 200},
		{"/admin/settings/", indexHTML, "text/html; charset=utf-8", "no-cache", 200},
		{"/admin/nested/folder", indexHTML, "text/html; charset=utf-8", "no-cache", 200},
		{"/admin/.vite/manifest.json", indexHTML, "text/html; charset=utf-8", "no-cache", 200},
		{"/admin/favicon.svg", faviconSV, "image/svg+xml", "no-cache", 200},
		{"/admin/nested/folder/readme.txt", "text", "text/plain; charset=utf-8", "no-cache", 200},
		{"/admin/assets/index-abc123.js", assetJS, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", 200},
		{"/admin/assets/index-def456.css", assetCSS, "text/css; charset=utf-8", "public, max-age=31536000, immutable", 200},
		{"/admin/assets/_chunk-789.js", assetJS, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", 200},
		{"/admin/assets/fonts/a-1.woff2", "wOF2", "font/woff2", "public, max-age=31536000, immutable", 200},
		{"/admin/assets/index-old999.js", "", "", "no-cache", 404},
		{"/admin/assets/", "", "", "no-cache", 404},
		{"/admin/assets", "", "", "no-cache", 404},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := get(t, h, http.MethodGet, tt.path, nil)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status: got %d, want %d", rec.Code, tt.wantStatus)
			}
			if got := rec.Header().Get("Cache-Control"); got != tt.wantCache {
				t.Errorf("Cache-Control: got %q, want %q", got, tt.wantCache)
			}
			if tt.wantStatus != 200 {
				if strings.Contains(rec.Body.String(), "<title>") {
					t.Errorf("body: got the application, want a plain 404")
				}
				return
			}
			if got := rec.Body.String(); got != tt.wantBody {
				t.Errorf("body: got %q, want %q", got, tt.wantBody)
			}
			if got := rec.Header().Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type: got %q, want %q", got, tt.wantType)
			}
			if rec.Header().Get("ETag") == "" {
				t.Errorf("ETag: got none, want one")
			}
		})
	}
}

// TestConditionalAndHead: a matching If-None-Match is 304; HEAD has the
// headers of GET and no body.
func TestConditionalAndHead(t *testing.T) {
	h := testHandler(t)
	first := get(t, h, http.MethodGet, "/admin/", nil)
	etag := first.Header().Get("ETag")
	rec := get(t, h, http.MethodGet, "/admin/tokens", http.Header{"If-None-Match": {etag}})
	if rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match %s: got %d, want 304", etag, rec.Code)
	}
	rec = get(t, h, http.MethodHead, "/admin/assets/index-abc123.js", nil)
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") != "22" {
		t.Errorf("HEAD: got %d, %d bytes, Content-Length %q, want 200, no body, 22", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Length"))
	}
}

// TestRedirect: /admin is a permanent redirect to /admin/ keeping the
// method and the query (the browser keeps the fragment).
func TestRedirect(t *testing.T) {
	h := testHandler(t)
	for _, tt := range []struct{ method, target, want string }{
		{http.MethodGet, "/admin", "/admin/"},
		{http.MethodHead, "/admin", "/admin/"},
		{http.MethodGet, "/admin?next=tokens", "/admin/?next=tokens"},
	} {
		rec := get(t, h, tt.method, tt.target, nil)
		if rec.Code != http.StatusPermanentRedirect || rec.Header().Get("Location") != tt.want {
			t.Errorf("%s %s: got %d Location %q, want 308 %q", tt.method, tt.target, rec.Code, rec.Header().Get("Location"), tt.want)
		}
	}
}

// TestMethods: only GET and HEAD; anything else is 405 with Allow.
func TestMethods(t *testing.T) {
	h := testHandler(t)
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions, "PROPFIND"} {
		for _, target := range []string{"/admin", "/admin/", "/admin/tokens", "/admin/assets/index-abc123.js"} {
			rec := get(t, h, method, target, nil)
			if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s: got %d Allow %q, want 405 %q", method, target, rec.Code, rec.Header().Get("Allow"), "GET, HEAD")
			}
		}
	}
}

// TestAPIIsNeverTheApplication: every path under /admin/api/, any method,
// goes to the API's 404 (never index.html), with the security headers.
func TestAPIIsNeverTheApplication(t *testing.T) {
	h := testHandler(t)
	for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodDelete} {
		for _, target := range []string{"/admin/api", "/admin/api/", "/admin/api/nope", "/admin/api/dev-session", "/admin/api/config/x", "/admin/api/assets/index-abc123.js"} {
			rec := get(t, h, method, target, nil)
			if rec.Code != http.StatusNotFound || rec.Header().Get("X-Api-Not-Found") != "yes" {
				t.Errorf("%s %s: got %d (API 404: %q), want the API's 404", method, target, rec.Code, rec.Header().Get("X-Api-Not-Found"))
			}
			if strings.Contains(rec.Body.String(), "<html") {
				t.Errorf("%s %s: got the application", method, target)
			}
			if rec.Header().Get("Content-Security-Policy") != ContentSecurityPolicy {
				t.Errorf("%s %s: no Content-Security-Policy", method, target)
			}
		}
	}
}

// TestSecurityHeaders: every response carries the CSP and the other
// security headers, errors and redirects included.
func TestSecurityHeaders(t *testing.T) {
	h := testHandler(t)
	want := map[string]string{
		"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
			"object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
		"X-Frame-Options":        "DENY",
	}
	for _, tt := range []struct{ method, target string }{
		{http.MethodGet, "/admin/"},
		{http.MethodGet, "/admin/tokens"},
		{http.MethodGet, "/admin/assets/index-abc123.js"},
		{http.MethodGet, "/admin/assets/missing.js"},
		{http.MethodGet, "/admin"},
		{http.MethodPost, "/admin/"},
		{http.MethodGet, "/admin/api/nope"},
		{http.MethodHead, "/admin/favicon.svg"},
	} {
		rec := get(t, h, tt.method, tt.target, nil)
		for name, value := range want {
			if got := rec.Header().Get(name); got != value {
				t.Errorf("%s %s: %s got %q, want %q", tt.method, tt.target, name, got, value)
			}
		}
	}
}

// TestEmbeddedBundle: the compiled-in bundle has an index.html, served at
// /admin/ as it is in console/dist.
func TestEmbeddedBundle(t *testing.T) {
	want, err := fs.ReadFile(dist, "dist/index.html")
	if err != nil {
		t.Fatalf("dist/index.html: %v", err)
	}
	rec := get(t, Handler(apiNotFoundStub), http.MethodGet, "/admin/", nil)
	if rec.Code != http.StatusOK || rec.Body.String() != string(want) {
		t.Fatalf("GET /admin/: got %d %q, want 200 with dist/index.html", rec.Code, rec.Body)
	}
}

// TestBundleWithoutIndex: a bundle without index.html is refused.
func TestBundleWithoutIndex(t *testing.T) {
	if _, err := load(fstest.MapFS{"dist/assets/a.js": {Data: []byte(assetJS)}}); err == nil {
		t.Fatalf("load without index.html: got nil, want an error")
	}
}

// TestPolicyConnectsToTheProvider: the identity provider's origin, and
// only it, joins connect-src; the rest of the policy is unchanged.
func TestPolicyConnectsToTheProvider(t *testing.T) {
	if got := Policy(); got != ContentSecurityPolicy {
		t.Errorf("Policy(): got %q, want ContentSecurityPolicy", got)
	}
	want := "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' https://login.acme.example; " +
		"object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
	if got := Policy("https://login.acme.example"); got != want {
		t.Errorf("Policy(issuer origin):\ngot  %q\nwant %q", got, want)
	}
}
