// Package record holds the types the store reads out of the graph — nodes, edges, subgraphs,
// figures — and the read limits and detail levels that shape them, with no Neo4j driver, so
// that packages that only consume records (export) do not link it. Package store names the
// same types (type aliases) and fills them.
package record

import "github.com/policygraph/policygraph/model"

// Read limits. The API validates its arguments against these before calling the store; the
// store enforces them again so that no caller can ask Neo4j for an unbounded walk.
const (
	MaxHops      = 6
	MaxDepth     = 10
	MaxNeighbors = 3 // neighborhood depth
	MaxPage      = 1000
	MaxSubgraph  = 5000
)

// Detail says how much of each node and edge a graph view reads.
type Detail int

const (
	// Full reads every stored property (provenance, review, typed fields).
	Full Detail = iota
	// Outline reads what draws a graph: node id, kind and name; edge id, type and ends. A
	// view of 200 nodes moves a tenth of the bytes, and Neo4j and the driver do as much
	// less work (bench: neighborhood and lineage shapes).
	Outline
)

// Node is an entity as read from the graph: identity, typed properties and provenance.
type Node struct {
	ID         string
	Kind       model.Kind
	Name       string
	Aliases    []string
	Props      map[string]any // typed kind-specific properties (see model.KindProps), plus createdAt/updatedAt
	Sources    []model.Provenance
	Method     string  // best method over sources: "curated" if any source is curated
	Confidence float64 // highest confidence over sources
	Retracted  bool
}

// Edge is a relationship as read from the graph.
type Edge struct {
	ID         string
	Type       model.RelType
	From, To   string // entity ids
	Props      map[string]any
	Sources    []model.Provenance
	Method     string
	Confidence float64
	Retracted  bool
}

// Subgraph is a set of nodes and the edges among them, ready to draw.
type Subgraph struct {
	Nodes     []Node
	Edges     []Edge
	Truncated bool // a limit cut the result short
}

// QuantityRecord is a stored figure with its provenance.
type QuantityRecord struct {
	model.Quantity
	Sources    []model.Provenance
	Method     string
	Confidence float64
	Retracted  bool
	Props      map[string]any // other stored properties: reviewedBy, retractedAt, createdAt …
}
