// Package bench measures policygraph against its baselines, side by side on one Neo4j:
//
//   - ingest: policygraph's ingest (ingest.Run, one transaction per document, UNWIND batches
//     of store.BatchSize) against a naive loader (one transaction per record, MERGE) and the
//     floor (UNWIND $rows CREATE in large batches, no MERGE), on a corpus from package gen;
//   - queries: a load generator replaying the contract queries (search, node with sources,
//     a nodes page, policiesSupporting, enterprisesSupportedBy, lineage, neighborhood depth 2,
//     shortestPath) with randomised ids at several concurrencies against policygraph's
//     GraphQL API, @neo4j/graphql v7 behind Apollo Server (bench/neo4j-graphql), and the
//     floor: the store's own Cypher sent through the Go driver, no HTTP.
//
// The naive and floor loaders and the floor query target are the only Cypher outside
// package store: they are the baselines policygraph is measured against, so they must not
// go through it. The floor query target takes its Cypher from store.Queries, so it runs
// exactly what the API runs.
//
// The benchmark runs its own Neo4j (neo4jlocal, port 7790 by default, its own data folder),
// never the dev (7687) or test (7688) instances, and sends traffic to loopback only; every
// load loop is bounded in time and in count.
package bench

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/policygraph/policygraph/neo4jlocal"
	"github.com/policygraph/policygraph/store"
)

// Password is the neo4j password of the benchmark database (local, loopback only).
const Password = "policygraph-bench"

// DB is the benchmark's own Neo4j: a neo4jlocal launcher on its own port and data folder.
type DB struct {
	Opts neo4jlocal.Options
	proc *neo4jlocal.Process
	log  *slog.Logger
}

// NewDB describes the benchmark Neo4j; nothing is started.
func NewDB(dataDir string, port, heapMB, pageCacheMB int, log *slog.Logger) *DB {
	if log == nil {
		log = slog.Default()
	}
	return &DB{log: log, Opts: neo4jlocal.Options{
		DataDir: dataDir, BoltPort: port, Password: Password, HeapMB: heapMB, PageCacheMB: pageCacheMB,
		StartTimeout: 5 * time.Minute, Logger: log,
	}}
}

// URI is the Bolt address of the benchmark Neo4j.
func (d *DB) URI() string { return d.Opts.BoltURI() }

// StoreConfig is how policygraph's store reaches the benchmark Neo4j.
func (d *DB) StoreConfig() store.Config {
	return store.Config{URI: d.URI(), User: "neo4j", Password: Password, MaxRetryTime: 30 * time.Second, ConnectTimeout: 10 * time.Second}
}

// Fresh stops the database if this DB started it, deletes its store and starts it again
// empty, then applies policygraph's schema (the same constraints and indexes for every
// loader). A fresh store is faster and cleaner than deleting millions of nodes.
func (d *DB) Fresh(ctx context.Context) error {
	if err := d.Stop(ctx); err != nil {
		return err
	}
	if st, err := neo4jlocal.Status(d.Opts); err == nil && st.Running {
		return fmt.Errorf("bench: a neo4j already runs on %s (pid %d), not started by this run; stop it first", d.Opts.DataDir, st.PID)
	}
	if err := os.RemoveAll(filepath.Join(d.Opts.DataDir, "data")); err != nil {
		return err
	}
	if err := os.MkdirAll(d.Opts.DataDir, 0o755); err != nil {
		return err
	}
	if err := d.Start(ctx); err != nil {
		return err
	}
	s, err := store.Open(ctx, d.StoreConfig(), d.log)
	if err != nil {
		return err
	}
	defer s.Close(context.Background())
	return s.Migrate(ctx)
}

// Empty deletes every node and relationship (store.Wipe) and keeps the schema; it starts
// the database first if this DB has not. Cheaper than Fresh for small graphs (tests).
func (d *DB) Empty(ctx context.Context) error {
	if d.proc == nil {
		return d.Fresh(ctx)
	}
	s, err := store.Open(ctx, d.StoreConfig(), d.log)
	if err != nil {
		return err
	}
	defer s.Close(context.Background())
	return s.Wipe(ctx)
}

