package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"

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

var (
	qNodesByIDs = newQuery("nodesByIDs", `
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN n `+nodeProj+` AS n`, map[string]any{"ids": []string{"policy:x"}})

	qQuantitiesOf = newQuery("quantitiesOf", `
UNWIND $ids AS id
MATCH (:Entity {id: id})-[:HAS_QUANTITY]->(q:Quantity)
RETURN id, q {.*} AS q
ORDER BY id, q.what, q.value`, map[string]any{"ids": []string{"policy:x"}})
)

// qSearch ranks full-text candidates (names and aliases, cjk analyzer) and short substring
// matches, at each Detail.
var qSearch = func() map[Detail]Query {
	m := map[Detail]Query{}
	for _, d := range []Detail{Full, Outline} {
		m[d] = newQuery("search"+detailSuffix[d], `
CALL () {
  CALL db.index.fulltext.queryNodes('entity_names', $lucene, {limit: $cand}) YIELD node, score
  RETURN node AS n, score
  UNION ALL
  MATCH (n:Entity) WHERE n.name CONTAINS $text
  RETURN n, 0.5 AS score LIMIT $cand
}
WITH n, max(score) AS score
WHERE size($kinds) = 0 OR n.kind IN $kinds
WITH n, score + CASE
    WHEN n.name = $text THEN 100.0
    WHEN $text IN n.aliases THEN 80.0
    WHEN n.name STARTS WITH $text THEN 20.0
    WHEN n.name CONTAINS $text THEN 10.0
    WHEN any(a IN n.aliases WHERE a CONTAINS $text) THEN 5.0
    ELSE 0.0 END AS score
ORDER BY score DESC, size(n.name), n.id
LIMIT $first
RETURN n `+nodeProjAt[d]+` AS n, score`,
			map[string]any{"lucene": `"x"`, "text": "x", "kinds": []string{}, "cand": 100, "first": 20})
	}
	return m
}()

// listByKind pages one kind ("" for every entity) in id order through its id index, at
// each Detail.
var listByKind = func() map[Detail]map[model.Kind]Query {
	m := map[Detail]map[model.Kind]Query{Full: {}, Outline: {}}
	for _, d := range []Detail{Full, Outline} {
		for _, k := range append([]model.Kind{""}, model.Kinds...) {
			label, suffix := kindLabel(k)
			m[d][k] = newQuery("listNodes"+suffix+detailSuffix[d], `
CALL () { MATCH (n:`+label+`) RETURN count(n) AS total }
MATCH (n:`+label+`) WHERE n.id > $after
WITH total, n ORDER BY n.id LIMIT $limit
RETURN total, n `+nodeProjAt[d]+` AS n`, map[string]any{"after": "", "limit": 10})
		}
	}
	return m
}()

// countByKind counts one kind ("" for every entity) from Neo4j's count store: the total of
// an empty page (past the last node), which listByKind's statement cannot report.
var countByKind = func() map[model.Kind]Query {
	m := map[model.Kind]Query{}
	for _, k := range append([]model.Kind{""}, model.Kinds...) {
		label, suffix := kindLabel(k)
		m[k] = newQuery("countNodes"+suffix, `MATCH (n:`+label+`) RETURN count(n) AS total`, nil)
	}
	return m
}()

// kindLabel returns the label of kind k's nodes and the suffix of its queries' names (""
// stands for every entity).
func kindLabel(k model.Kind) (label, suffix string) {
	if k == "" {
		return "Entity", ""
	}
	return string(k), "_" + string(k)
}

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

// Stats reads the count store: one count per label and relationship type.
var qStats = func() Query {
	var parts []string
	count := func(what, name, pattern, v string) string {
		return fmt.Sprintf("CALL () { MATCH %s RETURN count(%s) AS c } RETURN '%s' AS what, '%s' AS name, c", pattern, v, what, name)
	}
	for _, k := range model.Kinds {
		parts = append(parts, count("node", string(k), "(n:"+string(k)+")", "n"))
	}
	for _, t := range append(append([]model.RelType{}, model.RelTypes...), model.RelHasQuantity, RelRetracted) {
		parts = append(parts, count("rel", string(t), "()-[r:"+string(t)+"]->()", "r"))
	}
	parts = append(parts, count("quantity", "Quantity", "(q:Quantity)", "q"), count("retracted", "Retracted", "(x:Retracted)", "x"))
	return newQuery("stats", strings.Join(parts, "\nUNION ALL\n"), nil)
}()

