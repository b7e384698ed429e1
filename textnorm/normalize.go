// Package textnorm normalises text extracted from Chinese policy documents
// (usually from PDF) for ingest and extraction. It detects the encoding
// (Decode), rebuilds paragraphs from hard line breaks, folds full-width
// letters and digits, collapses whitespace, finds headings and sentences,
// and keeps a map from every normalised rune back to the raw input, so that
// anything found in the normalised text can be cited in the original.
//
// Normalize runs in time and memory linear in the input; it never panics,
// whatever the input, and its output is always valid UTF-8.
package textnorm

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Span is a half-open range [Start, End) of rune offsets.
type Span struct{ Start, End int }

// Paragraph is one rebuilt paragraph of a Document.
type Paragraph struct {
	Index      int // position in Document.Paragraphs (the passage number)
	Start, End int // rune offsets of the paragraph in Document.Text; End is exclusive
	// Heading is the kind of heading marker the paragraph starts with, one of
	// HeadingChinese "一、", HeadingParenChinese "（一）", HeadingNumber "1.",
	// HeadingParenNumber "（1）", HeadingCircledNumber "①", or "" for none.
	Heading string
	Marker  string // the marker as written ("三、", "（四）", "2."), "" for none
	// Level is the heading level: 0 body, 1 一、, 2 （一）, 3 1., 4 （1）, 5 ①.
	Level int
	// Sentences are the paragraph's sentences in Document.Text coordinates,
	// in order, covering the paragraph. A sentence ends after 。！？；(with any
	// closing quotes or brackets that follow) and after a colon that ended a
	// source line when an enumeration follows (…政策: / 一是…).
	Sentences []Span
}

// Document is a normalised text with a map back to the original. It is
// immutable once built and safe for concurrent use.
type Document struct {
	Text       string      // normalised text; paragraphs joined by "\n"
	Paragraphs []Paragraph // in order; index = passage number (0-based)

	runes  int       // rune length of Text
	rawLen int       // rune length of the raw input
	segs   []segment // offset map, see segment
	marks  []int     // byte offset in Text of every markEvery-th rune
}

// segment starts a run of normalised runes whose original offsets increase
// one by one: rune norm+k of Text came from rune orig+k of the input, up to
// the next segment. Text usually has far fewer segments than runes.
type segment struct{ norm, orig int }

const markEvery = 64

// Normalize rebuilds paragraphs and normalises raw, a decoded string (see
// Decode); invalid UTF-8 bytes in it become U+FFFD, each counting as one rune
// of the input. It is deterministic, linear in time and memory, and safe on
// any input.
//
// Paragraphs: PDF lines are joined when they continue each other, with no
// space between Chinese (a space is inserted only between two Latin words).
// A line ends its paragraph when it ends with 。！？；：(closing quotes
// skipped) and the next line starts a new one: because this line is shorter
// than the text width (estimated from the document), the next line is
// indented, starts with a run-in heading (在企业服务方面：) or a heading
// marker. Heading lines (一、 （一） 1. （1） ①), title and signature block
// lines (办理结果：…, a salutation 严洁红、李凌、谢何委员：, the signing body,
// a date line 2023年4月17日) stand as their own paragraphs. Blank lines and
// page gaps never end a sentence; page-number lines (- 3 -, 第3页) are
// dropped. If the lines are not wrapped at a fixed width (plain text with one
// paragraph per line), every line that ends a sentence ends a paragraph.
//
// Characters: see foldRune and lineCleaner. Paragraphs are joined by "\n" in
// Text.
func Normalize(raw string) *Document { return normalize(raw, false) }

// NormalizeBlocks is Normalize for text whose structure is already known (paragraphs read
// from DOCX or HTML elements): every line of raw is one paragraph, whatever its width or
// punctuation; the characters, headings and sentences are treated as Normalize does.
func NormalizeBlocks(raw string) *Document { return normalize(raw, true) }

