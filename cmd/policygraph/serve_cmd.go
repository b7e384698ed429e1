package main

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/policygraph/policygraph/curate"
	"github.com/policygraph/policygraph/extract"
	"github.com/policygraph/policygraph/server"
)

// runServe migrates the schema and serves the API until SIGINT/SIGTERM.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	e, err := envFor("serve", args, stderr)
	if err != nil {
		return err
	}
	return serve(ctx, e, false)
}

// runAll is `make run`: local Neo4j unless NEO4J_URI is set, migrate, ingest the default
// corpus, serve. Ctrl-C stops the API, then the local Neo4j.
func runAll(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	e, err := envFor("run", args, stderr)
	if err != nil {
		return err
	}
	stop, err := e.ensureNeo4j(ctx)
	if err != nil {
		return err
	}
	defer stop()
	return serve(ctx, e, true)
}

func serve(ctx context.Context, e env, ingestData bool) error {
	scfg, err := server.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	e.log.InfoContext(ctx, "policygraph starting", "config", e.cfg, "server", scfg)
	s, err := e.openStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close(context.Background())
	start := time.Now()
	if err := s.Migrate(ctx); err != nil {
		return err
	}
	e.log.InfoContext(ctx, "schema up to date", "after", time.Since(start).Round(time.Millisecond))
	if ingestData {
		if err := ingestDefault(ctx, e, s, os.Stderr); err != nil {
			return err
		}
	}
	cur := &curate.Service{Store: s, MaxUploadBytes: scfg.IngestMaxBytes, Gazetteer: gazetteer(ctx, e)}
	server.TuneRuntime(os.Getenv, e.log) // after the ingest: its own memory is not the API's
	srv := server.New(scfg, server.Deps{Store: s, Curator: cur, Log: e.log, Mounts: mounts(s)})
	return srv.Run(ctx)
}

// gazetteer loads the names of the curated corpus (POLICYGRAPH_DATA) for the extractor of
// raw-text uploads; without one, uploads are extracted with the cue-word rules alone.
func gazetteer(ctx context.Context, e env) *extract.Gazetteer {
	for _, dir := range e.cfg.DataPaths {
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		g, err := extract.LoadGazetteer(dir)
		if err != nil {
			e.log.WarnContext(ctx, "gazetteer for uploads not loaded", "dir", dir, "err", err)
			continue
		}
		return g
	}
	return nil
}
