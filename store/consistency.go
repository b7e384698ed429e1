package store

import (
	"context"
	"strings"

	"github.com/policygraph/policygraph/model"
)

// Reads that check what a document's writes left behind, e.g. after a crash: whether the
// document is recorded as ingested, and which documents each fact cites.

var (
	qDocumentFacts = newQuery("documentFacts", `
MATCH (d:Document {id: $doc})
RETURN d.planHash AS planHash, coalesce(d.factIds, []) AS ids`, map[string]any{"doc": "document:x"})

	qEntitySources = newQuery("entitySources", `
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN n.id AS id, coalesce(n.srcDoc, []) AS docs`, map[string]any{"ids": []string{"policy:x"}})

	qQuantitySources = newQuery("quantitySources", `
UNWIND $ids AS id
MATCH (q:Quantity {id: id})
RETURN q.id AS id, coalesce(q.srcDoc, []) AS docs`, map[string]any{"ids": []string{"qty:x"}})
)

var qEdgeSources = func() map[model.RelType]Query {
	m := map[model.RelType]Query{}
	for _, t := range model.RelTypes {
		m[t] = newQuery("edgeSources_"+string(t), `
UNWIND $ids AS id
MATCH ()-[r:`+string(t)+` {id: id}]->()
RETURN r.id AS id, coalesce(r.srcDoc, []) AS docs`, map[string]any{"ids": []string{"rel:" + string(t) + ":x"}})
	}
	return m
}()

// DocumentFacts reports whether the Document docID is recorded as ingested (its plan hash is
// set, which ApplyDocument does last, in the same transaction as every fact) and the ids of
// the facts it states.
func (s *Store) DocumentFacts(ctx context.Context, docID string) (ingested bool, factIDs []string, err error) {
	recs, err := s.read(ctx, qDocumentFacts, map[string]any{"doc": docID})
	if err != nil || len(recs) == 0 {
		return false, nil, err
	}
	h, _ := recs[0].Get("planHash")
	ids, _ := recs[0].Get("ids")
	return h != nil && h != "", strs(ids), nil
}

// SourcesOf returns, for each id of a live entity, relationship (rel:…) or figure (qty:…),
// the ids of the documents its provenance cites; ids of no live fact are absent.
func (s *Store) SourcesOf(ctx context.Context, ids []string) (map[string][]string, error) {
	var ents, qtys []string
	rels := map[model.RelType][]string{}
	for _, id := range ids {
		switch {
		case strings.HasPrefix(id, "rel:"):
			rels[relTypeOfID(id)] = append(rels[relTypeOfID(id)], id)
		case strings.HasPrefix(id, "qty:"):
			qtys = append(qtys, id)
		default:
			ents = append(ents, id)
		}
	}
	out := map[string][]string{}
	collect := func(q Query, ids []string) error {
		for _, chunk := range chunks(ids, BatchSize*10) {
			recs, err := s.read(ctx, q, map[string]any{"ids": chunk})
			if err != nil {
				return err
			}
			for _, r := range recs {
				id, _ := r.Get("id")
				docs, _ := r.Get("docs")
				out[str(id)] = strs(docs)
			}
		}
		return nil
	}
	if err := collect(qEntitySources, ents); err != nil {
		return nil, err
	}
	if err := collect(qQuantitySources, qtys); err != nil {
		return nil, err
	}
	for t, ids := range rels {
		if q, ok := qEdgeSources[t]; ok {
			if err := collect(q, ids); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}
