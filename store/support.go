package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/model"
)

// Support walks answer "which policies support this enterprise?" and "which enterprises
// does this policy support?". Support flows from the policy's side towards the enterprise
// along a forward edge (policy SUPPORTS/RECOGNIZES/ESTABLISHES/TARGETS/INVESTS_IN x) or a
// backward one (x IMPLEMENTS/PART_OF/DERIVED_FROM policy; enterprise
// PARTICIPATES_IN/IN_INDUSTRY/MEMBER_OF x).
//
// A single quantified path pattern cannot say "forward edges of these types, backward edges
// of those" per step except through a predicate on startNode(r), and Neo4j 5 evaluates that
// predicate on whole candidate paths rather than while expanding: on a hub (an industry
// with thousands of enterprises) the shortest-path search explodes (bench P6). The walk is
// therefore a breadth-first search run by the store, one auto-commit statement per hop
// on one read session: every statement is two directed expansions from the frontier, which the
// planner runs as plain Expand(All) from index seeks. The visited set lives in Go, so every
// node is expanded once and its first discovery is its shortest distance. A last statement
// fetches the nodes and edges of the kept paths, each once.
const (
	supportForward  = `SUPPORTS|RECOGNIZES|ESTABLISHES|TARGETS|INVESTS_IN`
	supportBackward = `IMPLEMENTS|PART_OF|DERIVED_FROM|PARTICIPATES_IN|IN_INDUSTRY|MEMBER_OF`
)

// supportStepRows are the columns of one expansion: the frontier node it came from, the
// node reached, and the edge taken. $kind, when set, keeps only reached nodes of that kind
// (the last hop only needs the far end's kind).
// Names, needed to order the far ends, come only with nodes of $endKind. The columns are
// read by position (supportCol*).
const supportStepRows = `
WITH fid, a, r, n WHERE $kind IS NULL OR n.kind = $kind
RETURN fid AS from, a.kind AS fromKind, n.id AS id, n.kind AS kind,
       CASE n.kind WHEN $endKind THEN n.name END AS name, type(r) AS type, elementId(r) AS rel`

// Column positions of supportStepRows.
const (
	supportColFrom = iota
	supportColFromKind
	supportColID
	supportColKind
	supportColName
	supportColType
	supportColRel
)

var (
	// qSupportDown expands one hop from the policy's side towards enterprises.
	qSupportDown = newQuery("supportDown", `
UNWIND $frontier AS fid
MATCH (a:Entity {id: fid})
CALL (a) {
  MATCH (a)-[r:`+supportForward+`]->(n) RETURN r, n
  UNION ALL
  MATCH (a)<-[r:`+supportBackward+`]-(n) RETURN r, n
}`+supportStepRows, map[string]any{"frontier": []string{"policy:x"}, "kind": nil, "endKind": "Enterprise"})

	// qSupportUp expands one hop from the enterprise's side back towards policies.
	qSupportUp = newQuery("supportUp", `
UNWIND $frontier AS fid
MATCH (a:Entity {id: fid})
CALL (a) {
  MATCH (a)<-[r:`+supportForward+`]-(n) RETURN r, n
  UNION ALL
  MATCH (a)-[r:`+supportBackward+`]->(n) RETURN r, n
}`+supportStepRows, map[string]any{"frontier": []string{"enterprise:x"}, "kind": "Policy", "endKind": "Policy"})

	// qSupportFetch returns the nodes and edges of the kept paths, each once.
	qSupportFetch = newQuery("supportFetch", `
CALL () {
  UNWIND $nodes AS id
  MATCH (n:Entity {id: id})
  RETURN collect(n `+nodeProj+`) AS nodes
}
CALL () {
  UNWIND $rels AS rid
  MATCH ()-[r]->() WHERE elementId(r) = rid
  RETURN collect({eid: rid, r: `+rel("r")+`}) AS rels
}
RETURN nodes, rels`, map[string]any{"nodes": []string{"policy:x"}, "rels": []string{"4:x:1"}})
)

// SupportDirection says which end a support walk starts from.
type SupportDirection int

const (
	// FromEnterprise walks back from an enterprise to the policies that support it.
	FromEnterprise SupportDirection = iota
	// FromPolicy walks from a policy to the enterprises it supports.
	FromPolicy
)

// supportHop is how the walk first reached a node: from which node, over which edge.
type supportHop struct {
	from, relType, rel string
}

// SupportWalk is the outcome of a walk before its nodes and edges are fetched: for every
// kept far end (a policy or an enterprise), the node ids and edge element ids of its path in
// policy → enterprise order.
type SupportWalk struct {
	Start string
	Paths []SupportWalkPath
	// Trips is the number of statements the walk sent.
	Trips int
}

// SupportWalkPath is one kept path of a SupportWalk.
type SupportWalkPath struct {
	End   string   // the far end: a policy (FromEnterprise) or an enterprise (FromPolicy)
	Nodes []string // policy first
	Rels  []string // element ids, in path order
}

