package store

// Decoding driver values (maps and lists from records) into the store's types.

import (
	"sort"

	"github.com/policygraph/policygraph/model"
)

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
