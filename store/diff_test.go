package store

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/policygraph/policygraph/model"
)

// TestDiffDocument decides per fact what a write changes, with no Neo4j: the prior state and
// the live ids are given as the store would read them.
func TestDiffDocument(t *testing.T) {
	const doc = "document:d"
	edge := "rel:" + string(model.RelIssuedBy) + ":e1"
	write := DocumentWrite{
		Doc:        NodeRow{ID: doc, Hash: "hd"},
		Nodes:      []NodeRow{{ID: "policy:a", Hash: "ha"}, {ID: "organization:b", Hash: "hb"}},
		Edges:      []EdgeRow{{ID: edge, Type: model.RelIssuedBy, Hash: "he"}},
		Quantities: []QuantityRow{{Quantity: model.Quantity{ID: "qty:q"}, Hash: "hq"}},
		Conditions: []ConditionRow{{Condition: model.Condition{ID: "cond:c"}, Hash: "hc"}},
		PlanHash:   "plan-2",
	}
	allIDs := []string{"cond:c", doc, "organization:b", "policy:a", "qty:q", edge}
	allHashes := []string{"hc", "hd", "hb", "ha", "hq", "he"}
	ids := func(ns []NodeRow) []string {
		var out []string
		for _, n := range ns {
			out = append(out, n.ID)
		}
		return out
	}
	tests := []struct {
		name     string
		w        DocumentWrite
		prior    priorState
		existing map[string]bool
		want     Summary
		nodes    []string // ids of the node rows to write
		edges    int
		qtys     int
		conds    int
		created  []string
		gone     docDiff // only the Gone* fields are compared
	}{
		{
			name:  "new document: everything created",
			w:     write,
			prior: priorState{Facts: map[string]string{}},
			want:  Summary{Nodes: Change{Created: 3}, Edges: Change{Created: 1}, Quantities: Change{Created: 1}, Conditions: Change{Created: 1}},
			nodes: []string{doc, "policy:a", "organization:b"},
			edges: 1, qtys: 1, conds: 1,
			created: []string{doc, "policy:a", "organization:b", edge, "qty:q", "cond:c"},
		},
		{
			name:     "an entity another document stated is updated, not created",
			w:        write,
			prior:    priorState{Facts: map[string]string{}},
			existing: map[string]bool{"organization:b": true},
			want:     Summary{Nodes: Change{Created: 2, Updated: 1}, Edges: Change{Created: 1}, Quantities: Change{Created: 1}, Conditions: Change{Created: 1}},
			nodes:    []string{doc, "policy:a", "organization:b"},
			edges:    1, qtys: 1, conds: 1,
			created: []string{doc, "policy:a", edge, "qty:q", "cond:c"},
		},
		{
			name:  "same plan: nothing to do",
			w:     write,
			prior: priorState{PlanHash: "plan-2", Facts: map[string]string{doc: "hd"}},
			want:  Summary{Unchanged: true, Nodes: Change{Unchanged: 3}, Edges: Change{Unchanged: 1}, Quantities: Change{Unchanged: 1}, Conditions: Change{Unchanged: 1}},
		},
		{
			name: "re-ingest: one changed, one unchanged, gone facts by kind",
			w:    write,
			prior: priorState{PlanHash: "plan-1", Facts: map[string]string{
				doc: "hd", "policy:a": "old", "organization:b": "hb", edge: "he", "qty:q": "hq", "cond:c": "hc",
				"policy:z": "hz", "qty:y": "hy", "cond:x": "hx", "rel:" + string(model.RelSupports) + ":s": "hs",
			}},
			existing: map[string]bool{doc: true, "policy:a": true, "organization:b": true, "qty:q": true, "cond:c": true},
			want: Summary{
				Nodes: Change{Updated: 1, Unchanged: 2, Retracted: 1}, Edges: Change{Unchanged: 1, Retracted: 1},
				Quantities: Change{Unchanged: 1, Retracted: 1}, Conditions: Change{Unchanged: 1, Retracted: 1},
			},
			nodes: []string{"policy:a"},
			gone: docDiff{
				GoneNodes: []string{"policy:z"}, GoneQuantities: []string{"qty:y"}, GoneConditions: []string{"cond:x"},
				GoneEdges: map[model.RelType][]string{model.RelSupports: {"rel:" + string(model.RelSupports) + ":s"}},
			},
		},
		{
			name:  "an empty plan hash is never the same plan",
			w:     DocumentWrite{Doc: NodeRow{ID: doc, Hash: "hd"}},
			prior: priorState{Facts: map[string]string{doc: "hd"}},
			want:  Summary{Nodes: Change{Unchanged: 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sum Summary
			d := diffDocument(tt.w, tt.prior, tt.existing, &sum)
			if diff := cmp.Diff(tt.want, sum); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
			if d.Unchanged != tt.want.Unchanged {
				t.Errorf("Unchanged = %v", d.Unchanged)
			}
			if diff := cmp.Diff(tt.nodes, ids(d.Nodes), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("node rows (-want +got):\n%s", diff)
			}
			if len(d.Edges) != tt.edges || len(d.Quantities) != tt.qtys || len(d.Conditions) != tt.conds {
				t.Errorf("rows: %d edges, %d figures, %d conditions; want %d, %d, %d", len(d.Edges), len(d.Quantities), len(d.Conditions), tt.edges, tt.qtys, tt.conds)
			}
			created := map[string]bool{}
			for _, id := range tt.created {
				created[id] = true
			}
			if diff := cmp.Diff(created, d.Created, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("created (-want +got):\n%s", diff)
			}
			gone := docDiff{GoneNodes: d.GoneNodes, GoneQuantities: d.GoneQuantities, GoneConditions: d.GoneConditions, GoneEdges: d.GoneEdges}
			if diff := cmp.Diff(tt.gone, gone, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("gone (-want +got):\n%s", diff)
			}
			if d.Unchanged {
				return
			}
			wantIDs, wantHashes := allIDs, allHashes
			if len(tt.w.Nodes) == 0 {
				wantIDs, wantHashes = []string{doc}, []string{"hd"}
			}
			if !cmp.Equal(d.FactIDs, wantIDs) || !cmp.Equal(d.FactHashes, wantHashes) {
				t.Errorf("recorded state = %v %v, want %v %v", d.FactIDs, d.FactHashes, wantIDs, wantHashes)
			}
		})
	}
}

func TestRestoreIDs(t *testing.T) {
	nodes := []NodeRow{{ID: "policy:a"}, {ID: "policy:b"}}
	qtys := []QuantityRow{{Quantity: model.Quantity{ID: "qty:q"}}}
	conds := []ConditionRow{{Condition: model.Condition{ID: "cond:c"}}}
	tests := []struct {
		name     string
		existing map[string]bool
		want     []string
	}{
		{"none live: all restored", nil, []string{"policy:a", "policy:b", "qty:q", "cond:c"}},
		{"live ones left", map[string]bool{"policy:a": true, "cond:c": true}, []string{"policy:b", "qty:q"}},
		{"all live", map[string]bool{"policy:a": true, "policy:b": true, "qty:q": true, "cond:c": true}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, restoreIDs(nodes, qtys, conds, tt.existing), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("restoreIDs (-want +got):\n%s", diff)
			}
		})
	}
}
