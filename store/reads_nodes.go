package store

// Node reads: entities by id, pages of entities by kind (cursors), their figures, and the
// graph's counts.

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/model"
)

var qNodesByIDs = newQuery("nodesByIDs", `
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN n `+nodeProj+` AS n`, map[string]any{"ids": []string{"policy:x"}})

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

var qQuantitiesOf = newQuery("quantitiesOf", `
UNWIND $ids AS id
MATCH (:Entity {id: id})-[:HAS_QUANTITY]->(q:Quantity)
RETURN id, q {.*} AS q
ORDER BY id, q.what, q.value`, map[string]any{"ids": []string{"policy:x"}})

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
