package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policygraph/policygraph/auth"
	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/model"
)

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Data       json.RawMessage `json:"data"`
	Errors     []gqlError      `json:"errors"`
	Extensions map[string]any  `json:"extensions"`
}

func (r gqlResponse) codes() []string {
	var out []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testConfig() Config {
	cfg := DefaultConfig()
	cfg.LoaderWait = 25 * time.Millisecond // wide: a loaded machine must not split a batch
	cfg.RateLimitRPS = 0                   // httptest requests all come from one address
	return cfg
}

func newTestServer(t *testing.T, cfg Config, st *fakeStore) (*Server, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return New(cfg, Deps{Store: st, Log: log}), logs
}

func post(t *testing.T, h http.Handler, query string, vars map[string]any, headers ...string) (int, gqlResponse, http.Header) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return do(t, h, body, headers...)
}

func do(t *testing.T, h http.Handler, body []byte, headers ...string) (int, gqlResponse, http.Header) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var resp gqlResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("response is not JSON (%v): %s", err, rec.Body.String())
	}
	return rec.Code, resp, rec.Header()
}

// seeded returns a fake store with one policy supporting n enterprises.
func seeded(n int) *fakeStore {
	st := newFakeStore()
	st.add(model.KindDocument, "reply", map[string]any{"title": "答复", "docType": "reply"})
	st.nodes["document:reply"] = st.nodes[model.EntityID(model.KindDocument, "reply")]
	pol := st.add(model.KindPolicy, "长宁区鼓励科技创新的实施办法", map[string]any{"level": "DISTRICT", "issuedOn": "2021-11"})
	for i := range n {
		e := st.add(model.KindEnterprise, fmt.Sprintf("企业%03d", i), map[string]any{"industries": []any{"金融科技"}})
		st.link(model.RelSupports, pol, e)
	}
	return st
}

func TestStatsAnswers(t *testing.T) {
	srv, _ := newTestServer(t, testConfig(), seeded(3))
	status, resp, hdr := post(t, srv, `{ stats { nodes relationships byKind { kind count } byRelationType { type count } } }`, nil)
	if status != 200 || len(resp.Errors) > 0 {
		t.Fatalf("status %d, errors %v", status, resp.Errors)
	}
	var data struct {
		Stats struct {
			Nodes, Relationships int
			ByKind               []struct {
				Kind  string
				Count int
			}
		}
	}
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		t.Fatal(err)
	}
	if data.Stats.Nodes != 5 || data.Stats.Relationships != 3 || len(data.Stats.ByKind) != len(model.Kinds) {
		t.Errorf("stats = %+v", data.Stats)
	}
	if hdr.Get(RequestIDHeader) == "" {
		t.Error("no request id header")
	}
}

