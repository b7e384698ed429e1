package store

import (
	"sort"

	"github.com/policygraph/policygraph/model"
)

// priorState is what a document wrote the last time it was applied: its plan fingerprint and
// the id → fingerprint of every fact it stated (the document node's factIds/factHashes).
type priorState struct {
	PlanHash string
	Facts    map[string]string
}

// same reports whether w is the write recorded in p: nothing to do.
func (p priorState) same(w DocumentWrite) bool { return w.PlanHash != "" && p.PlanHash == w.PlanHash }

// docDiff is what writing a document changes, decided per fact from its prior state: the
// rows to write (created or updated), the ids it no longer states, and what to record for
// the next diff. It holds no driver types; diffDocument computes it and applyDocument
// carries it out.
type docDiff struct {
	Unchanged  bool // the same plan as last time: write nothing
	Nodes      []NodeRow
	Edges      []EdgeRow
	Quantities []QuantityRow
	Conditions []ConditionRow
	Created    map[string]bool // ids written for the first time (not stated before, not in the graph)

	// What the document no longer states: its sources go and, when none is left, the fact
	// is retracted.
	GoneNodes, GoneQuantities, GoneConditions []string
	GoneEdges                                 map[model.RelType][]string // by type (rel ids carry it)

	// FactIDs (sorted) and FactHashes are what the document states now, for the next diff.
	FactIDs, FactHashes []string
}

// diffDocument decides, for every fact of w, whether to create, update or leave it, and which
// facts of the prior write are gone. existing holds the ids of w's facts already in the graph
// (stated by another document, or retracted earlier); it is not read when prior is the same
// plan. The counts go to sum.
func diffDocument(w DocumentWrite, prior priorState, existing map[string]bool, sum *Summary) docDiff {
	if prior.same(w) {
		sum.Unchanged = true
		sum.Nodes.Unchanged, sum.Edges.Unchanged, sum.Quantities.Unchanged = len(w.Nodes)+1, len(w.Edges), len(w.Quantities)
		sum.Conditions.Unchanged = len(w.Conditions)
		return docDiff{Unchanged: true}
	}
	d := docDiff{Created: map[string]bool{}, GoneEdges: map[model.RelType][]string{}}
	classify := func(id, hash string, c *Change) bool {
		old, stated := prior.Facts[id]
		switch {
		case stated && old == hash:
			c.Unchanged++
			return false
		case stated || existing[id]:
			c.Updated++
		default:
			c.Created++
			d.Created[id] = true
		}
		return true
	}
	if classify(w.Doc.ID, w.Doc.Hash, &sum.Nodes) {
		d.Nodes = append(d.Nodes, w.Doc)
	}
	for _, n := range w.Nodes {
		if classify(n.ID, n.Hash, &sum.Nodes) {
			d.Nodes = append(d.Nodes, n)
		}
	}
	for _, e := range w.Edges {
		if classify(e.ID, e.Hash, &sum.Edges) {
			d.Edges = append(d.Edges, e)
		}
	}
	for _, q := range w.Quantities {
		if classify(q.ID, q.Hash, &sum.Quantities) {
			d.Quantities = append(d.Quantities, q)
		}
	}
	for _, c := range w.Conditions {
		if classify(c.ID, c.Hash, &sum.Conditions) {
			d.Conditions = append(d.Conditions, c)
		}
	}

	hashOf := factHashes(w)
	for id := range prior.Facts {
		if _, stated := hashOf[id]; stated {
			continue
		}
		switch {
		case hasPrefix(id, "rel:"):
			// rel ids carry their type after a second colon: rel:TYPE:hash
			t := relTypeOfID(id)
			d.GoneEdges[t] = append(d.GoneEdges[t], id)
			sum.Edges.Retracted++
		case hasPrefix(id, "qty:"):
			d.GoneQuantities = append(d.GoneQuantities, id)
			sum.Quantities.Retracted++
		case hasPrefix(id, "cond:"):
			d.GoneConditions = append(d.GoneConditions, id)
			sum.Conditions.Retracted++
		default:
			d.GoneNodes = append(d.GoneNodes, id)
			sum.Nodes.Retracted++
		}
	}
	for _, ids := range [][]string{d.GoneNodes, d.GoneQuantities, d.GoneConditions} {
		sort.Strings(ids)
	}
	for _, ids := range d.GoneEdges {
		sort.Strings(ids)
	}

	d.FactIDs = make([]string, 0, len(hashOf))
	for id := range hashOf {
		d.FactIDs = append(d.FactIDs, id)
	}
	sort.Strings(d.FactIDs)
	d.FactHashes = make([]string, len(d.FactIDs))
	for i, id := range d.FactIDs {
		d.FactHashes[i] = hashOf[id]
	}
	return d
}

// factHashes maps every fact w states (the document node included) to its fingerprint.
func factHashes(w DocumentWrite) map[string]string {
	hashOf := map[string]string{w.Doc.ID: w.Doc.Hash}
	for _, n := range w.Nodes {
		hashOf[n.ID] = n.Hash
	}
	for _, e := range w.Edges {
		hashOf[e.ID] = e.Hash
	}
	for _, q := range w.Quantities {
		hashOf[q.ID] = q.Hash
	}
	for _, c := range w.Conditions {
		hashOf[c.ID] = c.Hash
	}
	return hashOf
}

// restoreIDs are the facts about to be written that are not in the graph as live facts
// (retracted earlier): the write brings them back.
func restoreIDs(nodes []NodeRow, qtys []QuantityRow, conds []ConditionRow, existing map[string]bool) []string {
	var out []string
	for _, n := range nodes {
		if !existing[n.ID] {
			out = append(out, n.ID)
		}
	}
	for _, q := range qtys {
		if !existing[q.ID] {
			out = append(out, q.ID)
		}
	}
	for _, c := range conds {
		if !existing[c.ID] {
			out = append(out, c.ID)
		}
	}
	return out
}
