package quantity

import (
	"fmt"
	"strconv"
	"time"
)

// Precision says how much of a Date is known.
type Precision string

// Precisions of a Date.
const (
	PrecisionYear    Precision = "year"    // 2025年, 2023年度, 2025年底
	PrecisionHalf    Precision = "half"    // 2023年上半年
	PrecisionQuarter Precision = "quarter" // 2023年一季度, 2023年第1季度
	PrecisionMonth   Precision = "month"   // 2021年11月, 2021-11
	PrecisionDay     Precision = "day"     // 2023年4月17日, 2023-04-17, 2023/4/17, 二〇二三年四月十七日
)

// Date is a calendar date or period as written in a document. Fields below
// the precision are zero.
type Date struct {
	Year      int
	Half      int // 1 or 2 (PrecisionHalf)
	Quarter   int // 1–4 (PrecisionQuarter)
	Month     int // 1–12 (PrecisionMonth, PrecisionDay)
	Day       int // 1–31 (PrecisionDay)
	Precision Precision
}

// String formats d as "2023-04-17", "2021-11", "2023-Q1", "2023-H1" or
// "2025", the forms of model.ValidDate.
func (d Date) String() string {
	switch d.Precision {
	case PrecisionDay:
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	case PrecisionMonth:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	case PrecisionQuarter:
		return fmt.Sprintf("%04d-Q%d", d.Year, d.Quarter)
	case PrecisionHalf:
		return fmt.Sprintf("%04d-H%d", d.Year, d.Half)
	}
	return fmt.Sprintf("%04d", d.Year)
}

