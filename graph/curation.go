package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/policygraph/policygraph/auth"
	"github.com/policygraph/policygraph/curate"
	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/graph/gqlmodel"
	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
)

// Curator performs the curation mutations and the staff reads; *curate.Service satisfies it.
// Every method checks its input (fault.ErrInvalidInput) and records the change in the audit
// trail in the same transaction as the write.
type Curator interface {
	UpsertEntity(ctx context.Context, a store.Actor, in curate.EntityInput) (store.Node, bool, error)
	AddRelation(ctx context.Context, a store.Actor, in curate.RelationInput) (store.Edge, error)
	RetractRelation(ctx context.Context, a store.Actor, id, reason string) (store.Edge, error)
	AddQuantity(ctx context.Context, a store.Actor, in curate.QuantityInput) (store.QuantityRecord, error)
	RetractQuantity(ctx context.Context, a store.Actor, id, reason string) (store.QuantityRecord, error)
	MarkReviewed(ctx context.Context, a store.Actor, id, note string) (store.Review, error)
	MergeEntities(ctx context.Context, a store.Actor, keepID, mergeID, reason string) (store.MergeResult, error)
	IngestDocument(ctx context.Context, a store.Actor, in curate.IngestInput) (ingest.Report, error)
	AuditTrail(ctx context.Context, targetID string, first int, after string) (store.AuditPage, error)
}

var _ Curator = (*curate.Service)(nil)

// curator returns the configured Curator, or fault.ErrUnavailable when there is none.
func (r *Resolver) curator() (Curator, error) {
	if r.Curator == nil {
		return nil, fmt.Errorf("curation is not configured on this server: %w", fault.ErrUnavailable)
	}
	return r.Curator, nil
}

// actor is the audit trail's name for the caller: the actor the server put in the context
// (subject, role, request id), else the authenticated principal.
func actor(ctx context.Context) store.Actor {
	a := store.ActorFrom(ctx)
	if a.Name == "" {
		p := auth.FromContext(ctx)
		a.Name, a.Role = p.Subject, string(p.Role)
	}
	return a
}

// requireRole implements @requiresRole on each field, behind the server's operation gate.
func requireRole(ctx context.Context, _ any, next graphql.Resolver, role gqlmodel.Role) (any, error) {
	need, ok := auth.ParseRole(string(role))
	if !ok {
		need = auth.RoleAdmin
	}
	if err := auth.Require(ctx, need); err != nil {
		return nil, err
	}
	return next(ctx)
}

func toSource(s *gqlmodel.SourceInput) *curate.Source {
	if s == nil {
		return nil
	}
	return &curate.Source{DocumentID: s.DocumentID, Text: deref(s.Text), Passage: s.Passage, Start: s.Start, End: s.End}
}

func toEntityInput(in gqlmodel.EntityInput) (curate.EntityInput, error) {
	k, ok := kindOf(in.Kind)
	if !ok {
		return curate.EntityInput{}, fmt.Errorf("kind %q: %w", in.Kind, fault.ErrInvalidInput)
	}
	return curate.EntityInput{
		ID: deref(in.ID), Kind: k, Name: in.Name, Aliases: in.Aliases, Props: in.Properties,
		Source: toSource(in.Source), Note: deref(in.Note),
	}, nil
}

func toRelationInput(in gqlmodel.RelationInput) (curate.RelationInput, error) {
	t, ok := model.ParseRelType(string(in.Type))
	if !ok {
		return curate.RelationInput{}, fmt.Errorf("relationship type %q: %w", in.Type, fault.ErrInvalidInput)
	}
	return curate.RelationInput{
		Type: t, From: in.FromID, To: in.ToID, Props: in.Properties, Source: *toSource(in.Source), Note: deref(in.Note),
	}, nil
}

func toQuantityInput(in gqlmodel.QuantityInput) curate.QuantityInput {
	return curate.QuantityInput{
		Subject: in.SubjectID, What: in.What, Figure: deref(in.Figure), Value: in.Value, Unit: deref(in.Unit),
		Min: in.Min, Max: in.Max, Qualifier: deref(in.Qualifier), AsOf: deref(in.AsOf),
		Source: *toSource(in.Source), Note: deref(in.Note),
	}
}

func toIngestInput(in gqlmodel.IngestInput) curate.IngestInput {
	out := curate.IngestInput{Bundle: deref(in.Bundle), Text: deref(in.Text), Title: deref(in.Title)}
	if in.Format != nil {
		out.Format = strings.ToLower(string(*in.Format))
	}
	if in.DryRun != nil {
		out.DryRun = *in.DryRun
	}
	if in.Replace != nil {
		out.Replace = *in.Replace
	}
	return out
}

func toIngestResult(rep ingest.Report, dryRun bool) *gqlmodel.IngestResult {
	count := func(c store.Change) *gqlmodel.ChangeCount {
		return &gqlmodel.ChangeCount{Created: c.Created, Updated: c.Updated, Unchanged: c.Unchanged, Retracted: c.Retracted}
	}
	out := &gqlmodel.IngestResult{DryRun: dryRun, Changes: rep.Changes(), Documents: make([]*gqlmodel.IngestedDocument, 0, len(rep.Documents))}
	for _, d := range rep.Documents {
		out.Documents = append(out.Documents, &gqlmodel.IngestedDocument{
			DocumentID: d.DocumentID, Unchanged: d.Unchanged,
			Nodes: count(d.Nodes), Relations: count(d.Edges), Quantities: count(d.Quantities),
		})
	}
	return out
}

func toAuditConnection(p store.AuditPage, after *string) *gqlmodel.AuditConnection {
	conn := &gqlmodel.AuditConnection{
		Edges:      make([]*gqlmodel.AuditEdge, 0, len(p.Events)),
		TotalCount: int(p.TotalCount),
		PageInfo:   &gqlmodel.PageInfo{HasNextPage: p.HasNext, HasPreviousPage: after != nil && *after != ""},
	}
	for i, ev := range p.Events {
		targets := ev.Targets
		if targets == nil {
			targets = []string{}
		}
		conn.Edges = append(conn.Edges, &gqlmodel.AuditEdge{Cursor: p.Cursors[i], Node: &gqlmodel.AuditEvent{
			ID: ev.ID, At: ev.At, Actor: ev.Actor, Role: nonEmpty(ev.Role), Action: ev.Action, TargetIds: targets,
			Before: nonEmpty(ev.Before), After: nonEmpty(ev.After), Note: nonEmpty(ev.Note), RequestID: nonEmpty(ev.RequestID),
		}})
	}
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[n-1].Cursor
	}
	return conn
}
