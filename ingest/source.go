package ingest

// The first step of a plan: loading each bundle's source text (read, normalise) and naming
// its document.

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/read"
	"github.com/policygraph/policygraph/textnorm"
)

// Source is a loaded, normalised source document.
type Source struct {
	Path     string
	Encoding string
	SHA256   string
	Doc      *textnorm.Document
	Pages    []int // page of every passage (PDF), nil for formats without pages
}

// MaxSourceBytes bounds the source document a bundle's document.path may name.
var MaxSourceBytes int64 = 32 << 20

// LoadSource reads and normalises a source document: text (UTF-8, GB18030, Big5, UTF-16),
// PDF, DOCX or HTML, recognised by content (package read); the file is read through
// safepath inside its own folder.
func LoadSource(path string) (*Source, error) {
	return loadSourceIn(filepath.Dir(path), filepath.Base(path), read.Options{MaxBytes: MaxSourceBytes})
}

// loadSourceIn reads name inside root only (safepath: no absolute path, no climb out, no
// symlink leaving root, regular files only, at most MaxSourceBytes) and normalises it.
func loadSourceIn(root, name string, ro read.Options) (*Source, error) {
	d, err := read.File(context.Background(), root, filepath.FromSlash(name), ro)
	if err != nil {
		return nil, err
	}
	enc := d.Encoding
	if d.Format != read.FormatText {
		enc = string(d.Format)
	}
	return &Source{Path: filepath.Join(root, name), Encoding: enc, SHA256: d.SHA256, Doc: d.Doc, Pages: d.PassagePages()}, nil
}

func (p *planner) loadDocument(b *bundle.Bundle) {
	// The source text is read only from the bundle's own folder (safepath): a bundle cannot
	// make ingest read another file of the machine.
	src, err := loadSourceIn(filepath.Dir(b.File()), b.Document.Path, p.read)
	if err != nil {
		p.errs.Add(b.File(), b.Document.FieldLine("path"), "document.path", "cannot use source text: %v", err)
		return
	}
	p.sources[b] = src
	id := b.Document.ID
	if id == "" {
		id = model.EntityID(model.KindDocument, b.Document.Title)
	} else if !strings.HasPrefix(id, model.KindDocument.Slug()+":") {
		p.errs.Add(b.File(), b.Document.FieldLine("id"), "document.id", "%q must start with %q", id, model.KindDocument.Slug()+":")
	}
	p.docIDs[b] = id
}
