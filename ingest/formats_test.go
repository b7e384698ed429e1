package ingest_test

import (
	"context"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/read/readtest"
	"github.com/policygraph/policygraph/storetest"
	"github.com/policygraph/policygraph/textnorm"
)

// TestChangningRenderingsIngestLikeText renders the Changning reply as a PDF (Chromium
// printing an HTML page of its paragraphs, with Chromium's running header and footer), as
// DOCX (LibreOffice from the article, pandoc from markdown) and as a web page with its chrome,
// and ingests the curated bundle against each: the same entities, relations and figures as
// the text version, and for the PDF the page of every passage on the document.
func TestChangningRenderingsIngestLikeText(t *testing.T) {
	readtest.Need(t, "chromium", "soffice", "pandoc", "pdftotext")
	s := storetest.Open(t)
	ctx := context.Background()
	root := storetest.RepoRoot(t)
	txt, err := ingest.LoadSource(filepath.Join(root, "data/documents/changning-2023-proposal-044-reply.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var paras []string
	for _, p := range txt.Doc.Paragraphs {
		paras = append(paras, txt.Doc.Slice(textnorm.Span{Start: p.Start, End: p.End}))
	}
	heading := func(i int) bool { return txt.Doc.Paragraphs[i].Level > 0 }
	work := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(work, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var plain strings.Builder
	plain.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>长宁区科委答复</title><style>p{text-indent:2em;margin:0;font-size:16pt}</style></head><body>`)
	for _, p := range paras {
		fmt.Fprintf(&plain, "<p>%s</p>\n", html.EscapeString(p))
	}
	plain.WriteString("</body></html>")
	write("print.html", plain.String())
	write("article.html", readtest.Article(paras, heading))
	write("reply.md", readtest.Markdown(paras, heading))
	web := readtest.Chrome(paras[0], "长宁区科委", "2023-04-17", paras, heading)
	renderings := []struct {
		name string
		make func() error
	}{
		{"reply.pdf", func() error {
			return readtest.ChromiumPDF(ctx, filepath.Join(work, "print.html"), filepath.Join(work, "reply.pdf"), true)
		}},
		{"article.docx", func() error {
			return readtest.LibreOffice(ctx, work, work, "docx:MS Word 2007 XML", "HTML (StarWriter)", "article.html")
		}},
		{"reply.docx", func() error { return readtest.Pandoc(ctx, work, "markdown", "reply.md", "reply.docx") }},
		{"web.html", func() error { write("web.html", web); return nil }},
	}
	bundle, err := os.ReadFile(filepath.Join(root, "data/changning-2023-044.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	storetest.Reset(t, s)
	storetest.SeedChangning(t, s)
	fromText := stats(t, s)
	for _, r := range renderings {
		t.Run(r.name, func(t *testing.T) {
			if err := r.make(); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "documents"), 0o755); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(work, r.name))
			if err != nil {
				t.Fatal(err)
			}
			doc := filepath.Join(dir, "documents", r.name)
			if err := os.WriteFile(doc, b, 0o644); err != nil {
				t.Fatal(err)
			}
			y := strings.Replace(string(bundle), "documents/changning-2023-proposal-044-reply.txt", "documents/"+r.name, 1)
			if err := os.WriteFile(filepath.Join(dir, "changning.yaml"), []byte(y), 0o644); err != nil {
				t.Fatal(err)
			}
			storetest.Reset(t, s)
			if _, err := ingest.Run(ctx, s, []string{dir}, ingest.Options{}); err != nil {
				t.Fatalf("ingest of %s: %v", r.name, err)
			}
			if got := stats(t, s); fmt.Sprint(got) != fmt.Sprint(fromText) {
				t.Errorf("%s graph %+v, text graph %+v", r.name, got, fromText)
			}
			src, err := ingest.LoadSource(doc)
			if err != nil {
				t.Fatal(err)
			}
			if src.Doc.Text != txt.Doc.Text {
				t.Errorf("%s normalises differently from the text", r.name)
			}
			if strings.HasSuffix(r.name, ".pdf") {
				if len(src.Pages) != len(src.Doc.Paragraphs) || src.Pages[0] != 1 || src.Pages[len(src.Pages)-1] < 2 {
					t.Errorf("pages %v", src.Pages)
				}
			} else if src.Pages != nil {
				t.Errorf("pages %v for %s", src.Pages, r.name)
			}
		})
	}
}
