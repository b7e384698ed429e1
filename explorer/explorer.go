// Package explorer serves the policygraph explorer: a single-page graph browser built from
// the npm project in web/ (npm ci && npm run build, see web/build.sh) and embedded into the
// binary, so the Go binary alone serves it. The page is a client of the public GraphQL API
// (/graphql) and of /export; it needs nothing else from the server.
package explorer

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed web/dist
var dist embed.FS

// Prefix is the path the explorer is served under; the built page refers to its assets as
// /explore/assets/….
const Prefix = "/explore"

// contentSecurityPolicy allows the page its own scripts and styles, data: images (the node
// shapes) and requests to its own origin only.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; connect-src 'self' data:; font-src 'self' data:; object-src 'none'; " +
	"base-uri 'none'; frame-ancestors 'none'; form-action 'none'"

// Handler serves the explorer for GET and HEAD: the page at /explore and /explore/ (also
// /explore/index.html), its hashed assets under /explore/assets/ (cached for a year), and 404
// for anything else. Mount it at both /explore and /explore/ (a prefix route).
func Handler() http.Handler {
	root, err := fs.Sub(dist, "web/dist")
	if err != nil {
		panic("explorer: embedded web/dist missing: " + err.Error())
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		p := strings.TrimPrefix(r.URL.Path, Prefix)
		switch {
		case p == "" || p == "/" || p == "/index.html":
			h.Set("Content-Security-Policy", contentSecurityPolicy)
			h.Set("Cache-Control", "no-cache")
			http.ServeFileFS(w, r, root, "index.html")
		case strings.HasPrefix(p, "/assets/") && !strings.Contains(p, ".."):
			name := strings.TrimPrefix(p, "/")
			if _, err := fs.Stat(root, name); err != nil {
				http.NotFound(w, r)
				return
			}
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
			http.ServeFileFS(w, r, root, name)
		default:
			http.NotFound(w, r)
		}
	})
}
