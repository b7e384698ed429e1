// Package loader batches the per-field reads of one GraphQL request into a bounded number
// of store round trips. A Loaders value lives for one request: Middleware builds it and
// resolvers reach it with For(ctx). Every Load made while a batch window is open (Wait,
// a few milliseconds) is answered by one store call: NodesByIDs for nodes, QuantitiesOf for
// figures, and one EdgesOf per distinct relationship filter. A nested query over N nodes
// therefore costs a number of round trips set by its shape, not by N.
package loader

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/policygraph/policygraph/store"
)

// Store is what the loaders read; *store.Store satisfies it. Each method must answer all
// ids in one round trip.
type Store interface {
	NodesByIDs(ctx context.Context, ids []string) (map[string]store.Node, error)
	EdgesOf(ctx context.Context, ids []string, f store.EdgeFilter) (map[string]store.EdgePage, error)
	QuantitiesOf(ctx context.Context, ids []string) (map[string][]store.QuantityRecord, error)
	// QuantitiesWithRetractedOf also returns retracted figures (quantities(includeRetracted)).
	QuantitiesWithRetractedOf(ctx context.Context, ids []string) (map[string][]store.QuantityRecord, error)
	// ConditionsOf serves Node.conditions (conditions.go).
	ConditionsOf(ctx context.Context, ids []string) (map[string][]store.ConditionRecord, error)
}

// DefaultWait is how long a batch stays open for more keys before it is sent.
const DefaultWait = 2 * time.Millisecond

// MaxBatch bounds the keys of one store call; a larger batch is split.
const MaxBatch = 1000

// Loaders are the dataloaders of one request. They cache what they loaded for the
// request's lifetime and are safe for concurrent use.
type Loaders struct {
	store Store
	opts  []dataloadgen.Option

	nodes      *dataloadgen.Loader[string, *store.Node]
	quantities *dataloadgen.Loader[string, []store.QuantityRecord]
	allQtys    *dataloadgen.Loader[string, []store.QuantityRecord] // retracted ones too
	conditions *dataloadgen.Loader[string, []store.ConditionRecord]

	mu    sync.Mutex
	edges map[string]*dataloadgen.Loader[string, store.EdgePage] // by canonical filter
}

// New returns fresh loaders over s. wait <= 0 means DefaultWait.
func New(s Store, wait time.Duration) *Loaders {
	if wait <= 0 {
		wait = DefaultWait
	}
	l := &Loaders{
		store: s,
		opts:  []dataloadgen.Option{dataloadgen.WithWait(wait), dataloadgen.WithBatchCapacity(MaxBatch)},
		edges: map[string]*dataloadgen.Loader[string, store.EdgePage]{},
	}
	l.nodes = dataloadgen.NewLoader(l.fetchNodes, l.opts...)
	l.quantities = dataloadgen.NewLoader(l.fetchQuantities, l.opts...)
	l.allQtys = dataloadgen.NewLoader(l.fetchAllQuantities, l.opts...)
	l.conditions = dataloadgen.NewLoader(l.fetchConditions, l.opts...)
	return l
}

type ctxKey struct{}

// With returns ctx carrying l.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// For returns the request's loaders. It panics when Middleware (or With) was not applied:
// that is a wiring bug, and the GraphQL recover func reports it as an internal error.
func For(ctx context.Context) *Loaders {
	l, ok := ctx.Value(ctxKey{}).(*Loaders)
	if !ok {
		panic("loader: no loaders in context; wrap the GraphQL handler with loader.Middleware")
	}
	return l
}

// Middleware gives every request its own loaders over s.
func Middleware(s Store, wait time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(With(r.Context(), New(s, wait))))
	})
}

// Node returns the entity with id, or nil when there is none.
func (l *Loaders) Node(ctx context.Context, id string) (*store.Node, error) {
	return l.nodes.Load(ctx, id)
}

// Nodes returns the entities with the given ids in order, nil where there is none.
func (l *Loaders) Nodes(ctx context.Context, ids []string) ([]*store.Node, error) {
	return l.nodes.LoadAll(ctx, ids)
}

// PrimeNode records a node read by another query so that a later Node(n.ID) costs nothing.
func (l *Loaders) PrimeNode(n store.Node) {
	l.nodes.Prime(n.ID, &n)
}

// Quantities returns the figures about entity id (none: an empty slice); with
// includeRetracted the retracted ones too, flagged.
func (l *Loaders) Quantities(ctx context.Context, id string, includeRetracted bool) ([]store.QuantityRecord, error) {
	if includeRetracted {
		return l.allQtys.Load(ctx, id)
	}
	return l.quantities.Load(ctx, id)
}

// Edges returns one page of id's relationships matching f. Loads with equal filters batch
// into one EdgesOf call.
func (l *Loaders) Edges(ctx context.Context, id string, f store.EdgeFilter) (store.EdgePage, error) {
	return l.edgeLoader(f).Load(ctx, id)
}

func (l *Loaders) edgeLoader(f store.EdgeFilter) *dataloadgen.Loader[string, store.EdgePage] {
	key := filterKey(f)
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.edges[key]; ok {
		return el
	}
	el := dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]store.EdgePage, []error) {
		pages, err := l.store.EdgesOf(ctx, ids, f)
		if err != nil {
			return nil, []error{err}
		}
		out := make([]store.EdgePage, len(ids))
		for i, id := range ids {
			out[i] = pages[id] // absent: an empty page
		}
		return out, nil
	}, l.opts...)
	l.edges[key] = el
	return el
}

// filterKey is a canonical text of f: equal filters give equal keys.
func filterKey(f store.EdgeFilter) string {
	b, err := json.Marshal(f)
	if err != nil { // EdgeFilter holds only strings, numbers and slices of them
		panic("loader: cannot encode edge filter: " + err.Error())
	}
	return string(b)
}

func (l *Loaders) fetchNodes(ctx context.Context, ids []string) ([]*store.Node, []error) {
	found, err := l.store.NodesByIDs(ctx, ids)
	if err != nil {
		return nil, []error{err}
	}
	out := make([]*store.Node, len(ids))
	for i, id := range ids {
		if n, ok := found[id]; ok {
			out[i] = &n
		}
	}
	return out, nil
}

func (l *Loaders) fetchQuantities(ctx context.Context, ids []string) ([][]store.QuantityRecord, []error) {
	return l.fetchQuantitiesWith(ctx, ids, l.store.QuantitiesOf)
}

func (l *Loaders) fetchAllQuantities(ctx context.Context, ids []string) ([][]store.QuantityRecord, []error) {
	return l.fetchQuantitiesWith(ctx, ids, l.store.QuantitiesWithRetractedOf)
}

func (l *Loaders) fetchQuantitiesWith(ctx context.Context, ids []string, fetch func(context.Context, []string) (map[string][]store.QuantityRecord, error)) ([][]store.QuantityRecord, []error) {
	found, err := fetch(ctx, ids)
	if err != nil {
		return nil, []error{err}
	}
	out := make([][]store.QuantityRecord, len(ids))
	for i, id := range ids {
		out[i] = found[id]
	}
	return out, nil
}
