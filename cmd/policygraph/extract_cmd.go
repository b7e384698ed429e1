package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/extract"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/read"
	"github.com/policygraph/policygraph/textnorm"
)

const extractUsage = `usage: policygraph extract FILE…|DIR [--format yaml|json] [-o OUT] [--gazetteer DIR] [--min-confidence C] [--no-segmenter] [--ocr]

Proposes entities, relations and figures found in policy documents (PDF, DOCX, HTML, text in
UTF-8, GB18030, Big5 or UTF-16; recognised by content), each
with the passage, span and quote that support it. The YAML form is a curated bundle that
'policygraph ingest' accepts unchanged; the JSON form is for other tools.

With one FILE, -o names the output file; with several, -o names a directory that receives
NAME.extract.yaml (or .json) per file. Without -o, output goes to stdout (YAML documents
separated by ---, or a JSON array when there are several files).
`

// runExtract implements `policygraph extract`.
func runExtract(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, extractUsage) }
	format := fs.String("format", "yaml", "output format: yaml (a curated bundle) or json")
	out := fs.String("o", "", "output file (one input) or directory (several inputs)")
	gazDir := fs.String("gazetteer", "", "directory of curated bundles whose entities are known names")
	minConf := fs.Float64("min-confidence", 0, "drop facts less confident than this")
	noSeg := fs.Bool("no-segmenter", false, "do not load the word segmenter")
	ocr := fs.Bool("ocr", false, "read PDF pages without a text layer with tesseract (chi_sim)")

	// flags may follow the files: parse, take the next file, parse again
	var files []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			return usageError{err.Error()}
		}
		rest = fs.Args()
		if len(rest) == 0 {
			break
		}
		files = append(files, rest[0])
		rest = rest[1:]
	}
	if len(files) == 0 {
		return usageError{"extract: no input file"}
	}
	if *format != "yaml" && *format != "json" {
		return usageError{fmt.Sprintf("extract: --format must be yaml or json, not %q", *format)}
	}

	opts := extractOptions{Options: extract.Options{MinConfidence: *minConf, NoSegmenter: *noSeg}, OCR: *ocr}
	if *gazDir != "" {
		g, err := extract.LoadGazetteer(*gazDir)
		if err != nil {
			return err
		}
		opts.Gazetteer = g
	}
	if len(files) == 1 {
		if fi, err := os.Stat(files[0]); err == nil && fi.IsDir() {
			return runExtractDir(ctx, files[0], *out, *format, opts, stdout, stderr)
		}
	}

	outDir := ""
	if *out != "" && len(files) > 1 {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return fmt.Errorf("extract: output directory: %w", err)
		}
		outDir = *out
	}

	var jsons []json.RawMessage
	var yamls [][]byte
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		target := *out
		if outDir != "" {
			ext := ".extract." + *format
			target = filepath.Join(outDir, strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))+ext)
		}
		data, err := extractFile(ctx, f, target, *format, opts)
		if err != nil {
			return err
		}
		switch {
		case target != "":
			if err := os.WriteFile(target, data, 0o644); err != nil {
				return fmt.Errorf("extract: %w", err)
			}
			fmt.Fprintf(stderr, "%s → %s\n", f, target)
		case *format == "json":
			jsons = append(jsons, data)
		default:
			yamls = append(yamls, data)
		}
	}
	switch {
	case len(jsons) == 1:
		_, err := stdout.Write(append(jsons[0], '\n'))
		return err
	case len(jsons) > 1:
		b, err := json.MarshalIndent(jsons, "", "  ")
		if err != nil {
			return err
		}
		_, err = stdout.Write(append(b, '\n'))
		return err
	}
	for i, y := range yamls {
		if i > 0 {
			if _, err := io.WriteString(stdout, "---\n"); err != nil {
				return err
			}
		}
		if _, err := stdout.Write(y); err != nil {
			return err
		}
	}
	return nil
}

// extractFile reads, decodes, normalises and extracts one file, and renders the result.
// target is where the output will be written ("" for stdout): the bundle's document path
// is made relative to it.
func extractFile(ctx context.Context, path, target, format string, opts extractOptions) ([]byte, error) {
	d, err := read.File(ctx, filepath.Dir(path), filepath.Base(path), read.Options{OCR: opts.OCR})
	if err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	return renderExtract(ctx, d, path, target, format, opts.Options)
}

// renderExtract extracts from a read document and renders the result.
func renderExtract(ctx context.Context, d *read.Document, path, target, format string, opts extract.Options) ([]byte, error) {
	doc := d.Doc
	title := extractTitle(doc, path)
	docID := model.EntityID(model.KindDocument, title)
	res, err := extract.Extract(ctx, docID, doc, opts)
	if err != nil {
		return nil, fmt.Errorf("extract: %s: %w", path, err)
	}
	if d.OCR {
		markOCR(res)
	}
	if format == "json" {
		return res.JSON()
	}

	spec := bundle.DocumentSpec{Path: docPath(path, target), Title: title, Props: map[string]any{"docType": docType(title)}}
	b := res.Bundle(spec)
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Extracted by `policygraph extract` from %s: review before ingest.\n", filepath.Base(path))
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(b); err != nil {
		return nil, fmt.Errorf("extract: %s: %w", path, err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// extractTitle is the first paragraph when it reads like a title, else the file name.
func extractTitle(doc *textnorm.Document, path string) string {
	if len(doc.Paragraphs) > 0 {
		p := doc.Paragraphs[0]
		t := strings.TrimSpace(doc.Slice(textnorm.Span{Start: p.Start, End: p.End}))
		if n := len([]rune(t)); n > 0 && n <= 80 && !strings.ContainsAny(t, "。；") {
			return t
		}
	}
	return strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
}

// docType guesses the Document docType from its title.
func docType(title string) string {
	switch {
	case strings.Contains(title, "答复") || strings.Contains(title, "复函"):
		return "reply"
	case strings.Contains(title, "通知"):
		return "notice"
	case strings.Contains(title, "细则") || strings.Contains(title, "办法"):
		return "rules"
	case strings.Contains(title, "措施") || strings.Contains(title, "意见") || strings.Contains(title, "规划"):
		return "policy"
	}
	return "other"
}

// docPath is the text's path as the bundle names it: relative to the bundle's directory
// when the bundle is written to a file, absolute on stdout.
func docPath(path, target string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if target == "" {
		return abs
	}
	dir, err := filepath.Abs(filepath.Dir(target))
	if err != nil {
		return abs
	}
	if rel, err := filepath.Rel(dir, abs); err == nil {
		return filepath.ToSlash(rel)
	}
	return abs
}
