package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/storetest"
)

// TestOneClientCannotTakeEveryWalkSlot: a client holding its share of the walk slots
// (STORE_MAX_WALKS_PER_CLIENT, half of STORE_MAX_WALKS by default) has its next walk refused
// at once with RATE_LIMITED, while another client's walk runs on a slot left free and
// answers. Anonymous callers are keyed by address, so a second address is a bystander too.
func TestOneClientCannotTakeEveryWalkSlot(t *testing.T) {
	s := storetest.Open(t)
	storetest.SeedChangning(t, s)
	flooder := store.WithClient(context.Background(), "sub:flooder")
	var held []func()
	defer func() {
		for _, r := range held {
			r()
		}
	}()
	for {
		ctx, cancel := context.WithTimeout(flooder, 2*time.Second)
		release, err := store.AcquireWalkSlot(ctx, s)
		cancel()
		if err != nil {
			if !errors.Is(err, fault.ErrRateLimited) {
				t.Fatalf("the flooder's walk past its share: %v, want fault.ErrRateLimited", err)
			}
			break
		}
		held = append(held, release)
		if len(held) > 1024 {
			t.Fatal("one client took more than 1024 walk slots")
		}
	}
	if len(held) != 2 { // default share of the default 4 slots
		t.Errorf("the flooder holds %d slots, want 2 of 4", len(held))
	}
	for _, c := range []struct{ name, client string }{
		{"the flooder's next real walk", "sub:flooder"},
		{"a bystander", "ip:192.0.2.7"},
		{"another bystander", "sub:someone"},
	} {
		ctx, cancel := context.WithTimeout(store.WithClient(context.Background(), c.client), 30*time.Second)
		paths, err := s.PoliciesSupporting(ctx, "enterprise:西井科技", 3, 10, store.Outline)
		cancel()
		switch {
		case c.client == "sub:flooder":
			if !errors.Is(err, fault.ErrRateLimited) {
				t.Errorf("%s: %v, want fault.ErrRateLimited", c.name, err)
			}
		case err != nil:
			t.Errorf("%s while the flooder holds its share: %v", c.name, err)
		case len(paths) == 0:
			t.Errorf("%s: no paths", c.name)
		}
	}
	// Released slots are the client's again.
	held[0]()
	held = held[1:]
	ctx, cancel := context.WithTimeout(flooder, 30*time.Second)
	defer cancel()
	if _, err := s.PoliciesSupporting(ctx, "enterprise:西井科技", 3, 10, store.Outline); err != nil {
		t.Errorf("the flooder after one of its walks ended: %v", err)
	}
}
