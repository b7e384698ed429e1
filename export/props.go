package export

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store/record"
)

// ptype is the type of a property column, as far as the formats distinguish them.
type ptype int

const (
	tNone    ptype = iota
	tBool          // bool
	tLong          // int64
	tDouble        // float64
	tString        // string (and anything else, rendered as text)
	tStrings       // []string
	tJSON          // structured value written as a JSON string (sources, quantities)
)

// join widens two observed types to one that holds both.
func join(a, b ptype) ptype {
	switch {
	case a == tNone:
		return b
	case b == tNone, a == b:
		return a
	case (a == tLong && b == tDouble) || (a == tDouble && b == tLong):
		return tDouble
	}
	return tString
}

// value normalises a property value read from the store to one of bool, int64, float64,
// string or []string and reports its type.
func value(v any) (any, ptype) {
	switch x := v.(type) {
	case nil:
		return nil, tNone
	case bool:
		return x, tBool
	case int64:
		return x, tLong
	case int:
		return int64(x), tLong
	case float64:
		return x, tDouble
	case string:
		return x, tString
	case []string:
		return x, tStrings
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				b, _ := json.Marshal(x)
				return string(b), tString
			}
			out = append(out, s)
		}
		return out, tStrings
	case fmt.Stringer:
		return x.String(), tString
	}
	return fmt.Sprint(v), tString
}

// text renders a value of column type t as the text the XML and CSV formats write.
func text(v any, t ptype) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return formatFloat(x)
	case string:
		return x
	case []string:
		if t == tStrings {
			return strings.Join(x, listSep)
		}
		b, _ := json.Marshal(x)
		return string(b)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// listSep separates list items in GEXF liststring values and Neo4j CSV arrays.
const listSep = ";"

