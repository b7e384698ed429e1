package server

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
)

// fakeStore stands in for Neo4j in the tests of the server's own behaviour: limits, error
// codes, probes, shutdown and batching. The API's answers on the real graph are tested
// against Neo4j in api_integration_test.go.
type fakeStore struct {
	mu    sync.Mutex
	nodes map[string]store.Node
	edges []store.Edge
	calls map[string]int
	batch map[string][]int // sizes of the id lists per method

	err     error         // returned by every read when set
	pingErr error         // returned by Ping when set
	panicIn string        // method that panics
	block   time.Duration // every read waits this long (or until its context ends)
	started chan struct{} // receives once per read when not nil
}

func newFakeStore() *fakeStore {
	return &fakeStore{nodes: map[string]store.Node{}, calls: map[string]int{}, batch: map[string][]int{}}
}

func (f *fakeStore) add(kind model.Kind, name string, props map[string]any) store.Node {
	n := store.Node{ID: model.EntityID(kind, name), Kind: kind, Name: name, Aliases: []string{}, Props: props,
		Method: "curated", Confidence: 1,
		Sources: []model.Provenance{{DocumentID: "document:reply", Passage: 1, Start: 0, End: 4, Quote: name, Method: "curated", Confidence: 1}}}
	f.nodes[n.ID] = n
	return n
}

func (f *fakeStore) link(t model.RelType, from, to store.Node) {
	f.edges = append(f.edges, store.Edge{ID: model.RelationID(t, from.ID, to.ID), Type: t, From: from.ID, To: to.ID,
		Props: map[string]any{}, Method: "curated", Confidence: 0.9,
		Sources: []model.Provenance{{DocumentID: "document:reply", Passage: 2, Start: 5, End: 9, Quote: "支持", Method: "curated", Confidence: 0.9}}})
}

func (f *fakeStore) enter(ctx context.Context, method string, ids int) error {
	f.mu.Lock()
	f.calls[method]++
	f.batch[method] = append(f.batch[method], ids)
	err, panicIn, block, started := f.err, f.panicIn, f.block, f.started
	f.mu.Unlock()
	if started != nil {
		started <- struct{}{}
	}
	if panicIn == method {
		panic("fake store: " + method + " exploded")
	}
	if block > 0 {
		select {
		case <-time.After(block):
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", method, fault.ErrTimeout)
		}
	}
	return err
}

func (f *fakeStore) callCount(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}

func (f *fakeStore) Ping(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pingErr
}

func (f *fakeStore) NodesByIDs(ctx context.Context, ids []string) (map[string]store.Node, error) {
	if err := f.enter(ctx, "NodesByIDs", len(ids)); err != nil {
		return nil, err
	}
	out := map[string]store.Node{}
	for _, id := range ids {
		if n, ok := f.nodes[id]; ok {
			out[id] = n
		}
	}
	return out, nil
}

func (f *fakeStore) EdgesOf(ctx context.Context, ids []string, flt store.EdgeFilter) (map[string]store.EdgePage, error) {
	if err := f.enter(ctx, "EdgesOf", len(ids)); err != nil {
		return nil, err
	}
	out := map[string]store.EdgePage{}
	for _, id := range ids {
		var page store.EdgePage
		for _, e := range f.edges {
			if !slices.Contains(flt.Types, e.Type) {
				continue
			}
			other := ""
			if flt.Outgoing && e.From == id {
				other = e.To
			} else if !flt.Outgoing && e.To == id {
				other = e.From
			}
			if other == "" {
				continue
			}
			page.TotalCount++
			if len(page.Hits) < flt.First {
				page.Hits = append(page.Hits, store.EdgeHit{Edge: e, Other: f.nodes[other], Cursor: fmt.Sprint(page.TotalCount)})
			} else {
				page.HasNext = true
			}
		}
		out[id] = page
	}
	return out, nil
}

func (f *fakeStore) QuantitiesOf(ctx context.Context, ids []string) (map[string][]store.QuantityRecord, error) {
	if err := f.enter(ctx, "QuantitiesOf", len(ids)); err != nil {
		return nil, err
	}
	return map[string][]store.QuantityRecord{}, nil
}

func (f *fakeStore) Search(ctx context.Context, text string, kinds []model.Kind, first int, _ store.Detail) ([]store.SearchHit, error) {
	if err := f.enter(ctx, "Search", 0); err != nil {
		return nil, err
	}
	var out []store.SearchHit
	for _, n := range f.sorted() {
		if strings.Contains(n.Name, text) && len(out) < first {
			out = append(out, store.SearchHit{Node: n, Score: 1})
		}
	}
	return out, nil
}

func (f *fakeStore) sorted() []store.Node {
	var ns []store.Node
	for _, n := range f.nodes {
		ns = append(ns, n)
	}
	sort.Slice(ns, func(i, j int) bool { return ns[i].ID < ns[j].ID })
	return ns
}

