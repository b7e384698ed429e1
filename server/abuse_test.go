package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/policygraph/policygraph/fault"
)

// Each limit of the "abuse and bad input" list is tested here against the real
// handler (the store is the counting fake; graph/abuse_test.go repeats the input checks on
// Neo4j and asserts the graph is unchanged).

func TestRateLimit(t *testing.T) {
	cfg := testConfig()
	cfg.RateLimitRPS, cfg.RateLimitBurst = 1, 3
	srv, _ := newTestServer(t, cfg, seeded(1))
	from := func(addr string, path string) *httptest.ResponseRecorder {
		body := `{"query":"{ stats { nodes } }"}`
		method := http.MethodPost
		if path != "/graphql" {
			method, body = http.MethodGet, ""
		}
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = addr
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	for i := range 3 {
		if rec := from("10.0.0.1:5000", "/graphql"); rec.Code != 200 {
			t.Fatalf("request %d within the burst: %d", i+1, rec.Code)
		}
	}
	rec := from("10.0.0.1:5001", "/graphql") // another port of the same client
	var resp gqlResponse
	_ = json.Unmarshal(rec.Body.Bytes(), &resp)
	if rec.Code != http.StatusTooManyRequests || resp.codes()[0] != fault.CodeRateLimited {
		t.Fatalf("over the burst: %d %s", rec.Code, rec.Body.String())
	}
	if ra, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || ra < 1 {
		t.Errorf("Retry-After %q", rec.Header().Get("Retry-After"))
	}
	if rec := from("10.0.0.2:5000", "/graphql"); rec.Code != 200 {
		t.Errorf("another client shares the bucket: %d", rec.Code)
	}
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		if rec := from("10.0.0.1:5000", p); rec.Code != 200 {
			t.Errorf("%s is rate limited: %d", p, rec.Code)
		}
	}
}

func TestRateLimiterRefillAndProxies(t *testing.T) {
	now := time.Unix(1000, 0)
	trusted := []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}
	l := newRateLimiter(2, 2, trusted)
	l.now = func() time.Time { return now }
	a := netip.MustParseAddr("198.51.100.7")
	for range 2 {
		if ok, _ := l.allow(a); !ok {
			t.Fatal("burst refused")
		}
	}
	ok, wait := l.allow(a)
	if ok || wait <= 0 || wait > time.Second {
		t.Fatalf("empty bucket: ok=%v wait=%v", ok, wait)
	}
	now = now.Add(500 * time.Millisecond) // one token back at 2/s
	if ok, _ := l.allow(a); !ok {
		t.Error("refilled token refused")
	}
	now = now.Add(10 * time.Minute)
	l.allow(netip.MustParseAddr("198.51.100.8"))
	if len(l.buckets) != 1 {
		t.Errorf("idle full buckets kept: %d", len(l.buckets))
	}

	req := httptest.NewRequest(http.MethodGet, "/graphql", nil)
	req.RemoteAddr = "192.0.2.10:443"
	req.Header.Set("X-Forwarded-For", "203.0.113.99, 198.51.100.20, 192.0.2.11")
	if got := l.clientAddr(req); got != netip.MustParseAddr("198.51.100.20") {
		t.Errorf("behind trusted proxies: %v, want the right-most untrusted hop", got)
	}
	req.RemoteAddr = "203.0.113.5:443" // not a trusted proxy: its header is ignored
	if got := l.clientAddr(req); got != netip.MustParseAddr("203.0.113.5") {
		t.Errorf("untrusted peer: %v", got)
	}
}

