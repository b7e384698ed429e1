package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/gen"
	"github.com/policygraph/policygraph/server"
	"github.com/policygraph/policygraph/store"
)

// Suite is one whole benchmark run: corpus, ingest benchmark, query benchmark, report.
type Suite struct {
	Scale string
	Seed  uint64
	Work  string // corpus, database and results live under here
	Out   io.Writer
	Log   *slog.Logger

	// Neo4j.
	Port, HeapMB, PageCacheMB int

	// Ingest.
	Batch        int           // store.BatchSize for policygraph's ingest (0: its default)
	Window       int           // bundles per ingest.Run (0: the whole corpus in one Run)
	FloorBatch   int           // rows per UNWIND for the floor
	NaiveMaxTime time.Duration // time budget of the naive loader
	Sweep        []int         // batch sizes to try on SweepBundles bundles first
	SweepBundles int
	// LoaderCmd runs a loader in its own process (so its peak RSS is its own): the command
	// and leading arguments, to which `-loader NAME …` flags are appended (see RunLoaderMain).
	// Empty: loaders run in this process.
	LoaderCmd []string

	// Queries.
	Concurrency []int
	Warmup      time.Duration
	// DBWarmup drives each shape through the floor at concurrency 8 for this long before
	// anything is measured, so that every target meets a database past its cold start
	// (page cache, compiled plans, JIT): a freshly started Neo4j answered lineage at c = 32
	// at a third of its steady rate for the first minutes, whoever asked first.
	DBWarmup    time.Duration
	Duration    time.Duration
	MaxRequests int
	// Repeat measures every (shape, concurrency) this many times, the targets alternating
	// within each repetition, so that a ratio can be read from pairs measured back to back
	// (min, median, max over the repetitions) rather than from one draw of a machine whose
	// rates vary 10–40 % from minute to minute. 0 or 1: once.
	Repeat int
	// APICmd starts policygraph's API server (HTTP_ADDR and NEO4J_* are set in its
	// environment). Empty: the server runs in this process (no RSS figure).
	APICmd  []string
	APIPort int
	// HTTPFloorCmd serves the HTTP floor (HTTPFloorServer) in its own process: the command
	// and leading arguments, to which -addr and -uri are appended. Empty: in this process.
	HTTPFloorCmd  []string
	HTTPFloorPort int
	// NodeDir holds the @neo4j/graphql server; skipped (with a note) when its node_modules
	// is missing.
	NodeDir  string
	NodePort int
	// SkipIngest reuses the graph in the database (from an earlier run of the same corpus).
	SkipIngest bool
	// Shapes and Targets narrow the query benchmark (nil: all); APIEnv is added to the API
	// server's environment (e.g. GRAPHQL_LOADER_WAIT=1ms for a before/after run).
	Shapes  []Shape
	Targets []string
	APIEnv  []string
	// SkipQueries stops after the ingest benchmark.
	SkipQueries bool
	// Wipe empties the database between loaders instead of restarting it on a new store
	// (faster for tiny corpora; the smoke test uses it).
	Wipe bool
	// Loaders are the loaders the ingest benchmark runs, in this order (default naive,
	// floor, policygraph); the query benchmark runs on the graph the last one built.
	Loaders []string
}

func (s *Suite) reset(ctx context.Context, db *DB) error {
	if s.Wipe {
		return db.Empty(ctx)
	}
	return db.Fresh(ctx)
}

func (s *Suite) logf(format string, args ...any) {
	if s.Out != nil {
		fmt.Fprintf(s.Out, format+"\n", args...)
	}
}

// Corpus returns the corpus folder, generating it when it is not there yet.
func (s *Suite) Corpus(ctx context.Context) (string, gen.Stats, error) {
	sc, ok := gen.Presets[s.Scale]
	if !ok {
		return "", gen.Stats{}, fmt.Errorf("bench: unknown scale %q", s.Scale)
	}
	dir := filepath.Join(s.Work, fmt.Sprintf("corpus-%s-%d", s.Scale, s.Seed))
	// Always regenerate the stats; the files are rewritten only when missing.
	if _, err := os.Stat(filepath.Join(dir, ".gen", "manifest.txt")); err == nil {
		st, err := gen.Generate(ctx, filepath.Join(s.Work, "stats-scratch"), gen.Config{Seed: s.Seed, Scale: sc})
		os.RemoveAll(filepath.Join(s.Work, "stats-scratch"))
		return dir, st, err
	}
	start := time.Now()
	st, err := gen.Generate(ctx, dir, gen.Config{Seed: s.Seed, Scale: sc})
	s.logf("gen: %s in %s", st, time.Since(start).Round(time.Millisecond))
	return dir, st, err
}

