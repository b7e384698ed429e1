package export

import (
	"bufio"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store/record"
)

// GEXFNamespace is the GEXF 1.3 namespace.
const GEXFNamespace = "http://gexf.net/1.3"

// gexfList writes a list value as GEXF 1.3 does: [item, item], each item a JSON string.
func gexfList(items []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		q, _ := json.Marshal(it)
		b.Write(q)
	}
	b.WriteByte(']')
	return b.String()
}

// gexfType maps a column type to a GEXF 1.3 attribute type. Lists are liststring, items
// written ["a", "b"] (see gexfList); structured values are JSON text.
func gexfType(t ptype) string {
	switch t {
	case tBool:
		return "boolean"
	case tLong:
		return "long"
	case tDouble:
		return "double"
	case tStrings:
		return "liststring"
	}
	return "string"
}

// KindColors are the RGB colours each kind is drawn in (GEXF viz:color; the explorer uses
// the same palette).
var KindColors = map[model.Kind][3]uint8{
	model.KindPolicy:        {0x1f, 0x77, 0xb4},
	model.KindProgram:       {0xff, 0x7f, 0x0e},
	model.KindEnterprise:    {0xd6, 0x27, 0x28},
	model.KindAlliance:      {0x94, 0x67, 0xbd},
	model.KindTalentMeasure: {0x2c, 0xa0, 0x2c},
	model.KindOrganization:  {0x8c, 0x56, 0x4b},
	model.KindPlace:         {0x17, 0xbe, 0xcf},
	model.KindIndustry:      {0xbc, 0xbd, 0x22},
	model.KindPerson:        {0xe3, 0x77, 0xc2},
	model.KindDocument:      {0x7f, 0x7f, 0x7f},
}

// writeGEXF writes GEXF 1.3: typed node and edge attributes (long, double, boolean, string,
// liststring), entity ids as node ids, the relationship type as edge label, viz:color by kind,
// and, when some node has dates (see lifespan), a dynamic graph whose nodes carry start/end
// days (the first day of a start period, the last day of an end period).
func writeGEXF(ctx context.Context, g graph, out io.Writer) (Result, error) {
	s, err := scan(ctx, g)
	if err != nil {
		return Result{}, err
	}
	w := bufio.NewWriterSize(out, 64<<10)
	w.WriteString(xml.Header)
	w.WriteString(`<gexf xmlns="` + GEXFNamespace + `" xmlns:viz="` + GEXFNamespace + `/viz" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="` +
		GEXFNamespace + ` http://gexf.net/1.3/gexf.xsd" version="1.3">` + "\n")
	w.WriteString("  <meta><creator>policygraph</creator><description>policy knowledge graph</description></meta>\n")
	mode := `mode="static"`
	if s.dated {
		mode = `mode="dynamic" timeformat="date"`
	}
	w.WriteString(`  <graph defaultedgetype="directed" ` + mode + ">\n")
	attrs := func(class string, cs []column) {
		fmt.Fprintf(w, "    <attributes class=\"%s\">\n", class)
		for _, c := range cs {
			fmt.Fprintf(w, "      <attribute id=\"%s\" title=\"%s\" type=\"%s\"/>\n", xmlAttr(c.name), xmlAttr(c.name), gexfType(c.typ))
		}
		w.WriteString("    </attributes>\n")
	}
	attrs("node", s.node)
	attrs("edge", s.edge)
	attvalues := func(cs []column, vals []any) {
		w.WriteString("<attvalues>")
		for i, v := range vals {
			if v == nil {
				continue
			}
			val := text(v, cs[i].typ)
			if l, ok := v.([]string); ok && cs[i].typ == tStrings {
				val = gexfList(l)
			}
			fmt.Fprintf(w, `<attvalue for="%s" value="%s"/>`, xmlAttr(cs[i].name), xmlAttr(val))
		}
		w.WriteString("</attvalues>")
	}
	var res Result
	w.WriteString("    <nodes>\n")
	err = g.nodes(ctx, func(n node) error {
		res.Nodes++
		fmt.Fprintf(w, `      <node id="%s" label="%s"`, xmlAttr(n.ID), xmlAttr(n.Name))
		if s.dated {
			start, end := lifespan(n.Node)
			if d := dayOf(start, false); d != "" {
				fmt.Fprintf(w, ` start="%s"`, d)
			}
			if d := dayOf(end, true); d != "" {
				fmt.Fprintf(w, ` end="%s"`, d)
			}
		}
		w.WriteString(">")
		attvalues(s.node, s.nodeValues(n))
		if c, ok := KindColors[n.Kind]; ok {
			fmt.Fprintf(w, `<viz:color r="%d" g="%d" b="%d"/>`, c[0], c[1], c[2])
		}
		w.WriteString("</node>\n")
		return nil
	})
	if err != nil {
		return res, err
	}
	w.WriteString("    </nodes>\n    <edges>\n")
	err = g.edges(ctx, func(e record.Edge) error {
		res.Edges++
		fmt.Fprintf(w, `      <edge id="%s" source="%s" target="%s" label="%s">`,
			xmlAttr(e.ID), xmlAttr(e.From), xmlAttr(e.To), xmlAttr(strings.ToUpper(string(e.Type))))
		attvalues(s.edge, s.edgeValues(e))
		w.WriteString("</edge>\n")
		return nil
	})
	if err != nil {
		return res, err
	}
	w.WriteString("    </edges>\n  </graph>\n</gexf>\n")
	res.Truncated = g.truncated()
	return res, w.Flush()
}
