package console

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"net/http"
	"path"
	"time"
)

// Embedded static files, shared by the console's bundle and the GraphQL
// playground (internal/httpapi): read once, each with a content-derived
// ETag, served with an explicit Content-Type.

// EmbeddedFile is one embedded file, read once at start.
type EmbeddedFile struct {
	name    string
	content []byte
	etag    string
}

// LoadEmbedded reads every file below dir of fsys, keyed by its path
// there ("index.html", "assets/index-abc.js", ...); dir must hold an
// index.html.
func LoadEmbedded(fsys fs.FS, dir string) (map[string]*EmbeddedFile, error) {
	root, err := fs.Sub(fsys, dir)
	if err != nil {
		return nil, err
	}
	files := map[string]*EmbeddedFile{}
	err = fs.WalkDir(root, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		content, err := fs.ReadFile(root, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(content)
		files[name] = &EmbeddedFile{name: name, content: content, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`}
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

// ServeEmbedded writes f with cacheControl and its ETag (conditional
// requests answer 304), ranges and HEAD handled by http.ServeContent.
func ServeEmbedded(w http.ResponseWriter, r *http.Request, f *EmbeddedFile, cacheControl string) {
	h := w.Header()
	h.Set("Cache-Control", cacheControl)
	h.Set("ETag", f.etag)
	if ct, ok := contentTypes[path.Ext(f.name)]; ok {
		h.Set("Content-Type", ct)
	}
	http.ServeContent(w, r, f.name, time.Time{}, bytes.NewReader(f.content))
}
