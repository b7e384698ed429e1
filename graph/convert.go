package graph

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/policygraph/policygraph/graph/gqlmodel"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
)

// This file maps store values onto the GraphQL models. It reads only; it never calls the
// store.

// kindEnum returns the GraphQL enum value of a kind.
func kindEnum(k model.Kind) gqlmodel.NodeKind { return gqlmodel.NodeKind(k.Enum()) }

// kindOf returns the domain kind of a GraphQL enum value.
func kindOf(k gqlmodel.NodeKind) (model.Kind, bool) { return model.ParseKind(string(k)) }

func kindsOf(ks []gqlmodel.NodeKind) []model.Kind {
	if len(ks) == 0 {
		return nil
	}
	out := make([]model.Kind, 0, len(ks))
	for _, k := range ks {
		if mk, ok := kindOf(k); ok {
			out = append(out, mk)
		}
	}
	return out
}

// toNode maps an entity onto its concrete GraphQL type.
func toNode(n store.Node) gqlmodel.Node {
	p := props(n.Props)
	aliases := n.Aliases
	if aliases == nil {
		aliases = []string{}
	}
	sources := toProvenance(n.Sources)
	properties := nodeProperties(n)
	kind := kindEnum(n.Kind)
	switch n.Kind {
	case model.KindPolicy:
		return &gqlmodel.Policy{
			ID: n.ID, Kind: kind, Name: n.Name, Aliases: aliases, Sources: sources,
			Method: n.Method, Confidence: n.Confidence, Retracted: n.Retracted, MergedInto: p.str("mergedInto"), Review: review(p),
			Description: p.str("description"), StipInstruments: p.strs("stipInstruments"), StipTargetGroups: p.strs("stipTargetGroups"),
			Properties: properties,
			Title:      p.str("title"), DocNumber: p.str("docNumber"), PolicyType: p.str("policyType"), Level: p.level(),
			IssuedOn: p.str("issuedOn"), EffectiveFrom: p.str("effectiveFrom"), EffectiveTo: p.str("effectiveTo"),
			Status: p.str("status"), Version: p.str("version"),
		}
	case model.KindProgram:
		return &gqlmodel.Program{
			ID: n.ID, Kind: kind, Name: n.Name, Aliases: aliases, Sources: sources,
			Method: n.Method, Confidence: n.Confidence, Retracted: n.Retracted, MergedInto: p.str("mergedInto"), Review: review(p),
			Description: p.str("description"), StipInstruments: p.strs("stipInstruments"), StipTargetGroups: p.strs("stipTargetGroups"),
			Properties:  properties,
			ProgramType: p.str("programType"), StartedOn: p.str("startedOn"), Status: p.str("status"), Scope: p.str("scope"), Level: p.level(),
		}
	case model.KindEnterprise:
		return &gqlmodel.Enterprise{
			ID: n.ID, Kind: kind, Name: n.Name, Aliases: aliases, Sources: sources,
			Method: n.Method, Confidence: n.Confidence, Retracted: n.Retracted, MergedInto: p.str("mergedInto"), Review: review(p),
			Description: p.str("description"), StipInstruments: p.strs("stipInstruments"), StipTargetGroups: p.strs("stipTargetGroups"),
			Properties: properties,
			LegalName:  p.str("legalName"), IndustryNames: p.strs("industries"), Role: p.str("role"), Listed: p.boolean("listed"),
		}
	case model.KindAlliance:
		return &gqlmodel.Alliance{
			ID: n.ID, Kind: kind, Name: n.Name, Aliases: aliases, Sources: sources,
			Method: n.Method, Confidence: n.Confidence, Retracted: n.Retracted, MergedInto: p.str("mergedInto"), Review: review(p),
			Description: p.str("description"), StipInstruments: p.strs("stipInstruments"), StipTargetGroups: p.strs("stipTargetGroups"),
			Properties: properties,
			FoundedOn:  p.str("foundedOn"), MemberCount: p.integer("memberCount"), Level: p.level(),
		}
	case model.KindTalentMeasure:
		return &gqlmodel.TalentMeasure{
			ID: n.ID, Kind: kind, Name: n.Name, Aliases: aliases, Sources: sources,
			Method: n.Method, Confidence: n.Confidence, Retracted: n.Retracted, MergedInto: p.str("mergedInto"), Review: review(p),
			Description: p.str("description"), StipInstruments: p.strs("stipInstruments"), StipTargetGroups: p.strs("stipTargetGroups"),
			Properties: properties,
			Category:   p.str("category"), Eligibility: p.str("eligibility"), Level: p.level(),
		}
	case model.KindOrganization:
		return &gqlmodel.Organization{
			ID: n.ID, Kind: kind, Name: n.Name, Aliases: aliases, Sources: sources,
			Method: n.Method, Confidence: n.Confidence, Retracted: n.Retracted, MergedInto: p.str("mergedInto"), Review: review(p),
			Description: p.str("description"), StipInstruments: p.strs("stipInstruments"), StipTargetGroups: p.strs("stipTargetGroups"),
			Properties: properties,
			OrgType:    p.str("orgType"), Level: p.level(),
		}
	case model.KindPlace:
		return &gqlmodel.Place{
			ID: n.ID, Kind: kind, Name: n.Name, Aliases: aliases, Sources: sources,
			Method: n.Method, Confidence: n.Confidence, Retracted: n.Retracted, MergedInto: p.str("mergedInto"), Review: review(p),
			Description: p.str("description"), StipInstruments: p.strs("stipInstruments"), StipTargetGroups: p.strs("stipTargetGroups"),
			Properties: properties,
			PlaceType:  p.str("placeType"), Level: p.level(),
		}
	case model.KindIndustry:
		return &gqlmodel.Industry{
			ID: n.ID, Kind: kind, Name: n.Name, Aliases: aliases, Sources: sources,
			Method: n.Method, Confidence: n.Confidence, Retracted: n.Retracted, MergedInto: p.str("mergedInto"), Review: review(p),
			Description: p.str("description"), StipInstruments: p.strs("stipInstruments"), StipTargetGroups: p.strs("stipTargetGroups"),
			Properties: properties,
		}
	case model.KindPerson:
		return &gqlmodel.Person{
			ID: n.ID, Kind: kind, Name: n.Name, Aliases: aliases, Sources: sources,
			Method: n.Method, Confidence: n.Confidence, Retracted: n.Retracted, MergedInto: p.str("mergedInto"), Review: review(p),
			Description: p.str("description"), StipInstruments: p.strs("stipInstruments"), StipTargetGroups: p.strs("stipTargetGroups"),
			Properties: properties,
			Role:       p.str("role"),
		}
	default: // model.KindDocument; an unknown kind cannot be stored (ingest validates kinds)
		return &gqlmodel.Document{
			ID: n.ID, Kind: gqlmodel.NodeKindDocument, Name: n.Name, Aliases: aliases, Sources: sources,
			Method: n.Method, Confidence: n.Confidence, Retracted: n.Retracted, MergedInto: p.str("mergedInto"), Review: review(p),
			Description: p.str("description"), StipInstruments: p.strs("stipInstruments"), StipTargetGroups: p.strs("stipTargetGroups"),
			Properties: properties,
			Title:      p.str("title"), Number: p.str("number"), Issuer: p.str("issuer"), Date: p.str("date"),
			DocType: p.str("docType"), Result: p.str("result"), Sha256: p.str("sha256"), Path: p.str("path"), Level: p.level(),
			Addressees: p.strs("addressees"),
		}
	}
}

