package ingest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/read"
	"github.com/policygraph/policygraph/store"
)

// Writer is what ingest needs from the graph store.
type Writer interface {
	ApplyDocument(ctx context.Context, w store.DocumentWrite, dryRun bool) (store.Summary, error)
	ExistingEntities(ctx context.Context, ids []string) (map[string]model.Kind, error)
}

// Options tune a run.
type Options struct {
	DryRun   bool
	Actor    string    // recorded as the writer of every fact; default "ingest"
	Progress io.Writer // where progress lines go; nil for none
	// Window, when > 0, streams a large corpus: files are parsed, planned and written Window
	// at a time (in lexical order), so memory is bounded by a window, not the corpus.
	// References across windows must use ids (they resolve through the graph); names and
	// aliases resolve within a window. 0 plans the whole run together.
	Window int
	// OnDocument, when set, is called after each document instead of writing a progress
	// line (the CLI draws a progress bar with it on a terminal).
	OnDocument func(done, total int, s store.Summary)
	Logger     *slog.Logger
	// OCR reads PDF pages without a text layer with tesseract (chi_sim) when the source
	// documents are loaded (ingest --extract --ocr); the bundles' facts should then carry
	// ocr+ methods (the CLI marks them).
	OCR bool
}

// Report is the outcome of a run: one summary per document, in input order.
type Report struct {
	Documents []store.Summary
	Elapsed   time.Duration
}

// Totals adds up the per-document summaries.
func (r Report) Totals() (nodes, edges, qtys store.Change) {
	for _, s := range r.Documents {
		add := func(a *store.Change, b store.Change) {
			a.Created += b.Created
			a.Updated += b.Updated
			a.Unchanged += b.Unchanged
			a.Retracted += b.Retracted
			a.Kept += b.Kept
		}
		add(&nodes, s.Nodes)
		add(&edges, s.Edges)
		add(&qtys, s.Quantities)
	}
	return
}

// Changes returns the number of facts the run created, updated or retracted.
func (r Report) Changes() int {
	n := 0
	for _, s := range r.Documents {
		n += s.Total()
	}
	return n
}

// Run parses, validates and plans every bundle under paths, then writes each document in its
// own transaction. Nothing is written when any bundle has a problem.
func Run(ctx context.Context, w Writer, paths []string, opts Options) (Report, error) {
	files, err := bundle.BundleFiles(paths)
	if err != nil {
		return Report{}, err
	}
	if len(files) == 0 {
		return Report{}, fmt.Errorf("no bundle files (*.yaml, *.yml, *.json) under %v", paths)
	}
	if opts.Window > 0 && len(files) > opts.Window {
		return runWindows(ctx, w, files, opts)
	}
	var bundles []*bundle.Bundle
	var errs bundle.Errors
	for _, f := range files {
		b, err := bundle.ParseFile(f)
		if err != nil {
			if es, ok := err.(bundle.Errors); ok {
				errs = append(errs, es...)
				continue
			}
			return Report{}, err
		}
		bundles = append(bundles, b)
	}
	if err := errs.Err(); err != nil {
		return Report{}, err
	}
	return RunBundles(ctx, w, bundles, opts)
}

// RunBundles plans and writes already parsed bundles (from files or from the extractor).
func RunBundles(ctx context.Context, w Writer, bundles []*bundle.Bundle, opts Options) (Report, error) {
	start := time.Now()
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	writes, err := plan(ctx, bundles, w.ExistingEntities, read.Options{MaxBytes: MaxSourceBytes, OCR: opts.OCR})
	if err != nil {
		return Report{}, err
	}
	rep := Report{}
	for i, dw := range writes {
		dw.Actor = opts.Actor
		sum, err := w.ApplyDocument(ctx, dw, opts.DryRun)
		if err != nil {
			return rep, fmt.Errorf("document %d of %d (%s): %w; documents before it are written, it and those after it are not", i+1, len(writes), dw.Doc.ID, err)
		}
		rep.Documents = append(rep.Documents, sum)
		if opts.OnDocument != nil {
			opts.OnDocument(i+1, len(writes), sum)
		} else if opts.Progress != nil {
			fmt.Fprintf(opts.Progress, "[%d/%d] %s: %s\n", i+1, len(writes), dw.Doc.ID, describe(sum))
		}
		log.DebugContext(ctx, "document ingested", "doc", dw.Doc.ID, "changes", sum.Total(), "dryRun", opts.DryRun)
	}
	rep.Elapsed = time.Since(start)
	return rep, nil
}

func describe(s store.Summary) string {
	if s.Unchanged {
		return "unchanged, 0 changes"
	}
	verb := ""
	if s.DryRun {
		verb = "would write: "
	}
	return fmt.Sprintf("%snodes +%d ~%d -%d, edges +%d ~%d -%d, figures +%d ~%d -%d (%d unchanged)", verb,
		s.Nodes.Created, s.Nodes.Updated, s.Nodes.Retracted,
		s.Edges.Created, s.Edges.Updated, s.Edges.Retracted,
		s.Quantities.Created, s.Quantities.Updated, s.Quantities.Retracted,
		s.Nodes.Unchanged+s.Edges.Unchanged+s.Quantities.Unchanged)
}

// Describe renders a run's totals in one line, e.g. for the CLI summary.
func (r Report) Describe() string {
	n, e, q := r.Totals()
	return fmt.Sprintf("%d document(s) in %s: nodes +%d ~%d -%d =%d, edges +%d ~%d -%d =%d, figures +%d ~%d -%d =%d; %d change(s)",
		len(r.Documents), r.Elapsed.Round(time.Millisecond),
		n.Created, n.Updated, n.Retracted, n.Unchanged,
		e.Created, e.Updated, e.Retracted, e.Unchanged,
		q.Created, q.Updated, q.Retracted, q.Unchanged, r.Changes())
}

// runWindows ingests files Window at a time. Each window is validated before any of it is
// written; windows before a failing one stay written (each document is still atomic).
func runWindows(ctx context.Context, w Writer, files []string, opts Options) (Report, error) {
	start := time.Now()
	total := Report{}
	sub := opts
	sub.Window = 0
	for lo := 0; lo < len(files); lo += opts.Window {
		hi := min(lo+opts.Window, len(files))
		rep, err := Run(ctx, w, files[lo:hi], sub)
		total.Documents = append(total.Documents, rep.Documents...)
		if err != nil {
			return total, fmt.Errorf("files %d–%d of %d (%s … %s): %w", lo+1, hi, len(files), files[lo], files[hi-1], err)
		}
	}
	total.Elapsed = time.Since(start)
	return total, nil
}
