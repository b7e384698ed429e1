package store

import (
	"context"
	"fmt"
	"sync"

	"github.com/policygraph/policygraph/fault"
)

// Walk slots. A support walk or a lineage walk may touch tens of thousands of rows
// (graph/complexity.go has the figures), so the store runs at most Config.MaxWalks of them
// at once (STORE_MAX_WALKS), and at most Config.MaxWalksPerClient of those for one client
// (the token's subject, else the caller's address: WithClient). A client already running
// its share is refused at once with fault.ErrRateLimited rather than queued: one client
// flooding walks then holds at most its share of the slots, and every other client's walk
// waits only for the rest. A walk waits for a free shared slot within its request's
// deadline.

type clientKey struct{}

// WithClient returns ctx naming the client its walks are counted against (a token's
// subject or a network address); an unnamed client shares the key "".
func WithClient(ctx context.Context, client string) context.Context {
	return context.WithValue(ctx, clientKey{}, client)
}

// ClientFrom returns the client named by WithClient, or "".
func ClientFrom(ctx context.Context) string {
	c, _ := ctx.Value(clientKey{}).(string)
	return c
}

// walkSlots is the shared semaphore and the count of walks each client runs.
type walkSlots struct {
	shared    chan struct{}
	perClient int

	mu      sync.Mutex
	running map[string]int
}

func newWalkSlots(total, perClient int) *walkSlots {
	return &walkSlots{shared: make(chan struct{}, total), perClient: perClient, running: map[string]int{}}
}

// acquire takes one of the client's slots and one shared slot, waiting for the latter until
// ctx ends; release gives both back. It fails with fault.ErrRateLimited when the client
// already runs its share, and with fault.ErrTimeout when ctx ends while it waits.
func (w *walkSlots) acquire(ctx context.Context, what string) (release func(), err error) {
	client := ClientFrom(ctx)
	w.mu.Lock()
	if n := w.running[client]; n >= w.perClient {
		w.mu.Unlock()
		return nil, fmt.Errorf("%s: this client already runs %d walks, its share of %d (STORE_MAX_WALKS_PER_CLIENT); wait for one to finish: %w",
			what, n, cap(w.shared), fault.ErrRateLimited)
	}
	w.running[client]++
	w.mu.Unlock()
	drop := func() {
		w.mu.Lock()
		if w.running[client]--; w.running[client] <= 0 {
			delete(w.running, client)
		}
		w.mu.Unlock()
	}
	select {
	case w.shared <- struct{}{}:
		return func() { <-w.shared; drop() }, nil
	case <-ctx.Done():
		drop()
		return nil, fmt.Errorf("%s: waiting for a walk slot: %w", what, fault.ErrTimeout)
	}
}
