package store

import (
	"context"
	"fmt"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/model"
)

// Read limits. The API validates its arguments against these before calling the store; the
// store enforces them again so that no caller can ask Neo4j for an unbounded walk.
const (
	MaxHops      = 6
	MaxDepth     = 10
	MaxNeighbors = 3 // neighborhood depth
	MaxPage      = 1000
	MaxSubgraph  = 5000
)

// nodeProj projects an entity without the bulky ingest bookkeeping of Document nodes.
const nodeProj = `{.*, passages: null, factIds: null, factHashes: null, planHash: null}`

// relProj projects a relationship with its type and endpoint ids.
const relProj = `{.*, type: type(%[1]s), from: startNode(%[1]s).id, to: endNode(%[1]s).id}`

func rel(v string) string { return v + fmt.Sprintf(relProj, v) }

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

// projections of a node and a relationship at each Detail.
var (
	nodeProjAt = map[Detail]string{Full: nodeProj, Outline: `{.id, .kind, .name}`}
	relAt      = map[Detail]func(string) string{Full: rel, Outline: func(v string) string {
		return v + fmt.Sprintf(`{.id, type: type(%[1]s), from: startNode(%[1]s).id, to: endNode(%[1]s).id}`, v)
	}}
	detailSuffix = map[Detail]string{Full: "", Outline: "_outline"}
)

func kindStrings(ks []model.Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

func checkHops(name string, v, hi int) error {
	if v < 1 || v > hi {
		return fmt.Errorf("%s must be 1..%d, got %d: %w", name, hi, v, fault.ErrInvalidInput)
	}
	return nil
}

// mustExist reports fault.ErrNotFound when id names no entity (of kind, when given).
func (s *Store) mustExist(ctx context.Context, id string, kind model.Kind) error {
	found, err := s.NodesByIDs(ctx, []string{id})
	if err != nil {
		return err
	}
	n, ok := found[id]
	if !ok {
		return fmt.Errorf("no entity %q: %w", id, fault.ErrNotFound)
	}
	if kind != "" && n.Kind != kind {
		return fmt.Errorf("%q is a %s, not a %s: %w", id, n.Kind, kind, fault.ErrInvalidInput)
	}
	return nil
}
