package quantity

import (
	"math"
	"strconv"
)

// foldRune maps full-width digits and number symbols to ASCII, one rune for
// one rune, so that rune offsets in the folded text are those of the input.
func foldRune(r rune) rune {
	switch {
	case r >= '０' && r <= '９':
		return r - '０' + '0'
	case r == '．':
		return '.'
	case r == '％':
		return '%'
	case r == '／':
		return '/'
	case r == '－':
		return '-'
	case r == '＋':
		return '+'
	case r == '，' || r == '～':
		return r // Chinese comma and wave dash stay (the comma is never a thousands separator)
	case r == '\u3000' || r == '\u00a0' || r == '\t' || r == '\n' || r == '\r':
		return ' '
	case r >= 'Ａ' && r <= 'Ｚ':
		return r - 'Ａ' + 'A'
	case r >= 'ａ' && r <= 'ｚ':
		return r - 'ａ' + 'a'
	}
	return r
}

func fold(s string) []rune {
	rs := []rune(s)
	for i, r := range rs {
		rs[i] = foldRune(r)
	}
	return rs
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isSpace(r rune) bool { return r == ' ' }

// skipSpace returns the first index at or after i that is not a space.
func skipSpace(rs []rune, i int) int {
	for i < len(rs) && isSpace(rs[i]) {
		i++
	}
	return i
}

// hasAt reports whether rs holds w at i.
func hasAt(rs []rune, i int, w []rune) bool {
	if i < 0 || i+len(w) > len(rs) {
		return false
	}
	for k, r := range w {
		if rs[i+k] != r {
			return false
		}
	}
	return true
}

// cnDigit returns the value of a Chinese digit numeral.
func cnDigit(r rune) (int, bool) {
	switch r {
	case '零', '〇', '○':
		return 0, true
	case '一', '壹':
		return 1, true
	case '二', '两', '贰':
		return 2, true
	case '三', '叁':
		return 3, true
	case '四', '肆':
		return 4, true
	case '五', '伍':
		return 5, true
	case '六', '陆':
		return 6, true
	case '七', '柒':
		return 7, true
	case '八', '捌':
		return 8, true
	case '九', '玖':
		return 9, true
	}
	return 0, false
}

// cnUnit returns the value of a Chinese numeral unit: 十 百 千 万 亿.
func cnUnit(r rune) (float64, bool) {
	switch r {
	case '十', '拾':
		return 10, true
	case '百', '佰':
		return 100, true
	case '千', '仟':
		return 1000, true
	case '万':
		return 1e4, true
	case '亿':
		return 1e8, true
	}
	return 0, false
}

func isCNNumeral(r rune) bool {
	if _, ok := cnDigit(r); ok {
		return true
	}
	_, ok := cnUnit(r)
	return ok
}

// maxNumeral bounds the length of a number (digits or numerals), so that no
// input makes a single figure expensive.
const maxNumeral = 40

// readArabic reads an Arabic number at i: digits, optional thousands
// separators (1,200 — a comma followed by exactly three digits) and a decimal
// part. It returns the number as a decimal string without separators, and
// the end index.
func readArabic(rs []rune, i int) (string, int, bool) {
	j := i
	var digits []rune
	for j < len(rs) && len(digits) <= maxNumeral {
		switch {
		case isDigit(rs[j]):
			digits = append(digits, rs[j])
			j++
			continue
		case rs[j] == ',' && j+3 < len(rs) && len(digits) > 0 &&
			isDigit(rs[j+1]) && isDigit(rs[j+2]) && isDigit(rs[j+3]) && (j+4 >= len(rs) || !isDigit(rs[j+4])):
			j++
			continue
		}
		break
	}
	if len(digits) == 0 || len(digits) > maxNumeral {
		return "", j, false
	}
	if j+1 < len(rs) && rs[j] == '.' && isDigit(rs[j+1]) {
		digits = append(digits, '.')
		j++
		for j < len(rs) && isDigit(rs[j]) && len(digits) <= maxNumeral {
			digits = append(digits, rs[j])
			j++
		}
	}
	return string(digits), j, true
}

// decimal returns num×10^exp, correctly rounded (1.1万 is exactly 11000, not
// 11000.000000000002), and false if it is not finite.
func decimal(num string, exp int) (float64, bool) {
	v, err := strconv.ParseFloat(num+"e"+strconv.Itoa(exp), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// readChinese reads a number in Chinese numerals at i (十二, 二十五, 一百零五,
// 三万五千, 一千二百万, 两). It returns the value, the end index, and whether
// the run was a well-formed number; a run like 十四五 or 一二三 is not.
func readChinese(rs []rune, i int) (float64, int, bool) {
	j := i
	for j < len(rs) && j-i < maxNumeral && isCNNumeral(rs[j]) {
		j++
	}
	if j == i {
		return 0, i, false
	}
	var total, section float64
	digit, haveDigit, lastUnit := 0.0, false, math.Inf(1)
	for k := i; k < j; k++ {
		r := rs[k]
		if d, ok := cnDigit(r); ok {
			switch {
			case d == 0 && j == i+1:
				return 0, j, true // 零 alone
			case d == 0:
				continue // a placeholder: 一百零五
			case haveDigit:
				return 0, j, false // two digits in a row: 十四五, 一二三
			}
			digit, haveDigit = float64(d), true
			continue
		}
		u, _ := cnUnit(r)
		switch {
		case u < 1e4:
			if !haveDigit {
				if k != i && !isZero(rs[k-1]) {
					return 0, j, false // 十十, 百千
				}
				digit = 1 // 十二, 千余, 一百零十
			}
			if u >= lastUnit {
				return 0, j, false // 二十三十
			}
			section += digit * u
			lastUnit = u
		case u == 1e4:
			section = (section + digit) * u
			if section == 0 {
				return 0, j, false // 万 without a number
			}
			total += section
			section, lastUnit = 0, math.Inf(1)
		default: // 亿
			total = (total + section + digit) * u
			if total == 0 {
				return 0, j, false
			}
			section, lastUnit = 0, math.Inf(1)
		}
		digit, haveDigit = 0, false
	}
	v := total + section + digit
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, j, false
	}
	return v, j, true
}

// readMagnitude reads Chinese magnitude characters after an Arabic number
// (1.1万, 56亿, 3千万, 2万亿) and returns the power of ten and end index.
func readMagnitude(rs []rune, i int) (int, int) {
	m, j := 0, i
	for j < len(rs) && j-i < 3 {
		u, ok := cnUnit(rs[j])
		if !ok {
			break
		}
		m += int(math.Round(math.Log10(u)))
		j++
	}
	return m, j
}

// readSmall reads a small integer (1–99) in Arabic digits or Chinese
// numerals, as in months and days.
func readSmall(rs []rune, i int) (int, int, bool) {
	if i >= len(rs) {
		return 0, i, false
	}
	if isDigit(rs[i]) {
		j := i
		for j < len(rs) && isDigit(rs[j]) && j-i < 3 {
			j++
		}
		if j-i > 2 || j < len(rs) && isDigit(rs[j]) {
			return 0, j, false
		}
		n, _ := strconv.Atoi(string(rs[i:j]))
		return n, j, true
	}
	j := i
	for j < len(rs) && j-i < 3 && (rs[j] == '十' || isCNDigitRune(rs[j])) {
		j++
	}
	if j == i {
		return 0, i, false
	}
	v, _, ok := readChinese(rs[:j], i)
	if !ok || v > 99 {
		return 0, j, false
	}
	return int(v), j, true
}

func isZero(r rune) bool { return r == '零' || r == '〇' || r == '○' }

func isCNDigitRune(r rune) bool {
	_, ok := cnDigit(r)
	return ok
}
