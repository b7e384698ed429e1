package graph

import (
	"context"
	"fmt"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/graph/gqlmodel"
	"github.com/policygraph/policygraph/store"
)

// ConflictLister is what the conflicts query needs; curate.Service has it. A curator
// without it answers the query as unavailable.
type ConflictLister interface {
	Conflicts(ctx context.Context, targetID, documentID string, first int, after string) (store.ConflictPage, error)
}

func (r *queryResolver) conflicts(ctx context.Context, targetID, documentID string, first int) ([]*gqlmodel.Conflict, error) {
	c, err := r.curator()
	if err != nil {
		return nil, err
	}
	cl, ok := c.(ConflictLister)
	if !ok {
		return nil, fmt.Errorf("conflicts are not available here: %w", fault.ErrUnavailable)
	}
	p, err := cl.Conflicts(ctx, targetID, documentID, first, "")
	if err != nil {
		return nil, err
	}
	out := make([]*gqlmodel.Conflict, 0, len(p.Conflicts))
	for _, c := range p.Conflicts {
		out = append(out, &gqlmodel.Conflict{
			ID: c.ID, At: c.At, TargetID: c.TargetID, DocumentID: c.DocumentID, Kind: c.Kind,
			Field: optStr(c.Field), StaffValue: optStr(c.StaffValue), IngestValue: optStr(c.IngestValue),
			StaffBy: optStr(c.StaffBy), StaffAt: optStr(c.StaffAt), IngestedBy: optStr(c.IngestedBy),
		})
	}
	return out, nil
}

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
