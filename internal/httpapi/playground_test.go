package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
)

// playgroundHandler is the service's handler with the playground on or
// off (no database behind it).
func playgroundHandler(t *testing.T, on bool) http.Handler {
	t.Helper()
	return New(Config{Logger: slog.New(slog.DiscardHandler), Playground: on})
}

func getPlayground(t *testing.T, h http.Handler, method, target string, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// playgroundSecurityHeaders are the headers of every playground response,
// 404s included: the console's (no framing, no sniffing, no referrer) with
// the playground's own policy. The policy is spelled out, so that loosening
// PlaygroundContentSecurityPolicy means changing this test too.
var playgroundSecurityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'none'; script-src 'self'; " +
		"style-src 'self' 'sha256-nzTgYzXYDNe6BAHiiI7NNlfK8n/auuOAhh2t92YvuXo='; " +
		"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
		"frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
	"X-Frame-Options":        "DENY",
	"X-Content-Type-Options": "nosniff",
	"Referrer-Policy":        "no-referrer",
}

func checkPlaygroundSecurityHeaders(t *testing.T, what string, rec *httptest.ResponseRecorder) {
	t.Helper()
	if got := rec.Header().Get("Content-Security-Policy"); got != PlaygroundContentSecurityPolicy {
		t.Errorf("%s: Content-Security-Policy: got %q, want PlaygroundContentSecurityPolicy %q", what, got, PlaygroundContentSecurityPolicy)
	}
	for name, want := range playgroundSecurityHeaders {
		if got := rec.Header().Get(name); got != want {
			t.Errorf("%s: %s: got %q, want %q", what, name, got, want)
		}
	}
}

// servedPlaygroundFiles lists the files of httpapi/playground on disk
// that the binary serves, by their path under it: all of them except the
// vendoring script and its notes.
func servedPlaygroundFiles(t *testing.T) []string {
	t.Helper()
	var names []string
	err := fs.WalkDir(os.DirFS("playground"), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || name == "VERSIONS.md" || name == "vendor.sh" {
			return err
		}
		names = append(names, name)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// TestPlaygroundFiles: the page at GET / and every other file of
// httpapi/playground under /playground/, byte for byte, with its type,
// revalidated by ETag, with the security headers; HEAD the same without
// the body.
func TestPlaygroundFiles(t *testing.T) {
	h := playgroundHandler(t, true)
	wantType := map[string]string{
		".html": "text/html; charset=utf-8",
		".js":   "text/javascript; charset=utf-8",
		".css":  "text/css; charset=utf-8",
		".txt":  "text/plain; charset=utf-8",
	}
	names := servedPlaygroundFiles(t)
	for _, want := range []string{"index.html", "playground.js", "playground.css", "vendor/graphiql.min.js", "vendor/graphiql.min.css",
		"vendor/react.production.min.js", "vendor/react-dom.production.min.js", "vendor/graphiql.LICENSE.txt", "vendor/react.LICENSE.txt"} {
		if !strings.Contains(strings.Join(names, "\n")+"\n", want+"\n") {
			t.Errorf("httpapi/playground: %s missing", want)
		}
	}
	etags := map[string]string{}
	for _, name := range names {
		target := PlaygroundAssets + name
		if name == "index.html" {
			target = "/"
		}
		t.Run(target, func(t *testing.T) {
			content, err := os.ReadFile(path.Join("playground", name))
			if err != nil {
				t.Fatal(err)
			}
			rec := getPlayground(t, h, http.MethodGet, target, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s: got %d, want 200 (is %s in playground.go's go:embed?)", target, rec.Code, name)
			}
			if rec.Body.String() != string(content) {
				t.Errorf("GET %s: body differs from httpapi/playground/%s (%d bytes, want %d)", target, name, rec.Body.Len(), len(content))
			}
			if got, want := rec.Header().Get("Content-Type"), wantType[path.Ext(name)]; got != want || want == "" {
				t.Errorf("GET %s: Content-Type: got %q, want %q", target, got, want)
			}
			if got := rec.Header().Get("Cache-Control"); got != "no-cache" {
				t.Errorf("GET %s: Cache-Control: got %q, want no-cache (the names are not content-hashed)", target, got)
			}
			checkPlaygroundSecurityHeaders(t, "GET "+target, rec)

			etag := rec.Header().Get("ETag")
			if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) || len(etag) < 10 {
				t.Fatalf("GET %s: ETag: got %q, want a strong quoted tag", target, etag)
			}
			if other, ok := etags[etag]; ok {
				t.Errorf("GET %s: ETag %s is also %s's", target, etag, other)
			}
			etags[etag] = target
			if again := getPlayground(t, h, http.MethodGet, target, nil).Header().Get("ETag"); again != etag {
				t.Errorf("GET %s again: ETag: got %q, want %q", target, again, etag)
			}

			rec = getPlayground(t, h, http.MethodGet, target, http.Header{"If-None-Match": {etag}})
			if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
				t.Errorf("GET %s If-None-Match %s: got %d with %d bytes, want 304 and no body", target, etag, rec.Code, rec.Body.Len())
			}
			checkPlaygroundSecurityHeaders(t, "304 of "+target, rec)
			rec = getPlayground(t, h, http.MethodGet, target, http.Header{"If-None-Match": {`"stale"`}})
			if rec.Code != http.StatusOK || rec.Body.Len() != len(content) {
				t.Errorf("GET %s If-None-Match \"stale\": got %d with %d bytes, want 200 and the file", target, rec.Code, rec.Body.Len())
			}

			rec = getPlayground(t, h, http.MethodHead, target, nil)
			if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("ETag") != etag ||
				rec.Header().Get("Content-Type") != wantType[path.Ext(name)] {
				t.Errorf("HEAD %s: got %d, %d bytes, ETag %q, Content-Type %q; want GET's headers and no body",
					target, rec.Code, rec.Body.Len(), rec.Header().Get("ETag"), rec.Header().Get("Content-Type"))
			}
			checkPlaygroundSecurityHeaders(t, "HEAD "+target, rec)
		})
	}
}

// TestPlaygroundUnknownPaths: anything under /playground/ that is not one
// of its files is a plain 404, with the security headers; the page is
// only at /, and the vendoring script and notes are never served.
func TestPlaygroundUnknownPaths(t *testing.T) {
	h := playgroundHandler(t, true)
	for _, target := range []string{
		"/playground/",
		"/playground/nope.js",
		"/playground/index.html",
		"/playground/VERSIONS.md",
		"/playground/vendor.sh",
		"/playground/vendor/",
		"/playground/vendor/graphiql.js",
		"/playground/vendor/index.umd.js.map",
		"/playground/PLAYGROUND.JS",
		"/playground/playground.js/",
		"/playground/playground.js%00",
	} {
		rec := getPlayground(t, h, http.MethodGet, target, nil)
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: got %d, want 404", target, rec.Code)
		}
		if strings.Contains(rec.Body.String(), "GraphiQL") || strings.Contains(rec.Body.String(), "React") {
			t.Errorf("GET %s: got a playground file, want a plain 404", target)
		}
		checkPlaygroundSecurityHeaders(t, "GET "+target, rec)
	}
	for _, target := range []string{"/index.html", "/graphiql", "/vendor/graphiql.min.js"} {
		if rec := getPlayground(t, h, http.MethodGet, target, nil); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: got %d, want 404", target, rec.Code)
		}
	}
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		for _, target := range []string{"/", "/playground/playground.js"} {
			if rec := getPlayground(t, h, method, target, nil); rec.Code != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: got %d, want 405", method, target, rec.Code)
			}
		}
	}
}