// Run runs the whole suite and returns the results (also written to Work/results-SCALE).
func (s *Suite) Run(ctx context.Context) (*Results, error) {
	if s.Log == nil {
		s.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	res := &Results{Scale: s.Scale, Seed: s.Seed, Started: time.Now().UTC(), Machine: machine(), RSS: map[string]RSS{}}
	corpus, st, err := s.Corpus(ctx)
	if err != nil {
		return res, err
	}
	res.Corpus = st.String()
	db := NewDB(filepath.Join(s.Work, "neo4j"), s.Port, s.HeapMB, s.PageCacheMB, s.Log)
	defer db.Stop(context.Background())

	if !s.SkipIngest {
		for _, b := range s.Sweep {
			if err := s.reset(ctx, db); err != nil {
				return res, err
			}
			l, err := s.load(ctx, db, corpus, "policygraph", b, s.SweepBundles)
			if err != nil {
				return res, fmt.Errorf("batch sweep %d: %w", b, err)
			}
			s.logf("sweep: batch %d: %d rows in %s (%.0f rows/s)", b, l.Rows(), l.Elapsed.Round(time.Millisecond), l.RowsPerSec())
			res.Sweep = append(res.Sweep, l)
		}
		// policygraph last: the query benchmark runs on the graph its ingest built.
		loaders := s.Loaders
		if len(loaders) == 0 {
			loaders = []string{"naive", "floor", "policygraph"}
		}
		for _, name := range loaders {
			if err := s.reset(ctx, db); err != nil {
				return res, err
			}
			l, err := s.load(ctx, db, corpus, name, 0, 0)
			if err != nil {
				return res, fmt.Errorf("loader %s: %w", name, err)
			}
			s.logf("load: %s: %d rows in %s = %.0f rows/s, peak RSS %s", name, l.Rows(), l.Elapsed.Round(time.Millisecond), l.RowsPerSec(), mb(l.PeakRSS))
			res.Loads = append(res.Loads, l)
		}
	} else if err := db.Start(ctx); err != nil {
		return res, err
	}

	if !s.SkipQueries {
		if err := s.queries(ctx, db, res); err != nil {
			return res, err
		}
	}
	return res, s.write(res)
}

func machine() string {
	mem := int64(0)
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		fmt.Sscanf(string(b), "MemTotal: %d kB", &mem)
	}
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				model = strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
				break
			}
		}
	}
	return fmt.Sprintf("%d cores (%s), %.1f GiB RAM, %s", runtime.NumCPU(), model, float64(mem)/(1<<20), runtime.Version())
}

// load runs one loader, in a child process when LoaderCmd is set.
func (s *Suite) load(ctx context.Context, db *DB, corpus, loader string, batch, maxBundles int) (LoadResult, error) {
	if batch == 0 {
		batch = s.Batch
		if loader == "floor" {
			batch = s.FloorBatch
		}
	}
	o := LoaderFlags{Loader: loader, Corpus: corpus, URI: db.URI(), Batch: batch, Window: s.Window,
		MaxTime: s.NaiveMaxTime, MaxBundles: maxBundles}
	var l LoadResult
	var err error
	if len(s.LoaderCmd) == 0 {
		l, err = RunLoader(ctx, o, s.Log, s.Out)
	} else {
		l, err = s.loadChild(ctx, o)
	}
	if err != nil {
		return l, err
	}
	drv, err := Driver(ctx, db.URI(), 4)
	if err != nil {
		return l, err
	}
	defer drv.Close(context.Background())
	l.Nodes, l.Rels, err = Counts(ctx, drv)
	return l, err
}

