package store_test

import (
	"testing"

	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/storetest"
)

// TestListNodesPages walks every page of each kind (and of all entities) at several page
// sizes and both details: each node once, in id order, the same total on every page,
// including an empty page asked for past the last node.
func TestListNodesPages(t *testing.T) {
	s := storetest.Open(t)
	storetest.Reset(t, s)
	storetest.SeedChangning(t, s)
	ctx := t.Context()
	enterprise, policy := model.KindEnterprise, model.KindPolicy
	for _, c := range []struct {
		name string
		kind *model.Kind
	}{{"all", nil}, {"enterprise", &enterprise}, {"policy", &policy}} {
		for _, first := range []int{1, 7, 500} {
			for _, detail := range []store.Detail{store.Outline, store.Full} {
				var seen []string
				after, total, pages := "", int64(-1), 0
				for {
					page, err := s.ListNodes(ctx, c.kind, first, after, detail)
					if err != nil {
						t.Fatalf("%s first=%d page %d: %v", c.name, first, pages, err)
					}
					pages++
					if total == -1 {
						total = page.TotalCount
					} else if page.TotalCount != total {
						t.Fatalf("%s first=%d page %d: total %d, first page said %d", c.name, first, pages, page.TotalCount, total)
					}
					if page.HasPrevious != (after != "") || len(page.Nodes) > first {
						t.Fatalf("%s first=%d page %d: hasPrevious %v, %d nodes", c.name, first, pages, page.HasPrevious, len(page.Nodes))
					}
					for _, n := range page.Nodes {
						if len(seen) > 0 && n.ID <= seen[len(seen)-1] {
							t.Fatalf("%s first=%d: %q after %q: not in id order", c.name, first, n.ID, seen[len(seen)-1])
						}
						if c.kind != nil && n.Kind != *c.kind {
							t.Fatalf("%s: %q is a %s", c.name, n.ID, n.Kind)
						}
						seen = append(seen, n.ID)
					}
					if !page.HasNext {
						break
					}
					after = store.Cursor(page.Nodes[len(page.Nodes)-1].ID)
				}
				if total <= 0 || int64(len(seen)) != total {
					t.Fatalf("%s first=%d: %d nodes over %d pages, total %d", c.name, first, len(seen), pages, total)
				}
				// Past the last node: an empty page that still tells the total.
				past, err := s.ListNodes(ctx, c.kind, first, store.Cursor(seen[len(seen)-1]), detail)
				if err != nil || len(past.Nodes) != 0 || past.HasNext || !past.HasPrevious || past.TotalCount != total {
					t.Fatalf("%s first=%d past the end: %+v, %v; want no nodes and total %d", c.name, first, past, err, total)
				}
			}
		}
	}
}
