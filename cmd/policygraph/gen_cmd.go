package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/policygraph/policygraph/gen"
)

// runGen writes a deterministic synthetic corpus (see package gen):
//
//	policygraph gen --seed N --scale tiny|small|medium|large -o DIR
func runGen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.Uint64("seed", 1, "random seed; the same seed and scale give the same bytes")
	scale := fs.String("scale", "small", "size preset: "+strings.Join(gen.ScaleNames, ", "))
	out := fs.String("o", "", "output folder (required)")
	quiet := fs.Bool("q", false, "no progress lines")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if *out == "" || fs.NArg() > 0 {
		return usageError{"gen: usage: policygraph gen --seed N --scale " + strings.Join(gen.ScaleNames, "|") + " -o DIR"}
	}
	sc, ok := gen.Presets[*scale]
	if !ok {
		return usageError{fmt.Sprintf("gen: unknown scale %q (one of %s)", *scale, strings.Join(gen.ScaleNames, ", "))}
	}
	cfg := gen.Config{Seed: *seed, Scale: sc}
	if !*quiet {
		cfg.Progress = stderr
	}
	start := time.Now()
	st, err := gen.Generate(ctx, *out, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s in %s: %s\n", *out, time.Since(start).Round(time.Millisecond), st)
	return nil
}
