// Package console serves the administration console, a single-page
// application built from console/web into console/dist and embedded in the
// binary, under /admin/. Unknown paths get the application's index.html,
// so client-side routes survive a reload; the JSON API under /admin/api/
// is served by package httpapi and is never the application.
package console

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
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
	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheRevalidate = "no-cache"
)

// file is one embedded file, read once at start.
type file struct {
	name    string
	content []byte
	etag    string
}

// Handler returns the handler of /admin and everything under /admin/:
// GET and HEAD only. Paths under /admin/api/ are never the application:
// they go to apiNotFound, the API's own "no such path" answer (the API's
// routes are registered ahead of this handler).
func Handler(apiNotFound http.Handler) http.Handler {
	files, err := embedded()
	if err != nil {
		// The bundle is compiled in: a failure here is a build defect.
		panic("console: " + err.Error())
	}
	return newHandler(files, apiNotFound)
}

// embedded reads the compiled-in bundle once.
var embedded = sync.OnceValues(func() (map[string]*file, error) { return load(dist) })

// load reads every file of the embedded dist folder and its ETag.
func load(fsys fs.FS) (map[string]*file, error) {
	root, err := fs.Sub(fsys, "dist")
	if err != nil {
		return nil, err
	}
	files := map[string]*file{}
	err = fs.WalkDir(root, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		content, err := fs.ReadFile(root, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(content)
		files[name] = &file{name: name, content: content, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if files["index.html"] == nil {
		return nil, fs.ErrNotExist
	}
	return files, nil
}

func newHandler(files map[string]*file, apiNotFound http.Handler) http.Handler {
	index := files["index.html"]
	return Secure(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
			serve(w, r, f, cachePolicy(name))
			return
		}
		if name == "assets" || strings.HasPrefix(name, "assets/") {
			// A missing hashed asset (a stale page after a deploy) must
			// fail as such, not come back as HTML cached for a year.
			w.Header().Set("Cache-Control", cacheRevalidate)
			http.NotFound(w, r)
			return
		}
		serve(w, r, index, cacheRevalidate)
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
	return cacheRevalidate
}

// contentTypes covers bundle file types that Go's built-in MIME table may
// lack on a minimal system (no /etc/mime.types).
var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".ico":         "image/x-icon",
	".webp":        "image/webp",
	".woff2":       "font/woff2",
	".woff":        "font/woff",
	".txt":         "text/plain; charset=utf-8",
	".webmanifest": "application/manifest+json",
}

// serve writes f with its ETag (conditional requests answer 304), ranges
// and HEAD handled by http.ServeContent.
func serve(w http.ResponseWriter, r *http.Request, f *file, cacheControl string) {
	h := w.Header()
	h.Set("Cache-Control", cacheControl)
	h.Set("ETag", f.etag)
	if ct, ok := contentTypes[path.Ext(f.name)]; ok {
		h.Set("Content-Type", ct)
	}
	http.ServeContent(w, r, f.name, time.Time{}, bytes.NewReader(f.content))
}

// ContentSecurityPolicy allows only the bundle's own scripts, styles and
// images (plus data: images), and requests to the same origin (the GraphQL
// endpoint and /admin/api/); no inline script or style element, no
// framing, no plugins, no <base>, no form submissions.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// Secure sets the console's security headers on every response of next.
// The referrer is never sent, because the console's URL may carry a
// session token in its fragment (#access_token=...).
func Secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}
