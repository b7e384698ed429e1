package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/policygraph/policygraph/config"
	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/neo4jlocal"
	"github.com/policygraph/policygraph/store"
)

// env holds what every subcommand starts from.
type env struct {
	cfg config.Config
	log *slog.Logger
}

func loadEnv() (env, error) {
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		return env{}, err
	}
	return env{cfg: cfg, log: cfg.NewLogger()}, nil
}

// localOptions configures the local launcher; unset fields take neo4jlocal's defaults (the
// repository is found upwards from the working directory). When the repository cannot be
// found the options are returned as they are and Start reports why.
// envFor starts a subcommand that takes no flags or arguments: it refuses any, then loads
// the environment.
func envFor(name string, args []string, stderr io.Writer) (env, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return env{}, usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return env{}, usageError{fmt.Sprintf("%s takes no arguments, got %q", name, fs.Args())}
	}
	return loadEnv()
}

func (e env) localOptions() neo4jlocal.Options {
	o := neo4jlocal.Options{
		RepoDir: e.cfg.Home, DataDir: e.cfg.LocalDataDir, BoltPort: e.cfg.LocalBoltPort,
		Password: e.cfg.Neo4jPassword, HeapMB: e.cfg.LocalHeapMB, PageCacheMB: e.cfg.LocalPageCacheMB,
		Logger: e.log,
	}
	if full, err := o.WithDefaults(); err == nil {
		return full
	}
	return o
}

// uri returns the Neo4j to use: NEO4J_URI, or the local launcher's Bolt address.
func (e env) uri() string {
	if e.cfg.Neo4jURI != "" {
		return e.cfg.Neo4jURI
	}
	return e.localOptions().BoltURI()
}

func (e env) openStore(ctx context.Context) (*store.Store, error) {
	return store.Open(ctx, store.Config{
		URI: e.uri(), User: e.cfg.Neo4jUser, Password: e.cfg.Neo4jPassword, Database: e.cfg.Neo4jDatabase,
		MaxWalks: e.cfg.MaxWalks, MaxWalksPerClient: e.cfg.MaxWalksPerClient,
	}, e.log)
}

// ensureNeo4j starts the local launcher in the foreground (stopped when ctx ends) unless
// NEO4J_URI is set or a local instance already runs. The returned stop is never nil.
func (e env) ensureNeo4j(ctx context.Context) (stop func(), err error) {
	if e.cfg.Neo4jURI != "" {
		return func() {}, nil
	}
	o := e.localOptions()
	if st, err := neo4jlocal.Status(o); err == nil && st.Running {
		e.log.InfoContext(ctx, "using running local neo4j", "bolt", st.BoltURI, "pid", st.PID)
		return func() {}, nil
	}
	e.log.InfoContext(ctx, "starting local neo4j", "bolt", o.BoltURI(), "dataDir", o.DataDir,
		"heapMB", o.HeapMB, "pageCacheMB", o.PageCacheMB)
	start := time.Now()
	// The launcher lives until stop is called, so that on Ctrl-C the API drains its requests
	// before the database goes away; Ctrl-C while it starts still aborts the start. While we
	// run, a launcher that dies is started again (and nobody else may start or stop one for
	// this data directory), so none is left behind when we stop.
	sup, err := neo4jlocal.Supervise(ctx, o)
	if err != nil {
		return func() {}, err
	}
	e.log.InfoContext(ctx, "local neo4j ready", "bolt", o.BoltURI(), "pid", sup.PID(), "after", time.Since(start).Round(time.Millisecond))
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
		defer cancel()
		if err := sup.Stop(sctx); err != nil {
			e.log.Error("stopping local neo4j", "err", err)
		}
	}, nil
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	e, err := envFor("migrate", args, stderr)
	if err != nil {
		return err
	}
	s, err := e.openStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close(context.Background())
	start := time.Now()
	if err := s.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema up to date (%s)\n", time.Since(start).Round(time.Millisecond))
	return nil
}

func runStats(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	e, err := envFor("stats", args, stderr)
	if err != nil {
		return err
	}
	s, err := e.openStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close(context.Background())
	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "nodes %d, relationships %d, figures %d, retracted %d\n", st.Nodes, st.Rels, st.Quantities, st.RetractedFacts)
	for k, n := range st.NodesByKind {
		if n > 0 {
			fmt.Fprintf(stdout, "  %-14s %d\n", k, n)
		}
	}
	for t, n := range st.RelsByType {
		if n > 0 {
			fmt.Fprintf(stdout, "  %-16s %d\n", t, n)
		}
	}
	return nil
}

