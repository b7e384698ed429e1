// Package readtest makes the document fixtures of the reader and ingest tests with the
// programs real documents come from: LibreOffice (soffice --headless --convert-to), pandoc
// and Chromium (--print-to-pdf, --screenshot). Nothing is downloaded; the inputs are the
// repository's own texts. A test needing a program that is not installed is skipped with
// the package to install.
package readtest

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Need skips t unless every program is on PATH, naming the Debian packages to install. In CI
// (CI set: .ci/run installs them through e2e/install.sh) a missing program fails the test
// instead, so the producer fixtures cannot silently go untested.
func Need(t testing.TB, programs ...string) {
	t.Helper()
	pkg := map[string]string{"soffice": "libreoffice-writer-nogui", "pandoc": "pandoc", "chromium": "chromium fonts-noto-cjk", "tesseract": "tesseract-ocr tesseract-ocr-chi-sim", "pdftotext": "poppler-utils poppler-data"}
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s not installed in CI: e2e/install.sh must install %s", p, pkg[p])
			}
			t.Skipf("%s not installed: apt-get install %s", p, pkg[p])
		}
	}
}

func run(ctx context.Context, dir, name string, args ...string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, bytes.TrimSpace(out.Bytes()))
	}
	return nil
}

// LibreOffice converts the files in dir to the target (e.g. "pdf", "docx:MS Word 2007 XML",
// or a filter with JSON options) into outDir, with its own profile so that parallel runs do
// not share one. infilter may be "" (chosen by LibreOffice).
func LibreOffice(ctx context.Context, dir, outDir, target, infilter string, files ...string) error {
	profile, err := os.MkdirTemp("", "policygraph-lo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	args := []string{"-env:UserInstallation=file://" + profile, "--headless", "--norestore", "--convert-to", target, "--outdir", outDir}
	if infilter != "" {
		args = append(args, "--infilter="+infilter)
	}
	if err := run(ctx, dir, "soffice", append(args, files...)...); err != nil {
		return err
	}
	for _, f := range files {
		ext, _, _ := strings.Cut(target, ":")
		out := filepath.Join(outDir, strings.TrimSuffix(f, filepath.Ext(f))+"."+ext)
		if _, err := os.Stat(out); err != nil {
			return fmt.Errorf("soffice wrote no %s: %w", out, err)
		}
	}
	return nil
}

// Pandoc converts in (format from) to out (format from its extension).
func Pandoc(ctx context.Context, dir, from, in, out string) error {
	return run(ctx, dir, "pandoc", "-f", from, "-o", out, in)
}

// chromiumArgs are the flags of a headless Chromium with nothing of the user's.
func chromiumArgs(profile string) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + profile, "--no-first-run"}
}

// ChromiumPDF prints the HTML file in to the PDF out, with Chromium's own running header
// and footer (date, title, URL and n/N) when headerFooter is set. A one-page document's
// header and footer cannot be told from its text (they are found as lines recurring on
// the pages), so the one-page fixtures are printed without.
func ChromiumPDF(ctx context.Context, in, out string, headerFooter bool) error {
	profile, err := os.MkdirTemp("", "policygraph-chromium-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	args := append(chromiumArgs(profile), "--print-to-pdf="+out)
	if !headerFooter {
		args = append(args, "--no-pdf-header-footer")
	}
	return run(ctx, filepath.Dir(in), "chromium", append(args, "file://"+in)...)
}

// ChromiumPNG takes a screenshot of the HTML file in (width × height CSS pixels).
func ChromiumPNG(ctx context.Context, in, out string, width, height int) error {
	profile, err := os.MkdirTemp("", "policygraph-chromium-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	return run(ctx, filepath.Dir(in), "chromium", append(chromiumArgs(profile), "--hide-scrollbars", fmt.Sprintf("--window-size=%d,%d", width, height), "--screenshot="+out, "file://"+in)...)
}

// ImagePages writes an HTML page showing each image on a page of its own, no text: printed
// by Chromium it is a PDF without a text layer, like a scan.
func ImagePages(images []string) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><style>@page{margin:0} body{margin:0} img{width:100%;display:block;break-after:page}</style></head><body>`)
	for _, im := range images {
		fmt.Fprintf(&b, `<img src="%s">`, html.EscapeString(im))
	}
	b.WriteString("</body></html>")
	return b.String()
}

// Chrome wraps paragraphs (the first is the title, heading says which others are headings)
// in a government web page: navigation, breadcrumb, a header block with 发布机构 and
// 发布日期, a 字号 widget, share links and a footer around the article.
func Chrome(title, issuer, date string, paras []string, heading func(i int) bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>%[1]s_政务公开</title>
<meta name="ArticleTitle" content="%[1]s"><meta name="PubDate" content="%[3]s"><meta name="ContentSource" content="%[2]s">
<style>p{text-indent:2em;margin:0;font-size:16pt} h1{text-align:center}</style></head><body>
<div class="top-nav"><a href="#">首页</a> <a href="#">政务公开</a> <a href="#">互动交流</a> <a href="#">办事服务</a></div>
<div class="breadcrumb">当前位置：<a href="#">首页</a> &gt; <a href="#">政务公开</a> &gt; 建议提案办理</div>
<table class="metatable"><tr><td>发布机构：%[2]s</td><td>发布日期：%[3]s</td></tr></table>
<div class="fontsize">字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a></div><div id="zoom">
`, html.EscapeString(title), html.EscapeString(issuer), html.EscapeString(date))
	writeParas(&b, paras, heading)
	b.WriteString(`</div><div class="share">分享到：微信 微博</div><div class="footer">主办单位：某区人民政府办公室 版权所有 联系我们</div></body></html>`)
	return b.String()
}

