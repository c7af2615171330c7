// Package graphiql serves the GraphiQL IDE from assets embedded in the binary, so that it works
// on a district intranet with no route to a public CDN: no request leaves the server's origin.
package graphiql

import (
	"compress/gzip"
	"embed"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
)

// The page and its start-up script are plain files; the vendored browser builds of GraphiQL
// 4.1.2 and React 18.2.0 are stored gzip-compressed (0.7 MB instead of 1.6 MB), with their
// licences in LICENSES.txt.
//
//go:embed assets
var assets embed.FS

// Prefix is the path under which the scripts and styles are served.
const Prefix = "/graphiql/"

// contentSecurity forbids every origin but the server's own; GraphiQL's styles carry inline
// fonts and images as data: URLs.
const contentSecurity = "default-src 'self'; img-src 'self' data:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"

// Page serves the GraphiQL page itself.
func Page() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { serve(w, r, "index.html") })
}

// Assets serves the files GraphiQL's page loads, under Prefix.
func Assets() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, Prefix)
		if name == "" || name == "index.html" || strings.Contains(name, "/") {
			http.NotFound(w, r)
			return
		}
		serve(w, r, name)
	})
}

func serve(w http.ResponseWriter, r *http.Request, name string) {
	compressed := true
	f, err := assets.Open("assets/" + name + ".gz")
	if err != nil {
		compressed = false
		f, err = assets.Open("assets/" + name)
	}
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
	h.Set("Content-Security-Policy", contentSecurity)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Vary", "Accept-Encoding")
	if name == "index.html" || name == "app.js" {
		h.Set("Cache-Control", "no-cache")
	} else {
		h.Set("Cache-Control", "public, max-age=86400")
	}
	if !compressed {
		_, _ = io.Copy(w, f)
		return
	}
	if acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		_, _ = io.Copy(w, f)
		return
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		http.Error(w, "corrupt embedded asset", http.StatusInternalServerError)
		return
	}
	_, _ = io.Copy(w, zr)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
