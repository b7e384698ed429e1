package read

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/policygraph/policygraph/read/readtest"
)

// The readers' speed against the tool underneath as the floor: pages/s and MB/s per reader,
// B/op (Go side) and the peak RSS of the pdftotext process (max-rss-KB). Run side by side:
//
//	go test -run '^$' -bench . -benchmem ./read/
func BenchmarkPDF(b *testing.B) {
	const pages = 100
	pdf := readtest.ManyPagesPDF(pages)
	dir := b.TempDir()
	in := filepath.Join(dir, "long.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Run("pdftotext-alone", func(b *testing.B) {
		if _, err := exec.LookPath("pdftotext"); err != nil {
			b.Skip("pdftotext not installed")
		}
		var rss int64
		for b.Loop() {
			cmd := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", in, "-")
			if _, err := cmd.Output(); err != nil {
				b.Fatal(err)
			}
			rss = max(rss, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)
		}
		report(b, pages, len(pdf))
		b.ReportMetric(float64(rss), "max-rss-KB")
	})
	b.Run("read.Bytes", func(b *testing.B) {
		for b.Loop() {
			if _, err := Bytes(context.Background(), "long.pdf", pdf, Options{MaxPages: 1000}); err != nil {
				b.Fatal(err)
			}
		}
		report(b, pages, len(pdf))
	})
}

// BenchmarkFormats reads the Changning reply as text, as a web page with chrome and as a
// DOCX written here by pandoc (when installed).
func BenchmarkFormats(b *testing.B) {
	txt, err := os.ReadFile(changning)
	if err != nil {
		b.Fatal(err)
	}
	d, err := Bytes(context.Background(), "c.txt", txt, Options{})
	if err != nil {
		b.Fatal(err)
	}
	var paras []string
	for _, p := range d.Doc.Paragraphs {
		paras = append(paras, string([]rune(d.Doc.Text)[p.Start:p.End]))
	}
	files := map[string][]byte{"text": txt, "html": []byte(readtest.Chrome(paras[0], "长宁区科委", "2023-04-17", paras, nil))}
	if _, err := exec.LookPath("pandoc"); err == nil {
		dir := b.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "c.md"), []byte(readtest.Markdown(paras, nil)), 0o644); err != nil {
			b.Fatal(err)
		}
		if err := readtest.Pandoc(context.Background(), dir, "markdown", "c.md", "c.docx"); err != nil {
			b.Fatal(err)
		}
		if files["docx"], err = os.ReadFile(filepath.Join(dir, "c.docx")); err != nil {
			b.Fatal(err)
		}
	}
	for _, f := range []string{"text", "html", "docx"} {
		data, ok := files[f]
		if !ok {
			continue
		}
		b.Run(f, func(b *testing.B) {
			for b.Loop() {
				if _, err := Bytes(context.Background(), f, data, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			report(b, 0, len(data))
		})
	}
}

func report(b *testing.B, pages, size int) {
	s := b.Elapsed().Seconds() / float64(b.N)
	if pages > 0 {
		b.ReportMetric(float64(pages)/s, "pages/s")
	}
	b.ReportMetric(float64(size)/s/1e6, "MB/s")
}
