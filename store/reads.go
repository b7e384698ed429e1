package store

import (
	"context"
	"errors"

	"github.com/policygraph/policygraph/model"
)

var errTODO = errors.New("store: read not implemented yet")

// NodesByIDs returns the entities with the given ids, keyed by id; missing ids are absent.
// One round trip whatever the number of ids (the dataloaders batch into it).
func (s *Store) NodesByIDs(ctx context.Context, ids []string) (map[string]Node, error) {
	return nil, errTODO
}

// Search finds entities whose name or aliases match text (full-text, cjk analyzer; exact
// name and alias matches rank first; substrings such as 西井 find 西井科技).
func (s *Store) Search(ctx context.Context, text string, kinds []model.Kind, first int) ([]SearchHit, error) {
	return nil, errTODO
}

// ListNodes pages through entities of one kind (or all) in id order; after is an opaque
// cursor from a previous page ("" for the first page).
func (s *Store) ListNodes(ctx context.Context, kind *model.Kind, first int, after string) (NodePage, error) {
	return NodePage{}, errTODO
}

// PoliciesSupporting returns one SupportPath per policy that supports the enterprise within
// maxHops, shortest first.
func (s *Store) PoliciesSupporting(ctx context.Context, enterpriseID string, maxHops int) ([]SupportPath, error) {
	return nil, errTODO
}

// EnterprisesSupportedBy returns one SupportPath per enterprise the policy supports within
// maxHops, shortest first.
func (s *Store) EnterprisesSupportedBy(ctx context.Context, policyID string, maxHops int) ([]SupportPath, error) {
	return nil, errTODO
}

// Lineage walks model.LineageTypes from id up to maxDepth in the given direction.
func (s *Store) Lineage(ctx context.Context, id string, dir Direction, maxDepth int) (Subgraph, error) {
	return Subgraph{}, errTODO
}

// Neighborhood returns the subgraph within depth hops of id, at most limit nodes, keeping
// only the given kinds (besides the root) when kinds is not empty.
func (s *Store) Neighborhood(ctx context.Context, id string, depth int, kinds []model.Kind, limit int) (Subgraph, error) {
	return Subgraph{}, errTODO
}

// ShortestPath returns a shortest path between two entities of at most maxHops, or nil.
func (s *Store) ShortestPath(ctx context.Context, fromID, toID string, maxHops int) (*Subgraph, error) {
	return nil, errTODO
}

// Stats counts nodes by kind and relationships by type.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	return Stats{}, errTODO
}

// EdgesOf returns, for each id, one page of its relationships matching f. One round trip
// for all ids (relationship fields of a list of nodes batch into it).
func (s *Store) EdgesOf(ctx context.Context, ids []string, f EdgeFilter) (map[string]EdgePage, error) {
	return nil, errTODO
}

// QuantitiesOf returns the typed figures about each entity, keyed by entity id, with
// provenance. One round trip for all ids.
func (s *Store) QuantitiesOf(ctx context.Context, ids []string) (map[string][]QuantityRecord, error) {
	return nil, errTODO
}

// QuantityRecord is a stored figure with its provenance.
type QuantityRecord struct {
	model.Quantity
	Sources []model.Provenance
}
