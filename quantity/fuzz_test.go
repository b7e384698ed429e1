package quantity

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

var fuzzSeeds = []string{
	"1.85亿元", "10-40万元", "超过1/4", "1.1万余人", "最长12个月", "14个公租房项目", "¥500万", "3.5‰",
	"百分之五十以上", "四分之一", "一千二百万元", "3个多月", "2023年4月17日", "第一批", "十四五", "1,200万元",
	"近3年来已累计投入资金 1.85亿元，惠及优秀人才 1.1 万余人。", "2020-2025年", "一次性", "30日内",
	"9999999999999999999999亿亿元", "1/0", "２０２３年", "\xff5家",
}

// checkFinite fails on a value that is not finite.
func checkFinite(t *testing.T, q Quantity) {
	t.Helper()
	bad := func(v float64) bool { return math.IsInf(v, 0) || math.IsNaN(v) }
	if bad(q.Value) || q.Min != nil && bad(*q.Min) || q.Max != nil && bad(*q.Max) {
		t.Fatalf("value not finite: %+v", q)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			return
		}
		checkFinite(t, q)
		rs := []rune(s)
		if q.Span[0] < 0 || q.Span[1] > len(rs) || q.Span[0] >= q.Span[1] {
			t.Fatalf("span %v out of range for %q", q.Span, s)
		}
		if got := string(rs[q.Span[0]:q.Span[1]]); got != q.Raw {
			t.Fatalf("span %v holds %q, Raw is %q", q.Span, got, q.Raw)
		}
		if utf8.ValidString(s) && strings.TrimSpace(s) != q.Raw && !strings.ContainsAny(s, "\u3000\u00a0") {
			t.Fatalf("Raw %q is not the trimmed input %q", q.Raw, s)
		}
	})
}

func FuzzFind(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rs := []rune(s)
		prevEnd := 0
		for _, q := range Find(s) {
			checkFinite(t, q)
			if q.Span[0] < prevEnd || q.Span[1] > len(rs) || q.Span[0] >= q.Span[1] {
				t.Fatalf("span %v out of order or range (previous end %d, %d runes)", q.Span, prevEnd, len(rs))
			}
			prevEnd = q.Span[1]
			if got := string(rs[q.Span[0]:q.Span[1]]); got != q.Raw {
				t.Fatalf("span %v holds %q, Raw is %q", q.Span, got, q.Raw)
			}
			// What Find reports, Parse reads the same way.
			p, err := Parse(q.Raw)
			if err != nil {
				t.Fatalf("Find reported %q but Parse fails: %v", q.Raw, err)
			}
			p.Span, q.Span = [2]int{}, [2]int{}
			if diff := cmp.Diff(q, p); diff != "" {
				t.Fatalf("Parse(%q) differs from Find (-find +parse):\n%s", q.Raw, diff)
			}
		}
		for _, m := range FindDates(s) {
			if m.Span[0] < 0 || m.Span[1] > len(rs) || m.Date.validate() != nil {
				t.Fatalf("bad date match %+v", m)
			}
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2023年4月17日", "二〇二三年四月十七日", "2023年一季度", "2023-Q1", "2023/4/17", "2025年底"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		back, err := ParseDate(d.String())
		if err != nil || back != d {
			t.Fatalf("ParseDate(%q) = %+v; ParseDate(%q) = %+v, %v", s, d, d.String(), back, err)
		}
	})
}
