package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/policygraph/policygraph/store"
)

// How much of each node and edge a resolver asks the store for (store.Detail): an outline
// when the selection under the field asks nothing beyond what drawing or listing needs,
// everything otherwise. Fragments count whatever their type condition, so a doubt reads
// more, never less.

// outlineNodeFields are the Node fields an outline read answers.
var outlineNodeFields = map[string]bool{"id": true, "kind": true, "name": true, "__typename": true}

// outlineViewFields are the GraphView element fields an outline read answers.
var outlineViewFields = map[string]map[string]bool{
	"nodes": {"id": true, "kind": true, "label": true, "__typename": true},
	"edges": {"id": true, "type": true, "source": true, "target": true, "__typename": true},
}

// childFields returns the operation and the fields selected under the field being resolved,
// as typeName (fragments expanded); ok is false outside a GraphQL request.
func childFields(ctx context.Context, typeName string) (op *graphql.OperationContext, fields []graphql.CollectedField, ok bool) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || !graphql.HasOperationContext(ctx) {
		return nil, nil, false
	}
	op = graphql.GetOperationContext(ctx)
	return op, graphql.CollectFields(op, fc.Field.Selections, []string{typeName}), true
}

// detailOf returns store.Full when any field selected under the current field, as typeName,
// needs more than an outline (needsFull), and store.Outline otherwise.
func detailOf(ctx context.Context, typeName string, needsFull func(*graphql.OperationContext, graphql.CollectedField) bool) store.Detail {
	op, fields, ok := childFields(ctx, typeName)
	if !ok {
		return store.Full
	}
	for _, f := range fields {
		if needsFull(op, f) {
			return store.Full
		}
	}
	return store.Outline
}

// viewDetail is the Detail of a GraphView field (neighborhood, lineage, shortestPath).
func viewDetail(ctx context.Context) store.Detail {
	return detailOf(ctx, "GraphView", func(op *graphql.OperationContext, f graphql.CollectedField) bool {
		allowed, list := outlineViewFields[f.Name]
		return list && !selectsOnly(op.Doc, f.Selections, allowed)
	})
}

// supportDetail is the Detail of a support-path field: an outline (the two ends only) when
// no path is asked for.
func supportDetail(ctx context.Context) store.Detail {
	return detailOf(ctx, "SupportPath", func(_ *graphql.OperationContext, f graphql.CollectedField) bool {
		return f.Name == "path"
	})
}

// connectionDetail is the Detail of a NodeConnection field (nodes).
func connectionDetail(ctx context.Context) store.Detail {
	return detailOf(ctx, "NodeConnection", func(op *graphql.OperationContext, f graphql.CollectedField) bool {
		if f.Name != "edges" {
			return false
		}
		for _, e := range graphql.CollectFields(op, f.Selections, []string{"NodeEdge"}) {
			if e.Name == "node" && !selectsOnly(op.Doc, e.Selections, outlineNodeFields) {
				return true
			}
		}
		return false
	})
}

// hitsDetail is the Detail of a search field.
func hitsDetail(ctx context.Context) store.Detail {
	return detailOf(ctx, "SearchHit", func(op *graphql.OperationContext, f graphql.CollectedField) bool {
		return f.Name == "node" && !selectsOnly(op.Doc, f.Selections, outlineNodeFields)
	})
}

// selectsOnly reports whether set, through every fragment whatever its type condition,
// selects no field outside allowed.
func selectsOnly(doc *ast.QueryDocument, set ast.SelectionSet, allowed map[string]bool) bool {
	for _, sel := range set {
		switch x := sel.(type) {
		case *ast.Field:
			if !allowed[x.Name] {
				return false
			}
		case *ast.InlineFragment:
			if !selectsOnly(doc, x.SelectionSet, allowed) {
				return false
			}
		case *ast.FragmentSpread:
			def := x.Definition
			if def == nil && doc != nil {
				def = doc.Fragments.ForName(x.Name)
			}
			if def == nil || !selectsOnly(doc, def.SelectionSet, allowed) {
				return false
			}
		}
	}
	return true
}
