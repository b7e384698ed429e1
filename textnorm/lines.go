package textnorm

import (
	"regexp"
	"unicode/utf8"
)

// maxLabel is the longest field label (in Chinese characters) the cleaner
// recognises after a space on a "label：value label：value" line.
const maxLabel = 8

// origRune is a cleaned rune and the rune offset in the raw input it came from.
type origRune struct {
	r    rune
	orig int
}

// lineCleaner turns one raw line into cleaned runes: it folds them
// (foldRune), drops invisible ones, and collapses whitespace. A run of
// whitespace inside the line becomes a single space when both neighbours are
// Latin (letters, digits, ASCII punctuation), and also when it separates two
// "label：value" fields of one line (办理结果：解决或采纳 签发人：詹镭);
// otherwise it is removed (超过 56亿元 → 超过56亿元). Leading and trailing
// whitespace is removed.
//
// The cleaner needs a look-ahead of at most maxLabel+1 runes, so it runs in
// constant memory whatever the line length.
type lineCleaner struct {
	emit      func(r rune, orig int)
	prev      rune // last rune emitted on this line, 0 if none
	pending   bool // whitespace seen since prev
	spaceOrig int  // offset of the first rune of that whitespace
	seenColon bool // a colon was emitted on this line
	probing   bool // deciding whether pending whitespace is a field separator
	probeN    int
	probe     [maxLabel + 1]origRune
}

// run cleans line, whose first rune is at rune offset orig in the raw input.
func (c *lineCleaner) run(line string, orig int) {
	c.prev, c.pending, c.seenColon, c.probing, c.probeN = 0, false, false, false, 0
	var buf [4]rune
	for _, r := range line { // an invalid byte yields U+FFFD and counts as one rune
		n, kind := foldRune(r, &buf)
		switch kind {
		case kindSpace:
			c.space(orig)
		case kindKeep:
			for i := 0; i < n; i++ {
				c.rune(buf[i], orig)
			}
		}
		orig++
	}
	if c.probing {
		c.resolve(false)
	}
}

func (c *lineCleaner) space(orig int) {
	if c.probing {
		c.resolve(false)
	}
	if !c.pending {
		c.pending, c.spaceOrig = true, orig
	}
}

func (c *lineCleaner) rune(r rune, orig int) {
	if c.probing {
		c.probe[c.probeN] = origRune{r, orig}
		c.probeN++
		switch {
		case isHan(r):
			if c.probeN > maxLabel {
				c.resolve(false)
			}
		case isColon(r) && c.probeN >= 2:
			c.resolve(true)
		default:
			c.resolve(false)
		}
		return
	}
	if c.pending {
		c.pending = false
		switch {
		case c.prev == 0:
		case isLatin(c.prev) && isLatin(r):
			c.out(' ', c.spaceOrig)
		case c.seenColon && isHan(c.prev) && isHan(r):
			c.probing, c.probeN = true, 1
			c.probe[0] = origRune{r, orig}
			return
		}
	}
	c.out(r, orig)
}

// resolve ends a field-separator probe: keep tells whether the pending
// whitespace separated two fields and so stays as one space.
func (c *lineCleaner) resolve(keep bool) {
	c.probing = false
	if keep {
		c.out(' ', c.spaceOrig)
	}
	for _, p := range c.probe[:c.probeN] {
		c.out(p.r, p.orig)
	}
	c.probeN = 0
}

func (c *lineCleaner) out(r rune, orig int) {
	c.emit(r, orig)
	c.prev = r
	if isColon(r) {
		c.seenColon = true
	}
}

// headCap is how many leading runes of a line are kept to classify it.
const headCap = 48

// line describes one physical line of the raw input. Lines are classified
// once (scanLines) and the paragraph decisions read only these facts, so the
// whole input is never held in a second form.
type line struct {
	start, end   int // byte range of the line's content in raw
	origStart    int // rune offset of the content in raw
	origEnd      int // rune offset of the line terminator (or end of input)
	blank        bool
	blanksBefore int // blank lines between this line and the previous non-blank one
	indent       int // leading whitespace in half-em units
	n            int // cleaned runes
	width        int // cleaned width in half-em units
	first        rune
	last         rune // last cleaned rune
	lastSig      rune // last cleaned rune that is not a closing quote/bracket
	level        int  // heading level (0: none)
	markerLen    int  // runes of the heading marker
	endsTerm     bool // ends with 。！？；： (closers skipped)
	endsColon    bool
	endsOpen     bool // ends with ，、 or an opening bracket: the sentence goes on
	hasPunct     bool
	runIn        bool // starts with a run-in heading "短语：…"
	enum         bool // starts with an enumerator: 一是, 首先, 第一，, （一）, 1., ①
	earlyStop    bool // a sentence ends within its first few runes (建设。在…)
	cont         bool // starts with punctuation that continues a sentence
	block        bool // title/signature block line or table row (a | b): its own paragraph
	date         bool // a date line such as 2023年4月17日
	drop         bool // a page number: removed
}