func TestAliasBombAndWideSelections(t *testing.T) {
	st := seeded(2)
	srv, _ := newTestServer(t, testConfig(), st)
	var b strings.Builder
	b.WriteString("{")
	for i := range 200 {
		fmt.Fprintf(&b, " a%d: stats { nodes }", i)
	}
	b.WriteString(" }")
	_, resp, _ := post(t, srv, b.String(), nil)
	if len(resp.Errors) == 0 || resp.codes()[0] != fault.CodeComplexityLimit || !strings.Contains(resp.Errors[0].Message, "aliased") {
		t.Errorf("alias bomb: %+v", resp.Errors)
	}
	// Aliases hidden in a fragment spread many times still count.
	_, resp, _ = post(t, srv, `{ ...F ...F } fragment F on Query { `+strings.Repeat("x: stats { nodes } ", 1)+strings.Repeat(" ", 0)+aliases(40)+` }`, nil)
	if len(resp.Errors) == 0 || resp.codes()[0] != fault.CodeComplexityLimit {
		t.Errorf("aliases in fragments: %+v", resp.Errors)
	}
	// A wide selection: every node of a large page with every relationship field.
	wide := `{ nodes(first: 500) { edges { node { ... on Enterprise { supportedBy(first: 100) { edges { node { id } } } investors(first: 100) { edges { node { id } } } } } } } }`
	_, resp, _ = post(t, srv, wide, nil)
	if len(resp.Errors) == 0 || resp.codes()[0] != fault.CodeComplexityLimit {
		t.Errorf("wide selection: %+v", resp.Errors)
	}
	if n := st.callCount("Stats") + st.callCount("ListNodes"); n != 0 {
		t.Errorf("refused operations reached the store %d times", n)
	}
}

func aliases(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, " n%d: __typename", i)
	}
	return b.String()
}

func TestOneOperationPerRequest(t *testing.T) {
	st := seeded(1)
	srv, _ := newTestServer(t, testConfig(), st)
	// Batching (a JSON array of operations) is not accepted.
	status, resp, _ := do(t, srv, []byte(`[{"query":"{ stats { nodes } }"},{"query":"{ stats { nodes } }"}]`))
	if status != 400 || len(resp.Errors) == 0 || resp.codes()[0] != fault.CodeBadUserInput {
		t.Errorf("batch: %d %+v", status, resp.Errors)
	}
	// Several operations in one document run one at most, chosen by operationName.
	_, resp, _ = post(t, srv, `query A { stats { nodes } } query B { stats { relationships } }`, nil)
	if len(resp.Errors) == 0 {
		t.Error("two operations without operationName ran")
	}
	body, _ := json.Marshal(map[string]any{"query": `query A { stats { nodes } } query B { stats { relationships } }`, "operationName": "B"})
	_, resp, _ = do(t, srv, body)
	if len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), "relationships") || strings.Contains(string(resp.Data), `"nodes"`) {
		t.Errorf("operationName B: %s %+v", resp.Data, resp.Errors)
	}
	if n := st.callCount("Stats"); n != 1 {
		t.Errorf("Stats ran %d times, want 1", n)
	}
}

