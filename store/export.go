package store

import (
	"context"
	"fmt"
)

var (
	qExportNodes = newQuery("exportNodes", `
MATCH (n:Entity) WHERE n.id > $after
WITH n ORDER BY n.id LIMIT $limit
OPTIONAL MATCH (n)-[:HAS_QUANTITY]->(q:Quantity)
RETURN n `+nodeProj+` AS n, collect(q {.*}) AS qs`, map[string]any{"after": "", "limit": 10})

	qExportEdges = newQuery("exportEdges", `
MATCH (a:Entity) WHERE a.id > $after
WITH a ORDER BY a.id LIMIT $limit
OPTIONAL MATCH (a)-[r:`+walkTypes+`]->(:Entity)
RETURN a.id AS from, collect(`+rel("r")+`) AS rels`, map[string]any{"after": "", "limit": 10})

	qDocumentPassages = newQuery("documentPassages", `
UNWIND $ids AS id
MATCH (d:Document {id: id})
RETURN d.id AS id, coalesce(d.passages, []) AS passages`, map[string]any{"ids": []string{"document:x"}})
)

// ExportPage is how many entities each export round trip reads.
const ExportPage = 2000

// EachNode streams every entity (with its figures) in id order, ExportPage per round trip,
// so the whole graph never sits in memory. fn may stop the walk by returning an error.
func (s *Store) EachNode(ctx context.Context, fn func(Node, []QuantityRecord) error) error {
	after := ""
	for {
		recs, err := s.read(ctx, qExportNodes, map[string]any{"after": after, "limit": ExportPage})
		if err != nil {
			return err
		}
		for _, r := range recs {
			nv, _ := r.Get("n")
			qv, _ := r.Get("qs")
			n := decodeNode(nv)
			var qs []QuantityRecord
			items, _ := qv.([]any)
			for _, it := range items {
				if m, ok := it.(map[string]any); ok {
					qs = append(qs, decodeQuantity(m))
				}
			}
			if err := fn(n, qs); err != nil {
				return err
			}
			after = n.ID
		}
		if len(recs) < ExportPage {
			return nil
		}
	}
}

// EachEdge streams every fact relationship (not MENTIONED_IN/HAS_QUANTITY bookkeeping),
// grouped by start entity in id order.
func (s *Store) EachEdge(ctx context.Context, fn func(Edge) error) error {
	after := ""
	for {
		recs, err := s.read(ctx, qExportEdges, map[string]any{"after": after, "limit": ExportPage})
		if err != nil {
			return err
		}
		for _, r := range recs {
			from, _ := r.Get("from")
			rs, _ := r.Get("rels")
			for _, e := range decodeEdges(rs) {
				if e.ID == "" && e.Type == "" {
					continue
				}
				if err := fn(e); err != nil {
					return err
				}
			}
			after = fmt.Sprint(from)
		}
		if len(recs) < ExportPage {
			return nil
		}
	}
}

// Passages returns the normalised paragraphs of documents, keyed by document id, so a
// provenance record's passage index can be shown in full.
func (s *Store) Passages(ctx context.Context, docIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(docIDs) == 0 {
		return out, nil
	}
	recs, err := s.read(ctx, qDocumentPassages, map[string]any{"ids": docIDs})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		id, _ := r.Get("id")
		ps, _ := r.Get("passages")
		out[id.(string)] = strs(ps)
	}
	return out, nil
}
