package quantity

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/policygraph/policygraph/textnorm"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.txt")

func ptr(v float64) *float64 { return &v }

// q builds an expected Quantity whose Raw is the whole input.
func q(raw string, v float64, unit string, qual Qualifier, min, max *float64) Quantity {
	return Quantity{Value: v, Min: min, Max: max, Unit: unit, Qualifier: qual, Raw: raw, Span: [2]int{0, len([]rune(raw))}}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, in string
		want     Quantity
	}{
		{"hundred millions of yuan", "1.85亿元", q("1.85亿元", 185000000, UnitCNY, Exact, nil, nil)},
		{"ten thousands of yuan", "4.5万元", q("4.5万元", 45000, UnitCNY, Exact, nil, nil)},
		{"range with hyphen", "10-40万元", q("10-40万元", 100000, UnitCNY, Exact, ptr(100000), ptr(400000))},
		{"range with wave dash", "10～40万元", q("10～40万元", 100000, UnitCNY, Exact, ptr(100000), ptr(400000))},
		{"range with 至", "10至40万元", q("10至40万元", 100000, UnitCNY, Exact, ptr(100000), ptr(400000))},
		{"range with units on both ends", "1万元至3万元", q("1万元至3万元", 10000, UnitCNY, Exact, ptr(10000), ptr(30000))},
		{"range in Chinese numerals", "三至五年", q("三至五年", 3, UnitYear, Exact, ptr(3), ptr(5))},
		{"range of percentages", "5%-10%", q("5%-10%", 5, UnitPercent, Exact, ptr(5), ptr(10))},
		{"over a percentage", "超过40%", q("超过40%", 40, UnitPercent, Over, ptr(40), nil)},
		{"over with 了", "超过了40%", q("超过了40%", 40, UnitPercent, Over, ptr(40), nil)},
		{"over a fraction is percent", "超过1/4", q("超过1/4", 25, UnitPercent, Over, ptr(25), nil)},
		{"Chinese fraction", "四分之一", q("四分之一", 25, UnitPercent, Exact, nil, nil)},
		{"余 after magnitude", "1.1万余人", q("1.1万余人", 11000, UnitPerson, AtLeast, ptr(11000), nil)},
		{"余 before magnitude", "10余万元", q("10余万元", 100000, UnitCNY, AtLeast, ptr(100000), nil)},
		{"余 sets", "1900余套", q("1900余套", 1900, UnitUnit, AtLeast, ptr(1900), nil)},
		{"余 people", "7000余人", q("7000余人", 7000, UnitPerson, AtLeast, ptr(7000), nil)},
		{"多 firms", "20多家", q("20多家", 20, UnitFirm, AtLeast, ptr(20), nil)},
		{"nearly three years", "近3年", q("近3年", 3, UnitYear, About, nil, nil)},
		{"at most 12 months", "最长12个月", q("最长12个月", 12, UnitMonth, AtMost, nil, ptr(12))},
		{"at most 45000 yuan", "最高4.5万元", q("最高4.5万元", 45000, UnitCNY, AtMost, nil, ptr(45000))},
		{"projects", "14个公租房项目", q("14个公租房项目", 14, UnitProject, Exact, nil, nil)},
		{"个 is a unit", "21个", q("21个", 21, UnitUnit, Exact, nil, nil)},
		{"firms", "38家", q("38家", 38, UnitFirm, Exact, nil, nil)},
		{"over firms", "超过460家", q("超过460家", 460, UnitFirm, Over, ptr(460), nil)},
		{"about", "约20亿元", q("约20亿元", 2e9, UnitCNY, About, nil, nil)},
		{"billions", "56亿元", q("56亿元", 5.6e9, UnitCNY, Exact, nil, nil)},
		{"times", "11次", q("11次", 11, UnitTimes, Exact, nil, nil)},
		{"firm-times", "120余家次", q("120余家次", 120, UnitFirmTimes, AtLeast, ptr(120), nil)},
		{"person-times", "3000人次", q("3000人次", 3000, UnitPersonTimes, Exact, nil, nil)},
		{"people", "40人", q("40人", 40, UnitPerson, Exact, nil, nil)},
		{"sets", "15000套", q("15000套", 15000, UnitUnit, Exact, nil, nil)},
		{"one week", "一周", q("一周", 1, UnitWeek, Exact, nil, nil)},
		{"two years", "两年", q("两年", 2, UnitYear, Exact, nil, nil)},
		{"a full year", "满一年", q("满一年", 1, UnitYear, AtLeast, ptr(1), nil)},
		{"twelve", "十二个月", q("十二个月", 12, UnitMonth, Exact, nil, nil)},
		{"twenty-five", "二十五人", q("二十五人", 25, UnitPerson, Exact, nil, nil)},
		{"hundred and five", "一百零五家", q("一百零五家", 105, UnitFirm, Exact, nil, nil)},
		{"Chinese ten thousands", "三万五千元", q("三万五千元", 35000, UnitCNY, Exact, nil, nil)},
		{"Chinese tens of millions", "一千二百万元", q("一千二百万元", 12000000, UnitCNY, Exact, nil, nil)},
		{"financial numerals", "壹佰贰拾元", q("壹佰贰拾元", 120, UnitCNY, Exact, nil, nil)},
		{"about a thousand", "千余人", q("千余人", 1000, UnitPerson, AtLeast, ptr(1000), nil)},
		{"percent", "10%", q("10%", 10, UnitPercent, Exact, nil, nil)},
		{"percent in words", "百分之五十以上", q("百分之五十以上", 50, UnitPercent, AtLeast, ptr(50), nil)},
		{"permille", "3.5‰", q("3.5‰", 0.35, UnitPercent, Exact, nil, nil)},
		{"percentage points", "2个百分点", q("2个百分点", 2, UnitPercentagePoint, Exact, nil, nil)},
		{"thousands separator", "1,200万元", q("1,200万元", 12000000, UnitCNY, Exact, nil, nil)},
		{"yuan sign", "¥500万", q("¥500万", 5000000, UnitCNY, Exact, nil, nil)},
		{"full-width yuan sign and range", "￥10-40万", q("￥10-40万", 100000, UnitCNY, Exact, ptr(100000), ptr(400000))},
		{"renminbi", "人民币3亿元", q("人民币3亿元", 3e8, UnitCNY, Exact, nil, nil)},
		{"dollars", "500万美元", q("500万美元", 5e6, UnitUSD, Exact, nil, nil)},
		{"full-width digits", "１２个月", q("１２个月", 12, UnitMonth, Exact, nil, nil)},
		{"spaces from PDF text", "超过 56亿元", q("超过 56亿元", 5.6e9, UnitCNY, Over, ptr(5.6e9), nil)},
		{"space inside a figure", "1.1 万余人", q("1.1 万余人", 11000, UnitPerson, AtLeast, ptr(11000), nil)},
		{"surrounding space", "  40人 ", Quantity{Value: 40, Unit: UnitPerson, Raw: "40人", Span: [2]int{2, 5}}},
		{"以上 includes the number", "50人以上", q("50人以上", 50, UnitPerson, AtLeast, ptr(50), nil)},
		{"以下", "5万元以下", q("5万元以下", 50000, UnitCNY, AtMost, nil, ptr(50000))},
		{"左右", "100家左右", q("100家左右", 100, UnitFirm, About, nil, nil)},
		{"不超过 before 超过", "不超过3年", q("不超过3年", 3, UnitYear, AtMost, nil, ptr(3))},
		{"under", "不足10%", q("不足10%", 10, UnitPercent, Under, nil, ptr(10))},
		{"at least", "不少于30天", q("不少于30天", 30, UnitDay, AtLeast, ptr(30), nil)},
		{"within days", "30日内", q("30日内", 30, UnitDay, AtMost, nil, ptr(30))},
		{"more than months", "3个多月", q("3个多月", 3, UnitMonth, AtLeast, ptr(3), nil)},
		{"more than years", "3年多", q("3年多", 3, UnitYear, AtLeast, ptr(3), nil)},
		{"最近 is not 近", "最近3年", q("最近3年", 3, UnitYear, Exact, nil, nil)},
		{"multiple", "2倍", q("2倍", 2, UnitMultiple, Exact, nil, nil)},
		{"square kilometres", "1.5平方公里", q("1.5平方公里", 1500000, UnitSquareMetre, Exact, nil, nil)},
		{"mu", "300亩", q("300亩", 300, UnitMu, Exact, nil, nil)},
		{"bare number", "500", q("500", 500, UnitNone, Exact, nil, nil)},
		{"bare number with magnitude", "500万", q("500万", 5e6, UnitNone, Exact, nil, nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q) error = %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
			if !slices.Contains(Units, got.Unit) {
				t.Errorf("unit %q is not in Units", got.Unit)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "  ", "empty figure"},
		{"ordinal", "第一批", "ordinal"},
		{"ordinal number", "第044号", "ordinal"},
		{"year", "2022年", "date"},
		{"full date", "2023年4月17日", "date"},
		{"month and day", "4月17日", "date"},
		{"year range", "2020-2025年", "year"},
		{"no number", "若干", "no number"},
		{"trailing text", "14个公租房", `unexpected "公租房"`},
		{"unknown unit", "5千米", `unexpected "米"`},
		{"malformed numeral", "十四五", "malformed Chinese numeral"},
		{"backwards range", "40-10万元", "runs backwards"},
		{"currency mismatch", "¥5人", "currency"},
		{"division by zero", "1/0", "malformed fraction"},
		{"too long", strings.Repeat("9", 400) + "元", "malformed number"},
		{"overflow", "九" + strings.Repeat("亿", 39) + "元", "Chinese numeral"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if !errors.Is(err, ErrUnparsable) {
				t.Fatalf("Parse(%q) = %+v, %v; want an error wrapping ErrUnparsable", tt.in, got, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q) error = %q, want it to mention %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestFind(t *testing.T) {
	type fig struct {
		Raw       string
		Value     float64
		Unit      string
		Qualifier Qualifier
	}
	tests := []struct {
		name, in string
		want     []fig
	}{
		{
			name: "corpus sentence",
			in:   "数字经济占全区税收比重超过了40%，全区亿元以上交易量的电商平台达21个，软件和信息服务业营业收入占全市比重超过1/4；关联企业超过460家，2022年实现综合税收约20亿元，同比增长超过10%。",
			want: []fig{{"超过了40%", 40, UnitPercent, Over}, {"21个", 21, UnitUnit, Exact}, {"超过1/4", 25, UnitPercent, Over},
				{"超过460家", 460, UnitFirm, Over}, {"约20亿元", 2e9, UnitCNY, About}, {"超过10%", 10, UnitPercent, Over}},
		},
		{
			name: "dates and ordinals are skipped",
			in:   "对长宁区政协第十五届二次会议第044号提案的答复，2023年4月17日；2021年11月发布，到2025年，2023年一季度，4月17日，第一批，第三方。",
			want: nil,
		},
		{
			name: "numbers without units and numerals in words",
			in:   "“3+3”产业政策，“十四五”规划，二十大，一大批，一是，统一周期，一站式，一系列，一次性给予，三级三系，千家万户，一道，一批私募类企业。",
			want: nil,
		},
		{
			name: "一 as an article is skipped, unless it counts time or is qualified",
			in:   "一个平台，一家企业，为期一周的培训，硕士工作满一年、本科工作满两年，两个园区。",
			want: []fig{{"一周", 1, UnitWeek, Exact}, {"满一年", 1, UnitYear, AtLeast}, {"满两年", 2, UnitYear, AtLeast}, {"两个", 2, UnitUnit, Exact}},
		},
		{
			name: "projects, ranges and spaces",
			in:   "建成 14个公租房项目，可一次性给予 10-40万元的资金资助，惠及优秀人才 1.1 万余人。",
			want: []fig{{"14个公租房项目", 14, UnitProject, Exact}, {"10-40万元", 100000, UnitCNY, Exact}, {"1.1 万余人", 11000, UnitPerson, AtLeast}},
		},
		{
			name: "day of month versus days",
			in:   "于17日召开，30日内办结，15个工作日。",
			want: []fig{{"30日内", 30, UnitDay, AtMost}, {"15个工作日", 15, UnitDay, Exact}},
		},
		{
			name: "vague numbers, slashed dates and events",
			in:   "数十家企业，上百家，十几家，3/4/2023，共举办3场活动，场地3处，iPhone 15，G20峰会。",
			want: []fig{{"3场", 3, UnitTimes, Exact}, {"3处", 3, UnitUnit, Exact}},
		},
		{
			name: "qualifier words are part of the span",
			in:   "近3年来已累计投入资金1.85亿元，提供最长12个月、最高4.5万元的租金补贴。",
			want: []fig{{"近3年", 3, UnitYear, About}, {"1.85亿元", 1.85e8, UnitCNY, Exact}, {"最长12个月", 12, UnitMonth, AtMost}, {"最高4.5万元", 45000, UnitCNY, AtMost}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []fig
			runes := []rune(tt.in)
			for _, f := range Find(tt.in) {
				got = append(got, fig{f.Raw, f.Value, f.Unit, f.Qualifier})
				if s := string(runes[f.Span[0]:f.Span[1]]); s != f.Raw {
					t.Errorf("Span %v holds %q, Raw is %q", f.Span, s, f.Raw)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Find mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// corpusDir is the repository's folder of source documents (data/documents), where the
// Changning reply is kept beside its curated bundle.
func corpusDir(t testing.TB) string {
	t.Helper()
	return filepath.Join("..", "data", "documents")
}

func corpusDoc(t testing.TB) *textnorm.Document {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir(t), "changning-2023-proposal-044-reply.txt"))
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := textnorm.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return textnorm.Normalize(s)
}

func format(f Quantity) string {
	s := fmt.Sprintf("%s\t%v %s %q", f.Raw, f.Value, f.Unit, f.Qualifier)
	if f.Min != nil {
		s += fmt.Sprintf(" min=%v", *f.Min)
	}
	if f.Max != nil {
		s += fmt.Sprintf(" max=%v", *f.Max)
	}
	return s
}

// TestFindCorpus writes every figure and date Find and FindDates see in the
// normalised corpus to a golden file (-update to refresh), and checks the
// figures the reply's independent checklist lists.
func TestFindCorpus(t *testing.T) {
	d := corpusDoc(t)
	var b strings.Builder
	found := map[string]Quantity{}
	for i, p := range d.Paragraphs {
		text := d.Slice(textnorm.Span{Start: p.Start, End: p.End})
		for _, f := range Find(text) {
			fmt.Fprintf(&b, "%02d\t%s\n", i, format(f))
			found[f.Raw] = f
		}
		for _, m := range FindDates(text) {
			fmt.Fprintf(&b, "%02d\t%s\tdate %s\n", i, m.Raw, m.Date)
		}
	}
	golden := filepath.Join("testdata", "changning.figures.golden.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./quantity -run TestFindCorpus -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("golden mismatch (-want +got):\n%s", diff)
	}
	checklist := []struct {
		raw   string
		value float64
		unit  string
		qual  Qualifier
	}{
		{"超过了40%", 40, UnitPercent, Over}, {"21个", 21, UnitUnit, Exact}, {"超过1/4", 25, UnitPercent, Over},
		{"超过460家", 460, UnitFirm, Over}, {"约20亿元", 2e9, UnitCNY, About}, {"超过10%", 10, UnitPercent, Over},
		{"超过56亿元", 5.6e9, UnitCNY, Over}, {"38家", 38, UnitFirm, Exact}, {"1.85亿元", 1.85e8, UnitCNY, Exact},
		{"近3年", 3, UnitYear, About}, {"1.1万余人", 11000, UnitPerson, AtLeast}, {"最长12个月", 12, UnitMonth, AtMost},
		{"最高4.5万元", 45000, UnitCNY, AtMost}, {"14个公租房项目", 14, UnitProject, Exact}, {"1900余套", 1900, UnitUnit, AtLeast},
		{"7000余人", 7000, UnitPerson, AtLeast}, {"15000套", 15000, UnitUnit, Exact}, {"11次", 11, UnitTimes, Exact},
		{"120余家次", 120, UnitFirmTimes, AtLeast}, {"超过150家次", 150, UnitFirmTimes, Over}, {"40人", 40, UnitPerson, Exact},
		{"一周", 1, UnitWeek, Exact},
	}
	for _, c := range checklist {
		f, ok := found[c.raw]
		if !ok {
			t.Errorf("figure %q not found in the corpus", c.raw)
			continue
		}
		if f.Value != c.value || f.Unit != c.unit || f.Qualifier != c.qual {
			t.Errorf("%q = %v %s %q, want %v %s %q", c.raw, f.Value, f.Unit, f.Qualifier, c.value, c.unit, c.qual)
		}
	}
	if q, ok := found["10-40万元"]; !ok || *q.Min != 100000 || *q.Max != 400000 {
		t.Errorf("10-40万元 = %+v", q)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in, want string
		prec     Precision
	}{
		{"2023年4月17日", "2023-04-17", PrecisionDay},
		{"2023年 4月 17日", "2023-04-17", PrecisionDay},
		{"二〇二三年四月十七日", "2023-04-17", PrecisionDay},
		{"2021年11月", "2021-11", PrecisionMonth},
		{"2021年11月份", "2021-11", PrecisionMonth},
		{"2023年一季度", "2023-Q1", PrecisionQuarter},
		{"2023年第二季度", "2023-Q2", PrecisionQuarter},
		{"2023年4季度", "2023-Q4", PrecisionQuarter},
		{"2023年上半年", "2023-H1", PrecisionHalf},
		{"2023年下半年", "2023-H2", PrecisionHalf},
		{"2025年", "2025", PrecisionYear},
		{"2023年度", "2023", PrecisionYear},
		{"2025年底", "2025", PrecisionYear},
		{"2023-04-17", "2023-04-17", PrecisionDay},
		{"2023/4/17", "2023-04-17", PrecisionDay},
		{"2023.4.17", "2023-04-17", PrecisionDay},
		{"2021-11", "2021-11", PrecisionMonth},
		{"2023-Q1", "2023-Q1", PrecisionQuarter},
		{"2024年2月29日", "2024-02-29", PrecisionDay},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := ParseDate(tt.in)
			if err != nil {
				t.Fatalf("ParseDate(%q) error = %v", tt.in, err)
			}
			if d.String() != tt.want || d.Precision != tt.prec {
				t.Errorf("ParseDate(%q) = %s (%s), want %s (%s)", tt.in, d, d.Precision, tt.want, tt.prec)
			}
			if back, err := ParseDate(d.String()); err != nil || back != d {
				t.Errorf("ParseDate(%q) = %+v, %v; want %+v", d.String(), back, err, d)
			}
		})
	}
	if got := mustDate(t, "2023年二季度").Time().Format("2006-01-02"); got != "2023-04-01" {
		t.Errorf("Time() of 2023-Q2 = %s", got)
	}
	for _, bad := range []string{"", "4月17日", "2023年2月30日", "2023年13月", "2023年五季度", "2023年4月17日前", "abc", "20231年"} {
		if d, err := ParseDate(bad); !errors.Is(err, ErrUnparsable) {
			t.Errorf("ParseDate(%q) = %+v, %v; want an error wrapping ErrUnparsable", bad, d, err)
		}
	}
}

func mustDate(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestFindDates(t *testing.T) {
	in := "2021年 11月，长宁区发布规划，提出到2025年；2023年4月17日；于4月17日；2023年二季度正式上线；2023年2月30日。"
	var got []string
	for _, m := range FindDates(in) {
		got = append(got, m.Raw+"="+m.Date.String())
	}
	want := []string{"2021年 11月=2021-11", "2025年=2025", "2023年4月17日=2023-04-17", "2023年二季度=2023-Q2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FindDates mismatch (-want +got):\n%s", diff)
	}
}

func BenchmarkParse(b *testing.B) {
	inputs := []string{"1.85亿元", "超过1/4", "1.1万余人", "10-40万元", "最长12个月", "一千二百万元"}
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range inputs {
			_, _ = Parse(s)
		}
	}
}

func BenchmarkFindChangning(b *testing.B) {
	text := corpusDoc(b).Text
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Find(text)
	}
}

// TestFindLarge feeds Find and FindDates a megabyte of adversarial text of
// each kind; a quadratic step would take minutes.
func TestFindLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs skipped in -short mode")
	}
	inputs := map[string]string{
		"digits":         strings.Repeat("1", 1<<20),
		"numerals":       strings.Repeat("十四五", 1<<18),
		"thousands":      strings.Repeat("1,234", 1<<18),
		"ranges":         strings.Repeat("1-", 1<<19),
		"spaces":         "超过" + strings.Repeat(" ", 1<<20) + "5家",
		"figures":        strings.Repeat("超过1.1万余人，", 1<<16),
		"dates":          strings.Repeat("2023年4月17日", 1<<16),
		"currency signs": strings.Repeat("¥¥1", 1<<18),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			n := len(Find(in)) + len(FindDates(in))
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v for %d bytes (%d matches)", d, len(in), n)
			}
		})
	}
}
