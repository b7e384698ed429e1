package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/server"
	"github.com/policygraph/policygraph/store"
)

// TestFastViewsMatchGqlgen sends the same requests to a server that writes outline views
// directly (GRAPHQL_DIRECT_VIEWS=true) and to one that does not, on the Changning graph:
// every answer must be the same bytes (error answers up to their request ids), and the
// direct path must have been taken exactly for the documents it is meant for.
func TestFastViewsMatchGqlgen(t *testing.T) {
	s := changning(t)
	direct := apiServer(t, s, func(c *server.Config) { c.DirectViews = true })
	plain := apiServer(t, s, func(c *server.Config) { c.DirectViews = false })
	page, err := s.ListNodes(t.Context(), nil, 60, "", store.Outline)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range page.Nodes {
		ids = append(ids, n.ID)
	}
	const (
		outline  = `nodes { id kind label } edges { id type source target } truncated`
		reorder  = `t: truncated e: edges { __typename target s: source id type } __typename nodes { label __typename k: kind id }`
		withProp = `nodes { id properties } edges { id }`
		withNode = `nodes { id node { id name } } edges { id }`
		fragment = `nodes { ... on GraphNode { id } } edges { id }`
	)
	type doc struct {
		query  string
		vars   func(a, b string) map[string]any
		direct bool // the direct path should answer it
	}
	one := func(a, _ string) map[string]any { return map[string]any{"id": a} }
	two := func(a, b string) map[string]any { return map[string]any{"a": a, "b": b} }
	cursor := func(a, _ string) map[string]any { return map[string]any{"after": store.Cursor(a)} }
	raw := func(a, _ string) map[string]any { return map[string]any{"after": a} } // not a cursor
	docs := []doc{
		{`query($id: ID!) { neighborhood(id: $id, depth: 2, limit: 200) { ` + outline + ` } }`, one, true},
		{`query($id: ID!) { neighborhood(id: $id) { ` + reorder + ` } }`, one, true},
		{`query($id: ID!) { view: neighborhood(id: $id, depth: 2, limit: 7, kinds: [POLICY, ENTERPRISE]) { ` + outline + ` } }`, one, true},
		{`query($id: ID!) { neighborhood(id: $id, includeRetracted: true) { ` + outline + ` } }`, one, true},
		{`query($id: ID!) { lineage(id: $id, direction: BOTH, maxDepth: 4) { ` + outline + ` } }`, one, true},
		{`query($id: ID!) { lineage(id: $id) { ` + reorder + ` } }`, one, true},
		{`query($a: ID!, $b: ID!) { shortestPath(fromId: $a, toId: $b) { ` + outline + ` } }`, two, true},
		{`query($a: ID!, $b: ID!) { shortestPath(fromId: $a, toId: $b, maxHops: 2) { nodes { id } } }`, two, true},
		{`query($id: ID!) { neighborhood(id: $id) { ` + withProp + ` } }`, one, false},
		{`query($id: ID!) { neighborhood(id: $id) { ` + withNode + ` } }`, one, false},
		{`query($id: ID!) { lineage(id: $id) { ` + fragment + ` } }`, one, false},
		{`query($id: ID!) { a: lineage(id: $id) { nodes { id } } b: neighborhood(id: $id) { edges { id } } }`, one, true},
		{`query($id: ID!) { neighborhood(id: $id) { a: nodes { id } b: nodes { label kind } e: edges { id } } }`, one, true},
		{`query($after: String) { nodes(kind: ENTERPRISE, first: 50, after: $after) { totalCount edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }`, cursor, true},
		{`query($after: String) { nodes(first: 7, after: $after) { __typename t: totalCount edges { node { k: kind id name } cursor __typename } pageInfo { startCursor endCursor hasPreviousPage hasNextPage __typename } } }`, cursor, true},
		{`query($after: String) { nodes(kind: POLICY, first: 0, after: $after) { totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, cursor, true},
		{`query($after: String) { nodes(after: $after) { edges { node { id } } e: edges { cursor } } }`, cursor, true},
		{`query($after: String) { nodes(after: $after) { totalCount } }`, raw, true},
		{`query($after: String) { nodes(after: $after) { edges { node { id aliases } } } }`, cursor, false},
		{`query($after: String) { nodes(after: $after) { edges { node { __typename id } } } }`, cursor, false},
		{`query($after: String) { nodes(after: $after) { edges { node { ... on Enterprise { id } } } } }`, cursor, false},
	}
	send := func(h http.Handler, q string, vars map[string]any) []byte {
		body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return fmt.Appendf(nil, "%d %s", rec.Code, rec.Body.Bytes())
	}
	answered := 0
	for i, d := range docs {
		pairs := [][2]string{{"policy:长宁区鼓励科技创新的实施办法", "enterprise:西井科技"}, {"enterprise:no-such", "enterprise:西井科技"}, {"", "x"}}
		for j, a := range ids {
			pairs = append(pairs, [2]string{a, ids[(j*7+3)%len(ids)]})
		}
		for _, p := range pairs {
			before := graph.FastViewsServed()
			got := send(direct, d.query, d.vars(p[0], p[1]))
			served := graph.FastViewsServed() - before
			want := send(plain, d.query, d.vars(p[0], p[1]))
			if bytes.Contains(want, []byte(`"errors"`)) {
				got, want = dropRequestIDs(t, got), dropRequestIDs(t, want)
			} else if d.direct && served == 0 {
				t.Errorf("doc %d %v: answered without error but not by the direct path", i, p)
			}
			if !d.direct && served != 0 {
				t.Errorf("doc %d %v: the direct path answered a selection it must leave to gqlgen", i, p)
			}
			answered += int(served)
			if !bytes.Equal(got, want) {
				t.Fatalf("doc %d %v:\ndirect %s\ngqlgen %s", i, p, got, want)
			}
		}
	}
	if answered < 300 {
		t.Errorf("the direct path answered %d requests; the test means it to answer hundreds", answered)
	}
}

// dropRequestIDs removes errors[].extensions.requestId, which differs between two runs, and
// sorts the errors: root fields run concurrently, so two failing ones may report in either
// order.
func dropRequestIDs(t *testing.T, b []byte) []byte {
	t.Helper()
	status, body, _ := bytes.Cut(b, []byte(" "))
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	errs, _ := v["errors"].([]any)
	for _, e := range errs {
		if ext, ok := e.(map[string]any)["extensions"].(map[string]any); ok {
			delete(ext, "requestId")
		}
	}
	slices.SortFunc(errs, func(a, b any) int {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		return bytes.Compare(ja, jb)
	})
	out, _ := json.Marshal(v)
	return append(append(status, ' '), out...)
}