// runner runs one named statement of a walk and hands each record to each as it arrives,
// so a hop of thousands of rows is never held whole.
type runner func(q Query, params map[string]any, each func(*neo4j.Record) error) error

// sessionRunner is a runner over sess, without the store's accounting (for the benchmark
// floor).
func sessionRunner(ctx context.Context, sess neo4j.SessionWithContext) runner {
	return func(q Query, p map[string]any, each func(*neo4j.Record) error) error {
		return streamRecords(ctx, sess, q, p, each)
	}
}

// streamRecords runs q as an auto-commit statement on sess and hands each record to each.
func streamRecords(ctx context.Context, sess neo4j.SessionWithContext, q Query, params map[string]any, each func(*neo4j.Record) error) error {
	res, err := sess.Run(ctx, q.Cypher, params, txTimeout(ctx)...)
	if err != nil {
		return err
	}
	for res.Next(ctx) {
		if err := each(res.Record()); err != nil {
			return err
		}
	}
	return res.Err()
}

// walkSupport runs the breadth-first search from start up to maxHops and keeps the first
// limit far ends ordered by hops, name and id. It reports errWrongKind when start exists but
// is not of the start kind, and returns no paths (and no error) when start has no neighbour.
func walkSupport(run runner, dir SupportDirection, start string, maxHops, limit int) (SupportWalk, error) {
	step, startKind, endKind := qSupportDown, model.KindPolicy, model.KindEnterprise
	if dir == FromEnterprise {
		step, startKind, endKind = qSupportUp, model.KindEnterprise, model.KindPolicy
	}
	w := SupportWalk{Start: start}
	type found struct {
		id, name string
		hops     int
	}
	parent := map[string]supportHop{start: {}}
	hops := map[string]int{start: 0}
	var kept []found
	frontier := []string{start}
	for h := 1; h <= maxHops && len(frontier) > 0; h++ {
		var kind any
		if h == maxHops {
			kind = string(endKind) // the last hop only needs the far ends
		}
		// Candidates of this level, each with its smallest way in, so paths are deterministic.
		next := map[string]supportHop{}
		names := map[string]string{}
		ends := map[string]bool{}
		err := run(step, map[string]any{"frontier": frontier, "kind": kind, "endKind": string(endKind)}, func(r *neo4j.Record) error {
			v := r.Values
			if h == 1 && str(v[supportColFromKind]) != string(startKind) {
				return errWrongKind{id: start, kind: str(v[supportColFromKind]), want: startKind}
			}
			id := str(v[supportColID])
			if _, seen := hops[id]; seen {
				return nil
			}
			hop := supportHop{from: str(v[supportColFrom]), relType: str(v[supportColType]), rel: str(v[supportColRel])}
			if old, ok := next[id]; ok && cmp.Or(cmp.Compare(old.from, hop.from), cmp.Compare(old.relType, hop.relType), cmp.Compare(old.rel, hop.rel)) <= 0 {
				return nil
			}
			next[id] = hop
			if str(v[supportColKind]) == string(endKind) {
				names[id], ends[id] = str(v[supportColName]), true
			}
			return nil
		})
		w.Trips++
		if err != nil {
			return w, err
		}
		frontier = frontier[:0:0]
		level := make([]found, 0)
		for id, hop := range next {
			parent[id], hops[id] = hop, h
			frontier = append(frontier, id)
			if ends[id] {
				level = append(level, found{id: id, name: names[id], hops: h})
			}
		}
		slices.Sort(frontier)
		slices.SortFunc(level, func(a, b found) int { return cmp.Or(cmp.Compare(a.name, b.name), cmp.Compare(a.id, b.id)) })
		kept = append(kept, level...)
		if len(kept) >= limit {
			break // every later end is longer and would be cut
		}
	}
	if len(kept) > limit {
		kept = kept[:limit]
	}
	for _, e := range kept {
		p := SupportWalkPath{End: e.id}
		for id := e.id; id != start; id = parent[id].from {
			p.Nodes = append(p.Nodes, id)
			p.Rels = append(p.Rels, parent[id].rel)
		}
		p.Nodes = append(p.Nodes, start)
		if dir == FromPolicy { // collected enterprise → policy
			slices.Reverse(p.Nodes)
			slices.Reverse(p.Rels)
		}
		w.Paths = append(w.Paths, p)
	}
	return w, nil
}

// fetchArgs lists each node id and edge element id of the walk's paths once; at Outline
// only the two ends of each path.
func (w SupportWalk) fetchArgs(detail Detail) map[string]any {
	nodes, rels := []string{}, []string{}
	seenN, seenR := map[string]bool{}, map[string]bool{}
	for _, p := range w.Paths {
		if detail == Outline {
			for _, n := range []string{p.Nodes[0], p.Nodes[len(p.Nodes)-1]} {
				if !seenN[n] {
					seenN[n] = true
					nodes = append(nodes, n)
				}
			}
			continue
		}
		for _, n := range p.Nodes {
			if !seenN[n] {
				seenN[n] = true
				nodes = append(nodes, n)
			}
		}
		for _, r := range p.Rels {
			if !seenR[r] {
				seenR[r] = true
				rels = append(rels, r)
			}
		}
	}
	return map[string]any{"nodes": nodes, "rels": rels}
}

