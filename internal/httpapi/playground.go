package httpapi

import (
	"embed"
	"net/http"
	"strings"
	"sync"

	"github.com/patgov/pats/console"
)

// The playground: GraphiQL with its React runtime vendored from npm (see
// playground/VERSIONS.md; playground/vendor.sh fetches and checks them),
// so the page loads nothing from elsewhere and works offline. VERSIONS.md
// and vendor.sh are not embedded.
//
//go:embed playground/index.html playground/playground.js playground/playground.css playground/vendor
var playgroundFS embed.FS

// PlaygroundAssets is the path prefix of the playground's scripts and
// styles; the page itself is GET /.
const PlaygroundAssets = "/playground/"

// PlaygroundContentSecurityPolicy allows exactly what GraphiQL needs:
// scripts, styles and requests (POST /query) to this origin only, the
// data: fonts and images its style sheet inlines, and one inline style
// element, by its hash: the scroll lock that GraphiQL's dialogs (Radix,
// through react-remove-scroll-bar) add to the page while they are open,
// as written when the page has no scroll bar (playground.css keeps it so).
// It differs from the console's policy (console.ContentSecurityPolicy) in
// starting from default-src 'none' and in those allowances. No
// 'unsafe-inline' and no 'unsafe-eval': React sets inline styles through
// the CSSOM, which style-src does not govern. The browser test
// (console/browser/tests/07-playground.spec.ts) fails on any violation,
// so a new GraphiQL that needs more is noticed.
const PlaygroundContentSecurityPolicy = "default-src 'none'; script-src 'self'; " +
	"style-src 'self' '" + playgroundScrollLockStyleHash + "'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// playgroundScrollLockStyleHash is the CSP hash of the style element that
// react-remove-scroll-bar (bundled in vendor/graphiql.min.js) inserts while
// a dialog is open, with every gap 0 px.
const playgroundScrollLockStyleHash = "sha256-nzTgYzXYDNe6BAHiiI7NNlfK8n/auuOAhh2t92YvuXo="

// playgroundFiles reads the embedded files once, keyed by their path
// under playground/ ("index.html", "vendor/graphiql.min.js", ...).
var playgroundFiles = sync.OnceValues(func() (map[string]*console.EmbeddedFile, error) {
	return console.LoadEmbedded(playgroundFS, "playground")
})

// mountPlayground serves GraphiQL at GET / and its assets under
// PlaygroundAssets, with the console's security headers and the
// playground's own Content-Security-Policy.
func mountPlayground(mux *http.ServeMux) {
	files, err := playgroundFiles()
	if err != nil {
		// The files are compiled in: a failure here is a build defect.
		panic("playground: " + err.Error())
	}
	mux.Handle("GET /{$}", securePlayground(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		serveEmbedded(w, r, files["index.html"])
	})))
	mux.Handle("GET "+PlaygroundAssets, securePlayground(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, PlaygroundAssets)
		if f, ok := files[name]; ok && name != "index.html" {
			serveEmbedded(w, r, f)
			return
		}
		http.NotFound(w, r)
	})))
}

// securePlayground sets the console's security headers (no framing, no
// sniffing, no referrer) and replaces its policy with the playground's.
func securePlayground(next http.Handler) http.Handler {
	return console.Secure(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", PlaygroundContentSecurityPolicy)
		next.ServeHTTP(w, r)
	}))
}

// serveEmbedded writes f, revalidated on every use by its ETag (the
// names are not content-hashed, so an upgrade must not be cached past).
func serveEmbedded(w http.ResponseWriter, r *http.Request, f *console.EmbeddedFile) {
	console.ServeEmbedded(w, r, f, console.CacheRevalidate)
}
