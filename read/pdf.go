package read

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// readPDF reads a PDF's text layer with poppler's pdftotext (a subprocess; poppler-data
// decodes CJK fonts without a ToUnicode map).
//
// The extractor was chosen by measurement (bench/pdfx, its own module so that the losers
// are no dependency: cd bench/pdfx && go run . KNOWN.txt FILE.pdf). Character error rate
// against the known text (whitespace ignored; the known text has no running header or page
// number, so 0.031 on the notice is its header and footer), wall time on a loaded 2-core
// machine:
//
//	fixture (producer)                  pdftotext -layout  pdftotext (raw)   ledongthuc/pdf   go-pdfium v1.21.5 (wasm)
//	notice: 2 pp, 2 columns (LibreOffice) 0.496*  68 ms    0.031  19 ms      0.031   3 ms     0.031 (+10–25 s start)
//	columns: CSS columns (Chromium)     0.763*  104 ms     0.000  45 ms      0.997  12 ms     0.000 (+ start)
//	Changning reply, 7 pp (Chromium)    0.000  375 ms      0.000 401 ms      0.962 166 ms     0.000 (+ start)
//	peak RSS                            13 MB (pdftotext)                    163 MB (go run)   327 MB (wazero + PDFium)
//	install weight                      poppler-utils 0.7 MB + libpoppler126 4.6 MB + poppler-data 13 MB installed
//	                                                                         pure Go, small   +15.9 MB binary (PDFium .wasm)
//
// * -layout lays the columns side by side (the rate counts that as wrong order); readPDF
// puts them back (columns below), so its goldens read them in order. ledongthuc/pdf cannot
// decode Chromium's Identity-H CJK fonts (its text is garbage); go-pdfium reads as well as
// pdftotext but compiles PDFium's WebAssembly at every process start (10–25 s here) and
// holds 300 MB. Decision: pdftotext, with -layout for the reason below.
// -layout because the default mode joins "10-" + "40" across a line break into "1040"
// (dehyphenation); -layout keeps the hyphen but lays two columns side by side.
// Running headers and footers (the first or last line of a page repeated, digits aside, on
// at least half of the pages) are removed; page-number lines are dropped by textnorm.
func readPDF(ctx context.Context, b []byte, opts Options) (*source, error) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		return nil, fail(ErrToolMissing, "install poppler-utils and poppler-data", "reading a PDF needs pdftotext")
	}
	dir, err := os.MkdirTemp("", "policygraph-pdf-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, b, 0o600); err != nil {
		return nil, err
	}
	info, err := exec.CommandContext(ctx, "pdfinfo", "-enc", "UTF-8", in).CombinedOutput()
	if err != nil {
		return nil, pdfError(info)
	}
	pages := 0
	meta := Meta{From: "pdf info"}
	for _, l := range strings.Split(string(info), "\n") {
		k, v, ok := strings.Cut(l, ":")
		v = strings.TrimSpace(v)
		if !ok {
			continue
		}
		switch k {
		case "Pages":
			pages, _ = strconv.Atoi(v)
		case "Title":
			meta.Title = v
		case "Author":
			meta.Author = v
		case "CreationDate":
			meta.Date = v
		}
	}
	if pages > opts.maxPages() {
		return nil, fail(ErrTooManyPage, "split it, or raise the limit with --max-pages", "%d pages, more than the limit of %d", pages, opts.maxPages())
	}
	out, err := exec.CommandContext(ctx, "pdftotext", "-layout", "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		return nil, pdfError(stderr)
	}
	texts := strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
	chrome := runningLines(texts)
	var empty []int
	s := &source{pages: len(texts), meta: meta}
	for i, t := range texts {
		if strings.TrimSpace(t) == "" {
			empty = append(empty, i+1)
			continue
		}
		s.place(Place{Page: i + 1})
		for _, l := range strings.Split(columns(t), "\n") {
			if !chrome[digits.ReplaceAllString(strings.TrimSpace(l), "#")] {
				s.write(l + "\n")
			}
		}
		s.write("\f")
	}
	if len(empty) == len(texts) {
		if opts.OCR {
			return ocrPDF(ctx, in, empty, s)
		}
		return nil, fail(ErrNoTextLayer, "run with --ocr", "pages %s have no text layer", pageRanges(empty))
	}
	if len(empty) > 0 {
		s.warnings = append(s.warnings, fmt.Sprintf("pages %s have no text layer (run with --ocr to read them)", pageRanges(empty)))
	}
	return s, nil
}