func TestErrorCodes(t *testing.T) {
	deep := `{ node(id: "policy:x") { ... on Policy { supports(first: 1) { edges { node { ... on Enterprise { supportedBy(first: 1) { edges { node {
		... on Policy { supports(first: 1) { edges { node { ... on Enterprise { supportedBy(first: 1) { edges { node { id } } } } } } } } } } } } } } } } } }`
	cases := []struct {
		name     string
		query    string
		setup    func(*fakeStore, *Config)
		code     string
		contains string   // in the message
		hides    []string // never in the body
	}{
		{name: "first over the cap", query: `{ nodes(first: 501) { totalCount } }`, code: fault.CodeBadUserInput, contains: "first must be between 0 and 500"},
		{name: "first negative", query: `{ search(text: "a", first: -1) { score } }`, code: fault.CodeBadUserInput, contains: "first must be between"},
		{name: "nested first over the cap", query: `{ node(id: "policy:x") { ... on Policy { supports(first: 100000) { totalCount } } } }`, code: fault.CodeBadUserInput, contains: "Policy.supports: first"},
		{name: "first via variable", query: `query($n: Int) { nodes(first: $n) { totalCount } }`, code: fault.CodeBadUserInput, contains: "first must be"},
		{name: "maxHops over the cap", query: `{ policiesSupporting(enterpriseId: "enterprise:x", maxHops: 9) { hops } }`, code: fault.CodeBadUserInput, contains: "maxHops"},
		{name: "maxDepth over the cap", query: `{ lineage(id: "policy:x", maxDepth: 99) { truncated } }`, code: fault.CodeBadUserInput, contains: "maxDepth"},
		{name: "neighborhood depth", query: `{ neighborhood(id: "policy:x", depth: 4) { truncated } }`, code: fault.CodeBadUserInput, contains: "depth"},
		{name: "neighborhood limit", query: `{ neighborhood(id: "policy:x", limit: 0) { truncated } }`, code: fault.CodeBadUserInput, contains: "limit"},
		{name: "too deep", query: deep, code: fault.CodeComplexityLimit, contains: "depth"},
		{name: "too complex", query: `{ nodes(first: 500) { edges { node { ... on Enterprise { supportedBy(first: 500) { edges { node { id name } } } } } } } }`, code: fault.CodeComplexityLimit, contains: "complexity"},
		{name: "empty search", query: `{ search(text: "  ") { score } }`, code: fault.CodeBadUserInput, contains: "text"},
		{name: "empty id", query: `{ lineage(id: "") { truncated } }`, code: fault.CodeBadUserInput, contains: "id must not be empty"},
		{name: "bad filter date", query: `{ node(id: "policy:长宁区鼓励科技创新的实施办法") { ... on Policy { supports(filter: {dateFrom: "yesterday"}) { totalCount } } } }`, code: fault.CodeBadUserInput, contains: "dateFrom"},
		{name: "bad cursor", query: `{ nodes(after: "nonsense") { totalCount } }`, code: fault.CodeBadUserInput, contains: "cursor"},
		{name: "unknown id", query: `{ lineage(id: "policy:nope") { truncated } }`, code: fault.CodeNotFound, contains: "policy:nope"},
		{name: "parse error", query: `{ stats { nodes `, code: "GRAPHQL_PARSE_FAILED"},
		{name: "unknown field", query: `{ stats { bogus } }`, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "database down", query: `{ stats { nodes } }`, code: fault.CodeUnavailable, contains: "unavailable",
			setup: func(st *fakeStore, _ *Config) {
				st.err = fmt.Errorf("stats: %w: Neo.TransientError.General.DatabaseUnavailable at 10.1.2.3", fault.ErrUnavailable)
			},
			hides: []string{"Neo.", "10.1.2.3"}},
		{name: "internal error", query: `{ stats { nodes } }`, code: fault.CodeInternal, contains: "internal error",
			setup: func(st *fakeStore, _ *Config) {
				st.err = errors.New("stats: neo4j Neo.ClientError.Statement.SyntaxError: Invalid input 'MATCH (n:Secret)'")
			},
			hides: []string{"Neo.", "MATCH", "Secret"}},
		{name: "timeout", query: `{ stats { nodes } }`, code: fault.CodeTimeout, contains: "time",
			setup: func(st *fakeStore, cfg *Config) { st.block = time.Minute; cfg.RequestTimeout = 50 * time.Millisecond }},
		{name: "panic", query: `{ stats { nodes } }`, code: fault.CodeInternal, contains: "internal error",
			setup: func(st *fakeStore, _ *Config) { st.panicIn = "Stats" },
			hides: []string{"exploded", "goroutine", ".go:"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := seeded(2)
			cfg := testConfig()
			if tc.setup != nil {
				tc.setup(st, &cfg)
			}
			srv, logs := newTestServer(t, cfg, st)
			body, _ := json.Marshal(map[string]any{"query": tc.query, "variables": map[string]any{"n": 1000}})
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			var resp gqlResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
				t.Fatalf("not JSON: %s", rec.Body.String())
			}
			if len(resp.Errors) == 0 {
				t.Fatalf("no error; body %s", rec.Body.String())
			}
			if got := resp.codes()[0]; got != tc.code {
				t.Errorf("code = %q, want %q (%s)", got, tc.code, resp.Errors[0].Message)
			}
			if !strings.Contains(resp.Errors[0].Message, tc.contains) {
				t.Errorf("message %q does not contain %q", resp.Errors[0].Message, tc.contains)
			}
			for _, h := range tc.hides {
				if strings.Contains(rec.Body.String(), h) {
					t.Errorf("response exposes %q: %s", h, rec.Body.String())
				}
			}
			if tc.code == fault.CodeInternal && !strings.Contains(logs.String(), "ERROR") {
				t.Errorf("internal error not logged: %s", logs.String())
			}
		})
	}
}

