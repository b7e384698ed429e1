package graph

import (
	"context"
	"io"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/policygraph/policygraph/graph/gqlmodel"
	"github.com/policygraph/policygraph/store"
)

// Direct views: the graph views (neighborhood, lineage, shortestPath) that a drawing asks
// for — nodes { id kind label } edges { id type source target }, the outline read — and
// pages of the nodes connection that ask only id, kind and name of each node are written
// straight to JSON instead of through gqlgen's executor.
//
// gqlgen marshals every field of every element through its field machinery (a field
// context, a middleware chain, a goroutine per list element): for a 2-hop neighbourhood of
// 200 nodes and 500 edges that was about 40 % of the API's CPU (pprof on the large
// benchmark graph, bench/PROPOSALS.md P15), and a page of 50 nodes first builds 50 typed
// nodes (P16), while the answer is a few plain strings per element. FastViews is a
// root-field middleware: when the root field is one of these and everything selected
// under it is a plain field that an outline read answers (no fragments, no directives, no
// repeated response keys), it coerces the arguments with gqlgen's own unmarshalers,
// makes the read the resolver would make (with the same field context, so the store read
// is the same), and writes the answer with gqlgen's own encodings (writeString is gqlgen's
// string escaping, checked by FuzzWriteString). Anything else, and any error, goes to
// gqlgen unchanged: an error answer is gqlgen's, produced by running the field again.
// TestFastViewsMatchGqlgen compares both paths byte for byte on the Changning graph.
// GRAPHQL_DIRECT_VIEWS=false switches it off.

// GqlgenChecked is the gqlgen version whose behaviour the copies follow: this file (direct
// views write gqlgen's encodings, coerce with its unmarshalers and give errors back to its
// executor), server/post.go (its transport.POST) and server/complexity.go (its
// FixedComplexityLimit). TestGqlgenCopiesChecked fails when go.mod names another version:
// read gqlgen's changes to those three parts, update the copies, then this constant.
const GqlgenChecked = "v0.17.98"

// fastViewsServed counts the answers FastViews wrote itself (for tests).
var fastViewsServed atomic.Int64

// directFields are the fields a direct answer may select, per type: "" for a leaf, else
// the type of the object (or of the list's elements) below the field. A Node is written
// from the store's outline node, so only the fields every kind shares and an outline read
// answers are here (no __typename: it depends on the kind).
var directFields = func() map[string]map[string]string {
	m := map[string]map[string]string{
		"GraphView":      {"nodes": "GraphNode", "edges": "GraphEdge", "truncated": "", "__typename": ""},
		"NodeConnection": {"totalCount": "", "edges": "NodeEdge", "pageInfo": "PageInfo", "__typename": ""},
		"NodeEdge":       {"cursor": "", "node": "Node", "__typename": ""},
		"Node":           {"id": "", "kind": "", "name": ""},
		"PageInfo":       {"hasNextPage": "", "hasPreviousPage": "", "startCursor": "", "endCursor": "", "__typename": ""},
	}
	for typ, list := range map[string]string{"GraphNode": "nodes", "GraphEdge": "edges"} {
		m[typ] = map[string]string{}
		for f := range outlineViewFields[list] {
			m[typ][f] = ""
		}
	}
	return m
}()

// FastViews returns the root-field middleware that writes outline graph views and pages of
// the nodes connection directly.
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
		typ := "GraphView"
		switch name {
		case "neighborhood", "lineage", "shortestPath":
		case "nodes":
			typ = "NodeConnection"
		default:
			return next(ctx)
		}
		plan, ok := planFields(rfc.Field.Selections, typ)
		if !ok {
			return next(ctx)
		}
		args := rfc.Field.ArgumentMap(oc.Variables)
		fctx := graphql.WithFieldContext(ctx, &graphql.FieldContext{
			Object: "Query", Field: rfc.Field, Args: args, IsMethod: true, IsResolver: true,
		})
		if name == "nodes" {
			page, err := nodesPage(fctx, r, args)
			if err != nil {
				return next(ctx)
			}
			fastViewsServed.Add(1)
			return graphql.WriterFunc(func(w io.Writer) { writeConnection(w, plan, page) })
		}
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

// nodesPage coerces the nodes field's arguments as the generated code does and reads the
// page its resolver would read.
func nodesPage(ctx context.Context, r *Resolver, args map[string]any) (store.NodePage, error) {
	var a argReader
	kind, first, after := a.kind(args, "kind"), a.int(args, "first"), optional(&a, args, "after", graphql.UnmarshalString)
	if a.err != nil {
		return store.NodePage{}, a.err
	}
	page, _, err := r.nodePage(ctx, kind, first, after)
	return page, err
}