// Markdown writes paragraphs as pandoc markdown: the first as the title heading, headings
// as second-level headings, every paragraph apart by a blank line.
func Markdown(paras []string, heading func(i int) bool) string {
	var b strings.Builder
	for i, p := range paras {
		switch {
		case i == 0:
			b.WriteString("# ")
		case heading != nil && heading(i):
			b.WriteString("## ")
		}
		// markdown escapes: "1." or "-" at the start would become a list (and its marker
		// Word numbering instead of text)
		p = strings.NewReplacer("*", `\*`, "_", `\_`, "#", `\#`).Replace(p)
		p = listStart.ReplaceAllString(p, `$1\$2`)
		b.WriteString(p)
		b.WriteString("\n\n")
	}
	return b.String()
}

var listStart = regexp.MustCompile(`^(\d*)([.)+\-])`)

// Article writes paragraphs as a bare HTML article (what one pastes into Word): the first
// as the title, headings as h2.
func Article(paras []string, heading func(i int) bool) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>` + "\n")
	writeParas(&b, paras, heading)
	b.WriteString("</body></html>")
	return b.String()
}

func writeParas(b *strings.Builder, paras []string, heading func(i int) bool) {
	for i, p := range paras {
		tag := "p"
		switch {
		case i == 0:
			tag = "h1"
		case heading != nil && heading(i):
			tag = "h2"
		}
		fmt.Fprintf(b, "<%s>%s</%s>\n", tag, html.EscapeString(p), tag)
	}
}

// ImagePDF prints the HTML file in as a PDF without a text layer, like a scan: Chromium takes
// a 1240×900 screenshot of it, and a page showing that image is printed pages times into out.
func ImagePDF(ctx context.Context, in, out string, pages int) error {
	png := strings.TrimSuffix(out, filepath.Ext(out)) + ".png"
	if err := ChromiumPNG(ctx, in, png, 1240, 900); err != nil {
		return err
	}
	imgs := make([]string, pages)
	for i := range imgs {
		imgs[i] = filepath.Base(png)
	}
	page := filepath.Join(filepath.Dir(png), strings.TrimSuffix(filepath.Base(out), filepath.Ext(out))+".img.html")
	if err := os.WriteFile(page, []byte(ImagePages(imgs)), 0o644); err != nil {
		return err
	}
	return ChromiumPDF(ctx, page, out, false)
}

// ScanPage is an HTML page of paragraphs in large black-on-white CJK type, for ImagePDF.
func ScanPage(paras []string) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:60px;font-family:"Noto Sans CJK SC";font-size:34px;line-height:1.6;background:#fff;color:#000}</style></head><body>`)
	for _, p := range paras {
		fmt.Fprintf(&b, "<p>%s</p>", html.EscapeString(p))
	}
	b.WriteString("</body></html>")
	return b.String()
}