func TestLongStringsAndBadNumbers(t *testing.T) {
	st := seeded(1)
	srv, _ := newTestServer(t, testConfig(), st)
	long := strings.Repeat("长", 2000) // 6000 bytes > 4KiB
	for name, q := range map[string]struct {
		query string
		vars  map[string]any
		code  string
	}{
		"long search":          {`query($t: String!) { search(text: $t) { score } }`, map[string]any{"t": long}, fault.CodeBadUserInput},
		"long id literal":      {`{ node(id: "` + long + `") { id } }`, nil, fault.CodeBadUserInput},
		"long nested filter":   {`query($t: String) { node(id: "policy:x") { ... on Policy { supports(filter: {nameContains: $t}) { totalCount } } } }`, map[string]any{"t": long}, fault.CodeBadUserInput},
		"long list element":    {`query($k: [NodeKind!]) { search(text: "a", kinds: $k) { score } }`, map[string]any{"k": []any{long}}, fault.CodeBadUserInput},
		"huge int variable":    {`query($n: Int) { nodes(first: $n) { totalCount } }`, map[string]any{"n": 99999999999}, fault.CodeBadUserInput},
		"huge int literal":     {`{ nodes(first: 99999999999) { totalCount } }`, nil, fault.CodeBadUserInput},
		"negative first":       {`{ nodes(first: -5) { totalCount } }`, nil, fault.CodeBadUserInput},
		"float for an int":     {`query($n: Int) { nodes(first: $n) { totalCount } }`, map[string]any{"n": 1.5}, fault.CodeBadUserInput},
		"huge confidence":      {`{ node(id: "policy:长宁区鼓励科技创新的实施办法") { ... on Policy { supports(filter: {minConfidence: 1e300}) { totalCount } } } }`, nil, fault.CodeBadUserInput},
		"negative maxHops":     {`{ shortestPath(fromId: "a", toId: "b", maxHops: -1) { truncated } }`, nil, fault.CodeBadUserInput},
		"string for an enum":   {`query($k: NodeKind) { nodes(kind: $k) { totalCount } }`, map[string]any{"k": "DROP"}, fault.CodeBadUserInput},
		"object for a string":  {`query($t: String!) { search(text: $t) { score } }`, map[string]any{"t": map[string]any{"$ne": 1}}, fault.CodeBadUserInput},
		"null for a non-null":  {`query($t: String!) { search(text: $t) { score } }`, map[string]any{"t": nil}, fault.CodeBadUserInput},
		"nul byte in a search": {`query($t: String!) { search(text: $t) { score } }`, map[string]any{"t": "\x00"}, fault.CodeBadUserInput},
	} {
		t.Run(name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{"query": q.query, "variables": q.vars})
			status, resp, _ := do(t, srv, body)
			if status >= 500 || len(resp.Errors) == 0 || resp.codes()[0] != q.code {
				t.Errorf("status %d, errors %+v; want %s", status, resp.Errors, q.code)
			}
		})
	}
	if n := st.callCount("Search") + st.callCount("ListNodes"); n != 0 {
		t.Errorf("bad input reached the store %d times", n)
	}
}

func TestInvalidUTF8Body(t *testing.T) {
	srv, _ := newTestServer(t, testConfig(), seeded(1))
	body := []byte("{\"query\":\"{ search(text: \\\"\xff\xfe\\\") { score } }\"}")
	status, resp, _ := do(t, srv, body)
	if status >= 500 {
		t.Fatalf("status %d", status)
	}
	for _, c := range resp.codes() {
		if c == fault.CodeInternal {
			t.Errorf("invalid UTF-8 gave INTERNAL: %+v", resp.Errors)
		}
	}
	// Not JSON at all.
	status, resp, _ = do(t, srv, []byte("\xff\xfe{{{"))
	if status != 400 || resp.codes()[0] != fault.CodeBadUserInput || strings.Contains(resp.Errors[0].Message, "\xff") {
		t.Errorf("garbage body: %d %+v", status, resp.Errors)
	}
}

func TestCORSAllowList(t *testing.T) {
	cfg := testConfig()
	cfg.CORSOrigins = []string{"https://app.example"}
	srv, _ := newTestServer(t, cfg, seeded(0))
	for origin, allowed := range map[string]bool{"https://app.example": true, "https://app.example.evil": false, "null": false, "http://app.example": false} {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader([]byte(`{"query":"{ stats { nodes } }"}`)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", origin)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		got := rec.Header().Get("Access-Control-Allow-Origin")
		if allowed != (got == origin) || (!allowed && got != "") {
			t.Errorf("origin %s: Access-Control-Allow-Origin %q", origin, got)
		}
	}
	req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
	req.Header.Set("Origin", "https://app.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if !strings.Contains(rec.Header().Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight does not allow Authorization: %v", rec.Header())
	}
}

func TestRequestErrorStatuses(t *testing.T) {
	srv, _ := newTestServer(t, testConfig(), seeded(0))
	// application/json: request errors are 200 (the spec's legacy media type).
	status, _, _ := post(t, srv, `{ stats { nodes `, nil)
	if status != 200 {
		t.Errorf("parse error with application/json: %d", status)
	}
	// application/graphql-response+json: 400 and no data entry.
	body, _ := json.Marshal(map[string]any{"query": `{ stats { bogus } }`})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(rec.Body.Bytes(), &m)
	if _, hasData := m["data"]; rec.Code != 400 || hasData {
		t.Errorf("validation error with graphql-response+json: %d %s", rec.Code, rec.Body.String())
	}
}