func normalize(raw string, blocks bool) *Document {
	lines := scanLines(raw)
	l := newLayout(lines)
	b := newBuilder(len(raw))
	cl := lineCleaner{emit: b.put}
	inTitle := true
	for k := range lines {
		ln := &lines[k]
		if k > 0 {
			prev := &lines[k-1]
			if blocks || l.breakBetween(prev, ln, inTitle) {
				b.endParagraph(prev.origEnd)
				inTitle = false
			} else {
				if prev.endsColon && ln.enum {
					b.endSentence()
				}
				if isWordRune(prev.last) && isWordRune(ln.first) && !(isDigit(prev.last) && isDigit(ln.first)) {
					b.put(' ', prev.origEnd)
				}
			}
			if prev.endsTerm || prev.block || prev.level > 0 {
				inTitle = false
			}
		}
		if !b.inPara {
			b.startParagraph(ln)
		}
		cl.run(raw[ln.start:ln.end], ln.origStart)
	}
	if b.inPara {
		b.endParagraph(-1)
	}
	return b.finish(utf8.RuneCountInString(raw))
}

// layout holds the document-wide facts the paragraph decisions use.
type layout struct {
	w       int  // text width in half-em units: the width of a full line
	wrapped bool // lines are wrapped at a fixed width (PDF text)
	blanks  bool // a blank line marks a paragraph break (not every line has one)
}

// newLayout estimates the width of a full line as the 75th percentile of the
// widths of lines that do not end a sentence (in wrapped text those are
// nearly all full), and decides whether the text is wrapped at all: at least
// half of those lines are within one character of that width. With fewer
// than three such lines the text counts as wrapped unless most lines end a
// sentence.
func newLayout(lines []line) layout {
	var ws []int
	maxW, gaps, terminal := 0, 0, 0
	for k := range lines {
		ln := &lines[k]
		maxW = max(maxW, ln.width)
		if k > 0 && ln.blanksBefore > 0 {
			gaps++
		}
		if ln.endsTerm {
			terminal++
		}
		if k+1 < len(lines) && !ln.endsTerm && !ln.block && ln.level == 0 {
			ws = append(ws, ln.width)
		}
	}
	l := layout{w: maxW, wrapped: true}
	if len(lines) > 1 {
		l.blanks = gaps > 0 && gaps*2 < len(lines)-1
	}
	if len(ws) < 3 {
		// Too few lines to measure; most lines ending a sentence means one
		// paragraph per line.
		l.wrapped = terminal <= 2*len(ws)+1
		return l
	}
	sort.Ints(ws)
	l.w = ws[len(ws)*3/4]
	near := 0
	for _, w := range ws {
		if w >= l.w-2 && w <= l.w+2 {
			near++
		}
	}
	l.wrapped = near*2 >= len(ws) && l.w >= 16
	return l
}

// short reports whether a line stops at least one character before the
// text width, i.e. the paragraph ended there. A line far longer than the
// width is not a wrapped line either but a whole paragraph (a reader joined
// a column's lines, see package read).
func (l layout) short(ln *line) bool {
	return !l.wrapped || ln.width < l.w-2 || ln.width > 2*l.w
}

// indented reports whether a line looks like the indented first line of a
// paragraph whose indentation the extraction lost: about two characters
// short of the text width, yet not ending its sentence (so not a last line).
func (l layout) indented(ln *line) bool {
	return l.wrapped && !ln.endsTerm && ln.width >= l.w-5 && ln.width <= l.w-3
}

