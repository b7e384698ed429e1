// Package quantity parses the figures of Chinese policy text — amounts of
// money, counts of people, firms and projects, percentages and fractions,
// durations — into a canonical value and unit with a qualifier (超过, 约,
// 最高, 余 …), and finds them in sentences. It also parses dates (ParseDate,
// FindDates), which Find deliberately skips.
//
// Parse, Find, ParseDate and FindDates never panic, whatever the input, and
// every Value they return is finite. Find is linear in the length of its
// input.
package quantity

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Qualifier says how a figure bounds the true value.
type Qualifier string

// Qualifiers. Words are matched longest first (不超过 before 超过); words
// such as 最近 and 附近 block the shorter 近 and qualify nothing. 以上 and
// 以下 include the number, as Chinese law defines them (民法典 第一千二百五十九条).
const (
	Exact   Qualifier = ""   // no qualifier
	Over    Qualifier = ">"  // 超过, 超过了, 超出, 超, 逾, 高于, 多于, 大于
	AtLeast Qualifier = ">=" // 余 and 多 (1.1万余人: at least 11000; 3年多, 3个多月), 以上, 及以上, 有余, 至少, 不少于, 不低于, 最少, 最低, 满
	About   Qualifier = "~"  // 约, 约为, 近, 将近, 接近, 大约, 大概, 左右
	AtMost  Qualifier = "<=" // 最高, 最长, 最多, 至多, 不超过, 不高于, 不多于, 以下, 及以下, 以内, 之内, and 内 after a duration (30日内)
	Under   Qualifier = "<"  // 不足, 少于, 低于, 不到, 小于, 不满, 未满
)

// Quantity is one figure.
type Quantity struct {
	// Value is the figure in Unit: yuan, not 万元 (4.5万元 is 45000), and
	// percent for percentages, permille and fractions (1/4 is 25). For a
	// range it is the lower end.
	Value float64
	// Min and Max are the ends of a range (10-40万元: 100000 and 400000). For
	// a bound, the one the qualifier gives: Min for > and >=, Max for < and
	// <=. Otherwise nil.
	Min, Max  *float64
	Unit      string // one of Units
	Qualifier Qualifier
	Raw       string // the exact text matched, qualifier words included
	Span      [2]int // rune span of Raw in the input: [start, end)
}

// ErrUnparsable is wrapped by every error of Parse and ParseDate.
var ErrUnparsable = errors.New("quantity: unparsable")

// Parse parses one figure expression, such as 1.85亿元, 超过1/4, 1.1万余人,
// 10-40万元, 最长12个月, 约20亿元, ¥500万 or 14个公租房项目 (a count of 个
// whose noun ends in 项目 is a count of projects), with qualifier words
// before and after. Spaces are ignored; full-width digits are read. Raw is
// the input without surrounding space and Span its position in s.
//
// Parse fails, with an error wrapping ErrUnparsable that says what is wrong,
// on text that is not exactly one figure: ordinals (第一批), dates (2022年,
// 2023年4月17日: see ParseDate), text before or after the figure, numbers out
// of range. A bare number has Unit UnitNone.
func Parse(s string) (Quantity, error) {
	rs := fold(s)
	start, end := skipSpace(rs, 0), len(rs)
	for end > start && isSpace(rs[end-1]) {
		end--
	}
	if start == end {
		return Quantity{}, fmt.Errorf("%w: empty figure", ErrUnparsable)
	}
	rs = rs[:end]
	q, i := Exact, start
	for _, w := range qualifiersBefore {
		if hasAt(rs, start, w.word) {
			q, i = w.q, skipSpace(rs, start+len(w.word)) // 最近 and the like: Exact
			break
		}
	}
	if i < end && rs[i] == '第' {
		return Quantity{}, fmt.Errorf("%w: %q is an ordinal (第…), not a quantity", ErrUnparsable, s)
	}
	if _, _, ok := matchDate(rs, i); ok {
		return Quantity{}, fmt.Errorf("%w: %q is a date, not a quantity (use ParseDate)", ErrUnparsable, s)
	}
	if i == end || !numberStart(rs, i) {
		return Quantity{}, fmt.Errorf("%w: no number in %q", ErrUnparsable, s)
	}
	f, err := scanFigure(rs, i, true)
	if err != nil {
		return Quantity{}, fmt.Errorf("%w: %q: %v", ErrUnparsable, s, err)
	}
	if f.end != end {
		return Quantity{}, fmt.Errorf("%w: unexpected %q after the figure %q", ErrUnparsable, string(rs[f.end:end]), string(rs[i:f.end]))
	}
	if f.yearLike() {
		return Quantity{}, fmt.Errorf("%w: %q is a year, not a quantity (use ParseDate)", ErrUnparsable, s)
	}
	return f.quantity(q, []rune(s), start, end), nil
}

