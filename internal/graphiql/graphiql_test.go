package graphiql_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/nanpiao/sbqw/internal/graphiql"
)

// TestGraphiQLLoadsFromTheServerAlone fetches the page and every script and style it references
// from the server, with and without gzip, and fails on any reference to another origin.
func TestGraphiQLLoadsFromTheServerAlone(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", graphiql.Page())
	mux.Handle("GET "+graphiql.Prefix, graphiql.Assets())
	srv := httptest.NewServer(mux)
	defer srv.Close()

	page := fetch(t, srv.URL+"/", false)
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(refs) < 4 {
		t.Fatalf("the page references %d assets, want GraphiQL, React, ReactDOM, styles and app.js:\n%s", len(refs), page)
	}
	for _, ref := range refs {
		u := ref[1]
		if !strings.HasPrefix(u, graphiql.Prefix) {
			t.Errorf("asset %q is not served by the server under %s", u, graphiql.Prefix)
			continue
		}
		plain := fetch(t, srv.URL+u, false)
		zipped := fetch(t, srv.URL+u, true)
		if plain != zipped || len(plain) < 100 {
			t.Errorf("%s: %d bytes plain, %d bytes through gzip", u, len(plain), len(zipped))
		}
		if strings.HasSuffix(u, ".css") && regexp.MustCompile(`url\(["']?(https?:)?//`).MatchString(plain) {
			t.Errorf("%s loads a resource from another origin", u)
		}
	}
	app := fetch(t, srv.URL+graphiql.Prefix+"app.js", false)
	if !strings.Contains(app, "'/graphql'") || regexp.MustCompile(`https?://`).MatchString(app) {
		t.Errorf("app.js must talk to this server's /graphql only:\n%s", app)
	}
	for _, missing := range []string{"nope.js", "index.html", "../graphiql.go"} {
		resp, err := http.Get(srv.URL + graphiql.Prefix + missing)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", missing, resp.StatusCode)
		}
	}
}

func fetch(t *testing.T, url string, gz bool) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	// Go's transport decompresses only when it added the header itself; ask explicitly.
	if gz {
		req.Header.Set("Accept-Encoding", "gzip")
	} else {
		req.Header.Set("Accept-Encoding", "identity")
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", url, resp.StatusCode)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("GET %s: Content-Security-Policy %q does not confine the page to its origin", url, csp)
	}
	var body io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
