package read

import (
	"context"
	"errors"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const changning = "../data/documents/changning-2023-proposal-044-reply.txt"

// changningHTML renders the normalised paragraphs of the Changning text as a web page with
// page chrome (navigation, breadcrumb, a header block, a 字号 widget, a footer).
func changningHTML(t *testing.T) (string, *Document) {
	t.Helper()
	txt, err := File(context.Background(), "../data/documents", "changning-2023-proposal-044-reply.txt", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>区政府 - 政务公开</title>
<meta name="ArticleTitle" content="对长宁区政协第十五届二次会议第044号提案的答复"><meta name="PubDate" content="2023-04-17">
<style>p{text-indent:2em;margin:0;font-size:16pt} h1{text-align:center}</style></head><body>
<div class="nav"><a href="#">首页</a> <a href="#">政务公开</a> <a href="#">建议提案办理</a></div>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 提案办理</div>
<table class="metatable"><tr><td>发布机构：长宁区科委</td><td>发布日期：2023-04-17</td></tr></table>
<div class="fontsize">字号：大 中 小</div><div id="zoom">`)
	for i, p := range txt.Doc.Paragraphs {
		tag := "p"
		switch {
		case i == 0:
			tag = "h1"
		case p.Level > 0:
			tag = "h2"
		}
		fmt.Fprintf(&b, "<%s>%s</%s>\n", tag, html.EscapeString(txt.Doc.Text[byteOf(txt.Doc.Text, p.Start):byteOf(txt.Doc.Text, p.End)]), tag)
	}
	b.WriteString(`</div><div class="footer">主办：某区人民政府办公室 版权所有</div></body></html>`)
	return b.String(), txt
}

func byteOf(s string, runes int) int {
	n := 0
	for i := range s {
		if n == runes {
			return i
		}
		n++
	}
	return len(s)
}

func TestChangningRenderings(t *testing.T) {
	page, txt := changningHTML(t)
	ctx := context.Background()
	h, err := Bytes(ctx, "c.html", []byte(page), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if h.Doc.Text != txt.Doc.Text {
		t.Errorf("HTML normalises differently:\n%s\n---\n%s", h.Doc.Text, txt.Doc.Text)
	}
	if h.Meta.Issuer != "长宁区科委" || h.Meta.Date != "2023-04-17" {
		t.Errorf("HTML meta = %+v", h.Meta)
	}
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Skip("chromium not installed: the PDF rendering is not tested (apt-get install chromium fonts-noto-cjk)")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "c.html")
	if err := os.WriteFile(in, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "c.pdf")
	cmd := exec.Command("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--print-to-pdf="+out, "file://"+in)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v: %s", err, b)
	}
	p, err := File(ctx, dir, "c.pdf", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Pages < 2 {
		t.Fatalf("pages = %d", p.Pages)
	}
	// The PDF text is the HTML's main text plus nothing from the chrome but what Chromium
	// prints itself (title and date header, URL and n/N footer, removed as running lines).
	if strings.Contains(p.Doc.Text, "file://") {
		t.Errorf("running footer kept:\n%s", p.Doc.Text)
	}
	last := p.Places[len(p.Places)-1].Page
	if last != p.Pages || p.Places[0].Page != 1 {
		t.Errorf("pages of first and last passage = %d, %d; want 1, %d", p.Places[0].Page, last, p.Pages)
	}
	i := strings.Index(p.Doc.Text, "六、下一步工作思考")
	if i < 0 {
		t.Errorf("heading 六 missing from the PDF text")
	}
}

func TestBadFiles(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want error
		msg  string
	}{
		{"empty.txt", nil, ErrEmpty, "empty.txt: the file is empty"},
		{"blank.txt", []byte(" \n\n"), ErrEmpty, "blank.txt: the file is empty"},
		{"bin.dat", []byte("abc\x00\x01\x02"), ErrBinary, "bin.dat: binary data, not a document"},
		{"img.txt", []byte("\x89PNG\r\n\x1a\nxxxx"), ErrUnknown, "img.txt: unknown format: a PNG image"},
		{"corrupt.pdf", []byte("%PDF-1.4\nnot a pdf at all\n"), ErrCorrupt, "corrupt.pdf: the file is damaged"},
		{"corrupt.docx", []byte("PK\x03\x04garbage"), ErrCorrupt, "corrupt.docx: the file is damaged: not a readable DOCX"},
		{"nav.html", []byte(`<html><body><div class="nav"><a>首页</a></div><footer>版权所有</footer></body></html>`), ErrNoMainText, "nav.html: no main text"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Bytes(context.Background(), c.name, c.data, Options{})
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if !strings.HasPrefix(err.Error(), c.msg) || strings.Contains(err.Error(), "\n") {
				t.Errorf("message %q, want one line starting %q", err, c.msg)
			}
		})
	}
}
