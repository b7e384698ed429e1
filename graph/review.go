package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/policygraph/policygraph/curate"
	"github.com/policygraph/policygraph/fault"
	gmodel "github.com/policygraph/policygraph/graph/gqlmodel"
	"github.com/policygraph/policygraph/graph/loader"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
)

// Reviewer is what the review queue needs; *curate.Service has it. A curator without it
// answers the review fields as unavailable.
type Reviewer interface {
	ReviewQueue(ctx context.Context, f store.ReviewFilter) (store.ReviewPage, error)
	ReviewFact(ctx context.Context, id string) (store.ReviewItem, error)
	ReviewDocument(ctx context.Context, id string) (string, bool, error)
	AcceptFact(ctx context.Context, a store.Actor, id, note string) (store.ReviewItem, error)
	RejectFact(ctx context.Context, a store.Actor, id, reason string) (store.ReviewItem, error)
	EditFact(ctx context.Context, a store.Actor, in curate.FactEdit) (store.ReviewItem, error)
	MergeFacts(ctx context.Context, a store.Actor, keepID, mergeID, note string) (store.ReviewItem, error)
	ReopenFact(ctx context.Context, a store.Actor, id, note string) (store.ReviewItem, error)
}

var _ Reviewer = (*curate.Service)(nil)

func (r *Resolver) reviewer() (Reviewer, error) {
	c, err := r.curator()
	if err != nil {
		return nil, err
	}
	rv, ok := c.(Reviewer)
	if !ok {
		return nil, fmt.Errorf("the review queue is not available here: %w", fault.ErrUnavailable)
	}
	return rv, nil
}

// shortName is an id's name part (kind:name → name), for labels.
func shortName(id string) string {
	if _, n, ok := strings.Cut(id, ":"); ok {
		return n
	}
	return id
}

func toReviewItem(it store.ReviewItem) *gmodel.ReviewItem {
	out := &gmodel.ReviewItem{
		ID: it.ID, FactType: gmodel.FactType(it.FactType), Kind: it.Kind, Status: gmodel.FactStatus(it.Status),
		Confidence: it.Confidence, Method: it.Method, Sources: toProvenance(it.Sources), Retracted: it.Retracted,
		EditedInto: nonEmpty(it.EditedInto), DocumentID: nonEmpty(it.Document),
	}
	if it.Position >= 0 {
		out.Start = ptr(it.Position)
	}
	switch it.FactType {
	case store.FactEntity:
		out.Label = it.Name
	case store.FactRelation:
		out.Label = shortName(it.From) + " → " + it.Kind + " → " + shortName(it.To)
		out.FromID, out.ToID = nonEmpty(it.From), nonEmpty(it.To)
	case store.FactFigure:
		out.Label = it.What + " " + it.Raw
		out.SubjectID, out.What, out.Raw, out.Unit = nonEmpty(it.Subject), nonEmpty(it.What), nonEmpty(it.Raw), nonEmpty(it.Unit)
		out.Value = ptr(it.Value)
	}
	return out
}

// reviewNode resolves the node fields of a review item through the request's node loader.
func reviewNode(ctx context.Context, id *string) (gmodel.Node, error) {
	if id == nil || *id == "" {
		return nil, nil
	}
	n, err := loader.For(ctx).Node(ctx, *id)
	if err != nil || n == nil {
		return nil, err
	}
	return toNode(*n), nil
}

func (r *queryResolver) reviewQueue(ctx context.Context, first *int, after, documentID *string, kinds []string, maxConfidence *float64) (*gmodel.ReviewConnection, error) {
	rv, err := r.reviewer()
	if err != nil {
		return nil, err
	}
	f := store.ReviewFilter{First: 50, After: deref(after), DocumentID: deref(documentID), Kinds: kinds, MaxConfidence: 1}
	if first != nil {
		f.First = *first
	}
	if maxConfidence != nil {
		f.MaxConfidence = *maxConfidence
	}
	p, err := rv.ReviewQueue(ctx, f)
	if err != nil {
		return nil, err
	}
	out := &gmodel.ReviewConnection{Edges: []*gmodel.ReviewItemEdge{}, PageInfo: &gmodel.PageInfo{HasNextPage: p.HasNext, HasPreviousPage: f.After != ""}, TotalCount: p.Total}
	for i, it := range p.Items {
		out.Edges = append(out.Edges, &gmodel.ReviewItemEdge{Cursor: p.Cursors[i], Node: toReviewItem(it)})
	}
	if n := len(p.Cursors); n > 0 {
		out.PageInfo.StartCursor, out.PageInfo.EndCursor = ptr(p.Cursors[0]), ptr(p.Cursors[n-1])
	}
	return out, nil
}

func (r *queryResolver) reviewDocument(ctx context.Context, id string) (*gmodel.ReviewDocument, error) {
	rv, err := r.reviewer()
	if err != nil {
		return nil, err
	}
	text, ok, err := rv.ReviewDocument(ctx, id)
	if err != nil || !ok {
		return nil, err
	}
	title := shortName(id)
	if n, err := loader.For(ctx).Node(ctx, id); err == nil && n != nil {
		title = n.Name
	}
	return &gmodel.ReviewDocument{ID: id, Title: title, Text: text}, nil
}

// decide runs one review mutation and converts its answer.
func (r *mutationResolver) decide(ctx context.Context, do func(Reviewer, store.Actor) (store.ReviewItem, error)) (*gmodel.ReviewItem, error) {
	rv, err := r.reviewer()
	if err != nil {
		return nil, err
	}
	it, err := do(rv, actor(ctx))
	if err != nil {
		return nil, err
	}
	return toReviewItem(it), nil
}

func toFactEdit(id string, in gmodel.FactEditInput) (curate.FactEdit, error) {
	e := curate.FactEdit{ID: id, Name: deref(in.Name), From: deref(in.From), To: deref(in.To), Figure: deref(in.Figure), What: deref(in.What), Note: deref(in.Note)}
	if in.Kind != nil {
		k, ok := kindOf(*in.Kind)
		if !ok {
			return e, fmt.Errorf("kind %q: %w", *in.Kind, fault.ErrInvalidInput)
		}
		e.Kind = k
	}
	if in.Type != nil {
		e.Type = model.RelType(*in.Type)
	}
	return e, nil
}
