package curate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/extract"
	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
)

// IngestInput is an upload: a curated bundle (YAML or JSON) with the text it describes, a
// bundle alone for a document already in the graph (its stored text is used), or a raw text
// alone (the extractor proposes the facts, which are written with their rule:NAME methods).
type IngestInput struct {
	Bundle string
	Format string // "yaml" (default) or "json"
	Text   string
	Title  string // title of a raw text; default its first line
	DryRun bool
	// Replace lets an admin upload a document already in the graph; without it such an
	// upload is refused (fault.ErrConflict). Staff-added and staff-changed facts survive a
	// replacement (store/conflicts.go).
	Replace bool
}

// IngestDocument writes one uploaded document through the ingest pipeline, in one
// transaction with its audit event (actor a). The bundle's document.path is ignored: an
// upload never reads a file of the server.
func (s *Service) IngestDocument(ctx context.Context, a store.Actor, in IngestInput) (ingest.Report, error) {
	limit := s.MaxUploadBytes
	if limit <= 0 {
		limit = DefaultMaxUpload
	}
	if n := int64(len(in.Bundle) + len(in.Text)); n > limit {
		return ingest.Report{}, invalid("upload of %d bytes exceeds the limit of %d (INGEST_MAX_BYTES)", n, limit)
	}
	if in.Bundle == "" && strings.TrimSpace(in.Text) == "" {
		return ingest.Report{}, invalid("give a bundle, a text, or both")
	}
	if !utf8.ValidString(in.Text) || strings.ContainsRune(in.Text, utf8.RuneError) {
		return ingest.Report{}, invalid("text is not valid UTF-8")
	}
	if err := checkText("title", in.Title, MaxNameRunes, false); err != nil {
		return ingest.Report{}, err
	}
	dir, err := os.MkdirTemp("", "policygraph-upload-*")
	if err != nil {
		return ingest.Report{}, fmt.Errorf("upload: %w", err)
	}
	defer os.RemoveAll(dir)
	// The stored document path is the upload's own name, never a path of the server.
	const textName = "upload.txt"
	textPath := filepath.Join(dir, textName)

	var b *bundle.Bundle
	if in.Bundle != "" {
		name := "upload.yaml"
		switch strings.ToLower(in.Format) {
		case "", "yaml", "yml":
		case "json":
			name = "upload.json"
		default:
			return ingest.Report{}, invalid("format %q: want yaml or json", in.Format)
		}
		b, err = bundle.Parse(filepath.Join(dir, name), []byte(in.Bundle))
		if err != nil {
			return ingest.Report{}, uploadError(err, dir)
		}
		text := in.Text
		if strings.TrimSpace(text) == "" {
			docID := b.Document.ID
			if docID == "" {
				docID = model.EntityID(model.KindDocument, b.Document.Title)
			}
			ps, err := s.Store.Passages(ctx, []string{docID})
			if err != nil {
				return ingest.Report{}, err
			}
			if len(ps[docID]) == 0 {
				return ingest.Report{}, invalid("bundle without text: %s is not in the graph; send the text too", docID)
			}
			text = strings.Join(ps[docID], "\n")
		}
		if err := os.WriteFile(textPath, []byte(text), 0o600); err != nil {
			return ingest.Report{}, fmt.Errorf("upload: %w", err)
		}
		b.Document.Path = textName // relative to the bundle, in dir
	} else {
		if err := os.WriteFile(textPath, []byte(in.Text), 0o600); err != nil {
			return ingest.Report{}, fmt.Errorf("upload: %w", err)
		}
		src, err := ingest.LoadSource(textPath)
		if err != nil {
			return ingest.Report{}, invalid("text: %v", err)
		}
		title := strings.TrimSpace(in.Title)
		if title == "" {
			title = firstLine(src.Doc.Text)
		}
		if title == "" {
			return ingest.Report{}, invalid("give a title: the text has no first line to name it by")
		}
		docID := model.EntityID(model.KindDocument, title)
		res, err := extract.Extract(ctx, docID, src.Doc, extract.Options{Gazetteer: s.Gazetteer})
		if err != nil {
			return ingest.Report{}, fmt.Errorf("extract: %w", err)
		}
		eb := res.Bundle(bundle.DocumentSpec{Path: textName, Title: title})
		b = eb.WithSource(filepath.Join(dir, "upload.yaml"))
	}
	if err := s.checkReplace(ctx, a, b, in.Replace); err != nil {
		// A bundle with problems is reported as such first (a dry run writes nothing).
		if _, perr := ingest.RunBundles(ctx, s.Store, []*bundle.Bundle{b}, ingest.Options{Actor: a.Name, DryRun: true}); perr != nil {
			return ingest.Report{}, uploadError(perr, dir)
		}
		return ingest.Report{}, err
	}
	rep, err := ingest.RunBundles(store.WithActor(ctx, a), s.Store, []*bundle.Bundle{b}, ingest.Options{Actor: a.Name, DryRun: in.DryRun})
	if err != nil {
		return ingest.Report{}, uploadError(err, dir)
	}
	return rep, nil
}

// checkReplace refuses an upload for a document already in the graph unless it says it
// replaces it and comes from an admin.
func (s *Service) checkReplace(ctx context.Context, a store.Actor, b *bundle.Bundle, replace bool) error {
	docID := b.Document.ID
	if docID == "" {
		docID = model.EntityID(model.KindDocument, b.Document.Title)
	}
	found, err := s.Store.ExistingEntities(ctx, []string{docID})
	if err != nil {
		return err
	}
	if _, exists := found[docID]; !exists {
		return nil
	}
	if !replace {
		return fmt.Errorf("%s is already in the graph; an upload does not replace it unless it says replace: true (admin only): %w", docID, fault.ErrConflict)
	}
	if a.Role != "admin" {
		return fmt.Errorf("replacing %s needs the admin role, not %q: %w", docID, a.Role, fault.ErrForbidden)
	}
	return nil
}

// uploadError removes the temporary folder's path from error messages (they name the
// bundle as upload.yaml) and keeps bundle problems as invalid input.
func uploadError(err error, dir string) error {
	msg := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
	var es bundle.Errors
	if errors.As(err, &es) || errors.Is(err, fault.ErrInvalidInput) {
		return fmt.Errorf("%s: %w", strings.TrimSuffix(msg, ": "+fault.ErrInvalidInput.Error()), fault.ErrInvalidInput)
	}
	if fault.Public(err) {
		return err
	}
	return fmt.Errorf("%s", msg)
}

func firstLine(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	line = strings.TrimSpace(line)
	if utf8.RuneCountInString(line) > 80 {
		return ""
	}
	return line
}

// Conflicts lists where documents restated facts differently from staff (store.Conflicts).
func (s *Service) Conflicts(ctx context.Context, targetID, documentID string, first int, after string) (store.ConflictPage, error) {
	cl, ok := s.Store.(interface {
		Conflicts(ctx context.Context, targetID, documentID string, first int, after string) (store.ConflictPage, error)
	})
	if !ok {
		return store.ConflictPage{}, fmt.Errorf("conflicts: %w", fault.ErrUnavailable)
	}
	return cl.Conflicts(ctx, targetID, documentID, first, after)
}
