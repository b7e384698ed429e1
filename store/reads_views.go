package store

// Graph views: the neighbourhood of an entity and the shortest path between two.

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/model"
)

// walkTypes are the relationship types neighborhood and shortestPath traverse: all facts,
// not the bookkeeping MENTIONED_IN (every entity of a document would be two hops apart).
var walkTypes = func() string {
	var ts []string
	for _, t := range model.RelTypes {
		if t != model.RelMentionedIn {
			ts = append(ts, string(t))
		}
	}
	return strings.Join(ts, "|")
}()

// Path bounds must be literals in Cypher, so each bound gets its own named query.
//
// shortestPath() rather than SHORTEST 1: with both ends bound, Neo4j 5.26 plans the former
// as its bidirectional ShortestPath operator and the latter as StatefulShortestPath(Into),
// which searches from one side only. On the large benchmark graph (1M nodes, hubs of
// 10k+ edges) the same 15 policy→enterprise pairs took 7–100 ms against 1.1–1.4 s each,
// with the same lengths (bench/PROPOSALS.md P9). shortestPath() refuses a == b, which
// ShortestPath answers without a query.
var qShortest = func() map[Detail]map[int]Query {
	c := map[Detail]map[int]Query{Full: {}, Outline: {}}
	for _, d := range []Detail{Full, Outline} {
		for h := 1; h <= MaxHops; h++ {
			c[d][h] = newQuery(fmt.Sprintf("shortestPath_%d%s", h, detailSuffix[d]), `
MATCH (a:Entity {id: $from})
MATCH (b:Entity {id: $to})
MATCH p = shortestPath((a)-[:`+walkTypes+`*1..`+strconv.Itoa(h)+`]-(b))
RETURN [n IN nodes(p) | n `+nodeProjAt[d]+`] AS nodes, [r IN relationships(p) | `+relAt[d]("r")+`] AS rels`,
				map[string]any{"from": "policy:x", "to": "enterprise:y"})
		}
	}
	return c
}()

// Neighborhood: nodes within depth hops (through allowed kinds only, so the view stays
// connected), then every fact among them.
var qNeighborhood = func() map[Detail]map[int]Query {
	m := map[Detail]map[int]Query{Full: {}, Outline: {}}
	for _, detail := range []Detail{Full, Outline} {
		for d := 1; d <= MaxNeighbors; d++ {
			m[detail][d] = newQuery(fmt.Sprintf("neighborhood_%d%s", d, detailSuffix[detail]), `
MATCH (root:Entity {id: $id})
CALL (root) {
  OPTIONAL MATCH p = (root)-[:`+walkTypes+`*1..`+strconv.Itoa(d)+`]-(m:Entity)
  WHERE m <> root AND (size($kinds) = 0 OR all(x IN nodes(p)[1..] WHERE x.kind IN $kinds))
  WITH DISTINCT m LIMIT $limit
  RETURN collect(m) AS ms
}
WITH root, ms, size(ms) >= $limit AS truncated
WITH [root] + ms[0..$limit - 1] AS ns, truncated
CALL (ns) {
  UNWIND ns AS a
  MATCH (a)-[r:`+walkTypes+`]->(b)
  WHERE b IN ns
  RETURN collect(`+relAt[detail]("r")+`) AS rels
}
RETURN [x IN ns | x `+nodeProjAt[detail]+`] AS nodes, rels, truncated`,
				map[string]any{"id": "policy:x", "kinds": []string{}, "limit": 200})
		}
	}
	return m
}()

// Neighborhood returns the subgraph within depth hops of id, at most limit nodes (the root
// included), through nodes of the given kinds only when kinds is not empty.
func (s *Store) Neighborhood(ctx context.Context, id string, depth int, kinds []model.Kind, limit int, detail Detail) (Subgraph, error) {
	return s.neighborhood(ctx, qNeighborhood[detail], id, depth, kinds, limit)
}

// neighborhood runs one of the per-depth neighbourhood queries (live facts, or live and
// retracted ones) with the same argument checks and decoding.
func (s *Store) neighborhood(ctx context.Context, qs map[int]Query, id string, depth int, kinds []model.Kind, limit int) (Subgraph, error) {
	if err := checkHops("depth", depth, MaxNeighbors); err != nil {
		return Subgraph{}, err
	}
	if limit < 1 || limit > MaxSubgraph {
		return Subgraph{}, fmt.Errorf("limit must be 1..%d, got %d: %w", MaxSubgraph, limit, fault.ErrInvalidInput)
	}
	recs, err := s.read(ctx, qs[depth], map[string]any{"id": id, "kinds": kindStrings(kinds), "limit": limit})
	if err != nil {
		return Subgraph{}, err
	}
	if len(recs) == 0 {
		return Subgraph{}, fmt.Errorf("no entity %q: %w", id, fault.ErrNotFound)
	}
	ns, _ := recs[0].Get("nodes")
	rs, _ := recs[0].Get("rels")
	tr, _ := recs[0].Get("truncated")
	t, _ := tr.(bool)
	return Subgraph{Nodes: decodeNodes(ns), Edges: decodeEdges(rs), Truncated: t}, nil
}

// ShortestPath returns a shortest path between two entities of at most maxHops, or nil when
// there is none; from an entity to itself, the path of that node alone. Unknown ids give
// fault.ErrNotFound.
func (s *Store) ShortestPath(ctx context.Context, fromID, toID string, maxHops int, detail Detail) (*Subgraph, error) {
	if err := checkHops("maxHops", maxHops, MaxHops); err != nil {
		return nil, err
	}
	if fromID == toID { // the path of no hops
		found, err := s.NodesByIDs(ctx, []string{fromID})
		if err != nil {
			return nil, err
		}
		n, ok := found[fromID]
		if !ok {
			return nil, fmt.Errorf("no entity %q: %w", fromID, fault.ErrNotFound)
		}
		return &Subgraph{Nodes: []Node{n}}, nil
	}
	recs, err := s.read(ctx, qShortest[detail][maxHops], map[string]any{"from": fromID, "to": toID})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		found, err := s.NodesByIDs(ctx, []string{fromID, toID})
		if err != nil {
			return nil, err
		}
		for _, id := range []string{fromID, toID} {
			if _, ok := found[id]; !ok {
				return nil, fmt.Errorf("no entity %q: %w", id, fault.ErrNotFound)
			}
		}
		return nil, nil
	}
	ns, _ := recs[0].Get("nodes")
	rs, _ := recs[0].Get("rels")
	return &Subgraph{Nodes: decodeNodes(ns), Edges: decodeEdges(rs)}, nil
}