var (
	reDate      = regexp.MustCompile(`^[（(]?(\d{4}|[〇○零一二三四五六七八九]{4})年(\d{1,2}|[一二三四五六七八九十]{1,2})月(\d{1,2}|[一二三四五六七八九十]{1,3})日[）)]?$`)
	reMeta      = regexp.MustCompile(`^(办理结果|签发人|联系人|联系电话|联系方式|抄送|抄报|主送|发文机关|成文日期|发布日期|索引号|发文字号|主题分类)[：:]`)
	reAttach    = regexp.MustCompile(`^附件\d*[：:]?$`)
	reSalute    = regexp.MustCompile(`^[^。；！？!?;]{1,40}(委员|代表|同志|先生|女士|老师|各位|们|政府|单位|部门|委员会|局|厅|办|处|室|公司|组|所|院|校|中心)[：:]$`)
	rePageNo    = regexp.MustCompile(`^([-—–] ?\d{1,4} ?[-—–]|第\d{1,4}页(共\d{1,4}页)?)$`)
	cnNumerals  = "一二三四五六七八九十〇零百"
	enumLeaders = []string{"首先", "其次", "再次", "最后，"}
)

// scanLines splits raw into lines and classifies each one. Line breaks are
// \n, \r\n, \r, \v, \f, U+0085, U+2028 and U+2029.
func scanLines(raw string) []line {
	var (
		lines []line
		a     lineAcc
		cl    = lineCleaner{emit: a.add}
		orig  int
		blank int
	)
	for i := 0; ; {
		l := line{start: i, origStart: orig}
		indent, leading := 0, true
		for i < len(raw) {
			r, size := utf8.DecodeRuneInString(raw[i:])
			if isLineBreak(r) {
				break
			}
			if leading {
				if r == ' ' || r == '\t' || r == 0x3000 || r == 0x00A0 {
					indent += width(r)
				} else {
					leading = false
				}
			}
			i += size
			orig++
		}
		l.end, l.origEnd, l.indent = i, orig, indent
		a.reset()
		cl.run(raw[l.start:l.end], l.origStart)
		a.classify(&l)
		if l.blank || l.drop {
			blank++
		} else {
			l.blanksBefore = blank
			blank = 0
			lines = append(lines, l)
		}
		if i >= len(raw) {
			break
		}
		r, size := utf8.DecodeRuneInString(raw[i:])
		i += size
		orig++
		if r == '\r' && i < len(raw) && raw[i] == '\n' {
			i++
			orig++
		}
	}
	// A short line without punctuation right before a date line is the
	// signing body (长宁区科学技术委员会): a block of its own.
	for k := 0; k+1 < len(lines); k++ {
		if lines[k+1].date && !lines[k].hasPunct && lines[k].n <= 30 && lines[k].level == 0 {
			lines[k].block = true
		}
	}
	return lines
}

func isLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// lineAcc accumulates the cleaned runes of one line: its head, its last
// runes, its length and width.
type lineAcc struct {
	head     [headCap]rune
	nh       int
	n, width int
	tail     [6]rune // most recent last
	hasPunct bool
	pipes    int // "|" cell separators (a table row as the readers write it: a | b | c)
}

func (a *lineAcc) reset() { *a = lineAcc{} }

func (a *lineAcc) add(r rune, _ int) {
	if a.nh < headCap {
		a.head[a.nh] = r
		a.nh++
	}
	a.n++
	a.width += width(r)
	copy(a.tail[:], a.tail[1:])
	a.tail[len(a.tail)-1] = r
	if isPunct(r) {
		a.hasPunct = true
	}
	if r == '|' {
		a.pipes++
	}
}

func (a *lineAcc) classify(l *line) {
	if a.n == 0 {
		l.blank = true
		return
	}
	h := a.head[:a.nh]
	l.n, l.width, l.hasPunct = a.n, a.width, a.hasPunct
	l.first, l.last = h[0], a.tail[len(a.tail)-1]
	l.lastSig = l.last
	for k := len(a.tail) - 1; k >= 0 && a.tail[k] != 0; k-- {
		if !isCloser(a.tail[k]) {
			l.lastSig = a.tail[k]
			break
		}
	}
	l.endsColon = isColon(l.lastSig)
	l.endsTerm = isTerminal(l.lastSig) || l.endsColon || l.lastSig == '…'
	l.endsOpen = !isCloser(l.last) && (l.last == '，' || l.last == '、' || l.last == ',' || isOpener(l.last))
	l.cont = isContinuationStart(l.first)
	l.level, l.markerLen = headingMarker(h)
	l.runIn = runIn(h)
	l.enum = l.level > 0 || enumerator(h)
	l.earlyStop = earlyStop(h)
	// The cheap rune tests keep the regular expressions off most lines.
	if a.n <= headCap {
		switch f := h[0]; {
		case (f == '-' || f == '—' || f == '–' || f == '第') && rePageNo.MatchString(string(h)):
			l.drop = true
		case (l.last == '日' || isCloser(l.last)) && reDate.MatchString(string(h)):
			l.date, l.block = true, true
		case f == '附' && reAttach.MatchString(string(h)),
			isColon(l.last) && reSalute.MatchString(string(h)):
			l.block = true
		}
	}
	if a.pipes > 0 && l.first != '|' && l.last != '|' {
		l.block = true // a table row stands as its own paragraph
	}
	if !l.block {
		for k := 2; k < min(len(h), 8); k++ {
			if isColon(h[k]) {
				l.block = reMeta.MatchString(string(h[:k+1]))
				break
			}
		}
	}
}

