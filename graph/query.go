package graph

import (
	"context"
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/graph/gqlmodel"
	"github.com/policygraph/policygraph/graph/loader"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
)

// checkID rejects an empty id argument, or one that is not plain text.
func checkID(arg, id string) error {
	if id == "" {
		return fmt.Errorf("%s must not be empty: %w", arg, fault.ErrInvalidInput)
	}
	return checkText(arg, id)
}

// checkText rejects a string argument holding control characters (tabs and newlines
// excepted) or U+FFFD, which stands for bytes that were not valid UTF-8. Such input can
// match nothing and is refused rather than sent to the database.
func checkText(arg, s string) error {
	for _, r := range s {
		if r == utf8.RuneError {
			return fmt.Errorf("%s is not valid UTF-8 text: %w", arg, fault.ErrInvalidInput)
		}
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return fmt.Errorf("%s holds a control character (U+%04X): %w", arg, r, fault.ErrInvalidInput)
		}
	}
	return nil
}

// graphView maps a subgraph read at detail; a full one's nodes are remembered for later
// fields of the request (an outline's are incomplete and are not).
func (r *Resolver) graphView(ctx context.Context, g store.Subgraph, detail store.Detail) *gqlmodel.GraphView {
	if detail == store.Full {
		ld := loader.For(ctx)
		for _, n := range g.Nodes {
			ld.PrimeNode(n)
		}
	}
	return toGraphView(g, detail)
}

// soleRootField reports whether the field being resolved is the operation's only root
// field: then no other load can join its batch, and waiting for one only adds latency.
func soleRootField(ctx context.Context) bool {
	if !graphql.HasOperationContext(ctx) {
		return false
	}
	op := graphql.GetOperationContext(ctx)
	if op.Operation == nil || len(op.Operation.SelectionSet) != 1 {
		return false
	}
	_, field := op.Operation.SelectionSet[0].(*ast.Field)
	return field
}

// nodeNow reads one node at once, and leaves it with the request's loader for later fields.
func (r *Resolver) nodeNow(ctx context.Context, id string) (*store.Node, error) {
	found, err := r.Store.NodesByIDs(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	n, ok := found[id]
	if !ok {
		return nil, nil
	}
	loader.For(ctx).PrimeNode(n)
	return &n, nil
}

func (r *Resolver) searchHits(ctx context.Context, hits []store.SearchHit, detail store.Detail) []*gqlmodel.SearchHit {
	ld := loader.For(ctx)
	out := make([]*gqlmodel.SearchHit, 0, len(hits))
	for _, h := range hits {
		if detail == store.Full {
			ld.PrimeNode(h.Node)
		}
		out = append(out, &gqlmodel.SearchHit{Node: toNode(h.Node), Score: h.Score})
	}
	return out
}

// nodePage reads the page of the nodes field at the Detail its selection needs (the direct
// path of FastViews writes it without building typed nodes).
func (r *Resolver) nodePage(ctx context.Context, kind *gqlmodel.NodeKind, first *int, after *string) (store.NodePage, store.Detail, error) {
	detail := connectionDetail(ctx)
	page, err := r.Store.ListNodes(ctx, kindPtr(kind), intOr(first, 50), deref(after), detail)
	return page, detail, err
}

// nodeConnection maps a page of the nodes field to its connection type.
func (r *Resolver) nodeConnection(ctx context.Context, page store.NodePage, detail store.Detail) *gqlmodel.NodeConnection {
	ld := loader.For(ctx)
	conn := &gqlmodel.NodeConnection{
		Edges:      make([]*gqlmodel.NodeEdge, 0, len(page.Nodes)),
		TotalCount: int(page.TotalCount),
		PageInfo:   &gqlmodel.PageInfo{HasNextPage: page.HasNext, HasPreviousPage: page.HasPrevious},
	}
	for _, n := range page.Nodes {
		if detail == store.Full {
			ld.PrimeNode(n)
		}
		conn.Edges = append(conn.Edges, &gqlmodel.NodeEdge{Cursor: store.Cursor(n.ID), Node: toNode(n)})
	}
	if k := len(conn.Edges); k > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[k-1].Cursor
	}
	return conn
}

// supportPaths maps support paths; the policy and enterprise come from the path itself,
// or from one batched lookup when the store left them out.
func (r *Resolver) supportPaths(ctx context.Context, paths []store.SupportPath, detail store.Detail) ([]*gqlmodel.SupportPath, error) {
	ld := loader.For(ctx)
	out := make([]*gqlmodel.SupportPath, 0, len(paths))
	for _, p := range paths {
		for _, n := range p.Path.Nodes {
			ld.PrimeNode(n)
		}
	}
	for _, p := range paths {
		ends, err := ld.Nodes(ctx, []string{p.PolicyID, p.EnterpriseID})
		if err != nil {
			return nil, err
		}
		if ends[0] == nil || ends[1] == nil {
			return nil, fmt.Errorf("support path %s → %s names an entity the graph lacks", p.PolicyID, p.EnterpriseID)
		}
		path := &gqlmodel.GraphView{} // not asked for at Outline
		if detail == store.Full {
			path = toGraphView(p.Path, store.Full)
		}
		out = append(out, &gqlmodel.SupportPath{
			Policy: toNode(*ends[0]), Enterprise: toNode(*ends[1]), Hops: p.Hops, Path: path,
		})
	}
	return out, nil
}

func kindPtr(k *gqlmodel.NodeKind) *model.Kind {
	if k == nil {
		return nil
	}
	mk, ok := kindOf(*k)
	if !ok {
		return nil
	}
	return &mk
}

func lineageDirection(d *gqlmodel.Direction) store.Direction {
	if d == nil {
		return store.Upstream
	}
	return store.Direction(*d)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
