package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/graph/gqlmodel"
	"github.com/policygraph/policygraph/graph/loader"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
)

// defaultRelationFirst is the default page size of relationship fields (first: Int = 20).
const defaultRelationFirst = 20

// relSpec says which relationships a relationship field follows.
type relSpec struct {
	types    []model.RelType
	outgoing bool
}

func out(types ...model.RelType) relSpec { return relSpec{types: types, outgoing: true} }
func in(types ...model.RelType) relSpec  { return relSpec{types: types, outgoing: false} }

// relationFields maps "Type.field" of every paginated relationship field of the schema onto
// what it follows. A test checks that every such field of schema.graphqls is here.
var relationFields = map[string]relSpec{
	"Policy.supports":      out(model.RelSupports, model.RelRecognizes),
	"Policy.recognizes":    out(model.RelRecognizes),
	"Policy.establishes":   out(model.RelEstablishes),
	"Policy.derivedFrom":   out(model.RelDerivedFrom),
	"Policy.derivations":   in(model.RelDerivedFrom),
	"Policy.partOf":        out(model.RelPartOf),
	"Policy.parts":         in(model.RelPartOf),
	"Policy.implements":    out(model.RelImplements),
	"Policy.implementedBy": in(model.RelImplements),
	"Policy.amends":        out(model.RelAmends),
	"Policy.supersedes":    out(model.RelSupersedes),
	"Policy.amendedBy":     in(model.RelAmends),
	"Policy.supersededBy":  in(model.RelSupersedes),
	"Policy.issuedBy":      out(model.RelIssuedBy),
	"Policy.targets":       out(model.RelTargets),
	"Policy.industries":    out(model.RelInIndustry),

	"Program.participants":  in(model.RelParticipatesIn),
	"Program.operators":     in(model.RelOperates),
	"Program.establishedBy": in(model.RelEstablishes),
	"Program.supports":      out(model.RelSupports),
	"Program.supportedBy":   in(model.RelSupports),
	"Program.implements":    out(model.RelImplements),
	"Program.partOf":        out(model.RelPartOf),
	"Program.parts":         in(model.RelPartOf),
	"Program.targets":       out(model.RelTargets),
	"Program.industries":    out(model.RelInIndustry),
	"Program.locatedIn":     out(model.RelLocatedIn),

	"Enterprise.supportedBy":    in(model.RelSupports, model.RelRecognizes),
	"Enterprise.recognizedBy":   in(model.RelRecognizes),
	"Enterprise.participatesIn": out(model.RelParticipatesIn),
	"Enterprise.industries":     out(model.RelInIndustry),
	"Enterprise.investors":      in(model.RelInvestsIn),
	"Enterprise.investments":    out(model.RelInvestsIn),
	"Enterprise.memberOf":       out(model.RelMemberOf),
	"Enterprise.locatedIn":      out(model.RelLocatedIn),
	"Enterprise.targetedBy":     in(model.RelTargets),
	"Enterprise.operates":       out(model.RelOperates),
	"Enterprise.introducedBy":   in(model.RelIntroduced),

	"Alliance.members":       in(model.RelMemberOf),
	"Alliance.operators":     in(model.RelOperates),
	"Alliance.supportedBy":   in(model.RelSupports),
	"Alliance.establishedBy": in(model.RelEstablishes),
	"Alliance.locatedIn":     out(model.RelLocatedIn),

	"TalentMeasure.establishedBy": in(model.RelEstablishes),
	"TalentMeasure.derivedFrom":   out(model.RelDerivedFrom),
	"TalentMeasure.partOf":        out(model.RelPartOf),
	"TalentMeasure.implements":    out(model.RelImplements),
	"TalentMeasure.targets":       out(model.RelTargets),
	"TalentMeasure.supports":      out(model.RelSupports),
	"TalentMeasure.amends":        out(model.RelAmends),
	"TalentMeasure.supersedes":    out(model.RelSupersedes),
	"TalentMeasure.amendedBy":     in(model.RelAmends),
	"TalentMeasure.supersededBy":  in(model.RelSupersedes),

	"Organization.issued":         in(model.RelIssuedBy),
	"Organization.operates":       out(model.RelOperates),
	"Organization.memberOf":       out(model.RelMemberOf),
	"Organization.participatesIn": out(model.RelParticipatesIn),
	"Organization.investments":    out(model.RelInvestsIn),
	"Organization.introduced":     out(model.RelIntroduced),
	"Organization.locatedIn":      out(model.RelLocatedIn),

	"Place.contains":   in(model.RelLocatedIn),
	"Place.operators":  in(model.RelOperates),
	"Place.introduced": out(model.RelIntroduced),

	"Industry.members":     in(model.RelInIndustry),
	"Industry.supportedBy": in(model.RelSupports),
	"Industry.targetedBy":  in(model.RelTargets),
	"Industry.investors":   in(model.RelInvestsIn),

	"Person.proposed": in(model.RelProposedBy),
	"Person.signed":   in(model.RelSignedBy),

	"Document.mentions":   in(model.RelMentionedIn),
	"Document.issuedBy":   out(model.RelIssuedBy),
	"Document.respondsTo": out(model.RelRespondsTo),
	"Document.responses":  in(model.RelRespondsTo),
	"Document.proposedBy": out(model.RelProposedBy),
	"Document.signedBy":   out(model.RelSignedBy),
}

