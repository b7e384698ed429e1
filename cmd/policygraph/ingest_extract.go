package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/extract"
	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/read"
)

// extractBundles runs the extractor over documents (any format read recognises) and
// returns one bundle per file, ready for ingest: every fact keeps its rule:NAME method and
// confidence (ocr+rule:NAME, lower, for text read by OCR when ocr is set). Names of gz are
// recognised as known entities.
func extractBundles(ctx context.Context, files []string, gz *extract.Gazetteer, ocr bool) ([]*bundle.Bundle, error) {
	var out []*bundle.Bundle
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, err
		}
		d, err := read.File(ctx, filepath.Dir(abs), filepath.Base(abs), read.Options{MaxBytes: ingest.MaxSourceBytes, OCR: ocr})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		title := extractTitle(d.Doc, abs)
		// document.path is read inside the bundle's folder (safepath): name the text by its
		// base name, beside the (virtual) bundle file.
		spec := bundle.DocumentSpec{Path: filepath.Base(abs), Title: title}
		docID := model.EntityID(model.KindDocument, title)
		res, err := extract.Extract(ctx, docID, d.Doc, extract.Options{Gazetteer: gz})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if d.OCR {
			markOCR(res)
		}
		b := res.Bundle(spec)
		out = append(out, b.WithSource(f))
	}
	return out, nil
}

// loadGazetteers reads the curated bundles under dirs (missing folders skipped) into one
// gazetteer.
func loadGazetteers(dirs []string) (*extract.Gazetteer, error) {
	gz := &extract.Gazetteer{}
	for _, dir := range dirs {
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		g, err := extract.LoadGazetteer(dir)
		if err != nil {
			return nil, err
		}
		gz.Merge(g)
	}
	return gz, nil
}
