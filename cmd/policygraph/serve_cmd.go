package main

import (
	"context"
	"flag"
	"io"
	"os"
	"time"

	"github.com/policygraph/policygraph/server"
)

// runServe migrates the schema and serves the API until SIGINT/SIGTERM.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	e, err := loadEnv()
	if err != nil {
		return err
	}
	return serve(ctx, e, false)
}

// runAll is `make run`: local Neo4j unless NEO4J_URI is set, migrate, ingest the default
// corpus, serve. Ctrl-C stops the API, then the local Neo4j.
func runAll(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	e, err := loadEnv()
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
	srv := server.New(scfg, server.Deps{Store: s, Log: e.log, Mounts: mounts(s)})
	return srv.Run(ctx)
}
