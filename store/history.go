package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/policygraph/policygraph/model"
)

// Reads that include retracted facts (the API's includeRetracted: true). Default reads see
// only live facts: nodes labelled Entity, relationships of the fact types, figures labelled
// Quantity. A retracted entity keeps its id and kind but is labelled Retracted; a retracted
// relationship is a RETRACTED relationship between the same nodes with origType; a retracted
// figure is labelled Retracted. These queries read both and flag the retracted ones.

// anyNode finds a live or retracted entity by id through the two id indexes.
const anyNode = `
CALL (id) {
  OPTIONAL MATCH (a:Entity {id: id})
  OPTIONAL MATCH (b:Retracted {id: id})
  WITH coalesce(a, b) AS n
  WHERE n IS NOT NULL AND n.kind <> 'Quantity'
  RETURN n
}`

// histRel projects a live or retracted relationship with its original type and a flag.
func histRel(v string) string {
	return strings.NewReplacer("%v", v).Replace(
		`%v {.*, type: coalesce(%v.origType, type(%v)), from: startNode(%v).id, to: endNode(%v).id, retracted: type(%v) = 'RETRACTED'}`)
}

var (
	qNodeWithHistory = newQuery("nodeWithRetracted", `
WITH $id AS id`+anyNode+`
RETURN n `+nodeProj+` AS n`, map[string]any{"id": "policy:x"})

	qQuantitiesWithHistory = newQuery("quantitiesWithRetracted", `
UNWIND $ids AS id`+anyNode+`
MATCH (n)-[:HAS_QUANTITY]->(q)
WHERE q:Quantity OR q:Retracted
RETURN id, q {.*} AS q
ORDER BY id, q.what, q.value`, map[string]any{"ids": []string{"policy:x"}})
)

// qEdgesOfHistory is qEdgesOf over live and retracted relationships, from a live or a
// retracted node; the filters are the same.
var qEdgesOfHistory = func() map[string]Query {
	m := map[string]Query{}
	for _, dir := range []string{"out", "in"} {
		for _, order := range []string{"ASC", "DESC"} {
			pat := `(n)-[r]->(m)`
			if dir == "in" {
				pat = `(n)<-[r]-(m)`
			}
			m[dir+order] = newQuery("edgesOfWithRetracted_"+dir+"_"+strings.ToLower(order), `
UNWIND $ids AS id`+anyNode+`
CALL (n) {
  MATCH `+pat+`
  WHERE (m:Entity OR m:Retracted) AND coalesce(r.origType, type(r)) IN $types
    AND (type(r) = 'RETRACTED' OR type(r) IN $types)
    AND `+edgeFilter+`
  WITH r, m ORDER BY
    `+edgeSortKey+` `+order+`, m.id `+order+`, type(r) `+order+`
  WITH collect({r: `+histRel("r")+`, m: m `+nodeProj+`}) AS hits
  RETURN size(hits) AS total, hits[$offset..$offset + $first + 1] AS page
}
RETURN id, total, page`, edgeFilterSample())
		}
	}
	return m
}()

// qNeighborhoodHistory is qNeighborhood over live and retracted facts; retracted
// bookkeeping (MENTIONED_IN) is not walked.
var qNeighborhoodHistory = func() map[int]Query {
	m := map[int]Query{}
	for d := 1; d <= MaxNeighbors; d++ {
		m[d] = newQuery(fmt.Sprintf("neighborhoodWithRetracted_%d", d), `
WITH $id AS id`+anyNode+`
WITH n AS root
CALL (root) {
  OPTIONAL MATCH p = (root)-[:`+walkTypes+`|RETRACTED*1..`+strconv.Itoa(d)+`]-(m)
  WHERE m <> root AND all(x IN nodes(p)[1..] WHERE (x:Entity OR x:Retracted) AND x.kind <> 'Quantity')
    AND all(r IN relationships(p) WHERE coalesce(r.origType, '') <> 'MENTIONED_IN')
    AND (size($kinds) = 0 OR all(x IN nodes(p)[1..] WHERE x.kind IN $kinds))
  WITH DISTINCT m LIMIT $limit
  RETURN collect(m) AS ms
}
WITH root, ms, size(ms) >= $limit AS truncated
WITH [root] + ms[0..$limit - 1] AS ns, truncated
CALL (ns) {
  UNWIND ns AS a
  MATCH (a)-[r:`+walkTypes+`|RETRACTED]->(b)
  WHERE b IN ns AND coalesce(r.origType, '') <> 'MENTIONED_IN'
  RETURN collect(`+histRel("r")+`) AS rels
}
RETURN [x IN ns | x `+nodeProj+`] AS nodes, rels, truncated`,
			map[string]any{"id": "policy:x", "kinds": []string{}, "limit": 200})
	}
	return m
}()

// NodeWithRetracted returns the entity with id, live or retracted (Retracted set), or nil.
func (s *Store) NodeWithRetracted(ctx context.Context, id string) (*Node, error) {
	recs, err := s.read(ctx, qNodeWithHistory, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, nil
	}
	v, _ := recs[0].Get("n")
	n := decodeNode(v)
	return &n, nil
}

// QuantitiesWithRetractedOf is QuantitiesOf including retracted figures (Retracted set) and
// reading from retracted entities. One round trip for all ids.
func (s *Store) QuantitiesWithRetractedOf(ctx context.Context, ids []string) (map[string][]QuantityRecord, error) {
	return s.quantities(ctx, qQuantitiesWithHistory, ids)
}

// NeighborhoodWithRetracted is Neighborhood over live and retracted facts, from a live or a
// retracted root; retracted nodes and edges are flagged.
func (s *Store) NeighborhoodWithRetracted(ctx context.Context, id string, depth int, kinds []model.Kind, limit int) (Subgraph, error) {
	return s.neighborhood(ctx, qNeighborhoodHistory, id, depth, kinds, limit)
}

var qTotals = newQuery("totals", `
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS rels }
RETURN nodes, rels`, nil)

// Totals counts every node and relationship of the database — entities, figures, retracted
// facts, audit events — from the count store. Tests use it to show that refused input
// changed nothing.
func (s *Store) Totals(ctx context.Context) (nodes, rels int64, err error) {
	recs, err := s.read(ctx, qTotals, nil)
	if err != nil {
		return 0, 0, err
	}
	n, _ := value(recs, "nodes").(int64)
	r, _ := value(recs, "rels").(int64)
	return n, r, nil
}
