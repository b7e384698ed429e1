package read

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/policygraph/policygraph/read/readtest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// The fixtures made by real producers, once per test run (LibreOffice needs about 20 s a
// conversion on a busy machine, so the conversions run side by side).
var produced struct {
	once sync.Once
	dir  string
	errs []error
}

// producedDir makes every fixture into one temporary folder:
//
//	notice.pdf, notice.docx   LibreOffice from testdata/producers/notice.fodt (running header,
//	                          page-number footer, a table, a two-column section)
//	locked.pdf                the same, exported with an open password
//	changning-web.html        the Changning reply as a web page with its chrome
//	changning-lo.docx         LibreOffice from the Changning reply's article as HTML
//	changning-pandoc.docx     pandoc from the Changning reply as markdown
//	columns.pdf               Chromium from testdata/producers/columns.html (CSS columns)
//	scan.pdf, scan4.pdf       Chromium screenshot of testdata/producers/scan.html, printed
//	                          as an image on one (four) page(s): no text layer
func producedDir(t *testing.T) string {
	t.Helper()
	readtest.Need(t, "soffice", "pandoc", "chromium", "pdftotext")
	produced.once.Do(func() {
		dir, err := os.MkdirTemp("", "policygraph-read-fixtures-")
		if err != nil {
			produced.errs = append(produced.errs, err)
			return
		}
		produced.dir = dir
		produced.errs = makeFixtures(t, dir)
	})
	if len(produced.errs) > 0 {
		t.Fatalf("making fixtures: %v", errors.Join(produced.errs...))
	}
	return produced.dir
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if produced.dir != "" {
		os.RemoveAll(produced.dir)
	}
	os.Exit(code)
}

func makeFixtures(t *testing.T, dir string) []error {
	ctx := context.Background()
	src, err := filepath.Abs("testdata/producers")
	if err != nil {
		return []error{err}
	}
	for _, f := range []string{"notice.fodt", "columns.html", "scan.html"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			return []error{err}
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			return []error{err}
		}
	}
	paras, heading := changningParagraphs(t)
	page := readtest.Chrome(paras[0], "长宁区科委", "2023-04-17", paras, heading)
	if err := os.WriteFile(filepath.Join(dir, "changning-web.html"), []byte(page), 0o644); err != nil {
		return []error{err}
	}
	if err := os.WriteFile(filepath.Join(dir, "changning-lo.html"), []byte(readtest.Article(paras, heading)), 0o644); err != nil {
		return []error{err}
	}
	if err := os.WriteFile(filepath.Join(dir, "changning-pandoc.md"), []byte(readtest.Markdown(paras, heading)), 0o644); err != nil {
		return []error{err}
	}
	locked := filepath.Join(dir, "locked")
	jobs := []func() error{
		func() error { return readtest.LibreOffice(ctx, dir, dir, "pdf", "", "notice.fodt") },
		func() error { return readtest.LibreOffice(ctx, dir, dir, "docx:MS Word 2007 XML", "", "notice.fodt") },
		func() error {
			if err := readtest.LibreOffice(ctx, dir, locked, `pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"secret"}}`, "", "notice.fodt"); err != nil {
				return err
			}
			return os.Rename(filepath.Join(locked, "notice.pdf"), filepath.Join(dir, "locked.pdf"))
		},
		func() error {
			return readtest.LibreOffice(ctx, dir, dir, "docx:MS Word 2007 XML", "HTML (StarWriter)", "changning-lo.html")
		},
		func() error {
			return readtest.Pandoc(ctx, dir, "markdown", "changning-pandoc.md", "changning-pandoc.docx")
		},
		func() error {
			return readtest.ChromiumPDF(ctx, filepath.Join(dir, "columns.html"), filepath.Join(dir, "columns.pdf"), false)
		},
		func() error {
			for name, n := range map[string]int{"scan": 1, "scan4": 4} {
				if err := readtest.ImagePDF(ctx, filepath.Join(dir, "scan.html"), filepath.Join(dir, name+".pdf"), n); err != nil {
					return err
				}
			}
			return nil
		},
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := j(); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errs
}