// EdgesOf: per direction and sort order, one query; filters are parameters.
// edgeFilter is the EdgeFilter's condition on a relationship r and its far end m, shared by
// qEdgesOf and the history read that includes retracted facts (history.go): one place to
// change when the filter gains a field.
const edgeFilter = `(size($kinds) = 0 OR m.kind IN $kinds)
    AND ($nameContains = '' OR m.name CONTAINS $nameContains OR any(a IN m.aliases WHERE a CONTAINS $nameContains))
    AND ($level = '' OR m.level = $level)
    AND ($dateFrom = '' OR coalesce(m.issuedOn, m.startedOn, m.foundedOn, m.date, r.asOf) >= $dateFrom)
    AND ($dateTo = '' OR coalesce(m.issuedOn, m.startedOn, m.foundedOn, m.date, r.asOf) <= $dateTo)
    AND ($method = '' OR r.method = $method OR (right($method, 1) = ':' AND r.method STARTS WITH $method))
    AND coalesce(r.confidence, 1.0) >= $minConfidence
    AND (size($statuses) = 0 OR (coalesce(r.status, 'ACCEPTED') IN $statuses AND coalesce(m.status, 'ACCEPTED') IN $statuses))`

// edgeSortKey orders the edges of qEdgesOf and its history twin by $sort.
const edgeSortKey = `CASE $sort WHEN 'confidence' THEN toString(1000 + coalesce(r.confidence, 0) * 100)
               WHEN 'date' THEN coalesce(m.issuedOn, m.startedOn, m.foundedOn, m.date, r.asOf, '')
               ELSE m.name END`

// edgeFilterSample is the sample parameters of the edge-filter queries (plan tests).
func edgeFilterSample() map[string]any {
	return map[string]any{
		"ids": []string{"policy:x"}, "types": []string{"SUPPORTS"}, "kinds": []string{}, "nameContains": "",
		"level": "", "dateFrom": "", "dateTo": "", "method": "", "minConfidence": 0.0, "statuses": []string{}, "sort": "name",
		"offset": 0, "first": 10,
	}
}

var qEdgesOf = func() map[string]Query {
	m := map[string]Query{}
	for _, dir := range []string{"out", "in"} {
		for _, order := range []string{"ASC", "DESC"} {
			pat := `(n)-[r]->(m:Entity)`
			if dir == "in" {
				pat = `(n)<-[r]-(m:Entity)`
			}
			m[dir+order] = newQuery("edgesOf_"+dir+"_"+strings.ToLower(order), `
UNWIND $ids AS id
MATCH (n:Entity {id: id})
CALL (n) {
  MATCH `+pat+`
  WHERE type(r) IN $types
    AND `+edgeFilter+`
  WITH r, m ORDER BY
    `+edgeSortKey+` `+order+`, m.id `+order+`
  WITH collect({r: `+rel("r")+`, m: m `+nodeProj+`}) AS hits
  RETURN size(hits) AS total, hits[$offset..$offset + $first + 1] AS page
}
RETURN id, total, page`, edgeFilterSample())
		}
	}
	return m
}()