func (s *Suite) loadChild(ctx context.Context, o LoaderFlags) (LoadResult, error) {
	args := append(append([]string{}, s.LoaderCmd[1:]...), o.Args()...)
	cmd := exec.CommandContext(ctx, s.LoaderCmd[0], args...)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = s.Out
	if s.Out == nil {
		cmd.Stderr = io.Discard
	}
	if err := cmd.Run(); err != nil {
		return LoadResult{}, fmt.Errorf("%s: %w", strings.Join(cmd.Args, " "), err)
	}
	var l LoadResult
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &l); err != nil {
		return l, fmt.Errorf("loader output %q: %w", stdout.String(), err)
	}
	return l, nil
}

// LoaderFlags are the arguments of one loader run.
type LoaderFlags struct {
	Loader, Corpus, URI string
	Batch, Window       int
	MaxTime             time.Duration
	MaxBundles          int
}

// Args renders f as the flags RunLoaderMain parses.
func (f LoaderFlags) Args() []string {
	return []string{"-loader", f.Loader, "-corpus", f.Corpus, "-uri", f.URI, "-batch", fmt.Sprint(f.Batch),
		"-window", fmt.Sprint(f.Window), "-max-time", f.MaxTime.String(), "-max-bundles", fmt.Sprint(f.MaxBundles)}
}

// RunLoader runs one loader in this process and fills in its peak RSS (this process's).
func RunLoader(ctx context.Context, f LoaderFlags, log *slog.Logger, out io.Writer) (LoadResult, error) {
	o := LoadOptions{Batch: f.Batch, Window: f.Window, MaxTime: f.MaxTime, Log: log, Out: out}
	corpus := f.Corpus
	if f.MaxBundles > 0 {
		sub, err := subset(corpus, f.MaxBundles)
		if err != nil {
			return LoadResult{}, err
		}
		defer os.RemoveAll(sub)
		corpus = sub
	}
	var l LoadResult
	var err error
	switch f.Loader {
	case "policygraph":
		cfg := store.Config{URI: f.URI, User: "neo4j", Password: Password, MaxRetryTime: 30 * time.Second, ConnectTimeout: 10 * time.Second}
		l, err = LoadIngest(ctx, cfg, corpus, o)
	case "floor", "naive":
		drv, derr := Driver(ctx, f.URI, 8)
		if derr != nil {
			return l, derr
		}
		defer drv.Close(context.Background())
		if f.Loader == "floor" {
			l, err = LoadFloor(ctx, drv, corpus, o)
		} else {
			l, err = LoadNaive(ctx, drv, corpus, o)
		}
	default:
		return l, fmt.Errorf("bench: unknown loader %q", f.Loader)
	}
	l.PeakRSS, _ = PeakRSS(0)
	return l, err
}

// subset links (or copies) the first n bundles of corpus (and their texts) into a temporary folder.
func subset(corpus string, n int) (string, error) {
	corpus, err := filepath.Abs(corpus)
	if err != nil {
		return "", err
	}
	files, err := bundle.BundleFiles([]string{corpus})
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "pgbench-subset-")
	if err != nil {
		return "", err
	}
	for _, f := range files[:min(n, len(files))] {
		rel, _ := filepath.Rel(corpus, f)
		for _, p := range []string{rel, strings.TrimSuffix(rel, ".yaml") + ".txt"} {
			dst := filepath.Join(dir, p)
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return dir, err
			}
			// A hard link where the file system allows it, a copy otherwise: ingest reads a
			// document only inside its bundle's folder, so a symlink out of it is refused.
			if err := linkOrCopy(filepath.Join(corpus, p), dst); err != nil {
				return dir, err
			}
		}
	}
	return dir, nil
}

// linkOrCopy makes dst the same file as src: a hard link, or a copy across file systems.
func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}