// Find returns the figures of text, left to right, each with the qualifier
// words around it in Raw and Span. It skips what is not a quantity: dates
// and years (2022年, 2023年4月17日, 4月17日: see FindDates), ordinals (第一批,
// 第044号, 二次会议), numbers without a unit (3+3, 十四五), numerals inside
// words (统一, 一次性, 一周期), and 一 used as an article (一个, 一家) unless
// it counts time (为期一周) or is qualified (满一年). Parse(q.Raw) returns q
// again (with Span relative to Raw).
func Find(text string) []Quantity {
	rs := fold(text)
	orig := []rune(text)
	var out []Quantity
	for i := 0; i < len(rs); {
		if !numberStart(rs, i) {
			i++
			continue
		}
		if _, end, ok := matchDate(rs, i); ok {
			i = max(end, i+1)
			continue
		}
		if p := prevRune(rs, i); p == '第' {
			i = skipNumber(rs, i)
			continue
		}
		f, err := scanFigure(rs, i, false)
		if err != nil || !f.found(rs, i) {
			i = max(skipNumber(rs, i), i+1)
			continue
		}
		q, qlen := qualifierBefore(rs, i)
		start := i - qlen
		if f.chinese && f.value == 1 && !f.timeUnit() && q == Exact && qlen == 0 {
			i = f.end // 一个, 一家: an article, not a count
			continue
		}
		out = append(out, f.quantity(q, orig, start, f.end))
		i = f.end
	}
	return out
}

// prevRune returns the rune before i, up to three spaces skipped, or 0.
func prevRune(rs []rune, i int) rune {
	for k := i - 1; k >= 0 && k >= i-4; k-- {
		if !isSpace(rs[k]) {
			return rs[k]
		}
	}
	return 0
}

// numberStart reports whether a number (or its currency sign, or 百分之)
// starts at i, and not in the middle of one.
func numberStart(rs []rune, i int) bool {
	r := rs[i]
	var p rune
	if i > 0 {
		p = rs[i-1]
	}
	switch {
	case isDigit(r):
		return !isDigit(p) && p != '.' && p != ',' && p != '/' && !isLatinLetter(p)
	case r == '¥' || r == '￥' || r == '$':
		k := skipSpace(rs, i+1)
		return k < len(rs) && isDigit(rs[k])
	case hasAt(rs, i, []rune("人民币")):
		k := skipSpace(rs, i+3)
		return k < len(rs) && (isDigit(rs[k]) || isCNNumeral(rs[k]))
	case hasAt(rs, i, []rune("百分之")):
		return !isCNNumeral(p)
	case isCNNumeral(r):
		if _, isUnit := cnUnit(r); isUnit && r != '十' && r != '百' && r != '千' {
			return false // 万, 亿 do not start a number
		}
		return !isCNNumeral(p)
	}
	return false
}

func isLatinLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// skipNumber returns the end of the run of digits or numerals at i.
func skipNumber(rs []rune, i int) int {
	j := i
	for j < len(rs) && (isDigit(rs[j]) || isCNNumeral(rs[j]) || rs[j] == '.' && j+1 < len(rs) && isDigit(rs[j+1])) {
		j++
	}
	return max(j, i+1)
}

// qualifierBefore matches a qualifier word ending at i (up to three spaces
// before i skipped) and returns it and the distance from its start to i.
func qualifierBefore(rs []rune, i int) (Qualifier, int) {
	k := i
	for k > 0 && isSpace(rs[k-1]) && i-k < 3 {
		k--
	}
	for _, w := range qualifiersBefore {
		if hasAt(rs, k-len(w.word), w.word) {
			if w.none {
				return Exact, 0
			}
			return w.q, i - (k - len(w.word))
		}
	}
	return Exact, 0
}

