package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/storetest"
)

// labelScanOK lists queries whose label scans are intended: a walk to "any policy" or "any
// enterprise" has no property to seek on, and count-store reads are not scans.
var labelScanOK = map[string]bool{}

// mustUse names operators some plans must contain: the support walk's hops are index seeks
// and plain directed expansions (no shortest-path search), its fetch seeks edges by element
// id. They also prove the plan walk reaches the left side of Apply and CartesianProduct.
var mustUse = map[string][]string{
	"supportDown":            {"NodeUniqueIndexSeek", "Expand(All)", "Union"},
	"supportUp":              {"NodeUniqueIndexSeek", "Expand(All)", "Union"},
	"supportFetch":           {"NodeUniqueIndexSeek", "DirectedRelationshipByElementIdSeek", "CartesianProduct"},
	"lineageStep_upstream":   {"NodeUniqueIndexSeek", "Expand(All)", "Union"},
	"lineageStep_downstream": {"NodeUniqueIndexSeek", "Expand(All)", "Union"},
	"lineageStep_both":       {"NodeUniqueIndexSeek", "Expand(All)", "Union"},
	"lineageFetch_outline":   {"NodeUniqueIndexSeek", "DirectedRelationshipByElementIdSeek"},
	"shortestPath_6":         {"NodeUniqueIndexSeek", "ShortestPath"},
}

// mustNotUse names operators a plan must not contain.
var mustNotUse = map[string][]string{
	"supportDown":            {"StatefulShortestPath", "VarLengthExpand"},
	"supportUp":              {"StatefulShortestPath", "VarLengthExpand"},
	"lineageStep_upstream":   {"VarLengthExpand", "StatefulShortestPath"},
	"lineageStep_downstream": {"VarLengthExpand", "StatefulShortestPath"},
	"lineageStep_both":       {"VarLengthExpand", "StatefulShortestPath"},
	"shortestPath_6":         {"StatefulShortestPath"},
}

// TestQueryPlans EXPLAINs every named query on the seeded Changning graph and fails on
// plans that scan all nodes, or scan a label where an index seek is possible.
func TestQueryPlans(t *testing.T) {
	s := storetest.Open(t)
	storetest.SeedChangning(t, s)
	ctx := context.Background()
	// Plan against the seeded graph's statistics, not plans cached while it was empty.
	if err := s.ClearQueryCaches(ctx); err != nil {
		t.Fatal(err)
	}
	qs := store.Queries()
	if len(qs) < 40 {
		t.Fatalf("only %d named queries registered", len(qs))
	}
	for _, q := range qs {
		if q.Name == "wipe" || q.Name == "clearQueryCaches" {
			continue // deletes everything by design
		}
		ops, err := s.Explain(ctx, q)
		if err != nil {
			t.Errorf("%s: %v", q.Name, err)
			continue
		}
		plan := strings.Join(ops, " ")
		if strings.Contains(plan, "AllNodesScan") {
			t.Errorf("%s scans all nodes: %s", q.Name, plan)
		}
		if strings.Contains(plan, "NodeByLabelScan") && !labelScanOK[q.Name] {
			t.Errorf("%s scans a label: %s", q.Name, plan)
		}
		for _, op := range mustUse[q.Name] {
			if !strings.Contains(plan, op+"@") {
				t.Errorf("%s does not use %s: %s", q.Name, op, plan)
			}
		}
		for _, op := range mustNotUse[q.Name] {
			if strings.Contains(plan, op) {
				t.Errorf("%s uses %s: %s", q.Name, op, plan)
			}
		}
	}
}