func (f *fakeStore) ListNodes(ctx context.Context, kind *model.Kind, first int, after string, _ store.Detail) (store.NodePage, error) {
	if err := f.enter(ctx, "ListNodes", 0); err != nil {
		return store.NodePage{}, err
	}
	afterID := ""
	if after != "" {
		id, err := store.DecodeCursor(after)
		if err != nil {
			return store.NodePage{}, err
		}
		afterID = id
	}
	page := store.NodePage{HasPrevious: after != ""}
	for _, n := range f.sorted() {
		if kind != nil && n.Kind != *kind {
			continue
		}
		page.TotalCount++
		if n.ID <= afterID {
			continue
		}
		if len(page.Nodes) == first {
			page.HasNext = true
			continue
		}
		page.Nodes = append(page.Nodes, n)
	}
	return page, nil
}

func (f *fakeStore) PoliciesSupporting(ctx context.Context, enterpriseID string, maxHops, first int, _ store.Detail) ([]store.SupportPath, error) {
	return nil, f.enter(ctx, "PoliciesSupporting", 1)
}

func (f *fakeStore) EnterprisesSupportedBy(ctx context.Context, policyID string, maxHops, first int, _ store.Detail) ([]store.SupportPath, error) {
	return nil, f.enter(ctx, "EnterprisesSupportedBy", 1)
}

func (f *fakeStore) Lineage(ctx context.Context, id string, dir store.Direction, maxDepth int, _ store.Detail) (store.Subgraph, error) {
	if err := f.enter(ctx, "Lineage", 1); err != nil {
		return store.Subgraph{}, err
	}
	n, ok := f.nodes[id]
	if !ok {
		return store.Subgraph{}, fmt.Errorf("no entity %q: %w", id, fault.ErrNotFound)
	}
	return store.Subgraph{Nodes: []store.Node{n}}, nil
}

func (f *fakeStore) Neighborhood(ctx context.Context, id string, depth int, kinds []model.Kind, limit int, _ store.Detail) (store.Subgraph, error) {
	return store.Subgraph{}, f.enter(ctx, "Neighborhood", 1)
}

func (f *fakeStore) ShortestPath(ctx context.Context, fromID, toID string, maxHops int, _ store.Detail) (*store.Subgraph, error) {
	return nil, f.enter(ctx, "ShortestPath", 2)
}

func (f *fakeStore) Stats(ctx context.Context) (store.Stats, error) {
	if err := f.enter(ctx, "Stats", 0); err != nil {
		return store.Stats{}, err
	}
	st := store.Stats{NodesByKind: map[model.Kind]int64{}, RelsByType: map[string]int64{}}
	for _, n := range f.nodes {
		st.NodesByKind[n.Kind]++
		st.Nodes++
	}
	for _, e := range f.edges {
		st.RelsByType[string(e.Type)]++
		st.Rels++
	}
	return st, nil
}

func (f *fakeStore) QuantitiesWithRetractedOf(ctx context.Context, ids []string) (map[string][]store.QuantityRecord, error) {
	if err := f.enter(ctx, "QuantitiesWithRetractedOf", len(ids)); err != nil {
		return nil, err
	}
	return map[string][]store.QuantityRecord{}, nil
}

func (f *fakeStore) NodeWithRetracted(ctx context.Context, id string) (*store.Node, error) {
	if err := f.enter(ctx, "NodeWithRetracted", 1); err != nil {
		return nil, err
	}
	if n, ok := f.nodes[id]; ok {
		return &n, nil
	}
	return nil, nil
}

func (f *fakeStore) NeighborhoodWithRetracted(ctx context.Context, id string, depth int, kinds []model.Kind, limit int) (store.Subgraph, error) {
	return store.Subgraph{}, f.enter(ctx, "NeighborhoodWithRetracted", 1)
}

// The calculator's reads (conditions.go): the server tests never ask them, so the double
// answers with nothing.
func (f *fakeStore) ConditionsOf(ctx context.Context, ids []string) (map[string][]store.ConditionRecord, error) {
	return map[string][]store.ConditionRecord{}, f.enter(ctx, "ConditionsOf", len(ids))
}

func (f *fakeStore) MatchCandidates(ctx context.Context) ([]store.MatchCandidate, error) {
	return nil, f.enter(ctx, "MatchCandidates", 0)
}

func (f *fakeStore) MeasurePolicies(ctx context.Context, ids []string) (map[string]store.MeasurePolicy, error) {
	return map[string]store.MeasurePolicy{}, f.enter(ctx, "MeasurePolicies", len(ids))
}

func (f *fakeStore) EnterpriseFacts(ctx context.Context, id string) (*store.EnterpriseFacts, error) {
	return nil, f.enter(ctx, "EnterpriseFacts", 1)
}