// qualifierAfter matches a qualifier word at i.
func qualifierAfter(rs []rune, i int) (Qualifier, int) {
	for _, w := range qualifiersAfter {
		if hasAt(rs, i, w.word) {
			return w.q, len(w.word)
		}
	}
	return Exact, 0
}

// quantity builds the Quantity of a scanned figure; q is the qualifier
// found before it, orig the input runes and [start, end) the span.
func (f figure) quantity(q Qualifier, orig []rune, start, end int) Quantity {
	if q == Exact {
		q = f.qual
	}
	out := Quantity{Value: f.value, Unit: f.unit, Qualifier: q, Raw: string(orig[start:end]), Span: [2]int{start, end}}
	switch {
	case f.isRange:
		lo, hi := f.value, f.hi
		out.Min, out.Max = &lo, &hi
	case q == Over || q == AtLeast:
		v := f.value
		out.Min = &v
	case q == Under || q == AtMost:
		v := f.value
		out.Max = &v
	}
	return out
}

// figure is a scanned figure, before qualifiers outside it are applied.
type figure struct {
	value, hi float64 // value, and the upper end of a range
	isRange   bool
	unit      string
	qual      Qualifier // from inside the figure: 余, 多, 以上, 左右 …
	end       int
	chinese   bool   // written in Chinese numerals
	digits4   bool   // the number is a four-digit integer without magnitude (a year?)
	num       string // the number as a decimal string
	mag       int    // power of ten of the magnitude characters (万: 4)
	scale     int    // power of ten of the unit word (‰: -1)
	unitWord  []rune
}

func (f figure) timeUnit() bool {
	switch f.unit {
	case UnitYear, UnitMonth, UnitWeek, UnitDay, UnitHour, UnitMinute:
		return true
	}
	return false
}

// yearLike reports whether the figure is a calendar year written as a
// duration (2022年, 2020-2025年).
func (f figure) yearLike() bool {
	return f.unit == UnitYear && f.digits4
}

// found reports whether Find should report a scanned figure that starts at
// i: it has a unit, is not a year, and its number is not part of a word.
func (f figure) found(rs []rune, i int) bool {
	if f.unit == UnitNone || f.yearLike() {
		return false
	}
	if f.chinese && i > 0 && containsRune("统唯万之同单专初合划整归如均逐独惟某任不另其周数几若上", rs[i-1]) {
		return false // 统一, 唯一, 不一, 周一 …
	}
	if string(f.unitWord) == "日" { // 17日 is a day of the month unless 日内
		e := skipSpace(rs, f.end)
		return hasAt(rs, e, []rune("内")) || hasAt(rs, e, []rune("以内")) || hasAt(rs, e, []rune("之内")) || f.qual != Exact
	}
	if f.end < len(rs) {
		if vetoes, ok := unitVetoes[string(f.unitWord)]; ok && containsRune(vetoes, rs[f.end]) {
			return false // 一次性, 二次会议, 一周期, 一年级 …
		}
	}
	return true
}

// unitVetoes lists, for a unit word, the characters that make it part of
// another word when they follow it (次性, 次会议, 周期, 年级, 位于 …).
var unitVetoes = map[string]string{
	"次": "性要序级生会", "周": "期边围到转密全知末", "年": "级轻龄代华鉴会", "天": "然地下空气才",
	"位": "于置", "名": "单称义牌", "家": "庭长属乡园万争", "条": "件例款", "处": "理于", "台": "阶",
	"座": "谈", "张": "贴", "份": "额", "间": "隔", "只": "有是", "架": "构", "套": "餐", "所": "有以属在",
	"户": "籍口", "倍": "增", "场": "地所景馆合面",
}

func containsRune(s string, r rune) bool {
	for _, c := range s {
		if c == r {
			return true
		}
	}
	return false
}

