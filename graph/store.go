package graph

import (
	"context"

	"github.com/policygraph/policygraph/graph/loader"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
)

// Store is what the resolvers read from; *store.Store satisfies it. Every method is a read
// (auto-commit statements, retried on transient failures) and reports failures wrapped around the fault sentinels.
type Store interface {
	loader.Store
	Search(ctx context.Context, text string, kinds []model.Kind, first int, detail store.Detail) ([]store.SearchHit, error)
	ListNodes(ctx context.Context, kind *model.Kind, first int, after string, detail store.Detail) (store.NodePage, error)
	PoliciesSupporting(ctx context.Context, enterpriseID string, maxHops, first int, detail store.Detail) ([]store.SupportPath, error)
	EnterprisesSupportedBy(ctx context.Context, policyID string, maxHops, first int, detail store.Detail) ([]store.SupportPath, error)
	Lineage(ctx context.Context, id string, dir store.Direction, maxDepth int, detail store.Detail) (store.Subgraph, error)
	Neighborhood(ctx context.Context, id string, depth int, kinds []model.Kind, limit int, detail store.Detail) (store.Subgraph, error)
	ShortestPath(ctx context.Context, fromID, toID string, maxHops int, detail store.Detail) (*store.Subgraph, error)
	Stats(ctx context.Context) (store.Stats, error)
	// NodeWithRetracted and NeighborhoodWithRetracted serve includeRetracted: true.
	NodeWithRetracted(ctx context.Context, id string) (*store.Node, error)
	NeighborhoodWithRetracted(ctx context.Context, id string, depth int, kinds []model.Kind, limit int) (store.Subgraph, error)
	// MatchCandidates, MeasurePolicies and EnterpriseFacts serve matchPolicies (conditions.go).
	MatchCandidates(ctx context.Context) ([]store.MatchCandidate, error)
	MeasurePolicies(ctx context.Context, ids []string) (map[string]store.MeasurePolicy, error)
	EnterpriseFacts(ctx context.Context, id string) (*store.EnterpriseFacts, error)
}

var _ Store = (*store.Store)(nil)