// Start starts the database on the existing store (Fresh empties it first).
func (d *DB) Start(ctx context.Context) error {
	start := time.Now()
	p, err := neo4jlocal.Start(ctx, d.Opts, false)
	if err != nil {
		return fmt.Errorf("bench: start neo4j: %w", err)
	}
	d.proc = p
	d.log.InfoContext(ctx, "bench neo4j ready", "uri", d.URI(), "after", time.Since(start).Round(time.Millisecond))
	return nil
}

// Stop stops the database if this DB started it.
func (d *DB) Stop(ctx context.Context) error {
	if d.proc == nil {
		return nil
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	err := d.proc.Stop(sctx)
	d.proc = nil
	return err
}

// PID returns the launcher's process id, or 0 when this DB did not start it.
func (d *DB) PID() int {
	if d.proc == nil {
		return 0
	}
	return d.proc.PID()
}

// Driver opens a Go driver on the benchmark database for the baselines.
func Driver(ctx context.Context, uri string, pool int) (neo4j.DriverWithContext, error) {
	drv, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth("neo4j", Password, ""), func(c *config.Config) {
		c.MaxConnectionPoolSize = pool
		c.MaxTransactionRetryTime = 30 * time.Second
	})
	if err != nil {
		return nil, err
	}
	if err := drv.VerifyConnectivity(ctx); err != nil {
		drv.Close(ctx)
		return nil, err
	}
	return drv, nil
}

// Counts returns the number of nodes and relationships in the database (count store).
func Counts(ctx context.Context, drv neo4j.DriverWithContext) (nodes, rels int64, err error) {
	// The audit trail (one AuditEvent, its AuditKey and an ABOUT link per ingested document)
	// is bookkeeping only policygraph writes; it is left out so loaders compare fact for fact.
	res, err := neo4j.ExecuteQuery(ctx, drv, `CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS rels }
CALL () { MATCH (a:AuditEvent) RETURN count(a) AS events }
CALL () { MATCH (k:AuditKey) RETURN count(k) AS keys }
CALL () { MATCH ()-[r:ABOUT]->() RETURN count(r) AS about }
RETURN nodes - events - keys AS nodes, rels - about AS rels`,
		nil, neo4j.EagerResultTransformer)
	if err != nil {
		return 0, 0, err
	}
	n, _ := res.Records[0].Get("nodes")
	r, _ := res.Records[0].Get("rels")
	return n.(int64), r.(int64), nil
}

// PeakRSS returns the peak resident set size (VmHWM) and the current one (VmRSS) of a
// process in bytes, from /proc; pid 0 means this process.
func PeakRSS(pid int) (peak, cur int64) {
	path := "/proc/self/status"
	if pid > 0 {
		path = fmt.Sprintf("/proc/%d/status", pid)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0
	}
	var kb int64
	for _, line := range splitLines(string(b)) {
		if n, _ := fmt.Sscanf(line, "VmHWM: %d kB", &kb); n == 1 {
			peak = kb << 10
		}
		if n, _ := fmt.Sscanf(line, "VmRSS: %d kB", &kb); n == 1 {
			cur = kb << 10
		}
	}
	return peak, cur
}

func splitLines(s string) []string {
	var out []string
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != '\n' {
			i++
		}
		out = append(out, s[:i])
		if i < len(s) {
			i++
		}
		s = s[i:]
	}
	return out
}

// cpuTimes reads the user+system CPU time of each process (pid 0: this one) from /proc; a
// process that cannot be read is left out.
func cpuTimes(pids map[string]int) map[string]time.Duration {
	out := make(map[string]time.Duration, len(pids))
	for role, pid := range pids {
		path := "/proc/self/stat"
		if pid > 0 {
			path = fmt.Sprintf("/proc/%d/stat", pid)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// The command name (field 2) is in parentheses and may hold spaces: fields 14 and
		// 15, utime and stime in clock ticks, are the 12th and 13th after its ')'.
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) < 13 {
			continue
		}
		ut, err1 := strconv.ParseInt(f[11], 10, 64)
		st, err2 := strconv.ParseInt(f[12], 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		out[role] = time.Duration(ut+st) * time.Second / clockTicks
	}
	return out
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat times: 100 on Linux for every
// architecture Go supports here.
const clockTicks = 100