// related resolves the relationship field named field ("Type.field") of entity id.
func (r *Resolver) related(ctx context.Context, field, id string, filter *gqlmodel.RelationFilter, sort *gqlmodel.RelationSort, first *int, after *string) (*gqlmodel.RelationConnection, error) {
	spec, ok := relationFields[field]
	if !ok {
		return nil, fmt.Errorf("graph: relationship field %s has no spec", field)
	}
	return r.relationPage(ctx, id, spec, filter, sort, first, after)
}

// relations resolves the generic Node.relations field.
func (r *Resolver) relations(ctx context.Context, id string, types []gqlmodel.RelationType, direction *gqlmodel.RelationDirection, filter *gqlmodel.RelationFilter, sort *gqlmodel.RelationSort, first *int, after *string, includeRetracted *bool) (*gqlmodel.RelationConnection, error) {
	spec := relSpec{outgoing: direction == nil || *direction == gqlmodel.RelationDirectionOutgoing}
	if includeRetracted != nil && *includeRetracted {
		f := gqlmodel.RelationFilter{}
		if filter != nil {
			f = *filter
		}
		yes := true
		f.IncludeRetracted = &yes
		filter = &f
	}
	if len(types) == 0 {
		spec.types = model.RelTypes
	}
	for _, t := range types {
		rt, ok := model.ParseRelType(string(t))
		if !ok {
			return nil, fmt.Errorf("relation type %q: %w", t, fault.ErrInvalidInput)
		}
		spec.types = append(spec.types, rt)
	}
	return r.relationPage(ctx, id, spec, filter, sort, first, after)
}

func (r *Resolver) relationPage(ctx context.Context, id string, spec relSpec, filter *gqlmodel.RelationFilter, sort *gqlmodel.RelationSort, first *int, after *string) (*gqlmodel.RelationConnection, error) {
	f, err := edgeFilter(spec, filter, sort, intOr(first, defaultRelationFirst), after)
	if err != nil {
		return nil, err
	}
	ld := loader.For(ctx)
	page, err := ld.Edges(ctx, id, f)
	if err != nil {
		return nil, err
	}
	conn := &gqlmodel.RelationConnection{
		Edges:      make([]*gqlmodel.RelationEdge, 0, len(page.Hits)),
		TotalCount: int(page.TotalCount),
		PageInfo:   &gqlmodel.PageInfo{HasNextPage: page.HasNext, HasPreviousPage: f.After != ""},
	}
	for _, h := range page.Hits {
		ld.PrimeNode(h.Other)
		conn.Edges = append(conn.Edges, &gqlmodel.RelationEdge{Cursor: h.Cursor, Relation: toEdge(h.Edge), Node: toNode(h.Other)})
	}
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[n-1].Cursor
	}
	return conn, nil
}

// edgeFilter translates a field's arguments into the store's filter, checking them.
func edgeFilter(spec relSpec, filter *gqlmodel.RelationFilter, sort *gqlmodel.RelationSort, first int, after *string) (store.EdgeFilter, error) {
	f := store.EdgeFilter{Types: spec.types, Outgoing: spec.outgoing, First: first, SortBy: "name"}
	if after != nil {
		f.After = *after
	}
	if filter != nil {
		f.Kinds = kindsOf(filter.Kinds)
		if filter.NameContains != nil {
			f.NameContains = strings.TrimSpace(*filter.NameContains)
			if err := checkText("filter.nameContains", f.NameContains); err != nil {
				return f, err
			}
		}
		if filter.Level != nil {
			f.Level = string(*filter.Level)
		}
		if filter.DateFrom != nil {
			if !model.ValidDate(*filter.DateFrom) {
				return f, fmt.Errorf("filter.dateFrom %q is not an ISO date (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY-Hn): %w", *filter.DateFrom, fault.ErrInvalidInput)
			}
			f.DateFrom = *filter.DateFrom
		}
		if filter.DateTo != nil {
			if !model.ValidDate(*filter.DateTo) {
				return f, fmt.Errorf("filter.dateTo %q is not an ISO date (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY-Hn): %w", *filter.DateTo, fault.ErrInvalidInput)
			}
			f.DateTo = *filter.DateTo
		}
		if filter.Method != nil {
			f.Method = strings.TrimSpace(*filter.Method)
			if err := checkText("filter.method", f.Method); err != nil {
				return f, err
			}
		}
		f.IncludeRetracted = filter.IncludeRetracted != nil && *filter.IncludeRetracted
		for _, st := range filter.Status {
			f.Statuses = append(f.Statuses, string(st))
		}
		if filter.MinConfidence != nil {
			c := *filter.MinConfidence
			if c < 0 || c > 1 {
				return f, fmt.Errorf("filter.minConfidence must be between 0 and 1, got %g: %w", c, fault.ErrInvalidInput)
			}
			f.MinConfidence = c
		}
	}
	if sort != nil {
		switch sort.By {
		case gqlmodel.RelationSortFieldDate:
			f.SortBy = "date"
		case gqlmodel.RelationSortFieldConfidence:
			f.SortBy = "confidence"
		}
		f.Desc = sort.Order == gqlmodel.SortOrderDesc
	}
	return f, nil
}

// quantities resolves the quantities field of every entity type.
func (r *Resolver) quantities(ctx context.Context, id string, includeRetracted *bool) ([]*gqlmodel.Quantity, error) {
	qs, err := loader.For(ctx).Quantities(ctx, id, includeRetracted != nil && *includeRetracted)
	if err != nil {
		return nil, err
	}
	out := make([]*gqlmodel.Quantity, 0, len(qs))
	for _, q := range qs {
		out = append(out, toQuantity(q))
	}
	return out, nil
}