// queries runs the query benchmark on the graph in db.
func (s *Suite) queries(ctx context.Context, db *DB, res *Results) error {
	drv, err := Driver(ctx, db.URI(), 64)
	if err != nil {
		return err
	}
	defer drv.Close(context.Background())
	res.GraphNodes, res.GraphRels, _ = Counts(ctx, drv)
	pool, err := SamplePool(ctx, drv, s.Seed, 5000)
	if err != nil {
		return err
	}
	floor, err := NewFloorTarget(drv)
	if err != nil {
		return err
	}
	targets := []Target{}
	pids := map[string]int{}

	// policygraph's API.
	api, stopAPI, pid, err := s.startAPI(ctx, db)
	if err != nil {
		return err
	}
	defer stopAPI()
	targets = append(targets, NewPolicygraphTarget(api))
	pids["policygraph"] = pid

	// @neo4j/graphql.
	if s.NodeDir != "" {
		if _, err := os.Stat(filepath.Join(s.NodeDir, "node_modules", "@neo4j", "graphql")); err != nil {
			note := "@neo4j/graphql not measured: run `make bench-install` (npm ci in " + s.NodeDir + ") first"
			res.Notes = append(res.Notes, note)
			s.logf("warning: %s", note)
		} else {
			url, stop, pid, err := s.startNode(ctx, db)
			if err != nil {
				return err
			}
			defer stop()
			targets = append(targets, NewNeo4jGraphQLTarget(url))
			pids["neo4j-graphql"] = pid
		}
	}
	// The HTTP floor.
	hf, stopHF, pid, err := s.startHTTPFloor(ctx, db, floor)
	if err != nil {
		return err
	}
	defer stopHF()
	targets = append(targets, NewHTTPFloorTarget(hf))
	pids["http-floor"] = pid
	targets = append(targets, floor)

	// Warm every target on every shape once (JIT, query caches, plan caches), then idle RSS.
	for _, t := range targets {
		for _, sh := range Shapes {
			r := Run(ctx, t, pool, sh, RunOptions{Concurrency: 1, Duration: 5 * time.Second, MaxRequests: 3, Seed: s.Seed})
			if r.Errors > 0 {
				// Measured anyway: its errors are part of the result.
				res.Notes = append(res.Notes, fmt.Sprintf("%s %s failed during warm-up: %.300s", t.Name(), sh, r.FirstError))
				s.logf("warm-up: %s %s: %d errors: %.300s", t.Name(), sh, r.Errors, r.FirstError)
			}
		}
	}
	if s.DBWarmup > 0 {
		warm := Shapes
		if len(s.Shapes) > 0 {
			warm = s.Shapes
		}
		for _, sh := range warm {
			r := Run(ctx, floor, pool, sh, RunOptions{Concurrency: 8, Duration: s.DBWarmup, Seed: s.Seed + 1000})
			s.logf("database warm-up: %-24s %8.1f req/s through the floor", sh, r.Throughput())
		}
	}
	for name, pid := range pids {
		if pid > 0 {
			_, cur := PeakRSS(pid)
			res.RSS[name] = RSS{Idle: cur}
		}
	}
	sampler := newRSSSampler(pids)
	defer sampler.stop()

	if len(s.Targets) > 0 {
		var keep []Target
		for _, t := range targets {
			for _, name := range s.Targets {
				if t.Name() == name {
					keep = append(keep, t)
				}
			}
		}
		targets = keep
	}
	shapes := Shapes
	if len(s.Shapes) > 0 {
		shapes = s.Shapes
	}
	round := 0
	for _, c := range s.Concurrency {
		for _, sh := range shapes {
			for rep := range max(1, s.Repeat) {
				// Alternate the order of the targets from one measurement to the next.
				for k := range targets {
					t := targets[(k+round)%len(targets)]
					// Where the CPU goes: Neo4j, the target's server (none for the floor, or
					// an API served in this process), and this process (the load generator,
					// and the floor's driver).
					cpu := map[string]int{"client": 0}
					if pid := db.PID(); pid > 0 {
						cpu["neo4j"] = pid
					}
					if pid := pids[t.Name()]; pid > 0 {
						cpu["server"] = pid
					}
					r := Run(ctx, t, pool, sh, RunOptions{Concurrency: c, Warmup: s.Warmup, Duration: s.Duration, MaxRequests: s.MaxRequests, Seed: s.Seed + uint64(round), CPU: cpu})
					r.Rep = rep
					s.logf("query: %-14s %-24s c=%-3d rep %d %8.1f req/s  p50 %6s  p95 %6s  p99 %6s ms  errors %d",
						r.Target, r.Shape, c, rep, r.Throughput(), ms(r.P50), ms(r.P95), ms(r.P99), r.Errors)
					res.Queries = append(res.Queries, r)
					if ctx.Err() != nil {
						return ctx.Err()
					}
					waited, killed, err := settle(ctx, drv, time.Minute)
					if err != nil {
						s.logf("settle: %v", err)
					}
					if killed > 0 || waited > time.Second {
						note := fmt.Sprintf("after %s %s c=%d the database ran its transactions on for %s", r.Target, r.Shape, c, waited.Round(100*time.Millisecond))
						if killed > 0 {
							note += fmt.Sprintf(", then %d were terminated", killed)
						}
						res.Notes = append(res.Notes, note+" before the next measurement")
						s.logf("settle: %s", note)
					}
				}
				round++
			}
		}
	}
	for name, peak := range sampler.stop() {
		x := res.RSS[name]
		x.Peak = peak
		res.RSS[name] = x
	}
	return nil
}

