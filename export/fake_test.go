package export

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
)

// *store.Store is the Source export runs on (checked here: export itself does not import
// store, so that it does not link the Neo4j driver).
var _ Source = (*store.Store)(nil)

// fakeSource is an in-memory Source for unit tests.
type fakeSource struct {
	nodes    []store.Node
	edges    []store.Edge
	qs       map[string][]store.QuantityRecord
	passages map[string][]string
	failAt   int // EachNode fails after this many nodes when > 0
}

func (f *fakeSource) EachNode(ctx context.Context, fn func(store.Node, []store.QuantityRecord) error) error {
	ns := append([]store.Node(nil), f.nodes...)
	sort.Slice(ns, func(i, j int) bool { return ns[i].ID < ns[j].ID })
	for i, n := range ns {
		if f.failAt > 0 && i == f.failAt {
			return fmt.Errorf("connection lost: %w", fault.ErrUnavailable)
		}
		if err := fn(n, f.qs[n.ID]); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeSource) EachEdge(ctx context.Context, fn func(store.Edge) error) error {
	for _, e := range f.edges {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeSource) Neighborhood(ctx context.Context, id string, depth int, kinds []model.Kind, limit int, _ store.Detail) (store.Subgraph, error) {
	in := map[string]bool{}
	for _, n := range f.nodes {
		if n.ID == id {
			in[id] = true
		}
	}
	if !in[id] {
		return store.Subgraph{}, fmt.Errorf("no entity %q: %w", id, fault.ErrNotFound)
	}
	for d := 0; d < depth; d++ {
		for _, e := range f.edges {
			if in[e.From] || in[e.To] {
				in[e.From], in[e.To] = true, true
			}
		}
	}
	var sub store.Subgraph
	for _, n := range f.nodes {
		if in[n.ID] {
			if len(sub.Nodes) == limit {
				sub.Truncated = true
				delete(in, n.ID)
				continue
			}
			sub.Nodes = append(sub.Nodes, n)
		}
	}
	for _, e := range f.edges {
		if in[e.From] && in[e.To] {
			sub.Edges = append(sub.Edges, e)
		}
	}
	return sub, nil
}

func (f *fakeSource) QuantitiesOf(ctx context.Context, ids []string) (map[string][]store.QuantityRecord, error) {
	out := map[string][]store.QuantityRecord{}
	for _, id := range ids {
		if q, ok := f.qs[id]; ok {
			out[id] = q
		}
	}
	return out, nil
}

func (f *fakeSource) NodesByIDs(ctx context.Context, ids []string) (map[string]store.Node, error) {
	out := map[string]store.Node{}
	for _, n := range f.nodes {
		for _, id := range ids {
			if n.ID == id {
				out[id] = n
			}
		}
	}
	return out, nil
}

func (f *fakeSource) Passages(ctx context.Context, ids []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, id := range ids {
		out[id] = f.passages[id]
	}
	return out, nil
}

const testDoc = "document:test-reply"

// testText is the normalised text of testDoc.
var testPassages = []string{"测试答复。", "3+3产业政策支持矽睿科技加入联盟，首批38家成员。"}

// at returns curated provenance for the first occurrence of quote in testDoc's text.
func at(quote string) []model.Provenance {
	text := []rune(strings.Join(testPassages, "\n"))
	q := []rune(quote)
	for i := 0; i+len(q) <= len(text); i++ {
		if string(text[i:i+len(q)]) == quote {
			p := 0
			for _, r := range text[:i] {
				if r == '\n' {
					p++
				}
			}
			return []model.Provenance{{DocumentID: testDoc, Passage: p, Start: i, End: i + len(q), Quote: quote, Method: "curated", Confidence: 1}}
		}
	}
	panic("quote not in test text: " + quote)
}

// testGraph is a small graph with every kind of property: strings, lists, an int, a float,
// a bool, partial dates, a figure, and provenance on everything.
func testGraph() *fakeSource {
	min := 10.0
	return &fakeSource{
		nodes: []store.Node{
			{ID: testDoc, Kind: model.KindDocument, Name: "测试答复", Aliases: []string{},
				Props:   map[string]any{"date": "2023-04-17", "docType": "reply", "sha256": "abc", "path": "corpus/test-reply.txt", "createdAt": "2026-01-01T00:00:00Z"},
				Sources: at("测试答复"),
				Method:  "curated", Confidence: 1},
			{ID: "policy:3+3产业政策", Kind: model.KindPolicy, Name: "3+3产业政策", Aliases: []string{"“3+3”产业政策"},
				Props:   map[string]any{"level": "DISTRICT", "issuedOn": "2021-Q3", "effectiveTo": "2025", "stipInstruments": []any{"STRATEGIES_PLANS", "GRANTS_BUSINESS_RD"}},
				Sources: at("3+3产业政策"), Method: "curated", Confidence: 1},
			{ID: "enterprise:矽睿科技", Kind: model.KindEnterprise, Name: "矽睿科技", Aliases: []string{"上海矽睿科技股份有限公司"},
				Props:   map[string]any{"listed": true, "role": "龙头企业", "industries": []any{"智能传感器"}},
				Sources: at("矽睿科技"), Method: "curated", Confidence: 1},
			{ID: "alliance:联盟", Kind: model.KindAlliance, Name: "联盟", Aliases: []string{},
				Props:   map[string]any{"memberCount": int64(38), "foundedOn": "2022-06"},
				Sources: withMethod(at("联盟"), "rule:alliance", 0.75),
				Method:  "rule:alliance", Confidence: 0.75},
		},
		edges: []store.Edge{
			{ID: "rel:SUPPORTS:1", Type: model.RelSupports, From: "policy:3+3产业政策", To: "enterprise:矽睿科技",
				Props: map[string]any{"role": "支撑", "year": int64(2022), "createdAt": "2026-01-01T00:00:00Z"}, Sources: at("3+3产业政策支持矽睿科技"), Method: "curated", Confidence: 1},
			{ID: "rel:MEMBER_OF:2", Type: model.RelMemberOf, From: "enterprise:矽睿科技", To: "alliance:联盟",
				Props: map[string]any{}, Sources: at("矽睿科技加入联盟"), Method: "curated", Confidence: 1},
		},
		qs: map[string][]store.QuantityRecord{
			"alliance:联盟": {{Quantity: model.Quantity{ID: "qty:1", Subject: "alliance:联盟", What: "首批成员数", Value: 38, Unit: "unit", Min: &min, Raw: "38家"},
				Sources: at("38家"), Method: "curated", Confidence: 1}},
		},
		passages: map[string][]string{testDoc: testPassages},
	}
}

func withMethod(ps []model.Provenance, method string, conf float64) []model.Provenance {
	for i := range ps {
		ps[i].Method, ps[i].Confidence = method, conf
	}
	return ps
}