// NodesByIDs returns the entities with the given ids, keyed by id; missing ids are absent.
// One round trip whatever the number of ids (the dataloaders batch into it).
func (s *Store) NodesByIDs(ctx context.Context, ids []string) (map[string]Node, error) {
	out := make(map[string]Node, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	recs, err := s.read(ctx, qNodesByIDs, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		v, _ := r.Get("n")
		n := decodeNode(v)
		out[n.ID] = n
	}
	return out, nil
}

// Search finds entities whose name or aliases match text (full-text, cjk analyzer; exact
// name and alias matches rank first; substrings such as 西井 find 西井科技).
func (s *Store) Search(ctx context.Context, text string, kinds []model.Kind, first int, detail Detail) ([]SearchHit, error) {
	text = strings.TrimSpace(text)
	lucene := LuceneQuery(text)
	if lucene == "" {
		return nil, fmt.Errorf("search text %q has nothing to search for: %w", text, fault.ErrInvalidInput)
	}
	if first <= 0 || first > MaxPage {
		return nil, fmt.Errorf("first must be 1..%d, got %d: %w", MaxPage, first, fault.ErrInvalidInput)
	}
	recs, err := s.read(ctx, qSearch[detail], map[string]any{
		"lucene": lucene, "text": text, "kinds": kindStrings(kinds), "cand": max(100, first*5), "first": first,
	})
	if err != nil {
		return nil, err
	}
	out := make([]SearchHit, 0, len(recs))
	for _, r := range recs {
		n, _ := r.Get("n")
		sc, _ := r.Get("score")
		f, _ := sc.(float64)
		out = append(out, SearchHit{Node: decodeNode(n), Score: f})
	}
	return out, nil
}

// LuceneQuery turns user text into a Lucene query that treats every character literally:
// the whole text as a phrase (boosted), or all of its words as phrases.
func LuceneQuery(text string) string {
	words := strings.Fields(text)
	if len(words) == 0 {
		return ""
	}
	var quoted []string
	for _, w := range words {
		if e := luceneEscape(w); e != "" {
			quoted = append(quoted, `"`+e+`"`)
		}
	}
	if len(quoted) == 0 {
		return ""
	}
	full := `"` + luceneEscape(strings.Join(words, " ")) + `"^2`
	if len(quoted) == 1 {
		return full
	}
	return full + " OR (" + strings.Join(quoted, " AND ") + ")"
}

func luceneEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '+', '-', '!', '(', ')', ':', '^', '[', ']', '"', '{', '}', '~', '*', '?', '|', '&', '/':
			b.WriteByte('\\')
		}
		if r == 0 {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ListNodes pages through entities of one kind (or all) in id order; after is an opaque
// cursor from a previous page ("" for the first page). At Outline the nodes hold only id,
// kind and name.
func (s *Store) ListNodes(ctx context.Context, kind *model.Kind, first int, after string, detail Detail) (NodePage, error) {
	if first < 0 || first > MaxPage {
		return NodePage{}, fmt.Errorf("first must be 0..%d, got %d: %w", MaxPage, first, fault.ErrInvalidInput)
	}
	afterID := ""
	if after != "" {
		id, err := DecodeCursor(after)
		if err != nil {
			return NodePage{}, err
		}
		afterID = id
	}
	k := model.Kind("")
	if kind != nil {
		k = *kind
	}
	q, ok := listByKind[detail][k]
	if !ok {
		return NodePage{}, fmt.Errorf("kind %q: %w", k, fault.ErrInvalidInput)
	}
	recs, err := s.read(ctx, q, map[string]any{"after": afterID, "limit": first + 1})
	if err != nil {
		return NodePage{}, err
	}
	page := NodePage{HasPrevious: after != ""}
	for i, r := range recs {
		if i == 0 {
			t, _ := r.Get("total")
			page.TotalCount, _ = t.(int64)
		}
		if i == first {
			page.HasNext = true
			break
		}
		n, _ := r.Get("n")
		page.Nodes = append(page.Nodes, decodeNode(n))
	}
	if len(recs) == 0 {
		// An empty page (past the last node) still reports the total.
		recs, err := s.read(ctx, countByKind[k], nil)
		if err != nil {
			return NodePage{}, err
		}
		if len(recs) > 0 {
			t, _ := recs[0].Get("total")
			page.TotalCount, _ = t.(int64)
		}
	}
	return page, nil
}

// Cursor returns the opaque cursor of a node id for ListNodes.
func Cursor(id string) string { return base64.RawURLEncoding.EncodeToString([]byte("id:" + id)) }

// DecodeCursor reverses Cursor.
func DecodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), "id:") {
		return "", fmt.Errorf("malformed cursor %q: %w", c, fault.ErrInvalidInput)
	}
	return string(b[3:]), nil
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

// Stats counts nodes by kind and relationships by type (from Neo4j's count store).
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	recs, err := s.read(ctx, qStats, nil)
	if err != nil {
		return Stats{}, err
	}
	st := Stats{NodesByKind: map[model.Kind]int64{}, RelsByType: map[string]int64{}}
	for _, r := range recs {
		what, _ := r.Get("what")
		name, _ := r.Get("name")
		cv, _ := r.Get("c")
		c, _ := cv.(int64)
		switch what {
		case "node":
			st.NodesByKind[model.Kind(name.(string))] = c
			st.Nodes += c
		case "rel":
			if name == string(RelRetracted) {
				st.RetractedFacts += c
				continue
			}
			st.RelsByType[name.(string)] = c
			st.Rels += c
		case "quantity":
			st.Quantities = c
		case "retracted":
			st.RetractedFacts += c
		}
	}
	st.Documents = st.NodesByKind[model.KindDocument]
	return st, nil
}