// stubDocument stands in for a document a provenance record names but the graph lacks.
func stubDocument(id string) *gqlmodel.Document {
	return &gqlmodel.Document{ID: id, Kind: gqlmodel.NodeKindDocument, Name: id, Aliases: []string{}, Sources: []*gqlmodel.Provenance{},
		StipInstruments: []string{}, StipTargetGroups: []string{}}
}

func toProvenance(ps []model.Provenance) []*gqlmodel.Provenance {
	out := make([]*gqlmodel.Provenance, 0, len(ps))
	for _, p := range ps {
		out = append(out, &gqlmodel.Provenance{
			DocumentID: p.DocumentID,
			Passage:    ptr(p.Passage), Start: ptr(p.Start), End: ptr(p.End),
			Quote:  nonEmpty(p.Quote),
			Method: p.Method, Confidence: ptr(p.Confidence),
		})
	}
	return out
}

// provenanceJSON is provenance as it appears inside an edge's properties.
func provenanceJSON(ps []model.Provenance) []any {
	out := make([]any, 0, len(ps))
	for _, p := range ps {
		out = append(out, map[string]any{
			"documentId": p.DocumentID, "passage": p.Passage, "start": p.Start, "end": p.End,
			"quote": p.Quote, "method": p.Method, "confidence": p.Confidence,
		})
	}
	return out
}

func toEdge(e store.Edge) *gqlmodel.GraphEdge {
	properties := jsonMap(e.Props)
	properties["sources"] = provenanceJSON(e.Sources)
	properties["method"] = e.Method
	properties["confidence"] = e.Confidence
	if e.Retracted {
		properties["retracted"] = true
	}
	return &gqlmodel.GraphEdge{
		ID: e.ID, Type: string(e.Type), Source: e.From, Target: e.To,
		Properties: properties, Sources: toProvenance(e.Sources),
		Method: e.Method, Confidence: e.Confidence, Retracted: e.Retracted, Review: review(props(e.Props)),
	}
}

// nodeProperties is every stored property of n plus its aliases, method and confidence.
func nodeProperties(n store.Node) map[string]any {
	m := jsonMap(n.Props)
	aliases := make([]any, 0, len(n.Aliases))
	for _, a := range n.Aliases {
		aliases = append(aliases, a)
	}
	m["aliases"] = aliases
	m["method"] = n.Method
	m["confidence"] = n.Confidence
	if n.Retracted {
		m["retracted"] = true
	}
	return m
}