// rssSampler records the largest VmRSS of some processes, every 100 ms.
type rssSampler struct {
	once sync.Once
	done chan struct{}
	mu   sync.Mutex
	peak map[string]int64
}

func newRSSSampler(pids map[string]int) *rssSampler {
	s := &rssSampler{done: make(chan struct{}), peak: map[string]int64{}}
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-s.done:
				return
			case <-t.C:
			}
			s.mu.Lock()
			for name, pid := range pids {
				if pid > 0 {
					if _, cur := PeakRSS(pid); cur > s.peak[name] {
						s.peak[name] = cur
					}
				}
			}
			s.mu.Unlock()
		}
	}()
	return s
}

func (s *rssSampler) stop() map[string]int64 {
	s.once.Do(func() { close(s.done) })
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int64{}
	for k, v := range s.peak {
		out[k] = v
	}
	return out
}

// startAPI starts policygraph's API: APICmd as a child process, or the server in process.
func (s *Suite) startAPI(ctx context.Context, db *DB) (url string, stop func(), pid int, err error) {
	addr := fmt.Sprintf("127.0.0.1:%d", s.APIPort)
	url = "http://" + addr + "/graphql"
	if len(s.APICmd) == 0 {
		st, err := store.Open(ctx, db.StoreConfig(), s.Log)
		if err != nil {
			return "", nil, 0, err
		}
		cfg := server.DefaultConfig()
		cfg.Addr = addr
		cfg.RateLimitRPS = 0 // a load generator is one client on one address
		srv := server.New(cfg, server.Deps{Store: st, Log: s.Log})
		sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		done := make(chan error, 1)
		go func() { done <- srv.Run(sctx) }()
		stop = func() { cancel(); <-done; st.Close(context.Background()) }
		return url, stop, 0, waitHTTP(ctx, "http://"+addr+"/healthz", done)
	}
	cmd := exec.Command(s.APICmd[0], s.APICmd[1:]...)
	cmd.Env = append(os.Environ(), "HTTP_ADDR="+addr, "NEO4J_URI="+db.URI(), "NEO4J_USER=neo4j", "NEO4J_PASSWORD="+Password,
		"LOG_LEVEL=warn", "GRAPHIQL=false", "RATE_LIMIT_RPS=0")
	cmd.Env = append(cmd.Env, s.APIEnv...)
	return startChild(ctx, cmd, url, "http://"+addr+"/healthz", s.Out)
}

// startHTTPFloor starts the HTTP floor: HTTPFloorCmd as a child process, or in process on
// floor's driver.
func (s *Suite) startHTTPFloor(ctx context.Context, db *DB, floor *FloorTarget) (url string, stop func(), pid int, err error) {
	addr := fmt.Sprintf("127.0.0.1:%d", s.HTTPFloorPort)
	url, probe := "http://"+addr+"/q", "http://"+addr+"/healthz"
	if len(s.HTTPFloorCmd) == 0 {
		srv := &http.Server{Addr: addr, Handler: HTTPFloorServer(floor), ReadHeaderTimeout: 10 * time.Second}
		done := make(chan error, 1)
		go func() { done <- srv.ListenAndServe() }()
		stop = func() { _ = srv.Close(); <-done }
		if err := waitHTTP(ctx, probe, done); err != nil {
			_ = srv.Close() // not stop: waitHTTP may have taken done's value
			return "", nil, 0, fmt.Errorf("http floor: %w", err)
		}
		return url, stop, 0, nil
	}
	args := append(slices.Clone(s.HTTPFloorCmd[1:]), "-addr", addr, "-uri", db.URI())
	return startChild(ctx, exec.Command(s.HTTPFloorCmd[0], args...), url, probe, s.Out)
}