type errWrongKind struct {
	id, kind string
	want     model.Kind
}

func (e errWrongKind) Error() string {
	return fmt.Sprintf("%q is a %s, not a %s", e.id, e.kind, e.want)
}

// RunSupportWalk sends a support walk's statements, exactly as PoliciesSupporting and
// EnterprisesSupportedBy send them, auto-commit on sess, and returns the number of paths kept. It
// decodes nothing: the benchmark's raw-driver floor measures with it what the walk costs in
// Neo4j and on the wire.
func RunSupportWalk(ctx context.Context, sess neo4j.SessionWithContext, dir SupportDirection, start string, maxHops, limit int, detail Detail) (int, error) {
	run := sessionRunner(ctx, sess)
	w, err := walkSupport(run, dir, start, maxHops, limit)
	if err != nil || len(w.Paths) == 0 {
		return 0, err
	}
	if err := run(qSupportFetch, w.fetchArgs(detail), func(*neo4j.Record) error { return nil }); err != nil {
		return 0, err
	}
	return len(w.Paths), nil
}

// PoliciesSupporting returns one SupportPath per policy that supports the enterprise within
// maxHops, shortest first, then by name; at most first of them (0..MaxPage). At Full each
// path holds its nodes and edges; at Outline only its two ends. An unknown enterprise gives
// fault.ErrNotFound.
func (s *Store) PoliciesSupporting(ctx context.Context, enterpriseID string, maxHops, first int, detail Detail) ([]SupportPath, error) {
	return s.supportPaths(ctx, FromEnterprise, enterpriseID, maxHops, first, detail)
}

// EnterprisesSupportedBy returns one SupportPath per enterprise the policy supports within
// maxHops, as PoliciesSupporting. An unknown policy gives fault.ErrNotFound.
func (s *Store) EnterprisesSupportedBy(ctx context.Context, policyID string, maxHops, first int, detail Detail) ([]SupportPath, error) {
	return s.supportPaths(ctx, FromPolicy, policyID, maxHops, first, detail)
}

func (s *Store) supportPaths(ctx context.Context, dir SupportDirection, id string, maxHops, first int, detail Detail) ([]SupportPath, error) {
	if err := checkHops("maxHops", maxHops, MaxHops); err != nil {
		return nil, err
	}
	if first < 0 || first > MaxPage {
		return nil, fmt.Errorf("first must be 0..%d, got %d: %w", MaxPage, first, fault.ErrInvalidInput)
	}
	kind := model.KindPolicy
	if dir == FromEnterprise {
		kind = model.KindEnterprise
	}
	if first == 0 {
		if err := s.mustExist(ctx, id, kind); err != nil {
			return nil, err
		}
		return []SupportPath{}, nil
	}
	release, err := s.walks.acquire(ctx, "support walk") // bounded: memory under load is set by MaxWalks, not by the clients
	if err != nil {
		return nil, err
	}
	defer release()
	var (
		w     SupportWalk
		fetch *neo4j.Record
	)
	err = s.readSeq(ctx, func(run runner) error {
		var err error
		if w, err = walkSupport(run, dir, id, maxHops, first); err != nil || len(w.Paths) == 0 {
			return err
		}
		return run(qSupportFetch, w.fetchArgs(detail), func(r *neo4j.Record) error { fetch = r; return nil })
	})
	var wk errWrongKind
	switch {
	case errors.As(err, &wk):
		return nil, fmt.Errorf("%w: %w", wk, fault.ErrInvalidInput)
	case err != nil:
		return nil, err
	case len(w.Paths) == 0:
		if err := s.mustExist(ctx, id, kind); err != nil {
			return nil, err
		}
		return []SupportPath{}, nil
	}
	nodes, edges := map[string]Node{}, map[string]Edge{}
	if fetch != nil {
		ns, _ := fetch.Get("nodes")
		for _, n := range decodeNodes(ns) {
			nodes[n.ID] = n
		}
		rs, _ := fetch.Get("rels")
		items, _ := rs.([]any)
		for _, it := range items {
			m, _ := it.(map[string]any)
			edges[str(m["eid"])] = decodeEdge(m["r"])
		}
	}
	out := make([]SupportPath, 0, len(w.Paths))
	for _, p := range w.Paths {
		sp := SupportPath{Hops: len(p.Rels)}
		sp.PolicyID, sp.EnterpriseID = p.Nodes[0], p.Nodes[len(p.Nodes)-1]
		if detail == Outline {
			sp.Path.Nodes = []Node{nodes[sp.PolicyID], nodes[sp.EnterpriseID]}
			out = append(out, sp)
			continue
		}
		for _, n := range p.Nodes {
			sp.Path.Nodes = append(sp.Path.Nodes, nodes[n])
		}
		for _, r := range p.Rels {
			sp.Path.Edges = append(sp.Path.Edges, edges[r])
		}
		out = append(out, sp)
	}
	return out, nil
}
