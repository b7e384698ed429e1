package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/extract"
	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/read"
)

// ingestExtractDir reads every file under dir (recursively, mixed formats, recognised by
// content), extracts it and writes it as its own document, one transaction each: a file
// that cannot be read, extracted or planned is reported and the others go on, and nothing
// of it is written. Files with the content of one already read are skipped. A progress
// line (files/s, ETA) is drawn on a terminal, then the closing table goes to stderr. It
// fails when no file was ingested.
//
// With opts.OCR (--ocr), PDF pages without a text layer are read with tesseract (chi_sim),
// at extraction and again when ingest loads the document, and every fact read from such a
// file is marked ocr+rule:NAME with lower confidence (markOCR); without it such a file
// fails with the one-line "run with --ocr" message.
func ingestExtractDir(ctx context.Context, w ingest.Writer, dir string, gz *extract.Gazetteer, opts ingest.Options, stderr io.Writer) (ingest.Report, error) {
	names, err := listFiles(dir)
	if err != nil {
		return ingest.Report{}, fmt.Errorf("ingest: %w", err)
	}
	seen := map[string]string{}
	var (
		rows []outcome
		all  ingest.Report
	)
	opts.OnDocument, opts.Progress = nil, nil // the file progress line stands for them
	prog := newFileProgress(stderr, len(names))
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return all, err
		}
		row, rep := ingestOne(ctx, w, dir, name, gz, opts, seen)
		rows = append(rows, row)
		all.Documents = append(all.Documents, rep.Documents...)
		all.Elapsed += rep.Elapsed
		prog.step()
	}
	prog.done()
	verb := "written"
	if opts.DryRun {
		verb = "planned (dry run, nothing written)"
	}
	if closingTable(stderr, rows, verb) == 0 {
		return all, errors.New("ingest: no file could be ingested")
	}
	return all, nil
}

func ingestOne(ctx context.Context, w ingest.Writer, dir, name string, gz *extract.Gazetteer, opts ingest.Options, seen map[string]string) (outcome, ingest.Report) {
	d, err := read.File(ctx, dir, name, read.Options{MaxBytes: ingest.MaxSourceBytes, OCR: opts.OCR})
	if err != nil {
		return outcome{name, "failed", strings.TrimPrefix(err.Error(), name+": ")}, ingest.Report{}
	}
	if first, dup := seen[d.SHA256]; dup {
		return outcome{name, "skipped", "same content as " + first}, ingest.Report{}
	}
	seen[d.SHA256] = name
	path := filepath.Join(dir, name)
	title := extractTitle(d.Doc, path)
	res, err := extract.Extract(ctx, model.EntityID(model.KindDocument, title), d.Doc, extract.Options{Gazetteer: gz})
	if err != nil {
		return outcome{name, "failed", err.Error()}, ingest.Report{}
	}
	if d.OCR {
		markOCR(res)
	}
	// document.path is read inside the bundle's folder: the bundle stands beside the file.
	b := res.Bundle(bundle.DocumentSpec{Path: filepath.Base(path), Title: title, Props: map[string]any{"docType": docType(title)}})
	rep, err := ingest.RunBundles(ctx, w, []*bundle.Bundle{b.WithSource(path)}, opts)
	if err != nil {
		msg := strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
		return outcome{name, "failed", strings.ReplaceAll(msg, path+":", "")}, ingest.Report{}
	}
	detail := fmt.Sprintf("%s, %d passages", d.Format, len(d.Doc.Paragraphs))
	if d.Pages > 0 {
		detail += fmt.Sprintf(", %d pages", d.Pages)
	}
	if d.OCR {
		detail += ", OCR"
	}
	changes := 0
	for _, s := range rep.Documents {
		changes += s.Total()
	}
	detail += fmt.Sprintf(", %d change(s)", changes)
	return outcome{name, "ok", detail}, rep
}
