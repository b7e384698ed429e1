package store

import (
	"context"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestTimeoutsNeverOpenTheBreaker: the connectivity error the driver reports when a request's
// deadline cuts a read short does not open the circuit; only one on a live context does.
func TestTimeoutsNeverOpenTheBreaker(t *testing.T) {
	lost := &neo4j.ConnectivityError{Inner: context.DeadlineExceeded}
	if !lostConnection(lost) {
		t.Fatal("the test's error is not a lost connection")
	}
	s := &Store{}
	for name, ctx := range map[string]context.Context{
		"deadline": func() context.Context {
			c, cancel := context.WithTimeout(context.Background(), 0)
			t.Cleanup(cancel)
			return c
		}(),
		"cancelled": func() context.Context {
			c, cancel := context.WithCancel(context.Background())
			cancel()
			return c
		}(),
	} {
		s.observe(ctx, lost)
		if s.cb.open.Load() {
			t.Errorf("%s: the circuit opened", name)
		}
	}
}
