package graph

import (
	"context"
	"io"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	gmodel "github.com/policygraph/policygraph/graph/model"
)

// Direct views: the graph views (neighborhood, lineage, shortestPath) that a drawing asks
// for — nodes { id kind label } edges { id type source target }, the outline read — are
// written straight to JSON instead of through gqlgen's executor.
//
// gqlgen marshals every field of every element through its field machinery (a field
// context, a middleware chain, a goroutine per list element): for a 2-hop neighbourhood of
// 200 nodes and 500 edges that was about 40 % of the API's CPU (pprof on the large
// benchmark graph, bench/PROPOSALS.md P15), while the answer is a few plain strings per
// element. FastViews is a root-field middleware: when the root field is one of the views
// and everything selected under it is a plain field of the outline (no fragments, no
// directives, no repeated response keys), it coerces the arguments with gqlgen's own
// unmarshalers, calls the same resolver gqlgen would call (with the same field context,
// so the store read is the same), and writes the view with gqlgen's own encodings
// (writeString is gqlgen's string escaping, checked by FuzzWriteString). Anything else,
// and any error, goes to gqlgen unchanged: an error answer is gqlgen's, produced by
// running the field again. TestFastViewsMatchGqlgen compares both paths byte for byte on
// the Changning graph. GRAPHQL_FAST_VIEWS=false switches it off.

// fastViewsServed counts the views FastViews answered itself (for tests).
var fastViewsServed atomic.Int64

// fastViewFields are the fields a direct view may select, per level.
var fastViewFields = map[string]map[string]bool{
	"GraphView": {"nodes": true, "edges": true, "truncated": true, "__typename": true},
	"GraphNode": outlineViewFields["nodes"],
	"GraphEdge": outlineViewFields["edges"],
}

// FastViews returns the root-field middleware that writes outline graph views directly.
func FastViews(r *Resolver) graphql.RootFieldMiddleware {
	q := r.Query()
	return func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		rfc := graphql.GetRootFieldContext(ctx)
		if rfc == nil || rfc.Field.Field == nil || len(rfc.Field.Directives) > 0 || !graphql.HasOperationContext(ctx) {
			return next(ctx)
		}
		oc := graphql.GetOperationContext(ctx)
		if oc.Operation == nil || oc.Operation.Operation != ast.Query {
			return next(ctx)
		}
		name := rfc.Field.Name
		if name != "neighborhood" && name != "lineage" && name != "shortestPath" {
			return next(ctx)
		}
		plan, ok := planFields(rfc.Field.Selections, "GraphView")
		if !ok {
			return next(ctx)
		}
		args := rfc.Field.ArgumentMap(oc.Variables)
		fctx := graphql.WithFieldContext(ctx, &graphql.FieldContext{
			Object: "Query", Field: rfc.Field, Args: args, IsMethod: true, IsResolver: true,
		})
		view, err := resolveView(fctx, q, name, args)
		if err != nil || (view == nil && name != "shortestPath") {
			return next(ctx) // gqlgen reports it, in its own words and shape
		}
		fastViewsServed.Add(1)
		if view == nil {
			return graphql.Null // no path: shortestPath is nullable
		}
		return graphql.WriterFunc(func(w io.Writer) { writeView(w, plan, view) })
	}
}

// resolveView coerces the view's arguments as the generated code does and calls its
// resolver.
func resolveView(ctx context.Context, q interface {
	Neighborhood(ctx context.Context, id string, depth *int, kinds []gmodel.NodeKind, limit *int, includeRetracted *bool) (*gmodel.GraphView, error)
	Lineage(ctx context.Context, id string, direction *gmodel.Direction, maxDepth *int) (*gmodel.GraphView, error)
	ShortestPath(ctx context.Context, fromID string, toID string, maxHops *int) (*gmodel.GraphView, error)
}, name string, args map[string]any) (*gmodel.GraphView, error) {
	var a argReader
	switch name {
	case "neighborhood":
		id, depth, kinds, limit, retracted := a.id(args, "id"), a.int(args, "depth"), a.kinds(args, "kinds"), a.int(args, "limit"), a.bool(args, "includeRetracted")
		if a.err != nil {
			return nil, a.err
		}
		return q.Neighborhood(ctx, id, depth, kinds, limit, retracted)
	case "lineage":
		id, dir, depth := a.id(args, "id"), a.direction(args, "direction"), a.int(args, "maxDepth")
		if a.err != nil {
			return nil, a.err
		}
		return q.Lineage(ctx, id, dir, depth)
	default:
		from, to, hops := a.id(args, "fromId"), a.id(args, "toId"), a.int(args, "maxHops")
		if a.err != nil {
			return nil, a.err
		}
		return q.ShortestPath(ctx, from, to, hops)
	}
}

// argReader coerces arguments with gqlgen's unmarshalers, keeping the first error.
type argReader struct{ err error }

func (a *argReader) keep(err error) {
	if a.err == nil {
		a.err = err
	}
}

func (a *argReader) id(args map[string]any, name string) string {
	s, err := graphql.UnmarshalID(args[name])
	a.keep(err)
	return s
}

// optional coerces the argument name with unmarshal, or returns nil when it is absent or
// null.
func optional[T any](a *argReader, args map[string]any, name string, unmarshal func(any) (T, error)) *T {
	v, ok := args[name]
	if !ok || v == nil {
		return nil
	}
	x, err := unmarshal(v)
	a.keep(err)
	return &x
}

