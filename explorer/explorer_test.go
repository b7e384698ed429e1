package explorer

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, method, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

func TestHandler(t *testing.T) {
	page := get(t, "GET", "/explore")
	if page.Code != 200 || !strings.HasPrefix(page.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /explore: %d %s", page.Code, page.Header().Get("Content-Type"))
	}
	body := page.Body.String()
	if !strings.Contains(body, `id="graph"`) || page.Header().Get("Content-Security-Policy") == "" {
		t.Fatalf("page lacks the graph container or its CSP:\n%s", body)
	}
	assets := regexp.MustCompile(`(?:src|href)="(/explore/assets/[^"]+)"`).FindAllStringSubmatch(body, -1)
	if len(assets) < 2 {
		t.Fatalf("page references %d assets, want the script and the stylesheet", len(assets))
	}
	tests := []struct {
		name, method, path string
		status             int
		contentType        string // prefix
	}{
		{"page with slash", "GET", "/explore/", 200, "text/html"},
		{"page head", "HEAD", "/explore", 200, "text/html"},
		{"index redirects", "GET", "/explore/index.html", 301, ""},
		{"script", "GET", assets[0][1], 200, ""},
		{"missing asset", "GET", "/explore/assets/nope.js", 404, ""},
		{"outside assets", "GET", "/explore/package.json", 404, ""},
		{"traversal", "GET", "/explore/assets/../../explorer.go", 404, ""},
		{"post", "POST", "/explore", 405, ""},
	}
	for _, a := range assets {
		ct := "text/javascript"
		if strings.HasSuffix(a[1], ".css") {
			ct = "text/css"
		}
		tests = append(tests, struct {
			name, method, path string
			status             int
			contentType        string
		}{"asset " + a[1], "GET", a[1], 200, ct})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := get(t, tc.method, tc.path)
			if rec.Code != tc.status || !strings.HasPrefix(rec.Header().Get("Content-Type"), tc.contentType) {
				t.Fatalf("%s %s: %d %q, want %d %q", tc.method, tc.path, rec.Code, rec.Header().Get("Content-Type"), tc.status, tc.contentType)
			}
			if tc.status == 200 && strings.Contains(tc.path, "/assets/") {
				if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
					t.Errorf("asset Cache-Control = %q", cc)
				}
				if b, _ := io.ReadAll(rec.Body); len(b) == 0 {
					t.Error("empty asset")
				}
			}
		})
	}
}

// TestServesThroughMux checks the handler mounted the way the server mounts it.
func TestServesThroughMux(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/explore", Handler())
	mux.Handle("/explore/", Handler())
	ts := httptest.NewServer(mux)
	defer ts.Close()
	for _, p := range []string{"/explore", "/explore/"} {
		resp, err := http.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
	}
}
