package store_test

import (
	"context"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/storetest"
)

// BenchmarkReadModes measures one read, the node query, sent four ways side by side on the
// Changning graph: "executeRead" is a managed read transaction (BEGIN waited for, RUN+PULL,
// COMMIT: the store's reads until auto-commit), "executeQuery" is neo4j.ExecuteQuery (BEGIN
// pipelined with RUN: two round trips), "autoCommit" is one auto-commit statement (one
// round trip) and "store" is store.NodesByIDs, which sends it auto-commit with the store's
// accounting, breaker and retries. Read the ratios against executeRead:
//
//	go test ./store -run '^$' -bench ReadModes -benchtime 2s -count 5
func BenchmarkReadModes(b *testing.B) {
	s, drv := seededWithDriver(b, "")
	ctx := context.Background()
	var cypher string
	for _, q := range store.Queries() {
		if q.Name == "nodesByIDs" {
			cypher = q.Cypher
		}
	}
	ids := []string{"enterprise:西井科技"}
	params := map[string]any{"ids": ids}
	session := func() neo4j.SessionWithContext {
		return drv.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.Database(), AccessMode: neo4j.AccessModeRead})
	}
	modes := []struct {
		name string
		read func() (int, error)
	}{
		{"executeRead", func() (int, error) {
			sess := session()
			defer sess.Close(ctx)
			recs, err := neo4j.ExecuteRead(ctx, sess, func(tx neo4j.ManagedTransaction) ([]*neo4j.Record, error) {
				res, err := tx.Run(ctx, cypher, params)
				if err != nil {
					return nil, err
				}
				return res.Collect(ctx)
			})
			return len(recs), err
		}},
		{"executeQuery", func() (int, error) {
			res, err := neo4j.ExecuteQuery(ctx, drv, cypher, params, neo4j.EagerResultTransformer,
				neo4j.ExecuteQueryWithDatabase(s.Database()), neo4j.ExecuteQueryWithReadersRouting())
			if err != nil {
				return 0, err
			}
			return len(res.Records), nil
		}},
		{"autoCommit", func() (int, error) {
			sess := session()
			defer sess.Close(ctx)
			res, err := sess.Run(ctx, cypher, params)
			if err != nil {
				return 0, err
			}
			recs, err := res.Collect(ctx)
			return len(recs), err
		}},
		{"store", func() (int, error) {
			m, err := s.NodesByIDs(ctx, ids)
			return len(m), err
		}},
		{"storeDeadline", func() (int, error) {
			dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			m, err := s.NodesByIDs(dctx, ids)
			return len(m), err
		}},
	}
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				n, err := m.read()
				if err != nil || n != 1 {
					b.Fatalf("%d records, %v", n, err)
				}
			}
		})
		b.Run(m.name+"-c8", func(b *testing.B) {
			b.SetParallelism(8 / runtime.GOMAXPROCS(0)) // 8 readers at once
			defer reportClientCPU(b)()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n, err := m.read()
					if err != nil || n != 1 {
						b.Errorf("%d records, %v", n, err)
						return
					}
				}
			})
		})
	}
}

// reportClientCPU reports the CPU time this process (the client: store and driver) spent
// per operation from the call to the call of the function it returns, apart from Neo4j's.
func reportClientCPU(b *testing.B) func() {
	before := processCPU()
	return func() { b.ReportMetric(float64(processCPU()-before)/float64(b.N), "client-cpu-ns/op") }
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestReadsRetryDeadConnections kills every Bolt connection to the server under the store's
// pool, then reads: the first statement of each read meets a dead pooled connection, and the
// store must retry it on a fresh one rather than fail the request (what ExecuteRead's retries
// did before reads became auto-commit).
func TestReadsRetryDeadConnections(t *testing.T) {
	const adminAgent = "policygraph-test-admin" // the killer spares its own connection
	s, admin := seededWithDriver(t, adminAgent)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const ent, pol = "enterprise:西井科技", "policy:长宁区鼓励科技创新的实施办法"
	reads := []struct {
		name string
		read func() error
	}{
		{"one statement", func() error { _, err := s.NodesByIDs(ctx, []string{ent}); return err }},
		{"walk", func() error { _, err := s.Lineage(ctx, pol, store.Downstream, 6, store.Outline); return err }},
		{"support walk", func() error {
			_, err := s.PoliciesSupporting(ctx, ent, 3, store.MaxPage, store.Outline)
			return err
		}},
	}
	for _, r := range reads {
		t.Run(r.name, func(t *testing.T) {
			// Fill the pool: several reads at once leave several idle connections.
			var wg sync.WaitGroup
			for range 4 {
				wg.Add(1)
				go func() { defer wg.Done(); _ = r.read() }()
			}
			wg.Wait()
			res, err := neo4j.ExecuteQuery(ctx, admin, `CALL dbms.listConnections() YIELD connectionId, connector, userAgent
				WHERE connector = 'bolt' AND userAgent <> $admin WITH collect(connectionId) AS ids
				CALL dbms.killConnections(ids) YIELD connectionId RETURN count(connectionId) AS killed`,
				map[string]any{"admin": adminAgent}, neo4j.EagerResultTransformer)
			if err != nil {
				t.Fatalf("killing connections: %v", err)
			}
			killed, _ := res.Records[0].Get("killed")
			if killed.(int64) < 2 {
				t.Fatalf("killed %v connections, want the store's too", killed)
			}
			for i := range 3 {
				if err := r.read(); err != nil {
					t.Fatalf("read %d after the connections died: %v", i, err)
				}
			}
		})
	}
}

// seededWithDriver returns the store on a freshly seeded Changning graph and a driver of the
// test's own on the same database (closed at the end of the test), announcing userAgent
// when it is not empty.
func seededWithDriver(t testing.TB, userAgent string) (*store.Store, neo4j.DriverWithContext) {
	t.Helper()
	s := storetest.Open(t)
	storetest.Reset(t, s)
	storetest.SeedChangning(t, s)
	cfg := storetest.Config(t)
	user := cfg.User
	if user == "" {
		user = "neo4j"
	}
	drv, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(user, cfg.Password, ""), func(c *config.Config) {
		if userAgent != "" {
			c.UserAgent = userAgent
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = drv.Close(context.Background()) })
	return s, drv
}
