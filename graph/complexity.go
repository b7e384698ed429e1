package graph

import (
	"reflect"

	"github.com/policygraph/policygraph/graph/generated"
	"github.com/policygraph/policygraph/graph/gqlmodel"
)

// Complexity costs. A field costs 1 plus its children; a list costs its children once per
// element it may return (first, limit, or an estimate where the size is not an argument).
// The server rejects operations whose total exceeds GRAPHQL_MAX_COMPLEXITY.
const (
	// perPathEstimate is the assumed number of results of a support query.
	perPathEstimate = 20
	// perHopNodes is the assumed growth of a lineage walk per level.
	perHopNodes = 8
	// quantitiesEstimate is the assumed number of figures about one entity.
	quantitiesEstimate = 5
)

// listCost is the cost of a field that returns up to n elements each costing child.
func listCost(child int, n int) int {
	if n < 1 {
		n = 1
	}
	return 1 + n*child
}

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// relationCost prices every paginated relationship field (Policy.supports, …).
func relationCost(child int, _ *gqlmodel.RelationFilter, _ *gqlmodel.RelationSort, first *int, _ *string) int {
	return listCost(child, intOr(first, defaultRelationFirst))
}

// relationsCost prices the generic Node.relations field of every type.
func relationsCost(child int, _ []gqlmodel.RelationType, _ *gqlmodel.RelationDirection, _ *gqlmodel.RelationFilter, _ *gqlmodel.RelationSort, first *int, _ *string, _ *bool) int {
	return listCost(child, intOr(first, defaultRelationFirst))
}

// supportCost prices a support walk by its expected size: few walks reach the 1,000 paths
// they may return by default, so the estimate holds unless first asks for fewer.
func supportCost(child int, first *int) int {
	return listCost(child, min(intOr(first, perPathEstimate), perPathEstimate))
}

func quantitiesCost(child int, _ *bool) int { return listCost(child, quantitiesEstimate) }

// Complexity returns the per-field complexity functions of the schema.
func Complexity() generated.ComplexityRoot {
	var c generated.ComplexityRoot
	c.Query.Search = func(child int, _ string, _ []gqlmodel.NodeKind, first *int) int {
		return listCost(child, intOr(first, 20))
	}
	c.Query.Nodes = func(child int, _ *gqlmodel.NodeKind, first *int, _ *string) int {
		return listCost(child, intOr(first, 50))
	}
	c.Query.PoliciesSupporting = func(child int, _ string, _ *int, first *int) int { return supportCost(child, first) }
	c.Query.EnterprisesSupportedBy = func(child int, _ string, _ *int, first *int) int { return supportCost(child, first) }
	c.Query.Lineage = func(child int, _ string, _ *gqlmodel.Direction, maxDepth *int) int {
		return listCost(child, perHopNodes*intOr(maxDepth, 6))
	}
	c.Query.Neighborhood = func(child int, _ string, _ *int, _ []gqlmodel.NodeKind, limit *int, _ *bool) int {
		return listCost(child, intOr(limit, 200))
	}
	c.Query.AuditTrail = func(child int, _ *string, first *int, _ *string) int {
		return listCost(child, intOr(first, 20))
	}
	c.Query.Conflicts = func(child int, _ *string, _ *string, first *int) int {
		return listCost(child, intOr(first, 20))
	}
	c.Query.ShortestPath = func(child int, _ string, _ string, maxHops *int) int {
		return listCost(child, intOr(maxHops, 6)+1)
	}
	c.Query.MatchPolicies = func(child int, _ *gqlmodel.EnterpriseProfile, _ *gqlmodel.PersonProfile, _ *string, first *int) int {
		return listCost(child, intOr(first, 20))
	}
	setByType(&c, relationCost)
	setByType(&c, relationsCost)
	setByType(&c, quantitiesCostOnly)
	return c
}

// quantitiesCostOnly has the signature of the quantities field (one optional Boolean);
// setByType applies it only to fields named Quantities.
var quantitiesCostOnly = quantitiesCost

// setByType assigns fn to every complexity function of c whose signature is fn's, so that
// each new relationship field is priced without a line here. Functions of the quantities
// signature are set only on Quantities fields.
func setByType(c *generated.ComplexityRoot, fn any) {
	fv := reflect.ValueOf(fn)
	root := reflect.ValueOf(c).Elem()
	for i := 0; i < root.NumField(); i++ {
		obj := root.Field(i)
		if obj.Kind() != reflect.Struct {
			continue
		}
		for j := 0; j < obj.NumField(); j++ {
			f := obj.Field(j)
			if f.Type() != fv.Type() || !f.IsNil() {
				continue
			}
			if f.Type().NumIn() == 2 && obj.Type().Field(j).Name != "Quantities" {
				continue
			}
			f.Set(fv)
		}
	}
}
