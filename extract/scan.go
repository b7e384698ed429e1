package extract

import (
	"regexp"
	"strings"

	"github.com/policygraph/policygraph/model"
)

// Name boundaries. A rule that found a type suffix (…联盟) scans left from it to find where
// the name begins: at punctuation, digits, a cue verb or function word (stopWords), or the
// sentence start. Quoted terms “…” and a bracketed place （上海） may sit inside a name.

const maxNameRunes = 32

// compoundVerbs form nouns after a people word (人才引进落户, 人才培养基地) instead of
// ending the name before them.
var compoundVerbs = map[string]bool{"引进": true, "引入": true, "培养": true, "服务": true, "配套": true, "联系": true, "发展": true}

var periodRE = regexp.MustCompile(`^“[^”]{2,6}”(?:末|初|期间|时期|以来|中期)`)

// sentBounds caches token boundaries of the current sentence from the segmenter.
type sentBounds struct {
	lo int
	b  []bool
}

func (x *extractor) bounds(s span) *sentBounds {
	if x.seg == nil {
		return nil
	}
	if sb, ok := x.boundsCache[s]; ok {
		return sb
	}
	if x.boundsCache == nil {
		x.boundsCache = map[span]*sentBounds{}
	}
	sb := &sentBounds{lo: s.start, b: x.seg.bounds(x.text[s.start:s.end])}
	x.boundsCache[s] = sb
	return sb
}

func (sb *sentBounds) at(off int) bool {
	if sb == nil {
		return true
	}
	k := off - sb.lo
	if k < 0 || k >= len(sb.b) {
		return true
	}
	return sb.b[k]
}

// stopBefore returns the length of a stop word ending at offset i (≥ lo), or 0.
func (x *extractor) stopBefore(lo, i int, sb *sentBounds) int {
	if i-1 < lo || i > len(x.text) {
		return 0
	}
	for _, w := range stopsByLast[x.text[i-1]] {
		n := len(w)
		if i-n < lo {
			continue
		}
		if !runesEqual(x.text[i-n:i], w) {
			continue
		}
		if w[0] == '的' || w[0] == '等' || w[0] == '了' {
			return n
		}
		if n == 1 && w[0] == '如' && i-2 >= lo && (isHan(x.text[i-2]) || isLatin(x.text[i-2])) {
			continue // 如 introduces examples only at the start of a clause (真如 is a name)
		}
		if n > 1 {
			if compoundVerbs[string(w)] && x.endsWithAny(i-n, peopleWords) {
				continue // 人才引进落户, 人才培养: a nominal compound
			}
			return n
		}
		if sb != nil {
			if sb.at(i) && sb.at(i-n) {
				return n
			}
			continue
		}
		if n == 1 && i+1 <= len(x.text) && i < len(x.text) {
			bi := string(x.text[i-1 : i+1])
			if containsString(bigramsNotStops, bi) {
				continue
			}
		}
		return n
	}
	return 0
}

func (x *extractor) endsWithAny(off int, words []string) bool {
	for _, w := range words {
		if x.governedBy(off, w) {
			return true
		}
	}
	return false
}

