package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/policygraph/policygraph/extract"
	"github.com/policygraph/policygraph/read"
)

// extractOptions are the extractor's options plus how files are read.
type extractOptions struct {
	extract.Options
	OCR bool
}

// ocrConfidence scales the confidence of facts read from OCR text: recognition errors make
// a rule's match less certain.
const ocrConfidence = 0.7

// markOCR marks every fact of a result read from OCR text: method ocr+rule:NAME, lower
// confidence.
func markOCR(res *extract.Result) {
	for i := range res.Entities {
		for k := range res.Entities[i].Sources {
			s := &res.Entities[i].Sources[k]
			s.Method, s.Confidence = "ocr+"+s.Method, s.Confidence*ocrConfidence
		}
	}
	for i := range res.Relations {
		for k := range res.Relations[i].Sources {
			s := &res.Relations[i].Sources[k]
			s.Method, s.Confidence = "ocr+"+s.Method, s.Confidence*ocrConfidence
		}
	}
	for i := range res.Quantities {
		for k := range res.Quantities[i].Sources {
			s := &res.Quantities[i].Sources[k]
			s.Method, s.Confidence = "ocr+"+s.Method, s.Confidence*ocrConfidence
		}
	}
	for i := range res.Conditions {
		for k := range res.Conditions[i].Sources {
			s := &res.Conditions[i].Sources[k]
			s.Method, s.Confidence = "ocr+"+s.Method, s.Confidence*ocrConfidence
		}
	}
}

// outcome is one file's line of the closing table.
type outcome struct {
	file, status, detail string
}

// runExtractDir extracts every file under dir (recursively, mixed formats), each read
// inside dir through safepath: a symlink leading out of dir is refused. Files with the same
// content as one already read are skipped. Progress (files/s, ETA) goes to stderr, then a
// closing table: ok / skipped / failed with the reason per file. One bad file never stops
// the others; the command fails when no file could be read.
func runExtractDir(ctx context.Context, dir, out, format string, opts extractOptions, stdout, stderr io.Writer) error {
	names, err := listFiles(dir)
	if err != nil {
		return fmt.Errorf("extract: %w", err)
	}
	if out == "" {
		out = filepath.Join(dir, ".extract")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("extract: output directory: %w", err)
	}
	seen := map[string]string{}
	var rows []outcome
	prog := newFileProgress(stderr, len(names))
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows = append(rows, extractOne(ctx, dir, name, out, format, opts, seen))
		prog.step()
	}
	prog.done()
	if closingTable(stderr, rows, "→ "+out) == 0 {
		return errors.New("extract: no file could be read")
	}
	return nil
}

// listFiles lists the files under dir, recursively (hidden folders skipped), as paths
// relative to dir.
func listFiles(dir string) ([]string, error) {
	var names []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && p != dir && strings.HasPrefix(e.Name(), ".") {
			return filepath.SkipDir
		}
		if !e.IsDir() {
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			names = append(names, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return names, nil
}

// fileProgress redraws one line on a terminal: files done of all, files/s, ETA.
type fileProgress struct {
	w        io.Writer
	tty      bool
	n, total int
	start    time.Time
}

func newFileProgress(w io.Writer, total int) *fileProgress {
	return &fileProgress{w: w, tty: isTerminal(w), total: total, start: time.Now()}
}

func (p *fileProgress) step() {
	p.n++
	if !p.tty {
		return
	}
	rate := float64(p.n) / max(time.Since(p.start).Seconds(), 1e-3)
	eta := float64(p.total-p.n) / rate
	fmt.Fprintf(p.w, "\r[%d/%d] %.1f files/s, ETA %.0fs ", p.n, p.total, rate, eta)
}

func (p *fileProgress) done() {
	if p.tty {
		fmt.Fprintln(p.w)
	}
}

// closingTable writes one line per file (ok / skipped / failed with the reason) and the
// totals; it returns how many were ok.
func closingTable(w io.Writer, rows []outcome, after string) int {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "file\tstatus\tdetail")
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.status]++
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.file, r.status, r.detail)
	}
	tw.Flush()
	fmt.Fprintf(w, "%d ok, %d skipped, %d failed (of %d files) %s\n", counts["ok"], counts["skipped"], counts["failed"], len(rows), after)
	return counts["ok"]
}

func extractOne(ctx context.Context, dir, name, out, format string, opts extractOptions, seen map[string]string) outcome {
	d, err := read.File(ctx, dir, name, read.Options{OCR: opts.OCR})
	if err != nil {
		return outcome{name, "failed", strings.TrimPrefix(err.Error(), name+": ")}
	}
	if first, dup := seen[d.SHA256]; dup {
		return outcome{name, "skipped", "same content as " + first}
	}
	seen[d.SHA256] = name
	target := filepath.Join(out, strings.ReplaceAll(strings.TrimSuffix(name, filepath.Ext(name)), string(filepath.Separator), "__")+".extract."+format)
	data, err := renderExtract(ctx, d, filepath.Join(dir, name), target, format, opts.Options)
	if err != nil {
		return outcome{name, "failed", err.Error()}
	}
	if err := os.WriteFile(target, data, 0o644); err != nil {
		return outcome{name, "failed", err.Error()}
	}
	detail := fmt.Sprintf("%s, %d passages", d.Format, len(d.Doc.Paragraphs))
	if d.Pages > 0 {
		detail += fmt.Sprintf(", %d pages", d.Pages)
	}
	if d.OCR {
		detail += ", OCR"
	}
	for _, w := range d.Warnings {
		detail += "; " + w
	}
	return outcome{name, "ok", detail}
}