// scanFigure scans a figure starting at i: an optional currency sign, the
// number (or a fraction, or 百分之…), magnitude characters, 余/多, the unit,
// a range to a second figure, and qualifier words after it. strict reports
// malformed parts as errors (Parse); otherwise the caller just skips.
func scanFigure(rs []rune, i int, strict bool) (figure, error) {
	var f figure
	currency := ""
	switch {
	case rs[i] == '¥' || rs[i] == '￥':
		currency, i = UnitCNY, skipSpace(rs, i+1)
	case rs[i] == '$':
		currency, i = UnitUSD, skipSpace(rs, i+1)
	case hasAt(rs, i, []rune("人民币")):
		currency, i = UnitCNY, skipSpace(rs, i+3)
	}
	lo, err := scanOne(rs, i)
	if err != nil {
		return f, err
	}
	f = lo
	// A range: 10-40万元, 10～40万元, 10至40万元, 1万元至3万元.
	j := skipSpace(rs, f.end)
	if j < len(rs) && containsRune("-–—~～至到", rs[j]) && !f.isRange {
		k := skipSpace(rs, j+1)
		if k < len(rs) && (isDigit(rs[k]) && !f.chinese || isCNNumeral(rs[k]) && f.chinese) {
			hi, err := scanOne(rs, k)
			switch {
			case err != nil:
				if strict {
					return f, err
				}
			case hi.unit == UnitNone && currency != "" && f.unit == UnitNone: // ¥10-40万
				hi.unit = currency
				fallthrough
			case hi.unit != UnitNone && (f.unit == UnitNone || f.unit == hi.unit):
				r := f
				if r.unit == UnitNone {
					if r.mag == 0 {
						r.mag = hi.mag // 10-40万元: the 万 applies to both
					}
					r.scale, r.unit, r.unitWord = hi.scale, hi.unit, hi.unitWord
					v, ok := decimal(r.num, r.mag+r.scale)
					if !ok {
						return f, errors.New("number out of range")
					}
					r.value = v
				}
				r.hi, r.isRange, r.end, r.qual = hi.value, true, hi.end, hi.qual
				switch {
				case r.hi >= r.value:
					f = r
				case strict:
					return f, fmt.Errorf("range %g to %g runs backwards", r.value, r.hi)
				}
			}
		}
	}
	if currency != "" {
		switch f.unit {
		case UnitNone:
			f.unit = currency
		case currency:
		default:
			return f, fmt.Errorf("currency sign before a figure in %s", f.unit)
		}
	}
	if math.IsInf(f.value, 0) || math.IsNaN(f.value) || math.IsInf(f.hi, 0) {
		return f, errors.New("number out of range")
	}
	return f, nil
}