func runesEqual(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func isNumeral(r rune) bool {
	return isDigit(r) || strings.ContainsRune("一二两三四五六七八九十百千万零", r)
}

func isClassifier(r rune) bool {
	return strings.ContainsRune("个家项批类大所名位套次届", r)
}

// leftStart returns where a name ending with a suffix at pos begins, scanning no further
// left than lo. kind is the kind the suffix gives (an Organization name may hold 和/与: 人力
// 资源和社会保障局).
func (x *extractor) leftStart(lo, pos int, kind model.Kind, sb *sentBounds) int {
	i := pos
	for i > lo {
		if pos-i > maxNameRunes {
			break
		}
		if x.afterFigure(lo, i) || x.afterOrdinal(lo, i) {
			break
		}
		if n := x.stopBefore(lo, i, sb); n > 0 && !(i < len(x.text) && (x.text[i] == '（' || x.text[i] == '(')) {
			w := string(x.text[i-n : i])
			if kind == model.KindOrganization && (w == "和" || w == "与" || w == "及") && x.orgConjunction(lo, i-n, pos) {
				i -= n
				continue
			}
			break
		}
		r := x.text[i-1]
		switch {
		case r == '”' || r == '"':
			j := x.matchLeft(lo, i-1, '“', '"', 16)
			if j < 0 {
				return i
			}
			i = j
			continue
		case r == '）' || r == ')':
			j := x.matchLeft(lo, i-1, '（', '(', 6)
			if j < 0 || !allHan(x.text[j+1:i-1]) {
				return i
			}
			i = j
			continue
		case isClassifier(r) && i-2 >= lo && isNumeral(x.text[i-2]):
			return i
		case isNameRune(r):
			i--
			continue
		case r == ' ' && i-2 >= lo && isLatin(x.text[i-2]) && i < len(x.text) && isLatin(x.text[i]):
			i--
			continue
		case r == '+' && i-2 >= lo && i < pos:
			// “数字人民币+” style marks only inside quotes; outside they end a name
			return i
		}
		break
	}
	return i
}

// afterFigure reports whether the text before i ends with a figure and its unit
// (100万元, 3个, 一次性), which never starts a name.
func (x *extractor) afterFigure(lo, i int) bool {
	if i-1 < lo {
		return false
	}
	if x.governedBy(i, "一次性") {
		return true
	}
	k := i - 1
	for k >= lo && k >= i-3 && strings.ContainsRune("元万亿千百个月年日天人家套次项名户件%", x.text[k]) {
		k--
	}
	return k < i-1 && k >= lo && isDigit(x.text[k])
}

// afterOrdinal reports whether the text before i ends with an ordinal heading such as
// 第二条, 第一章 or 第三节.
func (x *extractor) afterOrdinal(lo, i int) bool {
	if i-2 < lo || !strings.ContainsRune("条章节款部", x.text[i-1]) {
		return false
	}
	k := i - 2
	for k >= lo && isNumeral(x.text[k]) {
		k--
	}
	return k < i-2 && k >= lo && x.text[k] == '第'
}

// orgConjunction reports whether a 和/与/及 at conj continues an organization name: the
// part before it is short and is not itself a name with a type suffix.
func (x *extractor) orgConjunction(lo, conj, pos int) bool {
	if pos-conj > 8 {
		return false
	}
	j := conj
	for j > lo && isHan(x.text[j-1]) && conj-j < 10 {
		j--
	}
	left := string(x.text[j:conj])
	if runeLen(left) < 3 || allGeneric(left) || hasAny(left, []string{"企业", "单位", "机构", "高校"}) {
		return false
	}
	if _, ok := cueOf(left); ok {
		return false
	}
	if _, ok := hasSuffixAny(left, firmCues); ok {
		return false
	}
	return true
}

// matchLeft finds the opening mark (open or alt) matching a closing mark at close,
// within limit runes and not crossing sentence punctuation; -1 when none.
func (x *extractor) matchLeft(lo, close int, open, alt rune, limit int) int {
	for j := close - 1; j >= lo && close-j <= limit; j-- {
		r := x.text[j]
		if r == open || (alt != 0 && r == alt && alt != x.text[close]) {
			return j
		}
		if strings.ContainsRune("。；！？，\n”）", r) {
			return -1
		}
	}
	return -1
}

func allHan(rs []rune) bool {
	for _, r := range rs {
		if !isHan(r) {
			return false
		}
	}
	return len(rs) > 0
}

// trimName strips generic modifiers from the front of a name and returns the new start.
func (x *extractor) trimName(start, end int) int {
	for changed := true; changed && start < end; {
		changed = false
		s := x.str(start, end)
		if w, ok := hasPrefixAny(s, leadingGeneric); ok && runeLen(s)-runeLen(w) >= 3 {
			start += runeLen(w)
			changed = true
			continue
		}
		// “十四五”末人才公寓: a quoted period is not part of the name
		if loc := periodRE.FindStringIndex(s); loc != nil && loc[0] == 0 && runeLen(s[loc[1]:]) >= 3 {
			start += runeLen(s[:loc[1]])
			changed = true
			continue
		}
		// 第三届“西岸杯”…大赛: the edition is not part of the name
		rs := x.text[start:end]
		if len(rs) > 3 && rs[0] == '第' {
			k := 1
			for k < len(rs) && isNumeral(rs[k]) {
				k++
			}
			if k > 1 && k < len(rs) && (rs[k] == '届' || rs[k] == '期' || rs[k] == '批') {
				start += k + 1
				changed = true
			}
		}
	}
	return start
}

// allGeneric reports whether s is made only of generic words (区级, 示范, 交流 …).
func allGeneric(s string) bool {
	if s == "" {
		return true
	}
	for s != "" {
		w, ok := longestPrefix(s, genericStems)
		if !ok {
			return false
		}
		s = s[len(w):]
	}
	return true
}

func longestPrefix(s string, words []string) (string, bool) {
	best := ""
	for _, w := range words {
		if strings.HasPrefix(s, w) && len(w) > len(best) {
			best = w
		}
	}
	return best, best != ""
}

// distinctive reports whether a name holds something that makes it a proper name rather
// than a generic phrase: a quoted term, Latin letters, or a place name.
func (x *extractor) distinctive(name string) bool {
	if strings.ContainsAny(name, "“”\"「") {
		return true
	}
	for _, r := range name {
		if isLatin(r) {
			return true
		}
	}
	if _, ok := hasPrefixAny(name, generalPlaces); ok {
		return true
	}
	for _, p := range x.placeStems() {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