func TestLimitsRejectBeforeExecution(t *testing.T) {
	st := seeded(2)
	srv, _ := newTestServer(t, testConfig(), st)
	post(t, srv, `{ nodes(first: 501) { totalCount } }`, nil)
	if n := st.callCount("ListNodes"); n != 0 {
		t.Errorf("an operation over a limit reached the store %d times", n)
	}
}

func TestPanicDoesNotStopServer(t *testing.T) {
	st := seeded(1)
	st.panicIn = "Stats"
	srv, _ := newTestServer(t, testConfig(), st)
	post(t, srv, `{ stats { nodes } }`, nil)
	_, resp, _ := post(t, srv, `{ nodes { totalCount } }`, nil)
	if len(resp.Errors) > 0 {
		t.Fatalf("server broken after a panic: %v", resp.Errors)
	}
}

func TestIntrospectionSwitch(t *testing.T) {
	for _, on := range []bool{true, false} {
		cfg := testConfig()
		cfg.Introspection = on
		srv, _ := newTestServer(t, cfg, seeded(0))
		_, resp, _ := post(t, srv, `{ __schema { queryType { name } } }`, nil)
		if on && len(resp.Errors) > 0 {
			t.Errorf("introspection on: %v", resp.Errors)
		}
		if !on && (len(resp.Errors) == 0 || resp.codes()[0] != fault.CodeBadUserInput) {
			t.Errorf("introspection off: errors %v", resp.Errors)
		}
		_, resp, _ = post(t, srv, `{ __typename stats { nodes } }`, nil)
		if len(resp.Errors) > 0 {
			t.Errorf("__typename must stay allowed: %v", resp.Errors)
		}
	}
}

func TestAutomaticPersistedQueries(t *testing.T) {
	srv, _ := newTestServer(t, testConfig(), seeded(1))
	query := `{ stats { nodes } }`
	sum := sha256.Sum256([]byte(query))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}

	body, _ := json.Marshal(map[string]any{"extensions": ext})
	_, resp, _ := do(t, srv, body)
	if len(resp.Errors) == 0 || resp.codes()[0] != "PERSISTED_QUERY_NOT_FOUND" {
		t.Fatalf("unknown hash: %v", resp.Errors)
	}
	body, _ = json.Marshal(map[string]any{"query": query, "extensions": ext})
	if _, resp, _ = do(t, srv, body); len(resp.Errors) > 0 {
		t.Fatalf("register: %v", resp.Errors)
	}
	body, _ = json.Marshal(map[string]any{"extensions": ext})
	if _, resp, _ = do(t, srv, body); len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), "nodes") {
		t.Fatalf("by hash: %v %s", resp.Errors, resp.Data)
	}
}

