package ingest_test

import (
	"context"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/storetest"
	"github.com/policygraph/policygraph/textnorm"
)

// TestChangningPDFIngestsLikeText renders the Changning reply as a PDF (Chromium printing
// an HTML page of its paragraphs) and ingests the curated bundle against it: the same
// entities, relations and figures as the text version, with the page of every passage on
// the document.
func TestChangningPDFIngestsLikeText(t *testing.T) {
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Skip("chromium not installed: apt-get install chromium fonts-noto-cjk")
	}
	s := storetest.Open(t)
	storetest.Reset(t, s)
	ctx := context.Background()
	root := storetest.RepoRoot(t)
	txt, err := ingest.LoadSource(filepath.Join(root, "data/documents/changning-2023-proposal-044-reply.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var page strings.Builder
	page.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>长宁区科委答复</title><style>p{text-indent:2em;margin:0;font-size:16pt}</style></head><body>`)
	for _, p := range txt.Doc.Paragraphs {
		fmt.Fprintf(&page, "<p>%s</p>\n", html.EscapeString(txt.Doc.Slice(textnorm.Span{Start: p.Start, End: p.End})))
	}
	page.WriteString("</body></html>")
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "documents"), 0o755); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "c.html")
	if err := os.WriteFile(in, []byte(page.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "documents", "reply.pdf")
	if b, err := exec.Command("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--print-to-pdf="+pdf, "file://"+in).CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v: %s", err, b)
	}
	bundle, err := os.ReadFile(filepath.Join(root, "data/changning-2023-044.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	y := strings.Replace(string(bundle), "documents/changning-2023-proposal-044-reply.txt", "documents/reply.pdf", 1)
	if err := os.WriteFile(filepath.Join(dir, "changning.yaml"), []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Run(ctx, s, []string{dir}, ingest.Options{}); err != nil {
		t.Fatalf("ingest of the PDF rendering: %v", err)
	}
	fromPDF := stats(t, s)
	storetest.Reset(t, s)
	storetest.SeedChangning(t, s)
	fromText := stats(t, s)
	if fmt.Sprint(fromPDF) != fmt.Sprint(fromText) {
		t.Errorf("PDF graph %+v, text graph %+v", fromPDF, fromText)
	}
	src, err := ingest.LoadSource(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if len(src.Pages) != len(src.Doc.Paragraphs) || src.Pages[0] != 1 || src.Pages[len(src.Pages)-1] < 2 {
		t.Errorf("pages %v", src.Pages)
	}
}