// changningParagraphs are the normalised paragraphs of the Changning reply and which of
// them are headings.
func changningParagraphs(t *testing.T) ([]string, func(int) bool) {
	d, err := File(context.Background(), "../data/documents", "changning-2023-proposal-044-reply.txt", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var paras []string
	for _, p := range d.Doc.Paragraphs {
		paras = append(paras, string([]rune(d.Doc.Text)[p.Start:p.End]))
	}
	return paras, func(i int) bool { return d.Doc.Paragraphs[i].Level > 0 }
}

// golden renders a document as the golden file shows it: one passage a line, with where it
// sits (page, element path).
func golden(d *Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# format %s, %d passages, %d pages, ocr %v\n", d.Format, len(d.Doc.Paragraphs), d.Pages, d.OCR)
	for i, p := range d.Doc.Paragraphs {
		pl := d.Places[i]
		where := pl.Path
		if pl.Page > 0 {
			where = fmt.Sprintf("p%d", pl.Page)
		}
		fmt.Fprintf(&b, "[%s] %s\n", where, string([]rune(d.Doc.Text)[p.Start:p.End]))
	}
	return b.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./read -run TestProducers -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s:\n%s", name, path, got)
	}
}

// TestProducers reads every fixture a real producer made and compares the normalised
// passages, with their pages and element paths, to the golden files.
func TestProducers(t *testing.T) {
	dir := producedDir(t)
	ctx := context.Background()
	txt, err := File(ctx, "../data/documents", "changning-2023-proposal-044-reply.txt", Options{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file   string
		format Format
		check  func(t *testing.T, d *Document)
	}{
		{"notice.pdf", FormatPDF, func(t *testing.T, d *Document) {
			// running header and page-number footer gone; the columns in reading order;
			// the table in rows
			for _, bad := range []string{"某区科学技术委员会文件", "第1页", "第2页"} {
				if strings.Contains(d.Doc.Text, bad) {
					t.Errorf("running line %q kept", bad)
				}
			}
			mustContain(t, d, "四、工作要求。各街道、镇要做好政策宣传", "服务类别|兑付比例|年度上限", "五、监督管理。对弄虚作假、骗取创新券的企业和服务机构，收回已兑付资金")
		}},
		{"notice.docx", FormatDOCX, func(t *testing.T, d *Document) {
			mustContain(t, d, "服务类别|兑付比例|年度上限", "四、工作要求。各街道、镇要做好政策宣传")
		}},
		{"columns.pdf", FormatPDF, func(t *testing.T, d *Document) {
			mustContain(t, d, "在企业服务方面，园区设立一站式服务窗口", "下一季度，园区将继续优化营商环境")
			if i, j := strings.Index(d.Doc.Text, "本期简报"), strings.Index(d.Doc.Text, "下一季度"); i < 0 || j < i {
				t.Errorf("reading order: 本期简报 at %d, 下一季度 at %d", i, j)
			}
		}},
		{"changning-lo.docx", FormatDOCX, func(t *testing.T, d *Document) {
			if d.Doc.Text != txt.Doc.Text {
				t.Errorf("LibreOffice DOCX of the Changning page normalises differently from the text: %s", firstDiff(d.Doc.Text, txt.Doc.Text))
			}
		}},
		{"changning-pandoc.docx", FormatDOCX, func(t *testing.T, d *Document) {
			if d.Doc.Text != txt.Doc.Text {
				t.Errorf("pandoc DOCX of the Changning reply normalises differently from the text: %s", firstDiff(d.Doc.Text, txt.Doc.Text))
			}
		}},
		{"changning-web.html", FormatHTML, func(t *testing.T, d *Document) {
			if d.Doc.Text != txt.Doc.Text {
				t.Errorf("the Changning page with chrome normalises differently from the text: %s", firstDiff(d.Doc.Text, txt.Doc.Text))
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			d, err := File(ctx, dir, c.file, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if d.Format != c.format {
				t.Errorf("format %s, want %s", d.Format, c.format)
			}
			c.check(t, d)
			checkGolden(t, strings.TrimSuffix(c.file, filepath.Ext(c.file))+"."+string(c.format), golden(d))
		})
	}
}

func mustContain(t *testing.T, d *Document, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(d.Doc.Text, p) {
			t.Errorf("text lacks %q:\n%s", p, d.Doc.Text)
		}
	}
}

// TestOCR reads the image-only page with --ocr and measures the character error rate
// against the page's own text (tesseract output varies a little between versions, so the
// golden is the known text and the test bounds the error rate).
func TestOCR(t *testing.T) {
	dir := producedDir(t)
	readtest.Need(t, "tesseract")
	ctx := context.Background()
	known, err := File(ctx, dir, "scan.html", Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := File(ctx, dir, "scan.pdf", Options{OCR: true})
	if err != nil {
		t.Fatal(err)
	}
	if !d.OCR || d.Pages != 1 || d.Places[0].Page != 1 {
		t.Errorf("OCR %v, pages %d", d.OCR, d.Pages)
	}
	cer := readtest.CER(strings.ReplaceAll(d.Doc.Text, "\n", ""), strings.ReplaceAll(known.Doc.Text, "\n", ""))
	t.Logf("OCR character error rate %.3f\n%s", cer, d.Doc.Text)
	if cer > 0.05 {
		t.Errorf("character error rate %.3f > 0.05:\n%s", cer, d.Doc.Text)
	}
	checkGolden(t, "scan.known", golden(known))
}

// TestProducedBadFiles: each bad file, made by a real producer or built here, gets its
// one-line message, naming the file and what to do.
func TestProducedBadFiles(t *testing.T) {
	dir := producedDir(t)
	ctx := context.Background()
	put := func(name string, b []byte) string {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		return name
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "notice.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	docx, err := os.ReadFile(filepath.Join(dir, "notice.docx"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file string
		opts Options
		want error
		msg  string
	}{
		{"locked.pdf", Options{}, ErrEncrypted, "locked.pdf: the PDF is encrypted (password protected); save an unprotected copy and read that"},
		{put("cut.pdf", pdf[:len(pdf)/3]), Options{}, ErrCorrupt, "cut.pdf: the file is damaged: poppler: "},
		{put("cut.docx", docx[:len(docx)/2]), Options{}, ErrCorrupt, "cut.docx: the file is damaged: not a readable DOCX (zip: "},
		{"scan4.pdf", Options{}, ErrNoTextLayer, "scan4.pdf: no text layer: pages 1–4 have no text layer; run with --ocr"},
		{put("bomb.docx", zipBomb(t)), Options{}, ErrZipBomb, "bomb.docx: the archive expands to more than the limit: word/document.xml expands to 268435456 bytes from "},
		{put("long.pdf", readtest.ManyPagesPDF(500)), Options{}, ErrTooManyPage, "long.pdf: too many pages: 500 pages, more than the limit of 300; split it, or raise the limit with --max-pages"},
		{put("empty.pdf", nil), Options{}, ErrEmpty, "empty.pdf: the file is empty"},
		{put("random.docx", pseudoRandom(4096)), Options{}, ErrBinary, "random.docx: binary data, not a document"},
		{put("photo.pdf", append([]byte("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"), pseudoRandom(512)...)), Options{}, ErrUnknown, "photo.pdf: unknown format: a JPEG image: put it in a PDF and read it with --ocr"},
		{put("nav.html", []byte(readtest.Chrome("标题", "某局", "2024-01-01", nil, nil))), Options{}, ErrNoMainText, "nav.html: no main text: the page has no paragraphs of text outside navigation and page chrome; save the page's article itself"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			_, err := File(ctx, dir, c.file, c.opts)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if !strings.HasPrefix(err.Error(), c.msg) || strings.Contains(err.Error(), "\n") {
				t.Errorf("message\n %q\nwant one line starting\n %q", err, c.msg)
			}
		})
	}
	// The 500-page PDF reads, in bounded memory, when the limit allows it.
	d, err := File(ctx, dir, "long.pdf", Options{MaxPages: 600})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(d.Doc.Text, "Section "); d.Pages != 500 || n != 500 {
		t.Errorf("pages %d, sections read %d", d.Pages, n)
	}
}

// zipBomb is a zip posing as DOCX whose word/document.xml expands to 256 MiB of spaces.
func zipBomb(t *testing.T) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range []struct {
		name string
		size int
	}{{"[Content_Types].xml", 0}, {"word/document.xml", 256 << 20}} {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		if f.size == 0 {
			fmt.Fprint(w, `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`)
			continue
		}
		chunk := bytes.Repeat([]byte(" "), 1<<20)
		for i := 0; i < f.size>>20; i++ {
			if _, err := w.Write(chunk); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pseudoRandom is n bytes of a fixed xorshift sequence (binary data, deterministic).
func pseudoRandom(n int) []byte {
	out := make([]byte, n)
	x := uint32(2463534242)
	for i := range out {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		out[i] = byte(x)
	}
	return out
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n got  %q\n want %q", i+1, a, b)
		}
	}
	return "same lines"
}