// EdgesOf returns, for each id, one page of its relationships matching f. One round trip
// for all ids (relationship fields of a list of nodes batch into it).
func (s *Store) EdgesOf(ctx context.Context, ids []string, f EdgeFilter) (map[string]EdgePage, error) {
	out := make(map[string]EdgePage, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	if f.First < 0 || f.First > MaxPage {
		return nil, fmt.Errorf("first must be 0..%d, got %d: %w", MaxPage, f.First, fault.ErrInvalidInput)
	}
	if len(f.Types) == 0 {
		return nil, fmt.Errorf("no relationship types given: %w", fault.ErrInvalidInput)
	}
	offset := 0
	if f.After != "" {
		o, err := decodeOffset(f.After)
		if err != nil {
			return nil, err
		}
		offset = o
	}
	key := "in"
	if f.Outgoing {
		key = "out"
	}
	if f.Desc {
		key += "DESC"
	} else {
		key += "ASC"
	}
	queries := qEdgesOf
	if f.IncludeRetracted {
		queries = qEdgesOfHistory // history.go
	}
	types := make([]string, len(f.Types))
	for i, t := range f.Types {
		types[i] = string(t)
	}
	sortBy := f.SortBy
	if sortBy == "" {
		sortBy = "name"
	}
	recs, err := s.read(ctx, queries[key], map[string]any{
		"ids": ids, "types": types, "kinds": kindStrings(f.Kinds), "nameContains": f.NameContains,
		"level": f.Level, "dateFrom": f.DateFrom, "dateTo": f.DateTo, "method": f.Method,
		"minConfidence": f.MinConfidence, "statuses": statusList(f.Statuses), "sort": sortBy, "offset": offset, "first": f.First,
	})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		idv, _ := r.Get("id")
		tv, _ := r.Get("total")
		pv, _ := r.Get("page")
		total, _ := tv.(int64)
		page := EdgePage{TotalCount: total}
		items, _ := pv.([]any)
		for i, it := range items {
			if i == f.First {
				page.HasNext = true
				break
			}
			m, _ := it.(map[string]any)
			page.Hits = append(page.Hits, EdgeHit{
				Edge: decodeEdge(m["r"]), Other: decodeNode(m["m"]), Cursor: encodeOffset(offset + i + 1),
			})
		}
		out[idv.(string)] = page
	}
	return out, nil
}

func encodeOffset(n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(n)))
}

func decodeOffset(c string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil && strings.HasPrefix(string(b), "o:") {
		if n, err := strconv.Atoi(string(b[2:])); err == nil && n >= 0 && n < 1<<30 {
			return n, nil
		}
	}
	return 0, fmt.Errorf("malformed cursor %q: %w", c, fault.ErrInvalidInput)
}

// QuantitiesOf returns the typed figures about each entity, keyed by entity id, with
// provenance. One round trip for all ids.
func (s *Store) QuantitiesOf(ctx context.Context, ids []string) (map[string][]QuantityRecord, error) {
	return s.quantities(ctx, qQuantitiesOf, ids)
}