func runIngest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dry := fs.Bool("dry-run", false, "validate and print the plan without writing")
	var extracts stringList
	fs.Var(&extracts, "extract", "a policy document (PDF, DOCX, HTML, text) to extract and write directly, or a folder of them, each its own transaction (repeatable)")
	window := fs.Int("window", 0, "stream a large corpus: plan and write this many bundle files at a time (references across windows by id)")
	gazetteer := fs.String("gazetteer", "", "folder of curated bundles whose names the extractor recognises (default: POLICYGRAPH_DATA)")
	ocr := fs.Bool("ocr", false, "with --extract: read PDF pages without a text layer with tesseract (chi_sim); their facts are marked ocr+rule:NAME")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() == 0 && len(extracts) == 0 {
		return usageError{"ingest: give bundle files or folders, or --extract FILE"}
	}
	e, err := loadEnv()
	if err != nil {
		return err
	}
	s, err := e.openStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close(context.Background())
	if !*dry {
		if err := s.Migrate(ctx); err != nil {
			return err
		}
	}
	opts := ingest.Options{DryRun: *dry, Progress: stderr, Logger: e.log, Window: *window, OCR: *ocr}
	if isTerminal(stderr) {
		opts.OnDocument = progressBar(stderr)
	}
	var rep ingest.Report
	if fs.NArg() > 0 {
		if rep, err = ingest.Run(ctx, s, fs.Args(), opts); err != nil {
			return err
		}
		fmt.Fprintln(stdout, summaryLine(rep, *dry))
	}
	if len(extracts) > 0 {
		gz := e.cfg.DataPaths
		if *gazetteer != "" {
			gz = []string{*gazetteer}
		}
		g, err := loadGazetteers(gz)
		if err != nil {
			return err
		}
		var files []string
		for _, x := range extracts {
			if st, err := os.Stat(x); err == nil && st.IsDir() {
				// a folder: every file its own document and transaction (ingest_dir.go)
				if rep, err = ingestExtractDir(ctx, s, x, g, opts, stderr); err != nil {
					return err
				}
				fmt.Fprintln(stdout, summaryLine(rep, *dry))
				continue
			}
			files = append(files, x)
		}
		if len(files) > 0 {
			bundles, err := extractBundles(ctx, files, g, *ocr)
			if err != nil {
				return err
			}
			if rep, err = ingest.RunBundles(ctx, s, bundles, opts); err != nil {
				return err
			}
			fmt.Fprintln(stdout, summaryLine(rep, *dry))
		}
	}
	return nil
}

func summaryLine(rep ingest.Report, dry bool) string {
	if dry {
		return "dry run (nothing written): " + rep.Describe()
	}
	return "ingested " + rep.Describe()
}

// ingestDefault writes the default corpus bundles (POLICYGRAPH_DATA) at start-up.
func ingestDefault(ctx context.Context, e env, s *store.Store, stderr io.Writer) error {
	var paths []string
	for _, p := range e.cfg.DataPaths {
		if _, err := os.Stat(p); err == nil {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		e.log.WarnContext(ctx, "no data to ingest", "paths", e.cfg.DataPaths)
		return nil
	}
	rep, err := ingest.Run(ctx, s, paths, ingest.Options{Logger: e.log})
	if err != nil {
		return fmt.Errorf("ingesting %v: %w", paths, err)
	}
	e.log.InfoContext(ctx, "ingested default corpus", "summary", rep.Describe())
	return nil
}

type stringList []string

func (s *stringList) String() string     { return fmt.Sprint(*s) }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// isTerminal reports whether w is a character device (an interactive terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar redraws one line: [#####-----] done/total documents, changes so far.
func progressBar(w io.Writer) func(done, total int, s store.Summary) {
	changes := 0
	return func(done, total int, s store.Summary) {
		changes += s.Total()
		const width = 30
		filled := width * done / max(total, 1)
		fmt.Fprintf(w, "\r[%s%s] %d/%d documents, %d change(s)", strings.Repeat("#", filled), strings.Repeat("-", width-filled), done, total, changes)
		if done == total {
			fmt.Fprintln(w)
		}
	}
}
