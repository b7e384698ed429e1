package export

import (
	"bufio"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/policygraph/policygraph/store/record"
)

// GraphMLNamespace is the GraphML namespace (1.0 and 1.1 share it).
const GraphMLNamespace = "http://graphml.graphdrawing.org/xmlns"

// graphmlType maps a column type to a GraphML attr.type. GraphML has no lists: lists and
// structured values are JSON text in a string key, said so in the key's <desc>.
func graphmlType(t ptype) (typ, desc string) {
	switch t {
	case tBool:
		return "boolean", ""
	case tLong:
		return "long", ""
	case tDouble:
		return "double", ""
	case tStrings:
		return "string", "JSON array of strings"
	case tJSON:
		return "string", "JSON"
	}
	return "string", ""
}

// writeGraphML writes GraphML: one <key> per attribute with its attr.type (boolean, long,
// double, string), then the nodes and edges. Node and edge XML ids are the entity and
// relationship ids made into NMTOKENs (see xmlToken); the id key holds the id verbatim.
func writeGraphML(ctx context.Context, g graph, out io.Writer) (Result, error) {
	s, err := scan(ctx, g)
	if err != nil {
		return Result{}, err
	}
	w := bufio.NewWriterSize(out, 64<<10)
	w.WriteString(xml.Header)
	w.WriteString(`<graphml xmlns="` + GraphMLNamespace + `" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="` +
		GraphMLNamespace + ` http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">` + "\n")
	key := func(id, forWhat, name string, t ptype) {
		typ, desc := graphmlType(t)
		fmt.Fprintf(w, `  <key id="%s" for="%s" attr.name="%s" attr.type="%s"`, id, forWhat, xmlToken(name), typ)
		if desc == "" {
			w.WriteString("/>\n")
			return
		}
		w.WriteString("><desc>")
		xmlText(w, desc)
		w.WriteString("</desc></key>\n")
	}
	key("nid", "node", "id", tString)
	for i, c := range s.node {
		key(fmt.Sprintf("n%d", i), "node", c.name, c.typ)
	}
	key("eid", "edge", "id", tString)
	for i, c := range s.edge {
		key(fmt.Sprintf("e%d", i), "edge", c.name, c.typ)
	}
	w.WriteString(`  <graph id="policygraph" edgedefault="directed">` + "\n")
	data := func(key string, v any, t ptype) {
		if v == nil {
			return
		}
		fmt.Fprintf(w, `<data key="%s">`, key)
		if t == tStrings {
			xmlText(w, jsonText(v))
		} else {
			xmlText(w, text(v, t))
		}
		w.WriteString("</data>")
	}
	var res Result
	err = g.nodes(ctx, func(n node) error {
		res.Nodes++
		fmt.Fprintf(w, `    <node id="%s">`, xmlToken(n.ID))
		data("nid", n.ID, tString)
		for i, v := range s.nodeValues(n) {
			data(fmt.Sprintf("n%d", i), v, s.node[i].typ)
		}
		w.WriteString("</node>\n")
		return nil
	})
	if err != nil {
		return res, err
	}
	err = g.edges(ctx, func(e record.Edge) error {
		res.Edges++
		fmt.Fprintf(w, `    <edge id="%s" source="%s" target="%s">`, xmlToken(e.ID), xmlToken(e.From), xmlToken(e.To))
		data("eid", e.ID, tString)
		for i, v := range s.edgeValues(e) {
			data(fmt.Sprintf("e%d", i), v, s.edge[i].typ)
		}
		w.WriteString("</edge>\n")
		return nil
	})
	if err != nil {
		return res, err
	}
	w.WriteString("  </graph>\n</graphml>\n")
	res.Truncated = g.truncated()
	return res, w.Flush()
}

// xmlToken makes s an XML NMTOKEN that every XML 1.0 edition accepts, as GraphML requires of
// node and edge ids: ASCII letters, digits, '.', '-', ':' and CJK unified ideographs
// (U+4E00–U+9FA5) stay; every other character becomes _xHHHH_ (its code point in hex), as
// does an underscore, so that distinct ids stay distinct.
func xmlToken(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == ':',
			r >= 0x4E00 && r <= 0x9FA5:
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "_x%04X_", r)
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// xmlText writes s escaped as XML character data, dropping characters XML cannot hold.
func xmlText(w io.Writer, s string) {
	clean := strings.Map(func(r rune) rune {
		if r == utf8.RuneError || !xmlChar(r) {
			return -1
		}
		return r
	}, s)
	xml.EscapeText(w, []byte(clean))
}

func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || (r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// xmlAttr returns s escaped for a double-quoted attribute value.
func xmlAttr(s string) string {
	var b strings.Builder
	xmlText(&b, s)
	return b.String()
}