// breakBetween decides whether a paragraph ends between lines a and b.
func (l layout) breakBetween(a, b *line, inTitle bool) bool {
	switch {
	case b.cont:
		return false // b starts with closing or mid-sentence punctuation
	case a.block || b.block:
		return true
	case b.level > 0 && !a.endsOpen:
		return true
	case l.blanks && b.blanksBefore > 0 && (a.endsTerm || a.level > 0):
		return true
	case a.level > 0 && !a.endsTerm:
		// A heading line that does not end a sentence: a heading of its own
		// unless it wrapped (…集聚区 / 建设。在…).
		if b.earlyStop || a.endsOpen {
			return false
		}
		return !l.wrapped || a.width < l.w-8 || a.level == 1 && a.width < l.w-2 ||
			b.runIn || l.indented(b)
	case a.endsTerm:
		return l.short(a) || b.runIn || l.indented(b) || b.indent >= 2 && b.indent > a.indent
	case inTitle || a.endsOpen:
		return false
	default:
		// A line ending mid-sentence well short of the width, not because a
		// long Latin word or number wrapped, stands alone (an untitled heading).
		return !l.wrapped || a.width < l.w-6 && !isWordRune(a.last) && !a.hasPunct
	}
}

// builder writes Text, the offset map, paragraphs and sentences in one pass.
type builder struct {
	sb       strings.Builder
	n        int // runes written
	segs     []segment
	lastOrig int
	marks    []int
	paras    []Paragraph

	inPara     bool
	cur        Paragraph
	sentStart  int
	pendingEnd bool
	markerN    int    // runes of the current paragraph's heading marker
	marker     []rune // the marker as written so far
}

func newBuilder(size int) *builder {
	b := &builder{lastOrig: -2}
	b.sb.Grow(size)
	return b
}

func (b *builder) write(r rune, orig int) {
	if b.n%markEvery == 0 {
		b.marks = append(b.marks, b.sb.Len())
	}
	if orig != b.lastOrig+1 || len(b.segs) == 0 {
		b.segs = append(b.segs, segment{b.n, orig})
	}
	b.lastOrig = orig
	b.sb.WriteRune(r)
	b.n++
}

// put writes a rune of the current paragraph and tracks sentence ends.
func (b *builder) put(r rune, orig int) {
	if b.pendingEnd && !isCloser(r) && !isTerminal(r) {
		b.endSentence()
	}
	if b.n-b.cur.Start < b.markerN {
		b.marker = append(b.marker, r)
	}
	b.write(r, orig)
	if r == ' ' && b.sentStart == b.n-1 {
		b.sentStart = b.n // sentences do not start with a space
	}
	if isTerminal(r) {
		b.pendingEnd = true
	}
}

func (b *builder) startParagraph(ln *line) {
	b.inPara = true
	b.cur = Paragraph{Index: len(b.paras), Start: b.n, Level: ln.level, Heading: headingKinds[ln.level]}
	b.markerN = ln.markerLen
	b.sentStart, b.pendingEnd, b.marker = b.n, false, b.marker[:0]
}

// endSentence closes the current sentence at the current position.
func (b *builder) endSentence() {
	if b.n > b.sentStart {
		b.cur.Sentences = append(b.cur.Sentences, Span{b.sentStart, b.n})
	}
	b.sentStart, b.pendingEnd = b.n, false
}

// endParagraph closes the current paragraph; sepOrig is the raw offset the
// "\n" separator that follows maps to (-1: none follows).
func (b *builder) endParagraph(sepOrig int) {
	b.endSentence()
	b.cur.End = b.n
	if len(b.marker) > 0 {
		b.cur.Marker = string(b.marker)
	}
	b.markerN = 0
	b.paras = append(b.paras, b.cur)
	b.inPara = false
	if sepOrig >= 0 {
		b.write('\n', sepOrig)
	}
}

func (b *builder) finish(rawLen int) *Document {
	return &Document{
		Text:       b.sb.String(),
		Paragraphs: b.paras,
		runes:      b.n,
		rawLen:     rawLen,
		segs:       b.segs,
		marks:      b.marks,
	}
}

// Len returns the length of Text in runes.
func (d *Document) Len() int { return d.runes }