// scanOne scans a single figure (no range) at i. The figure's mag and scale
// are kept so that a range's lower end can borrow them (10-40万元).
func scanOne(rs []rune, i int) (figure, error) {
	var f figure
	percentPrefix := false
	if hasAt(rs, i, []rune("百分之")) {
		percentPrefix = true
		i = skipSpace(rs, i+3)
	}
	if i >= len(rs) {
		return f, errors.New("no number")
	}
	var end int
	switch {
	case isDigit(rs[i]):
		num, e, ok := readArabic(rs, i)
		if !ok {
			return f, errors.New("malformed number")
		}
		f.num, end = num, e
		// A fraction: 1/4 is 25 percent.
		if end+1 < len(rs) && rs[end] == '/' && isDigit(rs[end+1]) && !percentPrefix {
			den, e, ok := readArabic(rs, end+1)
			n, _ := decimal(num, 0)
			d, _ := decimal(den, 0)
			if !ok || d == 0 {
				return f, errors.New("malformed fraction")
			}
			if e < len(rs) && rs[e] == '/' {
				return f, errors.New("looks like a date (a/b/c)")
			}
			f.value, f.unit, f.end, f.unitWord = 100*n/d, UnitPercent, e, []rune("/")
			return afterUnit(rs, f), nil
		}
		f.digits4 = end-i == 4 && !strings.Contains(num, ".")
	case isCNNumeral(rs[i]):
		v, e, ok := readChinese(rs, i)
		if !ok {
			return f, errors.New("malformed Chinese numeral")
		}
		f.chinese, end = true, e
		f.num = strconv.FormatFloat(v, 'f', -1, 64)
		// A fraction: 四分之一 is 25 percent.
		if hasAt(rs, end, []rune("分之")) && !percentPrefix {
			n, e, ok := readChinese(rs, end+2)
			if !ok || v == 0 {
				return f, errors.New("malformed fraction")
			}
			f.value, f.unit, f.end, f.unitWord = 100*n/v, UnitPercent, e, []rune("分之")
			return afterUnit(rs, f), nil
		}
	default:
		return f, errors.New("no number")
	}
	j := end
	// 余/多 before or after the magnitude: 10余万元, 1.1万余人, 20多家.
	if k := skipSpace(rs, j); k+1 < len(rs) && (rs[k] == '余' || rs[k] == '多') {
		if _, isMag := cnUnit(rs[k+1]); isMag && !f.chinese {
			f.qual, j = AtLeast, k+1
		}
	}
	if !f.chinese {
		if j2 := skipSpace(rs, j); j2 < len(rs) {
			if _, isMag := cnUnit(rs[j2]); isMag {
				j = j2
			}
		}
		f.mag, j = readMagnitude(rs, j)
		if f.mag != 0 {
			f.digits4 = false
		}
	}
	if j < len(rs) && (rs[j] == '余' || rs[j] == '多') {
		if _, n := matchUnit(rs, j+1); n > 0 {
			f.qual, j = AtLeast, j+1
		}
	}
	numEnd := j // end of the number, magnitude and 余 (spaces after not included)
	j = skipSpace(rs, j)
	f.end = numEnd
	switch {
	case percentPrefix:
		f.unit = UnitPercent
	case j+2 < len(rs) && rs[j] == '个' && (rs[j+1] == '多' || rs[j+1] == '余'):
		// 3个多月, 两个多小时: at least the number.
		for _, u := range []unitWord{{[]rune("月"), UnitMonth, 0}, {[]rune("小时"), UnitHour, 0}, {[]rune("星期"), UnitWeek, 0}} {
			if hasAt(rs, j+2, u.word) {
				f.unit, f.unitWord, f.end, f.qual = u.unit, u.word, j+2+len(u.word), AtLeast
				break
			}
		}
	default:
		if u, n := matchUnit(rs, j); n > 0 {
			f.unit, f.scale, f.unitWord, f.end = u.unit, u.scale, u.word, j+n
			if u.unit == UnitUnit && string(u.word) == "个" {
				if e, ok := projectNoun(rs, f.end); ok {
					f.unit, f.end = UnitProject, e
				}
			}
		}
	}
	v, ok := decimal(f.num, f.mag+f.scale)
	if !ok {
		return f, errors.New("number out of range")
	}
	f.value = v
	return afterUnit(rs, f), nil
}

// afterUnit applies the qualifier words after a figure (以上, 左右, and for
// durations 多/余 and 内: 3年多, 30日内).
func afterUnit(rs []rune, f figure) figure {
	if f.unit == UnitNone {
		return f
	}
	j := skipSpace(rs, f.end)
	if q, n := qualifierAfter(rs, j); n > 0 {
		f.end = j + n
		if f.qual == Exact {
			f.qual = q
		}
		return f
	}
	if f.timeUnit() && j < len(rs) {
		switch rs[j] {
		case '多', '余': // 3年多
			f.end = j + 1
			if f.qual == Exact {
				f.qual = AtLeast
			}
		case '内': // 30日内, 3年内
			f.end = j + 1
			if f.qual == Exact {
				f.qual = AtMost
			}
		}
	}
	return f
}

// matchUnit matches the longest unit word at i.
func matchUnit(rs []rune, i int) (unitWord, int) {
	for _, u := range unitWords {
		if hasAt(rs, i, u.word) {
			return u, len(u.word)
		}
	}
	return unitWord{}, 0
}

// projectNoun reports whether a noun of up to 10 Chinese characters ending
// in 项目 follows a count of 个 (14个公租房项目), and where it ends.
func projectNoun(rs []rune, i int) (int, bool) {
	for k := i; k < len(rs) && k-i < 12; k++ {
		if hasAt(rs, k, []rune("项目")) {
			return k + 2, true
		}
		if !isHan(rs[k]) {
			return 0, false
		}
	}
	return 0, false
}

func isHan(r rune) bool { return r >= 0x3400 && r <= 0x9FFF || r >= 0x20000 && r <= 0x3FFFF }
