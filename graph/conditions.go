package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/graph/gqlmodel"
	"github.com/policygraph/policygraph/graph/loader"
	"github.com/policygraph/policygraph/match"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
)

// The policy calculator. matchPolicies costs three round trips whatever the graph: the
// candidates (every entity with conditions, its conditions and figures), the policies of
// the page's measures, and the page's measure nodes (one dataloader batch); a fourth reads
// the enterprise when enterpriseId is given. Matching itself is package match, in Go.

// conditions resolves the conditions field of every entity type.
func (r *Resolver) conditions(ctx context.Context, id string) ([]*gqlmodel.Condition, error) {
	cs, err := loader.For(ctx).Conditions(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]*gqlmodel.Condition, 0, len(cs))
	for _, c := range cs {
		out = append(out, toCondition(c))
	}
	return out, nil
}

func toCondition(c store.ConditionRecord) *gqlmodel.Condition {
	values := c.Values
	if values == nil {
		values = []string{}
	}
	return &gqlmodel.Condition{
		ID: c.ID, AppliesTo: string(c.AppliesTo), Attribute: c.Attribute, Operator: c.Operator,
		Values: values, Unit: nonEmpty(c.Unit), Group: nonEmpty(c.Group), Text: c.Text,
		Sources: toProvenance(c.Sources), Method: c.Method, Confidence: c.Confidence,
	}
}

// matchPolicies ranks the measures for the profile and maps the first of them.
func (r *Resolver) matchPolicies(ctx context.Context, ent *gqlmodel.EnterpriseProfile, per *gqlmodel.PersonProfile, enterpriseID *string, first int) ([]*gqlmodel.PolicyMatch, error) {
	p, err := r.profile(ctx, ent, per, enterpriseID)
	if err != nil {
		return nil, err
	}
	if first == 0 {
		return []*gqlmodel.PolicyMatch{}, nil
	}
	cands, err := r.Store.MatchCandidates(ctx)
	if err != nil {
		return nil, err
	}
	records := map[string]store.ConditionRecord{}
	measures := make([]match.Measure, 0, len(cands))
	qtys := map[string][]store.QuantityRecord{}
	for _, c := range cands {
		m := match.Measure{ID: c.ID, Name: c.Name}
		for _, cr := range c.Conditions {
			records[cr.ID] = cr
			m.Conditions = append(m.Conditions, cr.Condition)
		}
		for _, q := range c.Quantities {
			if match.IsBenefit(q.Quantity) {
				m.Benefits = append(m.Benefits, q.Quantity)
				qtys[c.ID] = append(qtys[c.ID], q)
			}
		}
		measures = append(measures, m)
	}
	results := match.Rank(p, measures, first)
	ids := make([]string, len(results))
	for i, res := range results {
		ids[i] = res.Measure.ID
	}
	pols, err := r.Store.MeasurePolicies(ctx, ids)
	if err != nil {
		return nil, err
	}
	ld := loader.For(ctx)
	for _, mp := range pols {
		for _, n := range mp.Path.Nodes {
			ld.PrimeNode(n)
		}
	}
	nodes, err := ld.Nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*gqlmodel.PolicyMatch, 0, len(results))
	for i, res := range results {
		if nodes[i] == nil {
			continue // retracted between the two reads
		}
		pm := &gqlmodel.PolicyMatch{
			Measure: toNode(*nodes[i]), Status: gqlmodel.MatchStatus(res.Status),
			Met: checks(res.Met, records), Unmet: checks(res.Unmet, records), Unknown: checks(res.Unknown, records),
			Benefits: []*gqlmodel.Quantity{},
		}
		for _, q := range qtys[res.Measure.ID] {
			pm.Benefits = append(pm.Benefits, toQuantity(q))
		}
		path := store.Subgraph{Nodes: []store.Node{*nodes[i]}}
		if mp, ok := pols[res.Measure.ID]; ok {
			path = mp.Path
			for _, n := range mp.Path.Nodes {
				if n.ID == mp.PolicyID {
					pm.Policy = toNode(n)
				}
			}
		}
		pm.Path = toGraphView(path, store.Full)
		out = append(out, pm)
	}
	return out, nil
}

