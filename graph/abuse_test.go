package graph_test

// Hostile input through every GraphQL argument that reaches Cypher, on Neo4j: never an
// internal error or a 5xx, BAD_USER_INPUT where the input is malformed, and the graph
// unchanged (node and relationship counts of the whole database, audit events included).

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/curate"
	"github.com/policygraph/policygraph/server"
	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/storetest"
)

// attacks are strings with quotes, Cypher and Lucene syntax, control characters and odd
// Unicode.
var attacks = []string{
	`"}) MATCH (n) DETACH DELETE n //`,
	`'}) MATCH (n) DETACH DELETE n //`,
	"`) CALL db.clearQueryCaches() //",
	`*:*`, `AND OR`, `NOT *`, `name:*`, `(((`, `"`, `\`, `\"`, `~`, `a^100`, `[* TO *]`, `/.*/`,
	`' OR 1=1 --`, `$id`, `{id: $id}`, `${jndi:ldap://x}`, `<script>alert(1)</script>`,
	"policy:\u202e长宁", "🙂🙃", "\u0000", "a\x00b", "\x7f", "\ufeff", strings.Repeat("长", 1300), strings.Repeat("a", 4000),
	"enterprise:nope", "rel:SUPPORTS:", "rel:", "qty:", "r", "",
}

// operations put a string into each argument that reaches Cypher, as the variables $s (ID)
// and $t (String) of the same value.
var operations = []string{
	`query($t: String!) { search(text: $t, first: 5) { score node { id } } }`,
	`query($s: ID!) { node(id: $s) { id } }`,
	`query($s: ID!) { node(id: $s, includeRetracted: true) { id } }`,
	`query($t: String) { nodes(first: 2, after: $t) { totalCount } }`,
	`query($t: String) { nodes(kind: POLICY, first: 2, after: $t) { totalCount } }`,
	`query($t: String) { node(id: "industry:人工智能") { ... on Industry { members(first: 2, after: $t) { totalCount } } } }`,
	`query($t: String) { node(id: "industry:人工智能") { ... on Industry { members(filter: {nameContains: $t, method: $t}) { totalCount } } } }`,
	`query($t: String) { node(id: "industry:人工智能") { relations(direction: INCOMING, filter: {nameContains: $t}, includeRetracted: true) { totalCount } } }`,
	`query($s: ID!) { neighborhood(id: $s) { truncated } }`,
	`query($s: ID!) { neighborhood(id: $s, includeRetracted: true, depth: 2) { truncated } }`,
	`query($s: ID!) { lineage(id: $s) { truncated } }`,
	`query($s: ID!) { shortestPath(fromId: $s, toId: "industry:人工智能") { truncated } }`,
	`query($s: ID!) { policiesSupporting(enterpriseId: $s) { hops } }`,
	`query($s: ID!) { enterprisesSupportedBy(policyId: $s) { hops } }`,
	`query($s: ID) { auditTrail(targetId: $s, first: 2) { totalCount } }`,
	`query($t: String) { auditTrail(first: 2, after: $t) { totalCount } }`,
	`mutation($s: ID!, $t: String) { retractRelation(id: $s, reason: $t) { id } }`,
	`mutation($s: ID!, $t: String) { retractQuantity(id: $s, reason: $t) { id } }`,
	`mutation($s: ID!, $t: String) { markReviewed(id: $s, note: $t) { id } }`,
	`mutation($s: ID!, $t: String) { mergeEntities(keepId: $s, mergeId: "enterprise:矽睿科技", reason: $t) { movedRelations } }`,
	`mutation($s: ID!, $t: String) { addRelation(input: {type: SUPPORTS, fromId: $s, toId: "enterprise:矽睿科技", source: {documentId: $s, text: $t}}) { id } }`,
	`mutation($t: String) { addRelation(input: {type: SUPPORTS, fromId: "industry:人工智能", toId: "enterprise:矽睿科技", source: {documentId: "` + docID + `", text: $t}, note: $t}) { id } }`,
	`mutation($s: ID!, $t: String!) { addQuantity(input: {subjectId: $s, what: $t, figure: $t, source: {documentId: "document:nope", text: $t}}) { id } }`,
	`mutation($s: ID!, $t: String!) { upsertEntity(input: {kind: ENTERPRISE, id: $s, name: $t, aliases: [$t], source: {documentId: "document:nope", text: $t}}) { id } }`,
	`mutation($t: String!) { ingestDocument(input: {bundle: $t, text: $t, dryRun: true}) { changes } }`,
}

