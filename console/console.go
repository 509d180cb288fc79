// Package console serves the administration console, a single-page
// application built from console/web into console/dist and embedded in the
// binary, under /admin/. Unknown paths get the application's index.html,
// so client-side routes survive a reload; the JSON API under /admin/api/
// is served by package httpapi and is never the application.
package console

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
)

//go:embed all:dist
var dist embed.FS

// Prefix is the path the console is served under.
const Prefix = "/admin/"

// APIPrefix is the path of the console's JSON API; it is never the
// single-page application.
const APIPrefix = "/admin/api/"

// Cache policies: hashed asset names change with their content, so assets
// may be kept forever; everything else (index.html above all, which names
// the current assets) is revalidated on every use.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	// CacheRevalidate makes a browser revalidate (by ETag) on every use.
	CacheRevalidate = "no-cache"
)

// Handler returns the handler of /admin and everything under /admin/:
// GET and HEAD only. Paths under /admin/api/ are never the application:
// they go to apiNotFound, the API's own "no such path" answer (the API's
// routes are registered ahead of this handler).
//
// connect are further origins the application may fetch from besides its
// own (the identity provider's, for discovery and the token endpoint):
// the Content-Security-Policy's connect-src names them (see Policy).
func Handler(apiNotFound http.Handler, connect ...string) http.Handler {
	files, err := embedded()
	if err != nil {
		// The bundle is compiled in: a failure here is a build defect.
		panic("console: " + err.Error())
	}
	return newHandler(files, apiNotFound, Policy(connect...))
}

// embedded reads the compiled-in bundle once.
var embedded = sync.OnceValues(func() (map[string]*EmbeddedFile, error) { return load(dist) })

// load reads the bundle's files from the dist folder of fsys.
func load(fsys fs.FS) (map[string]*EmbeddedFile, error) { return LoadEmbedded(fsys, "dist") }

func newHandler(files map[string]*EmbeddedFile, apiNotFound http.Handler, policy string) http.Handler {
	index := files["index.html"]
	return secure(policy, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case strings.HasPrefix(p, APIPrefix) || p == strings.TrimSuffix(APIPrefix, "/"):
			apiNotFound.ServeHTTP(w, r)
			return
		case r.Method != http.MethodGet && r.Method != http.MethodHead:
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		case p == strings.TrimSuffix(Prefix, "/"):
			target := Prefix
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			// 308 keeps the method; the browser keeps the URL fragment
			// (#access_token=...) across the redirect.
			http.Redirect(w, r, target, http.StatusPermanentRedirect)
			return
		case !strings.HasPrefix(p, Prefix):
			http.NotFound(w, r)
			return
		}
		name := path.Clean(strings.TrimPrefix(p, Prefix))
		if f, ok := files[name]; ok && !hidden(name) {
			ServeEmbedded(w, r, f, cachePolicy(name))
			return
		}
		if name == "assets" || strings.HasPrefix(name, "assets/") {
			// A missing hashed asset (a stale page after a deploy) must
			// fail as such, not come back as HTML cached for a year.
			w.Header().Set("Cache-Control", CacheRevalidate)
			http.NotFound(w, r)
			return
		}
		ServeEmbedded(w, r, index, CacheRevalidate)
	}))
}

// hidden reports whether name has a dot-file element (e.g. Vite's
// .vite/manifest.json): such files are embedded (all:dist keeps the
// underscore-prefixed chunks some bundlers emit) but not served.
func hidden(name string) bool {
	for _, elem := range strings.Split(name, "/") {
		if strings.HasPrefix(elem, ".") {
			return true
		}
	}
	return false
}

func cachePolicy(name string) string {
	if strings.HasPrefix(name, "assets/") {
		return cacheImmutable
	}
	return CacheRevalidate
}

// ContentSecurityPolicy allows only the bundle's own scripts, styles and
// images (plus data: images), and requests to the same origin (the GraphQL
// endpoint and /admin/api/); no inline script or style element, no
// framing, no plugins, no <base>, no form submissions.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// Policy is ContentSecurityPolicy with connect-src extended to origins
// (each a scheme://host[:port] serialization, e.g. the identity
// provider's): with none, ContentSecurityPolicy itself.
func Policy(origins ...string) string {
	if len(origins) == 0 {
		return ContentSecurityPolicy
	}
	return strings.Replace(ContentSecurityPolicy, "connect-src 'self';", "connect-src 'self' "+strings.Join(origins, " ")+";", 1)
}

// Secure sets the console's security headers on every response of next.
// The referrer is never sent, because the console's URL may carry a
// session token in its fragment (#access_token=...), or an authorization
// code in its query (?code=...).
func Secure(next http.Handler) http.Handler { return secure(ContentSecurityPolicy, next) }

func secure(policy string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", policy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}
