package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/extract"
	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/model"
)

// extractBundles runs the extractor over raw texts and returns one bundle per file, ready
// for ingest: every fact keeps its rule:NAME method and confidence. Names from the curated
// bundles under gazetteerDirs are recognised as known entities.
func extractBundles(ctx context.Context, files, gazetteerDirs []string) ([]*bundle.Bundle, error) {
	gz := &extract.Gazetteer{}
	for _, dir := range gazetteerDirs {
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		g, err := extract.LoadGazetteer(dir)
		if err != nil {
			return nil, err
		}
		gz.Merge(g)
	}
	var out []*bundle.Bundle
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, err
		}
		src, err := ingest.LoadSource(abs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		title := documentTitle(src, abs)
		// document.path is read inside the bundle's folder (safepath): name the text by its
		// base name, beside the (virtual) bundle file.
		spec := bundle.DocumentSpec{Path: filepath.Base(abs), Title: title}
		docID := model.EntityID(model.KindDocument, title)
		res, err := extract.Extract(ctx, docID, src.Doc, extract.Options{Gazetteer: gz})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		b := res.Bundle(spec)
		out = append(out, b.WithSource(f))
	}
	return out, nil
}

// documentTitle is the first paragraph when it reads like a title, else the file name.
func documentTitle(src *ingest.Source, path string) string {
	if len(src.Doc.Paragraphs) > 0 {
		p := src.Doc.Paragraphs[0]
		t := strings.TrimSpace(string([]rune(src.Doc.Text)[p.Start:p.End]))
		if n := len([]rune(t)); n > 0 && n <= 80 {
			return t
		}
	}
	return strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
}