// toGraphView maps a subgraph read at detail. An outline fills only what it was read for:
// the resolver chose it because nothing else is selected.
func toGraphView(g store.Subgraph, detail store.Detail) *gqlmodel.GraphView {
	v := &gqlmodel.GraphView{
		Nodes:     make([]*gqlmodel.GraphNode, 0, len(g.Nodes)),
		Edges:     make([]*gqlmodel.GraphEdge, 0, len(g.Edges)),
		Truncated: g.Truncated,
	}
	if detail == store.Outline {
		for _, n := range g.Nodes {
			v.Nodes = append(v.Nodes, &gqlmodel.GraphNode{ID: n.ID, Kind: kindEnum(n.Kind), Label: n.Name})
		}
		for _, e := range g.Edges {
			v.Edges = append(v.Edges, &gqlmodel.GraphEdge{ID: e.ID, Type: string(e.Type), Source: e.From, Target: e.To})
		}
		return v
	}
	for _, n := range g.Nodes {
		v.Nodes = append(v.Nodes, &gqlmodel.GraphNode{
			ID: n.ID, Kind: kindEnum(n.Kind), Label: n.Name, Properties: nodeProperties(n), Node: toNode(n),
		})
	}
	for _, e := range g.Edges {
		v.Edges = append(v.Edges, toEdge(e))
	}
	return v
}

func toQuantity(q store.QuantityRecord) *gqlmodel.Quantity {
	return &gqlmodel.Quantity{
		ID: q.ID, What: q.What, Value: q.Value, Unit: q.Unit, Min: q.Min, Max: q.Max,
		Qualifier: nonEmpty(q.Qualifier), AsOf: nonEmpty(q.AsOf), Raw: nonEmpty(q.Raw),
		Method: q.Method, Confidence: q.Confidence, Sources: toProvenance(q.Sources),
		Retracted: q.Retracted, Review: review(props(q.Props)),
	}
}

// review reads the last review of a fact from its properties (reviewedBy, reviewedAt,
// reviewNote), nil when it was never reviewed.
func review(p props) *gqlmodel.Review {
	by, at := p.str("reviewedBy"), p.str("reviewedAt")
	if by == nil || at == nil {
		return nil
	}
	return &gqlmodel.Review{By: *by, At: *at, Note: p.str("reviewNote")}
}

func toStats(s store.Stats) *gqlmodel.GraphStats {
	out := &gqlmodel.GraphStats{
		Nodes: int(s.Nodes), Relationships: int(s.Rels), Quantities: int(s.Quantities),
		Documents: int(s.Documents), RetractedFacts: int(s.RetractedFacts),
		ByKind:         make([]*gqlmodel.KindCount, 0, len(model.Kinds)),
		ByRelationType: make([]*gqlmodel.RelationTypeCount, 0, len(s.RelsByType)),
	}
	for _, k := range model.Kinds { // every kind, in enum order, zeros included
		out.ByKind = append(out.ByKind, &gqlmodel.KindCount{Kind: kindEnum(k), Count: int(s.NodesByKind[k])})
	}
	types := make([]string, 0, len(s.RelsByType))
	for t := range s.RelsByType {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		out.ByRelationType = append(out.ByRelationType, &gqlmodel.RelationTypeCount{Type: t, Count: int(s.RelsByType[t])})
	}
	return out
}

// props reads typed properties out of a node's property map. Values come from the driver:
// strings, int64, float64, bool and []any of those.
type props map[string]any

func (p props) str(key string) *string {
	switch v := p[key].(type) {
	case string:
		if v == "" {
			return nil
		}
		return &v
	case nil:
		return nil
	default:
		s := fmt.Sprint(v)
		return &s
	}
}

func (p props) strs(key string) []string {
	switch v := p[key].(type) {
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case string:
		return []string{v}
	}
	return []string{}
}

func (p props) integer(key string) *int {
	switch v := p[key].(type) {
	case int64:
		i := int(v)
		return &i
	case int:
		return &v
	case float64:
		if v == math.Trunc(v) {
			i := int(v)
			return &i
		}
	}
	return nil
}

func (p props) boolean(key string) *bool {
	if v, ok := p[key].(bool); ok {
		return &v
	}
	return nil
}

func (p props) level() *gqlmodel.Level {
	s := p.str("level")
	if s == nil {
		return nil
	}
	l := gqlmodel.Level(*s)
	if !l.IsValid() {
		return nil
	}
	return &l
}

// jsonMap copies a property map into plain JSON values; driver temporal and other values
// become strings.
func jsonMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+4)
	for k, v := range m {
		out[k] = jsonValue(v)
	}
	return out
}

func jsonValue(v any) any {
	switch x := v.(type) {
	case nil, string, bool, int64, int, float64:
		return x
	case float32:
		return float64(x)
	case int32:
		return int64(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonValue(e)
		}
		return out
	case []string:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out
	case map[string]any:
		return jsonMap(x)
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

func ptr[T any](v T) *T { return &v }

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