func formatFloat(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return ""
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// Fixed node and edge attributes, written before the stored properties.
var (
	nodeFixed = []column{
		{"name", tString}, {"kind", tString}, {"aliases", tStrings}, {"method", tString},
		{"confidence", tDouble}, {"retracted", tBool}, {"sources", tJSON}, {"quantities", tJSON},
	}
	edgeFixed = []column{
		{"type", tString}, {"method", tString}, {"confidence", tDouble}, {"retracted", tBool},
		{"sources", tJSON},
	}
)

// column is one attribute of nodes or edges with its type.
type column struct {
	name string
	typ  ptype
}

// schema is every attribute that the nodes and edges of an export carry, with its type.
type schema struct {
	node, edge []column
	nodeIdx    map[string]int
	edgeIdx    map[string]int
	dated      bool // some node has a start or end date (GEXF)
}

// scan walks g once and collects the property columns and their types.
func scan(ctx context.Context, g graph) (*schema, error) {
	np, ep := map[string]ptype{}, map[string]ptype{}
	dated := false
	err := g.nodes(ctx, func(n node) error {
		for k, v := range n.Props {
			_, t := value(v)
			np[k] = join(np[k], t)
		}
		if s, e := lifespan(n.Node); s != "" || e != "" {
			dated = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = g.edges(ctx, func(e record.Edge) error {
		for k, v := range e.Props {
			_, t := value(v)
			ep[k] = join(ep[k], t)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s := &schema{node: columns(nodeFixed, np), edge: columns(edgeFixed, ep), dated: dated}
	s.nodeIdx, s.edgeIdx = index(s.node), index(s.edge)
	return s, nil
}

func columns(fixed []column, props map[string]ptype) []column {
	out := append([]column(nil), fixed...)
	taken := map[string]bool{"id": true, "label": true}
	for _, c := range fixed {
		taken[c.name] = true
	}
	var names []string
	for k := range props {
		if !taken[k] {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		out = append(out, column{k, props[k]})
	}
	return out
}

func index(cs []column) map[string]int {
	m := make(map[string]int, len(cs))
	for i, c := range cs {
		m[c.name] = i
	}
	return m
}

// nodeValues returns a node's values in schema column order (nil where it has none).
func (s *schema) nodeValues(n node) []any {
	out := make([]any, len(s.node))
	out[0], out[1], out[2], out[3] = n.Name, n.Kind.Enum(), nonNil(n.Aliases), n.Method
	out[4], out[5], out[6], out[7] = n.Confidence, n.Retracted, jsonText(sources(n.Sources)), jsonText(quantities(n.Quantities))
	if len(n.Quantities) == 0 {
		out[7] = nil
	}
	for k, v := range n.Props {
		if i, ok := s.nodeIdx[k]; ok && i >= len(nodeFixed) {
			out[i], _ = value(v)
		}
	}
	return out
}

// edgeValues returns an edge's values in schema column order.
func (s *schema) edgeValues(e record.Edge) []any {
	out := make([]any, len(s.edge))
	out[0], out[1], out[2], out[3], out[4] = string(e.Type), e.Method, e.Confidence, e.Retracted, jsonText(sources(e.Sources))
	for k, v := range e.Props {
		if i, ok := s.edgeIdx[k]; ok && i >= len(edgeFixed) {
			out[i], _ = value(v)
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// Source is one provenance record as exported: where a fact was read.
type sourceRec struct {
	DocumentID string  `json:"documentId"`
	Passage    int     `json:"passage"`
	Start      int     `json:"start"`
	End        int     `json:"end"`
	Quote      string  `json:"quote"`
	Method     string  `json:"method"`
	Confidence float64 `json:"confidence"`
}

func sources(ps []model.Provenance) []sourceRec {
	out := make([]sourceRec, len(ps))
	for i, p := range ps {
		out[i] = sourceRec(p)
	}
	return out
}

// quantityRec is one figure as exported.
type quantityRec struct {
	ID         string      `json:"id"`
	What       string      `json:"what"`
	Value      float64     `json:"value"`
	Unit       string      `json:"unit"`
	Min        *float64    `json:"min,omitempty"`
	Max        *float64    `json:"max,omitempty"`
	Qualifier  string      `json:"qualifier,omitempty"`
	AsOf       string      `json:"asOf,omitempty"`
	Raw        string      `json:"raw,omitempty"`
	Method     string      `json:"method"`
	Confidence float64     `json:"confidence"`
	Sources    []sourceRec `json:"sources"`
}

func quantities(qs []record.QuantityRecord) []quantityRec {
	out := make([]quantityRec, len(qs))
	for i, q := range qs {
		out[i] = quantityRec{
			ID: q.ID, What: q.What, Value: q.Value, Unit: q.Unit, Min: q.Min, Max: q.Max,
			Qualifier: q.Qualifier, AsOf: q.AsOf, Raw: q.Raw, Method: q.Method, Confidence: q.Confidence,
			Sources: sources(q.Sources),
		}
	}
	return out
}

// lifespan returns when an entity starts and ends, as stored ISO dates of any precision:
// a policy's effectiveFrom (else issuedOn) and effectiveTo; a program's startedOn, an
// alliance's foundedOn and a document's date as start.
func lifespan(n record.Node) (start, end string) {
	get := func(k string) string {
		s, _ := n.Props[k].(string)
		return s
	}
	for _, k := range []string{"effectiveFrom", "issuedOn", "startedOn", "foundedOn", "date"} {
		if v := get(k); v != "" && model.ValidDate(v) {
			start = v
			break
		}
	}
	if v := get("effectiveTo"); v != "" && model.ValidDate(v) {
		end = v
	}
	return start, end
}

// dayOf turns an ISO date of year, half, quarter, month or day precision into a day: the
// first day of the period, or the last when last is true. It returns "" for anything else.
func dayOf(d string, last bool) string {
	if !model.ValidDate(d) {
		return ""
	}
	year := d[:4]
	rest := d[4:]
	first, final := "01-01", "12-31"
	switch {
	case rest == "":
	case strings.HasPrefix(rest, "-Q"):
		q := int(rest[2] - '0')
		m := (q-1)*3 + 1
		first = fmt.Sprintf("%02d-01", m)
		final = fmt.Sprintf("%02d-%02d", m+2, monthDays(year, m+2))
	case strings.HasPrefix(rest, "-H"):
		if rest[2] == '2' {
			first = "07-01"
		} else {
			final = "06-30"
		}
	case len(rest) == 3: // -MM
		m, _ := strconv.Atoi(rest[1:])
		first = rest[1:] + "-01"
		final = fmt.Sprintf("%s-%02d", rest[1:], monthDays(year, m))
	default: // -MM-DD
		return d
	}
	if last {
		return year + "-" + final
	}
	return year + "-" + first
}

func monthDays(year string, m int) int {
	switch m {
	case 2:
		y, _ := strconv.Atoi(year)
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