// quantities runs a figures-by-subject query (live figures, or live and retracted ones)
// and groups its rows by subject id.
func (s *Store) quantities(ctx context.Context, q Query, ids []string) (map[string][]QuantityRecord, error) {
	out := make(map[string][]QuantityRecord, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	recs, err := s.read(ctx, q, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		idv, _ := r.Get("id")
		qv, _ := r.Get("q")
		m, _ := qv.(map[string]any)
		id := idv.(string)
		out[id] = append(out[id], decodeQuantity(m))
	}
	return out, nil
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

func kindStrings(ks []model.Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

// internalProps are stored on nodes and relationships but surfaced through typed fields.
var internalProps = map[string]bool{
	"id": true, "kind": true, "name": true, "aliases": true, "type": true, "from": true, "to": true,
	"srcDoc": true, "srcPassage": true, "srcStart": true, "srcEnd": true, "srcQuote": true,
	"srcMethod": true, "srcConf": true, "method": true, "confidence": true, "retracted": true,
	"passages": true, "factIds": true, "factHashes": true, "planHash": true,
	// which parts of a fact staff changed (store/conflicts.go): ingest's bookkeeping
	"staffAt": true, "staffBy": true, "staffProps": true, "staffSrc": true,
	// the review status (review.go), surfaced by the review queue and the status filter
	"status": true, "statusBy": true, "statusAt": true,
}

func decodeNodes(v any) []Node {
	items, _ := v.([]any)
	out := make([]Node, 0, len(items))
	for _, it := range items {
		out = append(out, decodeNode(it))
	}
	return out
}

func decodeEdges(v any) []Edge {
	items, _ := v.([]any)
	out := make([]Edge, 0, len(items))
	for _, it := range items {
		if it == nil {
			continue
		}
		out = append(out, decodeEdge(it))
	}
	return out
}

func decodeNode(v any) Node {
	m, _ := v.(map[string]any)
	n := Node{
		ID: str(m["id"]), Kind: model.Kind(str(m["kind"])), Name: str(m["name"]),
		Aliases: strs(m["aliases"]), Sources: decodeSources(m), Method: str(m["method"]),
		Confidence: num(m["confidence"]), Retracted: m["retracted"] == true,
		Props: map[string]any{},
	}
	for k, v := range m {
		if !internalProps[k] && v != nil {
			n.Props[k] = v
		}
	}
	return n
}

func decodeEdge(v any) Edge {
	m, _ := v.(map[string]any)
	e := Edge{
		ID: str(m["id"]), Type: model.RelType(str(m["type"])), From: str(m["from"]), To: str(m["to"]),
		Sources: decodeSources(m), Method: str(m["method"]), Confidence: num(m["confidence"]),
		Retracted: m["retracted"] == true, Props: map[string]any{},
	}
	for k, v := range m {
		if !internalProps[k] && v != nil {
			e.Props[k] = v
		}
	}
	return e
}

// quantityFields are the stored properties of a figure that QuantityRecord types.
var quantityFields = map[string]bool{
	"subject": true, "what": true, "value": true, "unit": true, "qualifier": true, "asOf": true, "raw": true, "min": true, "max": true,
}

func decodeQuantity(m map[string]any) QuantityRecord {
	q := QuantityRecord{
		Quantity: model.Quantity{
			ID: str(m["id"]), Subject: str(m["subject"]), What: str(m["what"]), Value: num(m["value"]),
			Unit: str(m["unit"]), Qualifier: str(m["qualifier"]), AsOf: str(m["asOf"]), Raw: str(m["raw"]),
		},
		Sources: decodeSources(m), Method: str(m["method"]), Confidence: num(m["confidence"]),
		Retracted: m["retracted"] == true, Props: map[string]any{},
	}
	for k, v := range m {
		if !internalProps[k] && !quantityFields[k] && v != nil {
			q.Props[k] = v
		}
	}
	if v, ok := m["min"].(float64); ok {
		q.Min = &v
	}
	if v, ok := m["max"].(float64); ok {
		q.Max = &v
	}
	return q
}

func decodeSources(m map[string]any) []model.Provenance {
	docs, _ := m["srcDoc"].([]any)
	out := make([]model.Provenance, 0, len(docs))
	at := func(key string, i int) any {
		l, _ := m[key].([]any)
		if i < len(l) {
			return l[i]
		}
		return nil
	}
	for i := range docs {
		out = append(out, model.Provenance{
			DocumentID: str(docs[i]), Passage: int(integer(at("srcPassage", i))),
			Start: int(integer(at("srcStart", i))), End: int(integer(at("srcEnd", i))),
			Quote: str(at("srcQuote", i)), Method: str(at("srcMethod", i)), Confidence: num(at("srcConf", i)),
		})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].DocumentID != out[j].DocumentID {
			return out[i].DocumentID < out[j].DocumentID
		}
		return out[i].Start < out[j].Start
	})
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func strs(v any) []string {
	items, _ := v.([]any)
	out := make([]string, 0, len(items))
	for _, it := range items {
		if s, ok := it.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	}
	return 0
}

func integer(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	}
	return 0
}