var digits = regexp.MustCompile(`[0-9]+`)

// runningLines finds the running headers and footers: the first and last two non-blank
// lines of each page, digits replaced by #, that recur on at least half of the pages (two
// at least).
func runningLines(pages []string) map[string]bool {
	count := map[string]int{}
	for _, p := range pages {
		var ls []string
		for _, l := range strings.Split(p, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				ls = append(ls, digits.ReplaceAllString(l, "#"))
			}
		}
		seen := map[string]bool{}
		for i, l := range ls {
			if (i < 2 || i >= len(ls)-2) && !seen[l] {
				seen[l] = true
				count[l]++
			}
		}
	}
	out := map[string]bool{}
	for l, n := range count {
		if n >= 2 && n*2 >= len(pages) {
			out[l] = true
		}
	}
	return out
}

func pdfError(msg []byte) error {
	m := string(bytes.TrimSpace(msg))
	if strings.Contains(m, "Incorrect password") || strings.Contains(m, "ncrypt") {
		return fail(ErrEncrypted, "save an unprotected copy and read that", "")
	}
	if i := strings.LastIndex(m, "\n"); i >= 0 {
		m = m[i+1:]
	}
	return fail(ErrCorrupt, "export the PDF again from its source", "poppler: %s", m)
}

// pageRanges writes 1,2,3,4,7 as 1–4, 7.
func pageRanges(ps []int) string {
	var parts []string
	for i := 0; i < len(ps); {
		j := i
		for j+1 < len(ps) && ps[j+1] == ps[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d–%d", ps[i], ps[j]))
		} else {
			parts = append(parts, strconv.Itoa(ps[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// columns puts a page's two-column stretches (as -layout lays them side by side) in reading
// order: the left column's lines, then the right column's. A stretch is two-column when at
// least three of its lines have one gap of two or more spaces near the middle of the page
// with a full left column before it (at least 30% of the page's width); lines wholly on
// the left or wholly on the right (indented past the middle) belong to the stretch too. A
// line crossing the middle without a gap ends it. Tables (short cells, several gaps) stay
// in rows.
func columns(page string) string {
	lines := strings.Split(page, "\n")
	w := 0
	for _, l := range lines {
		w = max(w, utf8.RuneCountInString(strings.TrimRight(l, " ")))
	}
	if w < 20 {
		return page
	}
	type cut struct {
		kind        byte // 's' split, 'l' left only, 'r' right only, 'b' blank, 'f' full width, 't' table row
		left, right string
		full        bool // a split line whose left part fills its column
		at          int  // rune column where the right part starts
	}
	cuts := make([]cut, len(lines))
	for i, l := range lines {
		r := []rune(strings.TrimRight(l, " "))
		lead := 0
		for lead < len(r) && r[lead] == ' ' {
			lead++
		}
		switch {
		case lead == len(r):
			cuts[i] = cut{kind: 'b'}
			continue
		case lead*10 >= w*4:
			cuts[i] = cut{kind: 'r', right: string(r[lead:]), at: lead}
			continue
		case len(r)*10 <= w*6:
			cuts[i] = cut{kind: 'l', left: string(r)}
		default:
			cuts[i] = cut{kind: 'f'}
		}
		// gaps of ≥2 spaces after the indentation
		var gaps [][2]int
		for j := lead; j < len(r); j++ {
			if r[j] != ' ' {
				continue
			}
			k := j
			for k < len(r) && r[k] == ' ' {
				k++
			}
			if k-j >= 2 {
				gaps = append(gaps, [2]int{j, k})
			}
			j = k
		}
		if len(gaps) >= 2 && cuts[i].kind != 'r' {
			// a table row: cells apart by gaps, written as a | b | c like DOCX and HTML rows
			cells := []string{string(r[lead:gaps[0][0]])}
			for k, g := range gaps {
				end := len(r)
				if k+1 < len(gaps) {
					end = gaps[k+1][0]
				}
				cells = append(cells, string(r[g[1]:end]))
			}
			cuts[i] = cut{kind: 't', left: strings.Join(cells, " | ")}
			continue
		}
		if len(gaps) == 1 && gaps[0][1]*20 >= w*7 && gaps[0][1]*20 <= w*15 {
			cuts[i] = cut{kind: 's', left: string(r[:gaps[0][0]]), right: string(r[gaps[0][1]:]), full: gaps[0][0]*10 >= w*3, at: gaps[0][1]}
		}
	}
	var out []string
	flush := func(block []int) {
		n := 0
		for _, i := range block {
			if cuts[i].full {
				n++
			}
		}
		if n < 3 {
			for _, i := range block {
				if cuts[i].kind == 't' {
					out = append(out, cuts[i].left)
				} else {
					out = append(out, lines[i])
				}
			}
			return
		}
		// The right column starts where most of its lines start; a line starting further
		// right is a paragraph's indented first line.
		starts := map[int]int{}
		for _, i := range block {
			if c := cuts[i]; c.kind == 's' || c.kind == 'r' {
				starts[c.at]++
			}
		}
		col, most := 0, 0
		for at, n := range starts {
			if n > most || n == most && at < col {
				col, most = at, n
			}
		}
		var left, right []string
		for _, i := range block {
			c := cuts[i]
			if c.kind != 'r' {
				left = append(left, c.left)
			}
			if c.kind == 's' || c.kind == 'r' {
				if c.at > col {
					c.right = "  " + c.right
				}
				right = append(right, c.right)
			}
		}
		for len(left) > 0 && strings.TrimSpace(left[len(left)-1]) == "" {
			left = left[:len(left)-1]
		}
		// A paragraph at the foot of the left column goes on at the top of the right one.
		out = append(out, columnParagraphs(append(left, right...))...)
	}
	var block []int
	for i, c := range cuts {
		if c.kind == 'f' || c.kind == 't' || c.kind == 'b' && i > 0 && cuts[i-1].kind == 'b' {
			flush(block)
			block = nil
			if c.kind == 't' {
				out = append(out, c.left)
			} else {
				out = append(out, lines[i])
			}
			continue
		}
		block = append(block, i)
	}
	flush(block)
	return strings.Join(out, "\n")
}

// columnParagraphs joins the lines of one column into paragraphs, one per line (textnorm
// takes a line far longer than the text width for a paragraph): the page's text width does not apply to a column, so textnorm could not tell
// a column's full lines from short ones. A line continues the one before unless that one is
// more than two characters short of the column's width (the 75th percentile of its line
// widths) or this one is indented.
func columnParagraphs(lines []string) []string {
	var ws []int
	for _, l := range lines {
		if t := strings.TrimSpace(l); t != "" {
			ws = append(ws, cells(t))
		}
	}
	if len(ws) == 0 {
		return nil
	}
	sort.Ints(ws)
	w := ws[len(ws)*3/4] // most lines of a column are full
	var out []string
	var cur strings.Builder
	end := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	prevShort := true
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			end()
			prevShort = true
			continue
		}
		if prevShort || strings.HasPrefix(l, "  ") {
			end()
		}
		cur.WriteString(t)
		prevShort = cells(t) < w-4
	}
	end()
	return out
}

// cells is a line's width in half-em cells: wide (CJK) runes count two.
func cells(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 && (r <= 0x115F || r >= 0x2E80 && r <= 0xA4CF || r >= 0xAC00 && r <= 0xD7A3 || r >= 0xF900 && r <= 0xFAFF || r >= 0xFE30 && r <= 0xFE4F || r >= 0xFF00 && r <= 0xFF60 || r >= 0xFFE0 && r <= 0xFFE6) {
			n += 2
		} else {
			n++
		}
	}
	return n
}