// Heading marker kinds, as reported in Paragraph.Heading.
const (
	HeadingChinese       = "一、"  // level 1: 一、二、三、
	HeadingParenChinese  = "（一）" // level 2: （一）（二）, also (一)
	HeadingNumber        = "1."  // level 3: 1. 2. and 1、2、
	HeadingParenNumber   = "（1）" // level 4: （1）(1) ⑴
	HeadingCircledNumber = "①"   // level 5: ①②③
)

// headingKinds maps a heading level to its kind.
var headingKinds = [...]string{"", HeadingChinese, HeadingParenChinese, HeadingNumber, HeadingParenNumber, HeadingCircledNumber}

// headingMarker recognises a heading marker at the start of a cleaned line
// and returns its level and length in runes.
func headingMarker(h []rune) (level, n int) {
	cn := func(from int) int { // length of a run of Chinese numerals
		k := from
		for k < len(h) && k-from < 4 && containsRune(cnNumerals, h[k]) {
			k++
		}
		return k - from
	}
	digits := func(from int) int {
		k := from
		for k < len(h) && k-from < 3 && isDigit(h[k]) {
			k++
		}
		return k - from
	}
	if len(h) == 0 {
		return 0, 0
	}
	switch r := h[0]; {
	case r == '（' || r == '(':
		if k := cn(1); k > 0 && k+1 < len(h) && (h[k+1] == '）' || h[k+1] == ')') {
			return 2, k + 2
		}
		if k := digits(1); k > 0 && k <= 2 && k+1 < len(h) && (h[k+1] == '）' || h[k+1] == ')') {
			return 4, k + 2
		}
	case r >= '⑴' && r <= '⒇':
		return 4, 1
	case r >= '①' && r <= '⑳':
		return 5, 1
	case isDigit(r):
		k := digits(0)
		if k <= 2 && k+1 < len(h) && (h[k] == '.' || h[k] == '、') && !isDigit(h[k+1]) {
			return 3, k + 1
		}
	default:
		if k := cn(0); k > 0 && k < len(h) && h[k] == '、' {
			return 1, k + 1
		}
	}
	return 0, 0
}

// runIn reports whether a line starts with a run-in heading: a phrase of
// 2–30 runes with no comma or sentence end, containing Chinese, followed by
// a colon (在政策体系构建方面：…).
func runIn(h []rune) bool {
	han := false
	for k, r := range h {
		switch {
		case k > 30:
			return false
		case isColon(r):
			if r == ':' && k > 0 && isDigit(h[k-1]) {
				return false
			}
			return k >= 2 && han
		case r == '，' || r == ',' || isTerminal(r):
			return false
		case isHan(r):
			han = true
		}
	}
	return false
}

// enumerator reports whether a line starts with an enumeration word:
// 一是, 二是…, 首先, 其次, 第一，.
func enumerator(h []rune) bool {
	k := 0
	for k < len(h) && k < 3 && containsRune(cnNumerals, h[k]) {
		k++
	}
	if k > 0 && k < len(h) && h[k] == '是' {
		return true
	}
	if len(h) > 2 && h[0] == '第' {
		k = 1
		for k < len(h) && k < 4 && containsRune(cnNumerals, h[k]) {
			k++
		}
		if k > 1 && k < len(h) && (h[k] == '，' || h[k] == '、' || h[k] == '是') {
			return true
		}
	}
	s := string(h[:min(len(h), 3)])
	for _, p := range enumLeaders {
		if len(s) >= len(p) && s[:len(p)] == p {
			return true
		}
	}
	return false
}

// earlyStop reports whether a sentence ends within the first 8 runes of a
// line with no comma before it: such a line finishes the previous line's
// sentence (a heading that wrapped: …集聚区 / 建设。在…).
func earlyStop(h []rune) bool {
	for k, r := range h {
		switch {
		case k > 8 || r == '，' || r == ',':
			return false
		case isTerminal(r):
			return true
		}
	}
	return false
}

func containsRune(s string, r rune) bool {
	for _, c := range s {
		if c == r {
			return true
		}
	}
	return false
}