// Time returns the first day of the period d names, at midnight UTC.
func (d Date) Time() time.Time {
	month, day := 1, 1
	switch d.Precision {
	case PrecisionDay:
		month, day = d.Month, d.Day
	case PrecisionMonth:
		month = d.Month
	case PrecisionQuarter:
		month = 3*(d.Quarter-1) + 1
	case PrecisionHalf:
		month = 6*(d.Half-1) + 1
	}
	return time.Date(d.Year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

// DateMatch is a date found in a text by FindDates.
type DateMatch struct {
	Date Date
	Raw  string // the text as written
	Span [2]int // rune span in the input
}

// ParseDate parses one date or period: 2023年4月17日 (spaces allowed, as in
// PDF text: 2023年 4月 17日), 2021年11月, 2023年一季度 / 2023年第一季度 /
// 2023年1季度, 2023年上半年, 2025年, 2023年度, 2025年底/年末/年初 (year
// precision), years in Chinese numerals (二〇二三年四月十七日), and
// 2023-04-17, 2023/4/17, 2023.4.17, 2021-11, 2023-Q1, 2023-H1 and a bare
// year 2025 (so that ParseDate(d.String()) returns d). It fails, with an error
// wrapping ErrUnparsable, on anything else, on a date without a year, and on
// impossible dates (2023年2月30日, 13月, 五季度).
func ParseDate(s string) (Date, error) {
	rs := fold(s)
	i, end := skipSpace(rs, 0), len(rs)
	for end > i && isSpace(rs[end-1]) {
		end--
	}
	if i == end {
		return Date{}, fmt.Errorf("%w: empty date", ErrUnparsable)
	}
	d, j, ok := matchDate(rs[:end], i)
	if y, e, isYear := readYear(rs[:end], i); !ok && isYear && e == end && isDigit(rs[i]) {
		d, j, ok = Date{Year: y, Precision: PrecisionYear}, e, true // a bare year: 2025
	}
	switch {
	case !ok:
		return Date{}, fmt.Errorf("%w: %q is not a date", ErrUnparsable, s)
	case j != end:
		return Date{}, fmt.Errorf("%w: unexpected %q after the date in %q", ErrUnparsable, string(rs[j:end]), s)
	case d.Year == 0:
		return Date{}, fmt.Errorf("%w: date %q has no year", ErrUnparsable, s)
	}
	if err := d.validate(); err != nil {
		return Date{}, fmt.Errorf("%w: %q: %v", ErrUnparsable, s, err)
	}
	return d, nil
}

func (d Date) validate() error {
	switch d.Precision {
	case PrecisionDay:
		if d.Month < 1 || d.Month > 12 {
			return fmt.Errorf("month %d out of range", d.Month)
		}
		t := time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC)
		if d.Day < 1 || t.Day() != d.Day {
			return fmt.Errorf("day %d out of range for %04d-%02d", d.Day, d.Year, d.Month)
		}
	case PrecisionMonth:
		if d.Month < 1 || d.Month > 12 {
			return fmt.Errorf("month %d out of range", d.Month)
		}
	case PrecisionQuarter:
		if d.Quarter < 1 || d.Quarter > 4 {
			return fmt.Errorf("quarter %d out of range", d.Quarter)
		}
	case PrecisionHalf:
		if d.Half < 1 || d.Half > 2 {
			return fmt.Errorf("half %d out of range", d.Half)
		}
	}
	return nil
}

// FindDates returns the dates in text with a year, left to right, with their
// spans. Dates that fail validation (2月30日) are left out.
func FindDates(text string) []DateMatch {
	rs, orig := fold(text), []rune(text)
	var out []DateMatch
	for i := 0; i < len(rs); {
		if !numberStart(rs, i) {
			i++
			continue
		}
		d, end, ok := matchDate(rs, i)
		if !ok {
			i = skipNumber(rs, i)
			continue
		}
		if d.Year != 0 && d.validate() == nil {
			out = append(out, DateMatch{Date: d, Raw: string(orig[i:end]), Span: [2]int{i, end}})
		}
		i = end
	}
	return out
}

// readYear reads a four-digit year at i: Arabic digits or Chinese digit
// numerals (二〇二三).
func readYear(rs []rune, i int) (int, int, bool) {
	if i+4 > len(rs) {
		return 0, i, false
	}
	if isDigit(rs[i]) {
		for k := i; k < i+4; k++ {
			if !isDigit(rs[k]) {
				return 0, i, false
			}
		}
		if i+4 < len(rs) && (isDigit(rs[i+4]) || rs[i+4] == ',') {
			return 0, i, false
		}
		y, _ := strconv.Atoi(string(rs[i : i+4]))
		return y, i + 4, y >= 1000
	}
	y := 0
	for k := i; k < i+4; k++ {
		d, ok := cnDigit(rs[k])
		if !ok || rs[k] == '两' {
			return 0, i, false
		}
		y = y*10 + d
	}
	if i+4 < len(rs) && isCNNumeral(rs[i+4]) {
		return 0, i, false
	}
	return y, i + 4, y >= 1000
}

// matchDate matches a date starting at i and returns it with its end. A
// month and day without a year (4月17日, 3月) match with Year 0, so that Find
// can skip them. The date is not validated.
func matchDate(rs []rune, i int) (Date, int, bool) {
	if y, j, ok := readYear(rs, i); ok {
		k := skipSpace(rs, j)
		if k < len(rs) && rs[k] == '年' {
			return yearSuffix(rs, Date{Year: y, Precision: PrecisionYear}, k+1)
		}
		if isDigit(rs[i]) && j+2 < len(rs) && rs[j] == '-' && (rs[j+1] == 'Q' || rs[j+1] == 'H') &&
			isDigit(rs[j+2]) && (j+3 == len(rs) || !isDigit(rs[j+3])) {
			n := int(rs[j+2] - '0')
			if rs[j+1] == 'Q' {
				return Date{Year: y, Quarter: n, Precision: PrecisionQuarter}, j + 3, true
			}
			return Date{Year: y, Half: n, Precision: PrecisionHalf}, j + 3, true
		}
		if isDigit(rs[i]) && j < len(rs) && (rs[j] == '-' || rs[j] == '/' || rs[j] == '.') {
			sep := rs[j]
			m, k, ok := readSmall(rs, j+1)
			if ok && k > j+1 && isDigit(rs[j+1]) {
				if k < len(rs) && rs[k] == sep {
					if d, e, ok := readSmall(rs, k+1); ok && isDigit(rs[k+1]) {
						return Date{Year: y, Month: m, Day: d, Precision: PrecisionDay}, e, true
					}
				}
				if sep != '.' && m >= 1 && m <= 12 {
					return Date{Year: y, Month: m, Precision: PrecisionMonth}, k, true
				}
			}
		}
		return Date{}, i, false
	}
	// Month (and day) without a year.
	m, k, ok := readSmall(rs, i)
	if !ok || m < 1 || m > 12 {
		return Date{}, i, false
	}
	k2 := skipSpace(rs, k)
	if k2 >= len(rs) || rs[k2] != '月' {
		return Date{}, i, false
	}
	return monthDay(rs, Date{Month: m, Precision: PrecisionMonth}, k2+1)
}

// yearSuffix matches what may follow 年 in a date: a month, a quarter, a
// half year, 度, 底/末/初.
func yearSuffix(rs []rune, d Date, j int) (Date, int, bool) {
	k := skipSpace(rs, j)
	if k >= len(rs) {
		return d, j, true
	}
	switch rs[k] {
	case '度', '底', '末', '初':
		return d, k + 1, true
	case '上', '下':
		if hasAt(rs, k+1, []rune("半年")) {
			d.Precision, d.Half = PrecisionHalf, 1
			if rs[k] == '下' {
				d.Half = 2
			}
			return d, k + 3, true
		}
	}
	q := k
	if rs[q] == '第' {
		q++
	}
	if n, e, ok := readSmall(rs, q); ok && hasAt(rs, e, []rune("季度")) {
		d.Precision, d.Quarter = PrecisionQuarter, n
		return d, e + 2, true
	}
	if m, e, ok := readSmall(rs, k); ok {
		e2 := skipSpace(rs, e)
		if e2 < len(rs) && rs[e2] == '月' {
			d.Month, d.Precision = m, PrecisionMonth
			return monthDay(rs, d, e2+1)
		}
	}
	return d, j, true
}

// monthDay matches an optional day after 月.
func monthDay(rs []rune, d Date, j int) (Date, int, bool) {
	if hasAt(rs, j, []rune("份")) {
		return d, j + 1, true
	}
	k := skipSpace(rs, j)
	if n, e, ok := readSmall(rs, k); ok {
		e2 := skipSpace(rs, e)
		if e2 < len(rs) && (rs[e2] == '日' || rs[e2] == '号') {
			d.Day, d.Precision = n, PrecisionDay
			return d, e2 + 1, true
		}
	}
	return d, j, true
}