func (a *argReader) int(args map[string]any, name string) *int {
	return optional(a, args, name, graphql.UnmarshalInt)
}

func (a *argReader) bool(args map[string]any, name string) *bool {
	return optional(a, args, name, graphql.UnmarshalBoolean)
}

func (a *argReader) direction(args map[string]any, name string) *gmodel.Direction {
	return optional(a, args, name, func(v any) (gmodel.Direction, error) {
		var d gmodel.Direction
		err := d.UnmarshalGQL(v)
		return d, err
	})
}

func (a *argReader) kinds(args map[string]any, name string) []gmodel.NodeKind {
	k := optional(a, args, name, func(v any) ([]gmodel.NodeKind, error) {
		list := graphql.CoerceList(v)
		out := make([]gmodel.NodeKind, len(list))
		for i, x := range list {
			if err := out[i].UnmarshalGQL(x); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
	if k == nil {
		return nil
	}
	return *k
}

// planField is one selected field of a direct view: its response key, its name and, for
// nodes and edges, the fields selected on each element.
type planField struct {
	key, name string
	sub       []planField
}

// planFields checks that set selects only plain fields of typeName that a direct view
// writes, each response key once, and returns them in order.
func planFields(set ast.SelectionSet, typeName string) ([]planField, bool) {
	allowed := fastViewFields[typeName]
	seen := map[string]bool{}
	out := make([]planField, 0, len(set))
	for _, sel := range set {
		f, ok := sel.(*ast.Field)
		if !ok || len(f.Directives) > 0 || len(f.Arguments) > 0 || !allowed[f.Name] || seen[f.Alias] {
			return nil, false
		}
		seen[f.Alias] = true
		p := planField{key: f.Alias, name: f.Name}
		if elem := map[string]string{"nodes": "GraphNode", "edges": "GraphEdge"}[f.Name]; elem != "" && typeName == "GraphView" {
			if p.sub, ok = planFields(f.SelectionSet, elem); !ok || len(p.sub) == 0 {
				return nil, false
			}
		} else if len(f.SelectionSet) > 0 {
			return nil, false
		}
		out = append(out, p)
	}
	return out, len(out) > 0
}

// writeView writes v as gqlgen's executor would for plan.
func writeView(w io.Writer, plan []planField, v *gmodel.GraphView) {
	writeObject(w, plan, func(f planField) {
		switch f.name {
		case "__typename":
			writeString(w, "GraphView")
		case "truncated":
			graphql.MarshalBoolean(v.Truncated).MarshalGQL(w)
		case "nodes":
			writeList(w, len(v.Nodes), f.sub, func(i int, name string) {
				n := v.Nodes[i]
				switch name {
				case "id":
					writeString(w, n.ID)
				case "kind":
					n.Kind.MarshalGQL(w)
				case "label":
					writeString(w, n.Label)
				case "__typename":
					writeString(w, "GraphNode")
				}
			})
		case "edges":
			writeList(w, len(v.Edges), f.sub, func(i int, name string) {
				e := v.Edges[i]
				switch name {
				case "id":
					writeString(w, e.ID)
				case "type":
					writeString(w, e.Type)
				case "source":
					writeString(w, e.Source)
				case "target":
					writeString(w, e.Target)
				case "__typename":
					writeString(w, "GraphEdge")
				}
			})
		}
	})
}

// writeList writes n objects of fields, value(i, name) writing field name of the i-th.
func writeList(w io.Writer, n int, fields []planField, value func(i int, name string)) {
	io.WriteString(w, "[")
	for i := range n {
		if i > 0 {
			io.WriteString(w, ",")
		}
		writeObject(w, fields, func(f planField) { value(i, f.name) })
	}
	io.WriteString(w, "]")
}

// writeObject writes an object of fields, value writing each field's value.
func writeObject(w io.Writer, fields []planField, value func(f planField)) {
	io.WriteString(w, "{")
	for i, f := range fields {
		if i > 0 {
			io.WriteString(w, ",")
		}
		writeString(w, f.key)
		io.WriteString(w, ":")
		value(f)
	}
	io.WriteString(w, "}")
}

const hexDigits = "0123456789ABCDEF" // gqlgen writes its \u00XX escapes in capitals

// writeString writes s as a JSON string exactly as gqlgen's graphql.MarshalString does
// (FuzzWriteString compares them).
func writeString(w io.Writer, s string) {
	start := 0
	io.WriteString(w, `"`)
	for i, c := range s {
		if c < 0x20 || c == '\\' || c == '"' {
			io.WriteString(w, s[start:i])
			switch c {
			case '\t':
				io.WriteString(w, `\t`)
			case '\r':
				io.WriteString(w, `\r`)
			case '\n':
				io.WriteString(w, `\n`)
			case '\\':
				io.WriteString(w, `\\`)
			case '"':
				io.WriteString(w, `\"`)
			default:
				io.WriteString(w, `\u00`)
				w.Write([]byte{hexDigits[c>>4], hexDigits[c&0xf]})
			}
			start = i + 1
		}
	}
	io.WriteString(w, s[start:])
	io.WriteString(w, `"`)
}
