package bench_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/policygraph/policygraph/bench"
)

// TestSuiteSmoke runs the whole benchmark once on the tiny corpus — generator, the three
// loaders, the batch sweep, every query shape against every target twice (Repeat), the
// report and the plots — so that the benchmark code cannot rot. It asserts that everything
// answered, never how fast. It starts its own Neo4j (port 7791, a temporary folder); the
// @neo4j/graphql target is included when `npm ci` has been run in bench/neo4j-graphql.
func TestSuiteSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Neo4j of its own; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	work := t.TempDir()
	s := &bench.Suite{
		Scale: "tiny", Seed: 3, Work: work, Out: testWriter{t},
		Port: 7791, HeapMB: 512, PageCacheMB: 256,
		Batch: 1000, FloorBatch: 5000, NaiveMaxTime: 3 * time.Second,
		Sweep: []int{200}, SweepBundles: 5,
		Concurrency: []int{2}, Duration: 300 * time.Millisecond, MaxRequests: 10, Repeat: 2,
		APIPort: 18091, NodeDir: "neo4j-graphql", NodePort: 18092, HTTPFloorPort: 18093, Wipe: true,
	}
	res, err := s.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Loads) != 3 || len(res.Sweep) != 1 {
		t.Fatalf("want 3 loads and 1 sweep point, got %d and %d", len(res.Loads), len(res.Sweep))
	}
	full := res.Loads[1].Rows()
	for _, l := range res.Loads {
		if l.Rows() == 0 {
			t.Errorf("loader %s wrote nothing", l.Loader)
		}
	}
	if pg := res.Loads[2]; pg.Rows() != full {
		t.Errorf("policygraph's ingest made %d rows, the floor %d", pg.Rows(), full)
	}
	targets := map[string]bool{}
	reps := map[string]int{} // measurements per target and shape
	for _, q := range res.Queries {
		targets[q.Target] = true
		reps[q.Target+" "+string(q.Shape)]++
		if q.Errors > 0 || q.Requests == 0 {
			t.Errorf("%s %s: %d requests, %d errors: %s", q.Target, q.Shape, q.Requests, q.Errors, q.FirstError)
		}
	}
	if !targets["policygraph"] || !targets["floor"] || !targets["http-floor"] {
		t.Errorf("targets measured: %v", targets)
	}
	for k, n := range reps {
		if n != 2 {
			t.Errorf("%s measured %d times, want 2 (Repeat)", k, n)
		}
	}
	for _, f := range []string{"results.json", "results.md", "throughput-c2.png", "p99-c2.png"} {
		if _, err := os.Stat(filepath.Join(work, "results-tiny", f)); err != nil {
			t.Error(err)
		}
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
