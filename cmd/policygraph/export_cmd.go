package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/policygraph/policygraph/export"
)

// runExport writes the graph, or a rooted part of it, in one of the export formats:
//
//	policygraph export --format F [--root ID --depth N --kinds K,… --limit N] [-o FILE]
//
// Without -o the output goes to stdout. For --format bundle, -o names a folder (written with
// NAME.yaml + NAME.txt per document, ready for `policygraph ingest FOLDER`) unless it ends in
// .zip.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "", "output format: cytoscape, graphml, gexf, csv or bundle")
	root := fs.String("root", "", "export only the subgraph around this entity id")
	depth := fs.Int("depth", 0, fmt.Sprintf("hops from --root, 1..%d (default %d)", export.MaxDepth, export.DefaultDepth))
	kinds := fs.String("kinds", "", "with --root: keep only these kinds (comma separated, e.g. POLICY,ENTERPRISE)")
	limit := fs.Int("limit", 0, fmt.Sprintf("with --root: at most this many nodes, 1..%d (default %d)", export.MaxLimit, export.MaxLimit))
	out := fs.String("o", "", "output file (bundle: a folder, or a .zip file); default stdout")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("export: unexpected argument %q", fs.Arg(0))}
	}
	ks, err := export.ParseKinds(*kinds)
	if err != nil {
		return usageError{err.Error()}
	}
	opts := export.Options{Format: export.Format(*format), Root: *root, Depth: *depth, Kinds: ks, Limit: *limit}
	if err := opts.Validate(); err != nil {
		return usageError{err.Error()}
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

	var res export.Result
	switch {
	case opts.Format == export.Bundle && *out != "" && !strings.EqualFold(filepath.Ext(*out), ".zip"):
		if res, err = export.WriteBundleDir(ctx, s, opts, *out); err != nil {
			return err
		}
	case *out == "":
		if res, err = export.Write(ctx, s, opts, stdout); err != nil {
			return err
		}
	default:
		if res, err = writeFileAtomic(*out, func(w io.Writer) (export.Result, error) { return export.Write(ctx, s, opts, w) }); err != nil {
			return err
		}
	}
	dest := *out
	if dest == "" {
		dest = "stdout"
	}
	fmt.Fprintf(stderr, "exported %d node(s) and %d edge(s) as %s to %s\n", res.Nodes, res.Edges, opts.Format, dest)
	if res.Truncated {
		fmt.Fprintf(stderr, "warning: the subgraph reached --limit %d and was cut short\n", opts.Limit)
	}
	return nil
}

// writeFileAtomic writes path through a temporary file in the same folder, renamed into place
// only when write succeeds, so a failed export never leaves a partial file behind.
func writeFileAtomic(path string, write func(io.Writer) (export.Result, error)) (export.Result, error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".policygraph-export-*")
	if err != nil {
		return export.Result{}, err
	}
	defer os.Remove(f.Name()) // a no-op after the rename
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return export.Result{}, err
	}
	res, err := write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return res, err
	}
	return res, os.Rename(f.Name(), path)
}
