// Package storetest gives integration tests a real Neo4j: the one at NEO4J_URI, or a local
// test instance (Bolt 127.0.0.1:7688, data in .data/neo4j-test) that it starts once and
// leaves running for the next test package. A missing database fails the test; it never
// skips it.
package storetest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/policygraph/policygraph/config"
	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/neo4jlocal"
	"github.com/policygraph/policygraph/store"
)

// TestBoltPort is the port of the local test Neo4j (the dev instance uses 7687).
const TestBoltPort = 7688

var (
	once    sync.Once
	shared  *store.Store
	openErr error
)

// RepoRoot returns the repository root (the folder holding go.mod).
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("storetest: go.mod not found above the test's directory")
		}
		dir = parent
	}
}

// Config returns the connection settings tests use.
func Config(t testing.TB) store.Config {
	t.Helper()
	root := RepoRoot(t)
	uri := os.Getenv("NEO4J_URI")
	pw := os.Getenv("NEO4J_PASSWORD")
	if pw == "" {
		pw = config.DefaultPassword
	}
	if uri == "" {
		o := neo4jlocal.Options{
			RepoDir: root, DataDir: filepath.Join(root, ".data", "neo4j-test"), BoltPort: TestBoltPort,
			Password: pw, HeapMB: 1024, PageCacheMB: 256, Logger: slog.Default(),
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		st, err := neo4jlocal.EnsureRunning(ctx, o)
		if err != nil {
			t.Fatalf("storetest: no NEO4J_URI and the local test Neo4j did not start: %v", err)
		}
		uri = st.BoltURI
	}
	db := os.Getenv("NEO4J_DATABASE")
	user := os.Getenv("NEO4J_USER")
	return store.Config{URI: uri, User: user, Password: pw, Database: db}
}

// Open returns a migrated store shared by the tests of this process. It does not reset the
// graph; call Reset for a clean one.
func Open(t testing.TB) *store.Store {
	t.Helper()
	once.Do(func() {
		cfg := Config(t)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		s, err := store.Open(ctx, cfg, slog.Default())
		if err != nil {
			openErr = fmt.Errorf("storetest: %w", err)
			return
		}
		if err := s.Migrate(ctx); err != nil {
			openErr = fmt.Errorf("storetest: migrate: %w", err)
			return
		}
		shared = s
	})
	if openErr != nil {
		t.Fatal(openErr)
	}
	return shared
}

// Reset empties the graph (schema kept).
func Reset(t testing.TB, s *store.Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := s.Wipe(ctx); err != nil {
		t.Fatalf("storetest: reset: %v", err)
	}
}

// SeedChangning resets the graph and ingests the curated bundles under data/.
func SeedChangning(t testing.TB, s *store.Store) ingest.Report {
	t.Helper()
	Reset(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := ingest.Run(ctx, s, []string{filepath.Join(RepoRoot(t), "data")}, ingest.Options{})
	if err != nil {
		t.Fatalf("storetest: ingest data/: %v", err)
	}
	return rep
}