// TestPlaygroundOff: with Config.Playground false (production's default)
// the page and its files do not exist, while the rest of the service is
// unchanged.
func TestPlaygroundOff(t *testing.T) {
	h := playgroundHandler(t, false)
	for _, target := range []string{"/", "/playground/x", "/playground/playground.js", "/playground/vendor/graphiql.min.js"} {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			rec := getPlayground(t, h, method, target, nil)
			if rec.Code != http.StatusNotFound {
				t.Errorf("%s %s: got %d, want 404", method, target, rec.Code)
			}
			if strings.Contains(rec.Body.String(), "GraphiQL") {
				t.Errorf("%s %s: got the playground", method, target)
			}
		}
	}
	if rec := getPlayground(t, h, http.MethodGet, "/healthz", nil); rec.Code != http.StatusOK {
		t.Errorf("GET /healthz: got %d, want 200", rec.Code)
	}
}

// TestPlaygroundPageLoadsOnlyItsOwnFiles: index.html has no inline script,
// style or event handler (the policy would block them), and every script
// and style sheet it names is a playground file served with its type.
func TestPlaygroundPageLoadsOnlyItsOwnFiles(t *testing.T) {
	h := playgroundHandler(t, true)
	page := getPlayground(t, h, http.MethodGet, "/", nil).Body.String()
	scriptTags := regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script>`).FindAllStringSubmatch(page, -1)
	if len(scriptTags) != strings.Count(strings.ToLower(page), "<script") {
		t.Errorf("index.html: a <script> element without its end tag")
	}
	for _, s := range scriptTags {
		if !strings.Contains(s[1], `src="`) || strings.TrimSpace(s[2]) != "" {
			t.Errorf("index.html: %q, want an empty script element with src", s[0])
		}
	}
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`(?i)<style`),
		regexp.MustCompile(`(?i)\sstyle\s*=`),
		regexp.MustCompile(`(?i)\son[a-z]+\s*=`),
		regexp.MustCompile(`(?i)javascript:`),
		regexp.MustCompile(`(?i)(src|href)\s*=\s*"?(https?:)?//`),
	} {
		if m := bad.FindString(page); m != "" {
			t.Errorf("index.html: %q (%s)", m, bad)
		}
	}
	refs := regexp.MustCompile(`<(script|link)\s[^>]*(?:src|href)="([^"]+)"[^>]*>`).FindAllStringSubmatch(page, -1)
	wantType := map[string]string{"script": "text/javascript; charset=utf-8", "link": "text/css; charset=utf-8"}
	scripts, sheets := 0, 0
	for _, ref := range refs {
		tag, target := ref[1], ref[2]
		if tag == "link" && !strings.Contains(ref[0], `rel="stylesheet"`) {
			if target != "data:," {
				t.Errorf("index.html: %s, want only style sheets and the empty data: icon", ref[0])
			}
			continue
		}
		if !strings.HasPrefix(target, PlaygroundAssets) {
			t.Errorf("index.html: %s, want a file under %s", ref[0], PlaygroundAssets)
			continue
		}
		rec := getPlayground(t, h, http.MethodGet, target, nil)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != wantType[tag] {
			t.Errorf("GET %s (from index.html): got %d %q, want 200 %q", target, rec.Code, rec.Header().Get("Content-Type"), wantType[tag])
		}
		if tag == "script" {
			scripts++
		} else {
			sheets++
		}
	}
	if scripts != 4 || sheets != 2 {
		t.Errorf("index.html: got %d scripts and %d style sheets, want React, ReactDOM, GraphiQL, playground.js and 2 sheets", scripts, sheets)
	}
}

