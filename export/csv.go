package export

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"io"
	"time"

	"github.com/policygraph/policygraph/store/record"
)

// neo4jType is the Neo4j admin-import header type of a column ("" for string, the default).
func neo4jType(t ptype) string {
	switch t {
	case tBool:
		return ":boolean"
	case tLong:
		return ":long"
	case tDouble:
		return ":double"
	case tStrings:
		return ":string[]"
	}
	return ""
}

// writeCSV writes a zip holding nodes.csv and edges.csv with Neo4j admin-import headers
// (neo4j-admin database import full --nodes=nodes.csv --relationships=edges.csv):
//
//	nodes.csv: id:ID,name,:LABEL,kind,aliases:string[],method,confidence:double,retracted:boolean,sources,quantities,<property>[:type]…
//	edges.csv: :START_ID,:END_ID,:TYPE,id,method,confidence:double,retracted:boolean,sources,<property>[:type]…
//
// Labels are Entity plus the kind (and Retracted for a retracted entity), kind is the stored
// label form (TalentMeasure); arrays use Neo4j's default delimiter ';'; sources and
// quantities are JSON text.
func writeCSV(ctx context.Context, g graph, out io.Writer) (Result, error) {
	s, err := scan(ctx, g)
	if err != nil {
		return Result{}, err
	}
	z := zip.NewWriter(out)
	var res Result
	f, err := z.CreateHeader(&zip.FileHeader{Name: "nodes.csv", Method: zip.Deflate, Modified: time.Now().UTC()})
	if err != nil {
		return res, err
	}
	w := csv.NewWriter(f)
	// nodeValues order: name kind aliases method confidence retracted sources quantities props…
	head := []string{"id:ID", "name", ":LABEL", "kind", "aliases:string[]", "method", "confidence:double", "retracted:boolean", "sources", "quantities"}
	for _, c := range s.node[len(nodeFixed):] {
		head = append(head, c.name+neo4jType(c.typ))
	}
	w.Write(head)
	err = g.nodes(ctx, func(n node) error {
		res.Nodes++
		vals := s.nodeValues(n)
		labels := "Entity;" + string(n.Kind)
		if n.Retracted {
			labels += ";Retracted"
		}
		row := []string{n.ID, n.Name, labels, string(n.Kind)}
		for i, v := range vals[2:] {
			row = append(row, text(v, s.node[i+2].typ))
		}
		return w.Write(row)
	})
	if err != nil {
		return res, err
	}
	if w.Flush(); w.Error() != nil {
		return res, w.Error()
	}
	f, err = z.CreateHeader(&zip.FileHeader{Name: "edges.csv", Method: zip.Deflate, Modified: time.Now().UTC()})
	if err != nil {
		return res, err
	}
	w = csv.NewWriter(f)
	head = []string{":START_ID", ":END_ID", ":TYPE", "id", "method", "confidence:double", "retracted:boolean", "sources"}
	for _, c := range s.edge[len(edgeFixed):] {
		head = append(head, c.name+neo4jType(c.typ))
	}
	w.Write(head)
	err = g.edges(ctx, func(e record.Edge) error {
		res.Edges++
		vals := s.edgeValues(e)
		row := []string{e.From, e.To, string(e.Type), e.ID}
		for i, v := range vals[1:] {
			row = append(row, text(v, s.edge[i+1].typ))
		}
		return w.Write(row)
	})
	if err != nil {
		return res, err
	}
	if w.Flush(); w.Error() != nil {
		return res, w.Error()
	}
	res.Truncated = g.truncated()
	return res, z.Close()
}