func checks(cs []match.Check, records map[string]store.ConditionRecord) []*gqlmodel.ConditionCheck {
	out := make([]*gqlmodel.ConditionCheck, 0, len(cs))
	for _, c := range cs {
		rec := records[c.Condition.ID]
		gc := toCondition(rec)
		out = append(out, &gqlmodel.ConditionCheck{Condition: gc, Given: c.Given, Sources: gc.Sources})
	}
	return out
}

// profile builds the applicant from the arguments and, with enterpriseID, the graph.
func (r *Resolver) profile(ctx context.Context, ent *gqlmodel.EnterpriseProfile, per *gqlmodel.PersonProfile, enterpriseID *string) (match.Profile, error) {
	var p match.Profile
	if enterpriseID != nil {
		if err := checkID("enterpriseId", *enterpriseID); err != nil {
			return p, err
		}
		facts, err := r.Store.EnterpriseFacts(ctx, *enterpriseID)
		if err != nil {
			return p, err
		}
		if facts == nil {
			return p, fmt.Errorf("matchPolicies: no enterprise %q: %w", *enterpriseID, fault.ErrNotFound)
		}
		p.Enterprise = enterpriseFromGraph(*facts)
	}
	if ent != nil {
		if p.Enterprise == nil {
			p.Enterprise = &match.Enterprise{}
		}
		e := p.Enterprise
		for _, s := range []*string{ent.District, ent.Ownership} {
			if s != nil {
				if err := checkText("enterprise", *s); err != nil {
					return p, err
				}
			}
		}
		e.District = orStr(ent.District, e.District)
		e.Ownership = orStr(ent.Ownership, e.Ownership)
		e.Industries = union(e.Industries, ent.Industries)
		e.Qualifications = union(e.Qualifications, ent.Qualifications)
		if ent.Employees != nil {
			e.Employees = ent.Employees
		}
		if ent.RevenueCny != nil {
			e.RevenueCNY = ent.RevenueCny
		}
		if ent.RdShare != nil {
			e.RDShare = ent.RdShare
		}
		if ent.FoundedOn != nil {
			e.FoundedOn = ptr(string(*ent.FoundedOn))
		}
	}
	if per != nil {
		if per.Degree != nil {
			if err := checkText("person.degree", *per.Degree); err != nil {
				return p, err
			}
		}
		p.Person = &match.Person{
			Degree: per.Degree, YearsWorked: per.YearsWorked, Age: per.Age,
			ReturnedFromAbroad: per.ReturnedFromAbroad, TalentTitles: per.TalentTitles,
		}
	}
	return p, nil
}

// enterpriseFromGraph reads an open-world profile from the graph's facts: the district it
// is located in (directly or through a park), its industries (IN_INDUSTRY and the
// industries property), recognitions (RECOGNIZES roles and the qualifications property)
// and typed properties.
func enterpriseFromGraph(f store.EnterpriseFacts) *match.Enterprise {
	pr := props(f.Node.Props)
	e := &match.Enterprise{OpenWorld: true}
	for _, pl := range f.Places {
		if pt, _ := pl.Props["placeType"].(string); pt == "district" || (pt == "" && strings.HasSuffix(pl.Name, "区")) {
			e.District = ptr(pl.Name)
			break
		}
	}
	e.Industries = union(f.Industries, pr.strs("industries"))
	e.Qualifications = union(f.Recognitions, pr.strs("qualifications"))
	e.Ownership = pr.str("ownership")
	e.Employees = pr.integer("employees")
	e.FoundedOn = pr.str("foundedOn")
	if v, ok := f.Node.Props["revenueCNY"].(float64); ok {
		e.RevenueCNY = &v
	}
	return e
}

// union returns a followed by the names of b it lacks; nil when both are nil (not known).
func union(a, b []string) []string {
	if a == nil && b == nil {
		return nil
	}
	out := append([]string{}, a...)
	seen := map[string]bool{}
	for _, s := range a {
		seen[model.NormalizeName(s)] = true
	}
	for _, s := range b {
		if !seen[model.NormalizeName(s)] {
			seen[model.NormalizeName(s)] = true
			out = append(out, s)
		}
	}
	return out
}

func orStr(a, b *string) *string {
	if a != nil {
		return a
	}
	return b
}