// TestPlaygroundKeepsNoHeaders: the page's own code never touches
// localStorage, never persists the Headers editor (where the session token
// is pasted) nor offers to, and gives GraphiQL a sessionStorage-backed
// store that drops the headers GraphiQL keeps with its tabs, history and
// favourites. The browser test (console/browser/tests/07-playground.spec.ts)
// checks what actually ends up in storage, in Chromium.
func TestPlaygroundKeepsNoHeaders(t *testing.T) {
	for _, name := range []string{"index.html", "playground.js", "playground.css"} {
		content, err := os.ReadFile(path.Join("playground", name))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.ToLower(string(content)), "localstorage") {
			t.Errorf("%s mentions localStorage", name)
		}
	}
	js, err := os.ReadFile("playground/playground.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`\bshouldPersistHeaders\s*:\s*false\b`),
		regexp.MustCompile(`\bshowPersistHeadersSettings\s*:\s*false\b`),
		regexp.MustCompile(`\bstorage\s*:\s*sessionStore\(`),
		regexp.MustCompile(`=\s*window\.sessionStorage\b`),
		regexp.MustCompile(`withHeaders = \['graphiql:tabState', 'graphiql:queries', 'graphiql:favorites'\]`),
		regexp.MustCompile(`credentials\s*:\s*'omit'`),
	} {
		if !want.Match(js) {
			t.Errorf("playground.js: want %s", want)
		}
	}
	if n := strings.Count(string(js), "shouldPersistHeaders:"); n != 1 {
		t.Errorf("playground.js: shouldPersistHeaders is set %d times, want once (false)", n)
	}
}

// TestPlaygroundVendorMatchesVersions: every vendored file is listed in
// playground/VERSIONS.md with its SHA-256, and nothing else is in vendor/,
// so a hand edit of a vendored file fails here, offline
// (playground/vendor.sh --check compares them with the npm tarballs).
func TestPlaygroundVendorMatchesVersions(t *testing.T) {
	notes, err := os.ReadFile("playground/VERSIONS.md")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]string{} // file -> SHA-256 from the table
	for _, m := range regexp.MustCompile("(?m)^\\| `([^`]+)` +\\|[^|]+\\| `([0-9a-f]{64})` \\|$").FindAllStringSubmatch(string(notes), -1) {
		listed[m[1]] = m[2]
	}
	entries, err := os.ReadDir("playground/vendor")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		content, err := os.ReadFile(path.Join("playground/vendor", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(content)
		if got, want := hex.EncodeToString(sum[:]), listed[e.Name()]; got != want {
			t.Errorf("vendor/%s: SHA-256 %s, VERSIONS.md lists %q", e.Name(), got, want)
		}
		delete(listed, e.Name())
	}
	for name := range listed {
		t.Errorf("VERSIONS.md lists vendor/%s, which is missing", name)
	}
}