// startNode starts the @neo4j/graphql server.
func (s *Suite) startNode(ctx context.Context, db *DB) (url string, stop func(), pid int, err error) {
	addr := fmt.Sprintf("127.0.0.1:%d", s.NodePort)
	cmd := exec.Command("node", "server.mjs")
	cmd.Dir = s.NodeDir
	cmd.Env = append(os.Environ(), "NEO4J_URI="+db.URI(), "NEO4J_USER=neo4j", "NEO4J_PASSWORD="+Password,
		fmt.Sprintf("PORT=%d", s.NodePort), "NODE_ENV=production")
	probe := "http://" + addr + "/?query=%7B__typename%7D"
	return startChild(ctx, cmd, "http://"+addr+"/", probe, s.Out)
}

func startChild(ctx context.Context, cmd *exec.Cmd, url, probe string, out io.Writer) (string, func(), int, error) {
	var logs bytes.Buffer
	cmd.Stdout = &logs
	cmd.Stderr = &logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return "", nil, 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	stop := func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	if err := waitHTTP(ctx, probe, done); err != nil {
		stop()
		return "", nil, 0, fmt.Errorf("%s: %w\n%s", strings.Join(cmd.Args, " "), err, tail(logs.String(), 20))
	}
	return url, stop, cmd.Process.Pid, nil
}

func tail(s string, n int) string {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// waitHTTP polls url until it answers 200 (or the process behind it exits), for 90 s.
func waitHTTP(ctx context.Context, url string, exited <-chan error) error {
	deadline := time.Now().Add(90 * time.Second)
	c := &http.Client{Timeout: 2 * time.Second}
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		req.Header.Set("apollo-require-preflight", "true")
		if resp, err := c.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-exited:
			return fmt.Errorf("exited before it was ready: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	return fmt.Errorf("not ready after 90s at %s", url)
}

// write stores results.json, results.md and the plots under Work/results-SCALE.
func (s *Suite) write(res *Results) error {
	dir := filepath.Join(s.Work, "results-"+s.Scale)
	if err := WriteResults(dir, res); err != nil {
		return err
	}
	s.logf("results in %s", dir)
	return nil
}

// WriteResults stores res as dir/results.json, dir/results.md and the PNG plots.
func WriteResults(dir string, res *Results) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	js, _ := json.MarshalIndent(res, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "results.json"), js, 0o644); err != nil {
		return err
	}
	md := res.Markdown()
	files, err := res.Plots(dir)
	if err != nil {
		return err
	}
	for _, f := range files {
		md += fmt.Sprintf("\n![%s](%s)\n", strings.TrimSuffix(f, ".png"), f)
	}
	return os.WriteFile(filepath.Join(dir, "results.md"), []byte(md), 0o644)
}

// settle waits until the benchmark database runs no transaction but this check, so that
// what a target leaves running — requests its client gave up on, which Neo4j goes on
// executing — does not slow the next target's measurement (a run of @neo4j/graphql's
// enterprisesSupportedBy at c = 32 left Neo4j busy into the next shape's first target).
// Past limit it terminates them. It reports how long it waited and how many it terminated.
func settle(ctx context.Context, drv neo4j.DriverWithContext, limit time.Duration) (time.Duration, int, error) {
	start := time.Now()
	for ctx.Err() == nil {
		res, err := neo4j.ExecuteQuery(ctx, drv, `SHOW TRANSACTIONS YIELD transactionId, currentQuery
WHERE NOT currentQuery STARTS WITH 'SHOW TRANSACTIONS'
RETURN collect(transactionId) AS ids`, nil, neo4j.EagerResultTransformer)
		if err != nil || len(res.Records) == 0 {
			return time.Since(start), 0, err
		}
		v, _ := res.Records[0].Get("ids")
		ids, _ := v.([]any)
		if len(ids) == 0 {
			return time.Since(start), 0, nil
		}
		if time.Since(start) > limit {
			_, err := neo4j.ExecuteQuery(ctx, drv, `TERMINATE TRANSACTIONS $ids`, map[string]any{"ids": ids}, neo4j.EagerResultTransformer)
			return time.Since(start), len(ids), err
		}
		time.Sleep(200 * time.Millisecond)
	}
	return time.Since(start), 0, ctx.Err()
}
