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

// Walks are priced by the rows they make Neo4j hand back, not only by what they return: a
// support walk of maxHops 6 returns at most first paths but reads ~40,000 rows on the way.
// The figures are the largest row counts (every level's statement plus the fetch) over 20
// sampled start nodes of the medium corpus (194,844 nodes, 943,075 relationships; policies
// for enterprisesSupportedBy, enterprises for policiesSupporting, talent measures for
// lineage in direction BOTH), measured with
//
//	go run ./bench/cmd/walkcost -uri bolt://127.0.0.1:7833 -password policygraph-bench -n 20
//
// rows touched, max of 20 starts (mean in brackets):
//
//	maxHops              1       2        3             4                5                6
//	enterprisesSupported 38 (27) 236 (131) 1,519 (826)  20,107 (16,281)  26,972 (20,096)  26,972 (20,096)
//	policiesSupporting   5 (3)   40 (19)   2,496 (2,362) 27,753 (14,520) 39,896 (23,690)  40,352 (27,261)
//	lineage BOTH depth   3 (3)   27 (25)   466 (384)     8,186 (6,287)   24,593 (19,948)  24,593 (19,948)
//
// One point of complexity per rowsPerPoint rows: with GRAPHQL_MAX_COMPLEXITY 5000 one walk
// of maxHops 6 with its paths passes, three do not, and 30 aliases of it (1.2 million rows)
// are refused before anything runs. Large (5x medium) grows the deep levels about in
// proportion; the ratios between levels, which set the prices, hold.
const rowsPerPoint = 20

// supportRows and lineageRows are the rows touched by level (index = maxHops or maxDepth),
// the larger of the two support directions; past the table the walk has met the whole
// reachable graph, so the last figure holds.
var (
	supportRows = []int{0, 38, 236, 2496, 27753, 39896, 40352}
	lineageRows = []int{0, 3, 27, 466, 8186, 24593, 24593}
)

// walkCost is the price of the rows a walk of the given depth touches.
func walkCost(rows []int, depth int) int {
	depth = max(1, min(depth, len(rows)-1))
	return rows[depth] / rowsPerPoint
}

// supportCost prices a support walk by the rows it touches plus what it returns: few walks
// reach the 1,000 paths they may return by default, so the path estimate holds unless first
// asks for fewer.
func supportCost(child int, maxHops, first *int) int {
	return walkCost(supportRows, intOr(maxHops, defaultMaxHops)) +
		listCost(child, min(intOr(first, perPathEstimate), perPathEstimate))
}

// defaultMaxHops is the SDL's default maxHops of the support walks.
const defaultMaxHops = 3

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
	c.Query.PoliciesSupporting = func(child int, _ string, maxHops *int, first *int) int { return supportCost(child, maxHops, first) }
	c.Query.EnterprisesSupportedBy = func(child int, _ string, maxHops *int, first *int) int {
		return supportCost(child, maxHops, first)
	}
	c.Query.Lineage = func(child int, _ string, _ *gqlmodel.Direction, maxDepth *int) int {
		depth := intOr(maxDepth, 6)
		return walkCost(lineageRows, depth) + listCost(child, perHopNodes*depth)
	}
	c.Query.Neighborhood = func(child int, _ string, _ *int, _ []gqlmodel.NodeKind, limit *int, _ *bool) int {
		return listCost(child, intOr(limit, 200))
	}
	c.Query.AuditTrail = func(child int, _ *string, first *int, _ *string) int {
		return listCost(child, intOr(first, 20))
	}
	c.Query.ReviewQueue = func(child int, first *int, _ *string, _ *string, _ []string, _ *float64) int {
		return listCost(child, intOr(first, 50))
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