// OriginalOffset maps a rune offset in Text to the rune offset in the raw
// input it came from. Offset Len() maps to the end of the input; offsets out
// of [0, Len()] map to -1. The "\n" between two paragraphs, and a space
// inserted between two Latin words joined from two lines, map to the line
// break they replace. The map is monotone: a larger offset never maps to a
// smaller one.
func (d *Document) OriginalOffset(runeOffset int) int {
	switch {
	case runeOffset < 0 || runeOffset > d.runes:
		return -1
	case runeOffset == d.runes:
		return d.rawLen
	}
	k := sort.Search(len(d.segs), func(i int) bool { return d.segs[i].norm > runeOffset }) - 1
	return d.segs[k].orig + runeOffset - d.segs[k].norm
}

// OriginalSpan maps a span of Text to the smallest span of the raw input
// holding everything it came from. It returns Span{-1, -1} for a span out of
// range or reversed; an empty span maps to an empty span.
func (d *Document) OriginalSpan(s Span) Span {
	if s.Start < 0 || s.End > d.runes || s.Start > s.End {
		return Span{-1, -1}
	}
	start := d.OriginalOffset(s.Start)
	if s.End == s.Start {
		return Span{start, start}
	}
	return Span{start, d.OriginalOffset(s.End-1) + 1}
}

// ParagraphAt returns the index of the paragraph containing the rune at
// runeOffset of Text, or -1 when none does (out of range, or the "\n"
// between two paragraphs).
func (d *Document) ParagraphAt(runeOffset int) int {
	k := sort.Search(len(d.Paragraphs), func(i int) bool { return d.Paragraphs[i].End > runeOffset })
	if k < len(d.Paragraphs) && d.Paragraphs[k].Start <= runeOffset && runeOffset >= 0 {
		return k
	}
	return -1
}

// Slice returns the text of a rune span of Text, clamped to Text.
func (d *Document) Slice(s Span) string {
	s.Start, s.End = max(s.Start, 0), min(s.End, d.runes)
	if s.Start >= s.End {
		return ""
	}
	return d.Text[d.byteOffset(s.Start):d.byteOffset(s.End)]
}

// byteOffset converts a rune offset of Text (0..Len()) to a byte offset.
func (d *Document) byteOffset(runeOffset int) int {
	if runeOffset >= d.runes {
		return len(d.Text)
	}
	i := d.marks[runeOffset/markEvery]
	for k := runeOffset % markEvery; k > 0; k-- {
		_, size := utf8.DecodeRuneInString(d.Text[i:])
		i += size
	}
	return i
}

// Find returns every occurrence of anchor in Text, left to right, as rune
// spans; occurrences may overlap. The anchor is normalised like a document
// first, and spaces are ignored on both sides when matching, so an anchor
// copied from the raw text (超过 56亿元) or written without the spaces Text
// keeps between Latin words still matches. An anchor that normalises to
// nothing has no occurrences. Find is linear in len(Text)+len(anchor).
func (d *Document) Find(anchor string) []Span {
	var pat []rune
	for _, r := range Normalize(anchor).Text {
		if r != ' ' {
			pat = append(pat, r)
		}
	}
	if len(pat) == 0 {
		return nil
	}
	// Knuth–Morris–Pratt over the runes of Text, skipping spaces.
	fail := make([]int, len(pat))
	for i, k := 1, 0; i < len(pat); i++ {
		for k > 0 && pat[i] != pat[k] {
			k = fail[k-1]
		}
		if pat[i] == pat[k] {
			k++
		}
		fail[i] = k
	}
	var (
		out       []Span
		m         = len(pat)
		ring      = make([]int, m) // rune offsets of the last m non-space runes
		k, pos, c int
	)
	for _, r := range d.Text {
		if r != ' ' {
			ring[c%m] = pos
			for k > 0 && r != pat[k] {
				k = fail[k-1]
			}
			if r == pat[k] {
				k++
				if k == m {
					out = append(out, Span{ring[(c+1)%m], pos + 1}) // the slot of rune c-m+1
					k = fail[k-1]
				}
			}
			c++
		}
		pos++
	}
	return out
}
