package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/policygraph/policygraph/storetest"
)

// TestSoak is the short soak `make test` runs: 20 seconds (SOAK_DURATION overrides) of mixed
// queries and curation writes at concurrency 16 against the built binary on the seeded
// Changning graph. It fails on any 5xx, INTERNAL or transport error and on goroutines left
// behind once the load stops; results go to test-output/soak/.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak skipped with -short")
	}
	d := 20 * time.Second
	if v := os.Getenv("SOAK_DURATION"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatalf("SOAK_DURATION: %v", err)
		}
	}
	s := storetest.Open(t)
	storetest.SeedChangning(t, s)
	t.Cleanup(func() { storetest.SeedChangning(t, s) }) // the soak's writes are not left behind
	cfg := storetest.Config(t)
	root := storetest.RepoRoot(t)
	bin := filepath.Join(t.TempDir(), "policygraph")
	if err := build(root, bin); err != nil {
		t.Fatal(err)
	}
	addr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "test-output", "soak")
	rep, err := Run(context.Background(), Config{Binary: bin, NeoURI: cfg.URI, NeoPassword: cfg.Password, Addr: addr,
		Duration: d, Concurrency: 16, WriteShare: 0.1, Sample: time.Second, OutDir: out, Log: t.Output()})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d requests (%.0f/s, %d writes), statuses %v, codes %v; RSS %.1f → %.1f MB (max %.1f); goroutines %d → %d",
		rep.Requests, rep.RPS, rep.Writes, rep.ByStatus, rep.ByCode, rep.RSSStartMB, rep.RSSEndMB, rep.RSSMaxMB,
		rep.GoroutinesBefore, rep.GoroutinesAfter)
	if rep.ServerErrors > 0 || rep.Internal > 0 || rep.Transport > 0 {
		t.Errorf("%d 5xx, %d INTERNAL, %d transport errors", rep.ServerErrors, rep.Internal, rep.Transport)
	}
	if rep.Requests < 100 {
		t.Errorf("only %d requests in %s", rep.Requests, d)
	}
	if rep.GoroutinesAfter > rep.GoroutinesBefore+5 {
		t.Errorf("goroutines %d before the load, %d after it: a leak", rep.GoroutinesBefore, rep.GoroutinesAfter)
	}
	if rep.RSSMaxMB > 1024 {
		t.Errorf("RSS reached %.0f MB", rep.RSSMaxMB)
	}
}
