// Command policygraph turns science-and-technology policy documents into a Neo4j knowledge
// graph and serves it through a GraphQL API. Subcommands:
//
//	policygraph run                       local Neo4j (unless NEO4J_URI), migrate, ingest data/, serve
//	policygraph serve                     migrate and serve against NEO4J_URI (or the local launcher's port)
//	policygraph neo4j start|stop|status   manage the local Neo4j launcher
//	policygraph migrate                   apply the schema (constraints, indexes) and exit
//	policygraph ingest [--dry-run] PATH…  validate and write curated bundles
//	policygraph extract FILE…             propose a bundle from raw policy text
//	policygraph export --format F         export the graph or a rooted subgraph
//	policygraph gen --scale S -o DIR      write a synthetic corpus for benchmarks
//
// Configuration comes from the environment; see the README.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(os.Stderr, "policygraph:", err)
			fmt.Fprint(os.Stderr, usage)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "policygraph:", err)
		os.Exit(1)
	}
}

const usage = `usage: policygraph <command> [flags]

commands:
  run                      start local Neo4j (unless NEO4J_URI is set), migrate, ingest data/, serve
  serve                    migrate and serve the GraphQL API
  neo4j start|stop|status  manage the local Neo4j launcher (start --detach to background it)
  migrate                  apply constraints and indexes, then exit
  ingest [--dry-run] PATH… ingest curated bundles (files or folders); --extract FILE|DIR for documents (PDF, DOCX, HTML, text; --ocr for scans)
  extract FILE…            propose a bundle from raw policy text (--format yaml|json, -o OUT)
  stats                    print node and relationship counts
  export --format F        export the graph (cytoscape, graphml, gexf, csv, bundle)
  gen --scale S -o DIR     write a deterministic synthetic corpus (small, large)
`

type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"no command"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "run":
		return runAll(ctx, rest, stdout, stderr)
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "neo4j":
		return runNeo4j(ctx, rest, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, rest, stdout, stderr)
	case "ingest":
		return runIngest(ctx, rest, stdout, stderr)
	case "extract":
		return runExtract(ctx, rest, stdout, stderr)
	case "stats":
		return runStats(ctx, rest, stdout, stderr)
	case "export":
		return runExport(ctx, rest, stdout, stderr)
	case "gen":
		return runGen(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}
