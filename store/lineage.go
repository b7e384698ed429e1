package store

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/fault"
)

// Lineage walks DERIVED_FROM/IMPLEMENTS/PART_OF/AMENDS/SUPERSEDES outwards and ESTABLISHES
// inwards for UPSTREAM (a measure comes from the policy that established it), the reverse
// for DOWNSTREAM, and both for BOTH. Like the support walks (support.go) it is a
// breadth-first search in the store, one statement per level on one read session: a
// single quantified path pattern checks each step's direction on whole candidate paths, so
// every policy on the way cost its full degree (thousands of ESTABLISHES edges on the large
// benchmark graph) at every level. Each level here is directed expansions from index seeks.
// The view holds every node within maxDepth and every walked edge leaving a node within
// maxDepth-1: the union of the walk's paths.
const (
	lineageOut = `DERIVED_FROM|IMPLEMENTS|PART_OF|AMENDS|SUPERSEDES`
	lineageIn  = `ESTABLISHES`
)

// lineageStep returns one level's statement for dir: the frontier's edges the walk follows,
// each with the node reached.
func lineageStep(dir Direction) Query {
	up := `
  MATCH (a)-[r:` + lineageOut + `]->(n) RETURN r, n
  UNION ALL
  MATCH (a)<-[r:` + lineageIn + `]-(n) RETURN r, n`
	down := `
  MATCH (a)<-[r:` + lineageOut + `]-(n) RETURN r, n
  UNION ALL
  MATCH (a)-[r:` + lineageIn + `]->(n) RETURN r, n`
	body := map[Direction]string{Upstream: up, Downstream: down, Both: up + `
  UNION ALL` + down}[dir]
	return newQuery("lineageStep_"+lowerDir(dir), `
UNWIND $frontier AS fid
MATCH (a:Entity {id: fid})
CALL (a) {`+body+`
}
RETURN n.id AS id, elementId(r) AS rel`, map[string]any{"frontier": []string{"policy:x"}})
}

func lowerDir(d Direction) string {
	return map[Direction]string{Upstream: "upstream", Downstream: "downstream", Both: "both"}[d]
}

var qLineageStep = map[Direction]Query{
	Upstream: lineageStep(Upstream), Downstream: lineageStep(Downstream), Both: lineageStep(Both),
}

// qLineageFetch returns the view's nodes (the start first) and edges at each Detail; an
// unknown start returns no row.
var qLineageFetch = func() map[Detail]Query {
	m := map[Detail]Query{}
	for _, d := range []Detail{Full, Outline} {
		m[d] = newQuery("lineageFetch"+detailSuffix[d], `
MATCH (s:Entity {id: $id})
CALL () {
  UNWIND $nodes AS id
  MATCH (n:Entity {id: id})
  RETURN collect(n `+nodeProjAt[d]+`) AS nodes
}
CALL () {
  UNWIND $rels AS rid
  MATCH ()-[r]->() WHERE elementId(r) = rid
  RETURN collect(`+relAt[d]("r")+`) AS rels
}
RETURN [s `+nodeProjAt[d]+`] + nodes AS nodes, rels`, map[string]any{"id": "policy:x", "nodes": []string{"policy:y"}, "rels": []string{"4:x:1"}})
	}
	return m
}()

// Lineage returns the lineage view of id up to maxDepth levels in the given direction, at
// detail; at most MaxSubgraph nodes (Truncated when the walk had more). The result always
// holds the start node first. An unknown id gives fault.ErrNotFound.
func (s *Store) Lineage(ctx context.Context, id string, dir Direction, maxDepth int, detail Detail) (Subgraph, error) {
	if err := checkHops("maxDepth", maxDepth, MaxDepth); err != nil {
		return Subgraph{}, err
	}
	step, ok := qLineageStep[dir]
	if !ok {
		return Subgraph{}, fmt.Errorf("direction %q: %w", dir, fault.ErrInvalidInput)
	}
	var (
		g     Subgraph
		found bool
	)
	err := s.readSeq(ctx, func(run runner) error {
		rec, truncated, err := walkLineage(run, step, id, maxDepth, detail)
		if err != nil || rec == nil {
			return err
		}
		found = true
		ns, _ := rec.Get("nodes")
		rs, _ := rec.Get("rels")
		g = Subgraph{Nodes: decodeNodes(ns), Edges: decodeEdges(rs), Truncated: truncated}
		return nil
	})
	if err != nil {
		return Subgraph{}, err
	}
	if !found {
		return Subgraph{}, fmt.Errorf("no entity %q: %w", id, fault.ErrNotFound)
	}
	return g, nil
}

// walkLineage runs the walk's levels and its fetch, and returns the fetch's record (nil when
// id names no entity) and whether the view was cut at MaxSubgraph nodes.
func walkLineage(run runner, step Query, id string, maxDepth int, detail Detail) (*neo4j.Record, bool, error) {
	seen := map[string]bool{id: true}
	var nodes, rels []string
	seenRel := map[string]bool{}
	frontier := []string{id}
	truncated := false
	for depth := 1; depth <= maxDepth && len(frontier) > 0 && !truncated; depth++ {
		var next []string
		err := run(step, map[string]any{"frontier": frontier}, func(r *neo4j.Record) error {
			n, rel := str(r.Values[0]), str(r.Values[1])
			if !seen[n] {
				if len(nodes)+1 >= MaxSubgraph {
					truncated = true // and the edge to a node left out is left out too
					return nil
				}
				seen[n] = true
				nodes = append(nodes, n)
				next = append(next, n)
			}
			if !seenRel[rel] {
				seenRel[rel] = true
				rels = append(rels, rel)
			}
			return nil
		})
		if err != nil {
			return nil, false, err
		}
		frontier = next
	}
	var rec *neo4j.Record
	err := run(qLineageFetch[detail], map[string]any{"id": id, "nodes": nodes, "rels": rels},
		func(r *neo4j.Record) error { rec = r; return nil })
	return rec, truncated, err
}

// RunLineage sends a lineage walk's statements, exactly as Lineage sends them, auto-commit
// on sess, and returns the number of nodes in the view, decoding nothing: the benchmark's raw-driver
// floor.
func RunLineage(ctx context.Context, sess neo4j.SessionWithContext, id string, dir Direction, maxDepth int, detail Detail) (int, error) {
	rec, _, err := walkLineage(sessionRunner(ctx, sess), qLineageStep[dir], id, maxDepth, detail)
	if err != nil || rec == nil {
		return 0, err
	}
	ns, _ := rec.Get("nodes")
	l, _ := ns.([]any)
	return len(l), nil
}
