package export

import (
	"bufio"
	"context"
	"encoding/json"
	"io"

	"github.com/policygraph/policygraph/store/record"
)

// reservedData are Cytoscape.js data fields that a stored property may not overwrite.
var reservedData = map[string]bool{
	"id": true, "label": true, "kind": true, "name": true, "aliases": true, "source": true,
	"target": true, "parent": true, "type": true, "method": true, "confidence": true,
	"retracted": true, "sources": true, "quantities": true,
}

// writeCytoscape streams Cytoscape.js elements JSON: {"nodes":[{"data":{…}}],"edges":[…]},
// ready for cytoscape({elements}). Node data: id, label (the name), kind (the GraphQL
// NodeKind, e.g. ENTERPRISE), name, aliases, method, confidence, retracted, the typed
// properties, sources and quantities. Edge data: id, source, target, type, label (the type),
// method, confidence, retracted, the typed properties and sources.
func writeCytoscape(ctx context.Context, g graph, out io.Writer) (Result, error) {
	w := bufio.NewWriterSize(out, 64<<10)
	var res Result
	w.WriteString(`{"nodes":[`)
	err := g.nodes(ctx, func(n node) error {
		if res.Nodes > 0 {
			w.WriteByte(',')
		}
		res.Nodes++
		return writeElement(w, cyNode(n))
	})
	if err != nil {
		return res, err
	}
	w.WriteString("\n],\"edges\":[")
	err = g.edges(ctx, func(e record.Edge) error {
		if res.Edges > 0 {
			w.WriteByte(',')
		}
		res.Edges++
		return writeElement(w, cyEdge(e))
	})
	if err != nil {
		return res, err
	}
	w.WriteString("\n]}\n")
	res.Truncated = g.truncated()
	return res, w.Flush()
}

func writeElement(w *bufio.Writer, data map[string]any) error {
	b, err := json.Marshal(map[string]any{"data": data})
	if err != nil {
		return err
	}
	w.WriteByte('\n')
	_, err = w.Write(b)
	return err
}

func cyNode(n node) map[string]any {
	d := map[string]any{}
	for k, v := range n.Props {
		if !reservedData[k] {
			d[k], _ = value(v)
		}
	}
	d["id"], d["label"], d["kind"], d["name"] = n.ID, n.Name, n.Kind.Enum(), n.Name
	d["aliases"], d["method"], d["confidence"], d["retracted"] = nonNil(n.Aliases), n.Method, n.Confidence, n.Retracted
	d["sources"], d["quantities"] = sources(n.Sources), quantities(n.Quantities)
	return d
}

func cyEdge(e record.Edge) map[string]any {
	d := map[string]any{}
	for k, v := range e.Props {
		if !reservedData[k] {
			d[k], _ = value(v)
		}
	}
	d["id"], d["source"], d["target"], d["type"], d["label"] = e.ID, e.From, e.To, string(e.Type), string(e.Type)
	d["method"], d["confidence"], d["retracted"], d["sources"] = e.Method, e.Confidence, e.Retracted, sources(e.Sources)
	return d
}