// resolveView coerces the view's arguments as the generated code does and calls its
// resolver.
func resolveView(ctx context.Context, q interface {
	Neighborhood(ctx context.Context, id string, depth *int, kinds []gqlmodel.NodeKind, limit *int, includeRetracted *bool) (*gqlmodel.GraphView, error)
	Lineage(ctx context.Context, id string, direction *gqlmodel.Direction, maxDepth *int) (*gqlmodel.GraphView, error)
	ShortestPath(ctx context.Context, fromID string, toID string, maxHops *int) (*gqlmodel.GraphView, error)
}, name string, args map[string]any) (*gqlmodel.GraphView, error) {
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

// unmarshalEnum coerces v to the enum T with T's generated UnmarshalGQL.
func unmarshalEnum[T any, PT interface {
	*T
	UnmarshalGQL(any) error
}](v any) (T, error) {
	var x T
	err := PT(&x).UnmarshalGQL(v)
	return x, err
}

func (a *argReader) direction(args map[string]any, name string) *gqlmodel.Direction {
	return optional(a, args, name, unmarshalEnum[gqlmodel.Direction])
}

func (a *argReader) kind(args map[string]any, name string) *gqlmodel.NodeKind {
	return optional(a, args, name, unmarshalEnum[gqlmodel.NodeKind])
}

func (a *argReader) kinds(args map[string]any, name string) []gqlmodel.NodeKind {
	k := optional(a, args, name, func(v any) ([]gqlmodel.NodeKind, error) {
		list := graphql.CoerceList(v)
		out := make([]gqlmodel.NodeKind, len(list))
		for i, x := range list {
			var err error
			if out[i], err = unmarshalEnum[gqlmodel.NodeKind](x); err != nil {
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

// planFields checks that set selects only plain fields of typeName that a direct answer
// writes (directFields), each response key once, and returns them in order.
func planFields(set ast.SelectionSet, typeName string) ([]planField, bool) {
	allowed := directFields[typeName]
	seen := map[string]bool{}
	out := make([]planField, 0, len(set))
	for _, sel := range set {
		f, ok := sel.(*ast.Field)
		if !ok || len(f.Directives) > 0 || len(f.Arguments) > 0 || seen[f.Alias] {
			return nil, false
		}
		below, ok := allowed[f.Name]
		if !ok {
			return nil, false
		}
		seen[f.Alias] = true
		p := planField{key: f.Alias, name: f.Name}
		if below != "" {
			if p.sub, ok = planFields(f.SelectionSet, below); !ok || len(p.sub) == 0 {
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
func writeView(w io.Writer, plan []planField, v *gqlmodel.GraphView) {
	writeObject(w, plan, func(f planField) {
		switch f.name {
		case "__typename":
			writeString(w, "GraphView")
		case "truncated":
			graphql.MarshalBoolean(v.Truncated).MarshalGQL(w)
		case "nodes":
			writeList(w, len(v.Nodes), f.sub, func(i int, f planField) {
				n := v.Nodes[i]
				switch f.name {
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
			writeList(w, len(v.Edges), f.sub, func(i int, f planField) {
				e := v.Edges[i]
				switch f.name {
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

// writeConnection writes a page of the nodes field as gqlgen's executor would for plan
// (Resolver.nodeConnection's mapping).
func writeConnection(w io.Writer, plan []planField, page store.NodePage) {
	cursor := func(i int) {
		if i < 0 || i >= len(page.Nodes) {
			graphql.Null.MarshalGQL(w)
			return
		}
		writeString(w, store.Cursor(page.Nodes[i].ID))
	}
	writeObject(w, plan, func(f planField) {
		switch f.name {
		case "__typename":
			writeString(w, "NodeConnection")
		case "totalCount":
			graphql.MarshalInt(int(page.TotalCount)).MarshalGQL(w)
		case "edges":
			writeList(w, len(page.Nodes), f.sub, func(i int, f planField) {
				switch f.name {
				case "__typename":
					writeString(w, "NodeEdge")
				case "cursor":
					cursor(i)
				case "node":
					n := page.Nodes[i]
					writeObject(w, f.sub, func(f planField) {
						switch f.name {
						case "id":
							writeString(w, n.ID)
						case "kind":
							kindEnum(n.Kind).MarshalGQL(w)
						case "name":
							writeString(w, n.Name)
						}
					})
				}
			})
		case "pageInfo":
			writeObject(w, f.sub, func(f planField) {
				switch f.name {
				case "__typename":
					writeString(w, "PageInfo")
				case "hasNextPage":
					graphql.MarshalBoolean(page.HasNext).MarshalGQL(w)
				case "hasPreviousPage":
					graphql.MarshalBoolean(page.HasPrevious).MarshalGQL(w)
				case "startCursor":
					cursor(0)
				case "endCursor":
					cursor(len(page.Nodes) - 1)
				}
			})
		}
	})
}

// writeList writes n objects of fields, value(i, f) writing field f of the i-th.
func writeList(w io.Writer, n int, fields []planField, value func(i int, f planField)) {
	io.WriteString(w, "[")
	for i := range n {
		if i > 0 {
			io.WriteString(w, ",")
		}
		writeObject(w, fields, func(f planField) { value(i, f) })
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
