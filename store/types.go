package store

import (
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store/record"
)

// The record types live in package record (no driver), so that readers of records do not
// link Neo4j; store names them here.
type (
	Node           = record.Node
	Edge           = record.Edge
	Subgraph       = record.Subgraph
	QuantityRecord = record.QuantityRecord
	Detail         = record.Detail
)

// Detail levels of a graph view (record.Detail).
const (
	Full    = record.Full
	Outline = record.Outline
)

// SearchHit is one full-text search result.
type SearchHit struct {
	Node  Node
	Score float64
}

// NodePage is one page of a kind's nodes in id order.
type NodePage struct {
	Nodes       []Node
	TotalCount  int64
	HasNext     bool
	HasPrevious bool
}

// SupportPath explains how a policy supports an enterprise: the path from the policy to the
// enterprise, hop by hop.
type SupportPath struct {
	PolicyID     string
	EnterpriseID string
	Hops         int
	Path         Subgraph // nodes in path order, edges in path order; at Outline only the two ends, no edges
}

// Direction of a lineage walk.
type Direction string

// Lineage directions.
const (
	Upstream   Direction = "UPSTREAM"
	Downstream Direction = "DOWNSTREAM"
	Both       Direction = "BOTH"
)

// Stats counts nodes by kind and relationships by type.
type Stats struct {
	NodesByKind    map[model.Kind]int64
	RelsByType     map[string]int64
	Nodes, Rels    int64
	Quantities     int64
	Documents      int64
	RetractedFacts int64
}

// EdgeFilter narrows a relationship field (Policy.supports, Alliance.members …).
type EdgeFilter struct {
	Types         []model.RelType // relationship types to follow
	Outgoing      bool            // follow from the node outwards (true) or into it (false)
	Kinds         []model.Kind    // kinds of the node at the other end; empty = any
	NameContains  string
	Level         string // policy level of the other end, e.g. DISTRICT
	DateFrom      string // inclusive ISO date bound on the other end's issuedOn/startedOn/date
	DateTo        string
	Method        string  // only facts with this method (exact, or prefix "rule:")
	MinConfidence float64 // only facts at least this confident
	// Statuses keeps facts (the relationship and the other end) of these review statuses
	// (review.go); empty: any live fact (ACCEPTED and PROPOSED).
	Statuses []string
	SortBy   string // "name" (default), "date", "confidence"
	Desc     bool
	First    int
	After    string // cursor returned by a previous page
	// IncludeRetracted also returns retracted relationships (flagged Retracted, typed by
	// their original type) and reads from a retracted node.
	IncludeRetracted bool
}

// EdgeHit is one relationship seen from a node: the edge and the node at the other end.
type EdgeHit struct {
	Edge   Edge
	Other  Node
	Cursor string
}

// EdgePage is one page of a node's relationships.
type EdgePage struct {
	Hits       []EdgeHit
	TotalCount int64
	HasNext    bool
}
