// Command pgbench runs policygraph's benchmarks (see package bench and bench/README.md):
//
//	pgbench run --scale small|large [flags]   corpus, ingest benchmark, query benchmark, report
//	pgbench load -loader NAME [flags]         one loader, in this process; prints a JSON result
//	pgbench report -dir DIR [-load FILE]      re-render DIR/results.json (results.md, plots),
//	                                          replacing the load of the same loader by FILE's
//	pgbench httpfloor -addr A -uri U          serve the HTTP floor (bench.HTTPFloorServer)
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/policygraph/policygraph/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: pgbench run|load|report|httpfloor [flags]")
	}
	switch args[0] {
	case "run":
		return runSuite(ctx, args[1:])
	case "load":
		return runLoad(ctx, args[1:])
	case "report":
		return runReport(args[1:])
	case "httpfloor":
		return runHTTPFloor(ctx, args[1:])
	}
	return fmt.Errorf("unknown command %q (run, load, report, httpfloor)", args[0])
}

func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func runSuite(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	s := &bench.Suite{Out: os.Stderr}
	fs.StringVar(&s.Scale, "scale", "small", "corpus preset (tiny, small, medium, large)")
	fs.Uint64Var(&s.Seed, "seed", 1, "corpus and request seed")
	fs.StringVar(&s.Work, "work", "bench/out", "work folder: corpus, database, results")
	fs.IntVar(&s.Port, "port", 7790, "Bolt port of the benchmark Neo4j (never 7687/7688)")
	fs.IntVar(&s.HeapMB, "heap-mb", 4096, "benchmark Neo4j heap")
	fs.IntVar(&s.PageCacheMB, "pagecache-mb", 6144, "benchmark Neo4j page cache")
	fs.IntVar(&s.Batch, "batch", 0, "store.BatchSize for policygraph's ingest (0: default)")
	fs.IntVar(&s.Window, "window", 0, "bundle files per ingest.Run (0: whole corpus in one Run)")
	fs.IntVar(&s.FloorBatch, "floor-batch", 10000, "rows per UNWIND for the floor loader")
	fs.DurationVar(&s.NaiveMaxTime, "naive-time", 2*time.Minute, "time budget of the naive loader")
	sweep := fs.String("sweep", "", "batch sizes to try first, e.g. 100,1000,10000")
	fs.IntVar(&s.SweepBundles, "sweep-bundles", 200, "bundles ingested per sweep point")
	conc := fs.String("concurrency", "1,8,32", "query concurrencies")
	fs.DurationVar(&s.Warmup, "warmup", 2*time.Second, "unmeasured warm-up per measurement")
	fs.DurationVar(&s.DBWarmup, "db-warmup", 15*time.Second, "each shape driven through the floor at c=8 this long before any measurement (0: none)")
	fs.DurationVar(&s.Duration, "duration", 10*time.Second, "measured time per (target, shape, concurrency)")
	fs.IntVar(&s.MaxRequests, "max-requests", 200000, "request cap per measurement")
	fs.IntVar(&s.Repeat, "repeat", 1, "measure each (shape, concurrency) this many times, targets alternating; tables show the median, with the ratios of each repetition")
	api := fs.String("api-cmd", "", "command serving policygraph's API (space-separated); empty: in process")
	fs.IntVar(&s.APIPort, "api-port", 8089, "policygraph API port on 127.0.0.1")
	fs.StringVar(&s.NodeDir, "node-dir", "bench/neo4j-graphql", "the @neo4j/graphql server folder (empty: skip)")
	fs.IntVar(&s.NodePort, "node-port", 4089, "@neo4j/graphql server port on 127.0.0.1")
	fs.IntVar(&s.HTTPFloorPort, "http-floor-port", 8090, "HTTP floor port on 127.0.0.1")
	inproc := fs.Bool("in-process", false, "run loaders in this process (no per-loader RSS)")
	fs.BoolVar(&s.SkipIngest, "skip-ingest", false, "reuse the graph already in the benchmark Neo4j")
	fs.BoolVar(&s.SkipQueries, "skip-queries", false, "stop after the ingest benchmark")
	fs.BoolVar(&s.Wipe, "wipe", false, "empty the database between loaders instead of restarting it on a new store (small corpora)")
	verbose := fs.Bool("v", false, "log the store and server")
	shapes := fs.String("shapes", "", "only these query shapes (comma-separated; default all)")
	targets := fs.String("targets", "", "only these targets: policygraph, neo4j-graphql, floor (default all)")
	apiEnv := fs.String("api-env", "", "extra environment of the API server, space-separated K=V")
	loaders := fs.String("loaders", "", "only these loaders, in this order: naive, floor, policygraph (default all; the last one's graph is queried)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var err error
	if s.Concurrency, err = ints(*conc); err != nil {
		return err
	}
	if s.Sweep, err = ints(*sweep); err != nil {
		return err
	}
	for _, sh := range strings.Split(*shapes, ",") {
		if sh = strings.TrimSpace(sh); sh != "" {
			s.Shapes = append(s.Shapes, bench.Shape(sh))
		}
	}
	for _, t := range strings.Split(*targets, ",") {
		if t = strings.TrimSpace(t); t != "" {
			s.Targets = append(s.Targets, t)
		}
	}
	s.APIEnv = strings.Fields(*apiEnv)
	for _, l := range strings.Split(*loaders, ",") {
		switch l = strings.TrimSpace(l); l {
		case "":
		case "naive", "floor", "policygraph":
			s.Loaders = append(s.Loaders, l)
		default:
			return fmt.Errorf("-loaders: unknown loader %q (want naive, floor or policygraph)", l)
		}
	}
	if *api != "" {
		s.APICmd = strings.Fields(*api)
	}
	if s.Port == 7687 || s.Port == 7688 {
		return fmt.Errorf("port %d is the dev or test Neo4j; the benchmark needs its own", s.Port)
	}
	if !*inproc {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		s.LoaderCmd = []string{exe, "load"}
		s.HTTPFloorCmd = []string{exe, "httpfloor"}
	}
	if *verbose {
		s.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	start := time.Now()
	res, err := s.Run(ctx)
	if err != nil {
		return err
	}
	fmt.Println(res.Markdown())
	fmt.Fprintf(os.Stderr, "pgbench: done in %s\n", time.Since(start).Round(time.Second))
	return nil
}

func runLoad(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	var f bench.LoaderFlags
	fs.StringVar(&f.Loader, "loader", "", "policygraph, floor or naive")
	fs.StringVar(&f.Corpus, "corpus", "", "corpus folder")
	fs.StringVar(&f.URI, "uri", "bolt://127.0.0.1:7790", "benchmark Neo4j")
	fs.IntVar(&f.Batch, "batch", 0, "rows per UNWIND")
	fs.IntVar(&f.Window, "window", 0, "bundles planned at a time")
	fs.DurationVar(&f.MaxTime, "max-time", 0, "time budget (naive)")
	fs.IntVar(&f.MaxBundles, "max-bundles", 0, "only the first N bundles")
	cpuprof := fs.String("cpuprofile", "", "write a CPU profile of the loader here")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuprof != "" {
		pf, err := os.Create(*cpuprof)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	res, err := bench.RunLoader(ctx, f, slog.New(slog.NewTextHandler(io.Discard, nil)), os.Stderr)
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

func runReport(args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	dir := fs.String("dir", "", "results folder holding results.json")
	load := fs.String("load", "", "a loader's JSON result (pgbench load) replacing the run's result of that loader")
	note := fs.String("note", "", "a note to add to the report")
	if err := fs.Parse(args); err != nil {
		return err
	}
	b, err := os.ReadFile(filepath.Join(*dir, "results.json"))
	if err != nil {
		return err
	}
	var res bench.Results
	if err := json.Unmarshal(b, &res); err != nil {
		return err
	}
	if *load != "" {
		lb, err := os.ReadFile(*load)
		if err != nil {
			return err
		}
		var l bench.LoadResult
		if err := json.Unmarshal(lb, &l); err != nil {
			return err
		}
		for i := range res.Loads {
			if res.Loads[i].Loader == l.Loader {
				res.Loads[i] = l
			}
		}
	}
	if *note != "" {
		res.Notes = append(res.Notes, *note)
	}
	return bench.WriteResults(*dir, &res)
}

// runHTTPFloor serves the HTTP floor until interrupted (the suite starts it as a child).
func runHTTPFloor(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("httpfloor", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8090", "listen address (loopback)")
	uri := fs.String("uri", "bolt://127.0.0.1:7790", "benchmark Neo4j")
	if err := fs.Parse(args); err != nil {
		return err
	}
	drv, err := bench.Driver(ctx, *uri, 64)
	if err != nil {
		return err
	}
	defer drv.Close(context.Background())
	floor, err := bench.NewFloorTarget(drv)
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: *addr, Handler: bench.HTTPFloorServer(floor), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