func TestTransports(t *testing.T) {
	srv, _ := newTestServer(t, testConfig(), seeded(1))

	_, _, hdr := post(t, srv, `{ stats { nodes } }`, nil, "Accept", "application/graphql-response+json")
	if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/graphql-response+json") {
		t.Errorf("Accept graphql-response+json: Content-Type %q", ct)
	}
	_, _, hdr = post(t, srv, `{ stats { nodes } }`, nil)
	if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("default Content-Type %q", ct)
	}

	req := httptest.NewRequest(http.MethodGet, "/graphql?query=%7Bstats%7Bnodes%7D%7D", nil)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"nodes":3`) {
		t.Errorf("GET: %d %s", rec.Code, rec.Body.String())
	}

	req = httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{ stats { nodes } }`))
	req.Header.Set("Content-Type", "application/graphql")
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"nodes":3`) {
		t.Errorf("application/graphql: %d %s", rec.Code, rec.Body.String())
	}

	req = httptest.NewRequest(http.MethodGet, "/graphiql", nil)
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "graphiql") {
		t.Errorf("GraphiQL: %d", rec.Code)
	}
	req = httptest.NewRequest(http.MethodGet, "/nowhere", nil)
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != 404 {
		t.Errorf("unknown route: %d", rec.Code)
	}
}

func TestBodyLimit(t *testing.T) {
	cfg := testConfig()
	cfg.MaxBodyBytes = 1024
	srv, _ := newTestServer(t, cfg, seeded(0))
	big := `{ stats { nodes } }` + strings.Repeat(" ", 2048)
	body, _ := json.Marshal(map[string]any{"query": big})
	status, resp, _ := do(t, srv, body)
	if status != http.StatusRequestEntityTooLarge || resp.codes()[0] != fault.CodeBadUserInput {
		t.Errorf("status %d, errors %v", status, resp.Errors)
	}
}

func TestDebugTrips(t *testing.T) {
	srv, _ := newTestServer(t, testConfig(), seeded(1))
	_, resp, _ := post(t, srv, `{ stats { nodes } }`, nil, DebugTripsHeader, "1")
	if _, ok := resp.Extensions["roundTrips"]; !ok {
		t.Errorf("no extensions.roundTrips with %s: 1: %v", DebugTripsHeader, resp.Extensions)
	}
	_, resp, _ = post(t, srv, `{ stats { nodes } }`, nil)
	if _, ok := resp.Extensions["roundTrips"]; ok {
		t.Error("extensions.roundTrips without the debug header")
	}
}

// TestBatching checks with a counting fake that relationship, provenance and quantity
// fields of 60 nodes cost one store call each; the same is measured on Neo4j in the
// integration tests.
func TestBatching(t *testing.T) {
	st := seeded(60)
	cfg := testConfig()
	cfg.LoaderWait = 100 * time.Millisecond // a window no scheduler delay on a busy CI machine outlasts
	srv, _ := newTestServer(t, cfg, st)
	q := `{ nodes(kind: ENTERPRISE, first: 60) { totalCount edges { node {
		... on Enterprise { name quantities { value } supportedBy(first: 5) { totalCount edges { relation { type sources { quote document { name } } } node { name } } } } } } } }`
	_, resp, _ := post(t, srv, q, nil)
	if len(resp.Errors) > 0 {
		t.Fatal(resp.Errors)
	}
	if !strings.Contains(string(resp.Data), "长宁区鼓励科技创新的实施办法") {
		t.Fatalf("data: %.300s", resp.Data)
	}
	for method, want := range map[string]int{"ListNodes": 1, "EdgesOf": 1, "QuantitiesOf": 1, "NodesByIDs": 1} {
		if got := st.callCount(method); got != want {
			t.Errorf("%s called %d times (batches %v), want %d", method, got, st.batch[method], want)
		}
	}
}

func TestProbes(t *testing.T) {
	st := seeded(0)
	srv, _ := newTestServer(t, testConfig(), st)
	get := func(path string) (int, map[string]any) {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		var m map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &m)
		return rec.Code, m
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("healthz %d", code)
	}
	if code, _ := get("/readyz"); code != 200 {
		t.Errorf("readyz %d", code)
	}
	st.mu.Lock()
	st.pingErr = fmt.Errorf("ping: %w: connection refused to 127.0.0.1:7687", fault.ErrUnavailable)
	st.mu.Unlock()
	code, body := get("/readyz")
	if code != 503 || body["code"] != fault.CodeUnavailable || strings.Contains(fmt.Sprint(body), "7687") {
		t.Errorf("readyz with the database down: %d %v", code, body)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("healthz must not depend on the database: %d", code)
	}
	st.mu.Lock()
	st.pingErr = nil
	st.mu.Unlock()
	if code, _ := get("/readyz"); code != 200 {
		t.Errorf("readyz after recovery %d", code)
	}
}

func TestMetrics(t *testing.T) {
	srv, _ := newTestServer(t, testConfig(), seeded(1))
	post(t, srv, `query StatsForMetrics { stats { nodes } }`, nil)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`policygraph_http_requests_total{method="POST",route="/graphql",status="200"}`,
		`policygraph_graphql_operations_total{operation="StatsForMetrics",outcome="ok"}`,
		`policygraph_graphql_operation_seconds_bucket{operation="StatsForMetrics"`,
		`policygraph_graphql_round_trips_bucket`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestRequestLog(t *testing.T) {
	cfg := testConfig()
	keys, err := auth.ParseAPIKeys("logger@s3cret-token-0123456789=reader")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Auth.APIKeys = keys
	srv, logs := newTestServer(t, cfg, seeded(1))
	post(t, srv, `query Logged { stats { nodes } }`, nil, "Authorization", "Bearer s3cret-token-0123456789")
	post(t, srv, `query Refused { stats { nodes } }`, nil, "Authorization", "Bearer s3cret-wrong-0123456789")
	out := logs.String()
	if strings.Contains(out, "s3cret") {
		t.Errorf("log exposes the Authorization header: %s", out)
	}
	for _, want := range []string{`"op":"Logged"`, `"status":200`, `"path":"/graphql"`, `"route":"/graphql"`, `"method":"POST"`, `"subject":"apikey:logger"`, `"status":401`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s: %s", want, out)
		}
	}
}

func TestCORS(t *testing.T) {
	cfg := testConfig()
	cfg.CORSOrigins = []string{"http://localhost:5173"}
	srv, _ := newTestServer(t, cfg, seeded(0))
	req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
	req.Header.Set("Origin", "http://localhost:5173")
	req.Header.Set("Access-Control-Request-Method", "POST")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != 204 || rec.Header().Get("Access-Control-Allow-Origin") != "http://localhost:5173" {
		t.Errorf("preflight: %d %v", rec.Code, rec.Header())
	}
	req = httptest.NewRequest(http.MethodOptions, "/graphql", nil)
	req.Header.Set("Origin", "http://evil.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("foreign origin allowed: %v", rec.Header())
	}
}

func TestGracefulShutdownDrains(t *testing.T) {
	st := seeded(1)
	st.block = 300 * time.Millisecond
	st.started = make(chan struct{}, 8)
	srv, _ := newTestServer(t, testConfig(), st)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()

	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := http.Post("http://"+ln.Addr().String()+"/graphql", "application/json", strings.NewReader(`{"query":"{ stats { nodes } }"}`))
		if err != nil {
			done <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		done <- result{status: resp.StatusCode, body: string(b)}
	}()
	<-st.started // the request is in flight
	cancel()     // shut down while it runs
	r := <-done
	if r.err != nil || r.status != 200 || !strings.Contains(r.body, `"nodes":3`) {
		t.Errorf("in-flight request: %+v", r)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Error("server still accepts connections after shutdown")
	}
}

func TestRunReportsBusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cfg := testConfig()
	cfg.Addr = ln.Addr().String()
	srv, _ := newTestServer(t, cfg, seeded(0))
	err = srv.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "already in use") || !strings.Contains(err.Error(), "HTTP_ADDR") {
		t.Errorf("Run on a busy port: %v", err)
	}
}
