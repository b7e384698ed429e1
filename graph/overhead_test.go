package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/storetest"
)

// BenchmarkOverhead measures what the GraphQL API adds to the store on cheap query shapes,
// side by side in one process on the seeded Changning graph: "store" calls the store method
// the resolver calls (the baseline), "api" serves the same question through the whole HTTP
// handler (middleware, gqlgen, loaders, JSON) without a network. Compare with benchstat, or
// read the ratio api ÷ store; profile with -cpuprofile:
//
//	go test ./graph -run '^$' -bench Overhead -benchtime 2s -count 5
func BenchmarkOverhead(b *testing.B) {
	t := &testing.T{}
	s := storetest.Open(b)
	seedOnce.Do(func() { storetest.SeedChangning(b, s); seeded = s })
	h := apiServer(t, s)
	ctx := context.Background()
	const (
		ent = "enterprise:西井科技"
		pol = "policy:长宁区鼓励科技创新的实施办法"
	)
	shapes := []struct {
		name  string
		store func() error
		query string
		vars  map[string]any
	}{
		{"search", func() error { _, err := s.Search(ctx, "科技", nil, 20, store.Outline); return err },
			`query($t: String!) { search(text: $t, first: 20) { score node { id kind name } } }`, map[string]any{"t": "科技"}},
		{"node", func() error { _, err := s.NodesByIDs(ctx, []string{ent}); return err },
			`query($id: ID!) { node(id: $id) { id kind name aliases method confidence sources { documentId passage start end quote method confidence } } }`, map[string]any{"id": ent}},
		{"nodesPage", func() error { _, err := s.ListNodes(ctx, nil, 50, "", store.Outline); return err },
			`query { nodes(first: 50) { totalCount edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }`, nil},
		{"lineage", func() error { _, err := s.Lineage(ctx, pol, store.Downstream, 6, store.Outline); return err },
			`query($id: ID!) { lineage(id: $id, direction: DOWNSTREAM, maxDepth: 6) { nodes { id kind label } edges { id type source target } truncated } }`, map[string]any{"id": pol}},
		{"neighborhood2", func() error { _, err := s.Neighborhood(ctx, ent, 2, nil, 200, store.Outline); return err },
			`query($id: ID!) { neighborhood(id: $id, depth: 2, limit: 200) { nodes { id kind label } edges { id type source target } truncated } }`, map[string]any{"id": ent}},
		{"policiesSupporting", func() error { _, err := s.PoliciesSupporting(ctx, ent, 3, store.MaxPage, store.Outline); return err },
			`query($id: ID!) { policiesSupporting(enterpriseId: $id, maxHops: 3) { hops policy { id name } } }`, map[string]any{"id": ent}},
	}
	for _, sh := range shapes {
		b.Run(sh.name+"/store", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := sh.store(); err != nil {
					b.Fatal(err)
				}
			}
		})
		body, _ := json.Marshal(map[string]any{"query": sh.query, "variables": sh.vars})
		b.Run(sh.name+"/api", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 || strings.Contains(rec.Body.String(), `"errors"`) {
					b.Fatalf("%d %s", rec.Code, rec.Body.String())
				}
			}
		})
	}
}