// hostileServer is the API over the seeded corpus with curation on and a 2 MiB body limit, so
// that 1 MB strings reach the argument checks rather than the body limit.
func hostileServer(t testing.TB, s *store.Store) http.Handler {
	cfg := server.DefaultConfig()
	cfg.RateLimitRPS = 0
	cfg.MaxBodyBytes = 2 << 20
	cfg.Auth.HS256Secret = []byte(testSecret)
	return server.New(cfg, server.Deps{Store: s, Curator: &curate.Service{Store: s}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// probe sends op with $s = v (raw JSON bytes of the variables when raw is set) and checks
// the answer: no 5xx, no INTERNAL. It returns the first error code.
func probe(t testing.TB, h http.Handler, authz, op string, vars []byte) string {
	body := []byte(`{"query":` + mustJSON(op) + `,"variables":` + string(vars) + `}`)
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Errorf("%s with %.80q: HTTP %d: %.300s", op, vars, rec.Code, rec.Body.String())
		return ""
	}
	var r response
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Errorf("%s: not JSON: %.300s", op, rec.Body.String())
		return ""
	}
	c := code(r)
	for _, e := range r.Errors {
		ext, _ := e["extensions"].(map[string]any)
		if ext["code"] == "INTERNAL" || ext["code"] == "TIMEOUT" || ext["code"] == "UNAVAILABLE" {
			t.Errorf("%s with %.80q: %s: %.300s", op, vars, ext["code"], rec.Body.String())
		}
	}
	return c
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestHostileInputs(t *testing.T) {
	s := changning(t)
	h := hostileServer(t, s)
	eve := bearer(t, "eve", "editor")
	ada := bearer(t, "ada", "admin")
	n0, r0 := totals(t, s)

	for _, a := range attacks {
		vars := []byte(`{"s":` + mustJSON(a) + `,"t":` + mustJSON(a) + `}`)
		for _, op := range operations {
			authz := eve
			if strings.Contains(op, "mergeEntities") {
				authz = ada
			}
			c := probe(t, h, authz, op, vars)
			if c == "GRAPHQL_VALIDATION_FAILED" {
				t.Errorf("%s does not validate: the test would prove nothing", op)
			}
			if strings.HasPrefix(op, "mutation") && !strings.Contains(op, "ingestDocument") && c == "" {
				t.Errorf("%s with %.40q succeeded", op, a)
			}
		}
	}

	// Malformed input is BAD_USER_INPUT.
	mb := strings.Repeat("长", 350_000) // ~1 MB of UTF-8
	for name, c := range map[string]struct {
		op   string
		vars []byte
	}{
		"1 MB search":         {operations[0], []byte(`{"t":` + mustJSON(mb) + `}`)},
		"1 MB id":             {operations[1], []byte(`{"s":` + mustJSON(mb) + `}`)},
		"1 MB cursor":         {operations[3], []byte(`{"t":` + mustJSON(mb) + `}`)},
		"invalid UTF-8":       {operations[0], []byte("{\"t\":\"\xff\xfe\xfd\"}")},
		"invalid UTF-8 id":    {operations[1], []byte("{\"s\":\"policy:\xc3\x28\"}")},
		"NUL":                 {operations[0], []byte(`{"t":"\u0000"}`)},
		"bad cursor":          {operations[3], []byte(`{"t":"*:*"}`)},
		"injection as cursor": {operations[5], []byte(`{"t":` + mustJSON(attacks[0]) + `}`)},
		"1 MB note":           {operations[18], []byte(`{"s":"enterprise:矽睿科技","t":` + mustJSON(mb) + `}`)},
		"negative first":      {`query($n: Int) { search(text: "长宁", first: $n) { score } }`, []byte(`{"n":-1}`)},
		"huge first":          {`query($n: Int) { nodes(first: $n) { totalCount } }`, []byte(`{"n":1e15}`)},
		"huge limit":          {`query($n: Int) { neighborhood(id: "industry:人工智能", limit: $n) { truncated } }`, []byte(`{"n":2147483647}`)},
		"negative depth":      {`query($n: Int) { neighborhood(id: "industry:人工智能", depth: $n) { truncated } }`, []byte(`{"n":-2147483648}`)},
		"beyond int32":        {`query($n: Int) { lineage(id: "industry:人工智能", maxDepth: $n) { truncated } }`, []byte(`{"n":9223372036854775807}`)},
		"NaN-ish confidence":  {`query($f: Float) { node(id: "industry:人工智能") { relations(filter: {minConfidence: $f}) { totalCount } } }`, []byte(`{"f":-1e308}`)},
		"negative span":       {`mutation { upsertEntity(input: {kind: PERSON, name: "x", source: {documentId: "` + docID + `", start: -1, end: -5}}) { id } }`, []byte(`{}`)},
		"huge figure":         {`mutation { addQuantity(input: {subjectId: "enterprise:矽睿科技", what: "x", value: 1e300, unit: "CNY", source: {documentId: "` + docID + `", text: "龙头企业矽睿科技"}}) { id } }`, []byte(`{}`)},
	} {
		if got := probe(t, h, eve, c.op, c.vars); got != "BAD_USER_INPUT" {
			t.Errorf("%s: code %q, want BAD_USER_INPUT", name, got)
		}
	}

	if n1, r1 := totals(t, s); n1 != n0 || r1 != r0 {
		t.Errorf("hostile input changed the graph: nodes %d→%d, relationships %d→%d", n0, n1, r0, r1)
	}
}

// FuzzGraphQLInputs sends each fuzzed string through every argument that reaches Cypher
// (search text → store.LuceneQuery, ids, cursors, filters, mutation ids and texts) on the
// seeded corpus: never a 5xx or an INTERNAL error, and the graph unchanged. The seeds run
// in `go test`; `go test ./graph -run '^$' -fuzz FuzzGraphQLInputs` explores further.
func FuzzGraphQLInputs(f *testing.F) {
	for _, a := range attacks {
		f.Add(a)
	}
	f.Add("长宁区")
	f.Add("document:changning-2023-proposal-044-reply")
	s := storetest.Open(f)
	seedOnce.Do(func() { storetest.SeedChangning(f, s); seeded = s })
	h := hostileServer(f, s)
	eve := ""
	f.Fuzz(func(t *testing.T, in string) {
		if eve == "" {
			eve = bearer(t, "eve", "editor")
		}
		n0, r0 := totals(t, s)
		vars := []byte(`{"s":` + mustJSON(in) + `,"t":` + mustJSON(in) + `}`)
		for _, op := range operations {
			if strings.Contains(op, "mergeEntities") || strings.Contains(op, "markReviewed") || strings.Contains(op, docID) {
				// these succeed on any live id or any quote found once in the document, which a
				// fuzzer may produce; TestHostileInputs covers them with fixed input
				continue
			}
			probe(t, h, eve, op, vars)
		}
		if n1, r1 := totals(t, s); n1 != n0 || r1 != r0 {
			t.Fatalf("input %q changed the graph: nodes %d→%d, relationships %d→%d", in, n0, n1, r0, r1)
		}
	})
}
