// Command soak runs policygraph under a bounded, mixed load on loopback and reports whether
// it stays healthy: no 5xx and no INTERNAL errors, RSS over time (samples.csv and rss.png)
// and goroutines before and after (from /metrics), so that leaks and growth show.
//
//	go run ./bench/soak -duration 10m -concurrency 16 -o bench/soak/results
//
// It builds cmd/policygraph (or uses -bin), ingests the Changning bundles (data/) and,
// with -corpus tiny|small, a generated corpus into NEO4J_URI (ingest is idempotent; nothing
// is wiped unless -wipe), serves it on a free loopback port with a JWT secret of its own, and sends
// queries and curation writes (addRelation, retractRelation, markReviewed, addQuantity; the
// -writes share) from -concurrency clients. `go test ./bench/soak` runs a 20-second version.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/policygraph/policygraph/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	duration := fs.Duration("duration", 10*time.Minute, "how long the load runs")
	conc := fs.Int("concurrency", 16, "concurrent clients")
	writes := fs.Float64("writes", 0.1, "share of requests that are curation writes")
	sampleEvery := fs.Duration("sample", 0, "sampling interval (default: duration/300, at least 1s)")
	out := fs.String("o", "bench/soak/out", "output folder for samples.csv, summary.json, rss.png")
	bin := fs.String("bin", "", "policygraph binary (default: build ./cmd/policygraph)")
	corpus := fs.String("corpus", "", "also ingest a generated corpus: tiny or small (default: only data/)")
	uri := fs.String("neo4j-uri", envOr("NEO4J_URI", "bolt://127.0.0.1:7688"), "Neo4j to serve (NEO4J_URI)")
	wipe := fs.Bool("wipe", false, "empty the database first (only for a database of its own)")
	replot := fs.String("replot", "", "only redraw the PNGs of this results folder")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *replot != "" {
		return Replot(*replot)
	}
	pw := envOr("NEO4J_PASSWORD", "policygraph-dev")
	root, err := repoRoot()
	if err != nil {
		return err
	}
	if *bin == "" {
		*bin = filepath.Join(os.TempDir(), fmt.Sprintf("policygraph-soak-%d", os.Getpid()))
		defer os.Remove(*bin)
		if err := build(root, *bin); err != nil {
			return err
		}
	}
	if *wipe {
		st, err := store.Open(ctx, store.Config{URI: *uri, Password: pw}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			return err
		}
		err = st.Wipe(ctx)
		st.Close(context.Background())
		if err != nil {
			return err
		}
	}
	if err := seed(ctx, root, *bin, *uri, pw, *corpus); err != nil {
		return err
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	every := *sampleEvery
	if every == 0 {
		every = max(time.Second, *duration/300)
	}
	rep, err := Run(ctx, Config{Binary: *bin, NeoURI: *uri, NeoPassword: pw, Addr: addr, Duration: *duration,
		Concurrency: *conc, WriteShare: *writes, Sample: every, OutDir: *out, Log: os.Stderr})
	if err != nil {
		return err
	}
	b, _ := json.MarshalIndent(rep, "", "  ")
	fmt.Println(string(b))
	if rep.ServerErrors > 0 || rep.Internal > 0 || rep.Transport > 0 {
		return fmt.Errorf("%d 5xx, %d INTERNAL errors, %d transport errors", rep.ServerErrors, rep.Internal, rep.Transport)
	}
	return nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("go.mod not found above the working directory")
		}
		dir = parent
	}
}

func build(root, bin string) error {
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/policygraph")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	return nil
}

// seed ingests data/ and, when asked, a generated corpus into uri with the binary.
func seed(ctx context.Context, root, bin, uri, pw, corpus string) error {
	paths := []string{filepath.Join(root, "data")}
	if corpus != "" {
		dir, err := os.MkdirTemp("", "policygraph-soak-corpus-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		gen := exec.CommandContext(ctx, bin, "gen", "--scale", corpus, "-o", dir, "-q")
		if out, err := gen.CombinedOutput(); err != nil {
			return fmt.Errorf("gen: %v\n%s", err, out)
		}
		paths = append(paths, dir)
	}
	for _, p := range paths {
		cmd := exec.CommandContext(ctx, bin, "ingest", p)
		cmd.Env = append(os.Environ(), "NEO4J_URI="+uri, "NEO4J_PASSWORD="+pw)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("ingest %s: %v\n%s", p, err, out)
		}
	}
	return nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
