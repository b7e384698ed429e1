package textnorm

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.txt")

const corpusName = "changning-2023-proposal-044-reply.txt"

// corpusDir is the repository's folder of source documents (data/documents), where the
// Changning reply is kept beside its curated bundle.
func corpusDir(t testing.TB) string {
	t.Helper()
	return filepath.Join("..", "data", "documents")
}

func readCorpus(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir(t), corpusName))
	if err != nil {
		t.Fatalf("read corpus: %v", err)
	}
	s, _, err := Decode(b)
	if err != nil {
		t.Fatalf("decode corpus: %v", err)
	}
	return s
}

// paragraphs returns the text of each paragraph of d.
func paragraphs(d *Document) []string {
	out := make([]string, len(d.Paragraphs))
	for i, p := range d.Paragraphs {
		out[i] = d.Slice(Span{p.Start, p.End})
	}
	return out
}

// fill returns n filler characters, standing for ordinary Chinese text.
func fill(n int) string { return strings.Repeat("文", n) }

// pdf joins lines the way the corpus's PDF extraction does: a blank line
// after every line.
func pdf(lines ...string) string { return strings.Join(lines, "\n\n") + "\n" }

func TestNormalizeCharacters(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"space between Chinese and digits", "交易超过 56亿元", "交易超过56亿元"},
		{"space inside a figure", "惠及优秀人才 1.1 万余人", "惠及优秀人才1.1万余人"},
		{"spaced date", "2023年 4月 17日", "2023年4月17日"},
		{"spaces around a year", "2021 年 11 月，长宁区", "2021年11月，长宁区"},
		{"space after Chinese comma", "意识， 2022年组织", "意识，2022年组织"},
		{"space between Chinese and Latin", "积极发挥 CTOU首席技术官", "积极发挥CTOU首席技术官"},
		{"Latin words keep one space", "deep   learning\tmodels", "deep learning models"},
		{"Latin word and number", "Windows 10 and AI 2.0", "Windows 10 and AI 2.0"},
		{"Latin punctuation then word", "Hello, world", "Hello, world"},
		{"spaces between Chinese removed", "数字 经济", "数字经济"},
		{"field separator on a label line", "办理结果：解决或采纳 签发人：詹镭", "办理结果：解决或采纳 签发人：詹镭"},
		{"no field separator without a label", "办理结果：解决或 采纳了", "办理结果：解决或采纳了"},
		{"leading and trailing spaces", "  　长宁区  ", "长宁区"},
		{"ideographic space", "超过　56亿元", "超过56亿元"},
		{"no-break space", "超过\u00a056亿元", "超过56亿元"},
		{"full-width letters and digits", "ＡＩ赋能１２３个", "AI赋能123个"},
		{"full-width number symbols", "增长１０．５％，１０－４０万元", "增长10.5%，10-40万元"},
		{"Chinese punctuation kept", "（一）《办法》“引力场”、，。：；！？～", "（一）《办法》“引力场”、，。：；！？～"},
		{"circled numbers kept", "①②", "①②"},
		{"Kangxi radicals", "\u2f08\u2f2f智能", "人工智能"},
		{"compatibility ideograph", "\uf900", "豈"},
		{"ligature", "\ufb01le", "file"},
		{"zero-width and BOM dropped", "长\u200b宁\ufeff区\u00ad", "长宁区"},
		{"control characters dropped", "长\x01宁\x7f区", "长宁区"},
		{"invalid UTF-8", "abc\xff中", "abc\ufffd中"},
		{"CRLF lines join", "软件和信息服务业\r\n\r\n营业收入", "软件和信息服务业营业收入"},
		{"Latin words across lines", "We use deep\nlearning models.", "We use deep learning models."},
		{"digits across lines", "合计1\n200万元", "合计1200万元"},
		{"empty", "", ""},
		{"only blank lines", "\n \n\t\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in).Text; got != tt.want {
				t.Errorf("Normalize(%q).Text = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeParagraphs(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{
			name: "page gap inside a sentence",
			in:   "数字经济产业发展势头强劲：软件和信息服务业营业收入占全市比重超过\n\n\n\n1/4；以人工智能为代表的创新产业链关联企业超过 460家。\n",
			want: []string{"数字经济产业发展势头强劲：软件和信息服务业营业收入占全市比重超过1/4；以人工智能为代表的创新产业链关联企业超过460家。"},
		},
		{
			name: "page gap inside a word",
			in:   "二是提供留学生公寓。为符合条件的留\n\n \n\n\n学回国（境）人才租住留学生公寓。\n",
			want: []string{"二是提供留学生公寓。为符合条件的留学回国（境）人才租住留学生公寓。"},
		},
		{
			name: "heading line stands alone",
			in: pdf("一、创新产业蓬勃发展，创新企业快速集聚",
				"近年来"+fill(15),
				fill(20),
				fill(20),
				fill(9)+"。"),
			want: []string{"一、创新产业蓬勃发展，创新企业快速集聚", "近年来" + fill(15+20+20+9) + "。"},
		},
		{
			name: "full line ending a sentence continues; short line ends the paragraph",
			in: pdf("甲"+fill(17),
				fill(20),
				fill(19)+"。",
				"二是"+fill(18),
				fill(20),
				fill(4)+"。",
				"乙"+fill(17),
				fill(20),
				fill(5)+"。"),
			want: []string{"甲" + fill(17+20+19) + "。二是" + fill(18+20+4) + "。", "乙" + fill(17+20+5) + "。"},
		},
		{
			name: "run-in heading after a full line starts a paragraph",
			in: pdf("甲"+fill(17),
				fill(20),
				fill(19)+"。",
				"在企业服务方面："+fill(12),
				fill(20),
				fill(20),
				fill(3)+"。"),
			want: []string{"甲" + fill(17+20+19) + "。", "在企业服务方面：" + fill(12+20+20+3) + "。"},
		},
		{
			name: "indented first line after a full line starts a paragraph",
			in: pdf("甲"+fill(17),
				fill(20),
				fill(19)+"。",
				"乙"+fill(17),
				fill(20),
				fill(20),
				fill(3)+"。"),
			want: []string{"甲" + fill(17+20+19) + "。", "乙" + fill(17+20+20+3) + "。"},
		},
		{
			name: "explicit indentation starts a paragraph",
			in:   "甲" + fill(19) + "\n" + fill(19) + "。\n　　乙" + fill(19) + "\n" + fill(20) + "\n" + fill(20) + "\n" + fill(2) + "。\n",
			want: []string{"甲" + fill(19+19) + "。", "乙" + fill(19+20+20+2) + "。"},
		},
		{
			name: "heading that wraps continues",
			in: pdf("（四）强化知识产权公共服务，推进知识产权运营服务集聚区",
				"建设。在长宁区行政服务中心设立长宁区综合知识产权公共服务站",
				fill(29),
				fill(29),
				fill(10)+"。"),
			want: []string{"（四）强化知识产权公共服务，推进知识产权运营服务集聚区建设。在长宁区行政服务中心设立长宁区综合知识产权公共服务站" + fill(29+29+10) + "。"},
		},
		{
			name: "short heading of level 2 stands alone",
			in: pdf("（一）总体要求",
				"近年来"+fill(15),
				fill(20),
				fill(20),
				fill(9)+"。"),
			want: []string{"（一）总体要求", "近年来" + fill(15+20+20+9) + "。"},
		},
		{
			name: "title, meta line, salutation, signature and date",
			in: pdf("对长宁区政协第十五届二次会议",
				"第 044 号提案的答复",
				"办理结果：解决或采纳 签发人：詹镭",
				"严洁红、李凌、谢何委员：",
				"您提出的关于“关于加快推进长宁区科技创新产业发展的建议”",
				"的提案收悉，现将办理情况答复如下：",
				"最后，我们感谢并欢迎政协委员们持续关注和支持长宁区科技",
				"创新工作，与我们一道积极推动建立良好的科技创新产业发展生态。",
				"长宁区科学技术委员会",
				"2023年 4月 17日"),
			want: []string{
				"对长宁区政协第十五届二次会议第044号提案的答复",
				"办理结果：解决或采纳 签发人：詹镭",
				"严洁红、李凌、谢何委员：",
				"您提出的关于“关于加快推进长宁区科技创新产业发展的建议”的提案收悉，现将办理情况答复如下：",
				"最后，我们感谢并欢迎政协委员们持续关注和支持长宁区科技创新工作，与我们一道积极推动建立良好的科技创新产业发展生态。",
				"长宁区科学技术委员会",
				"2023年4月17日",
			},
		},
		{
			name: "line starting with closing punctuation continues",
			in:   pdf("一、总体要求", "建设“最佳试验场", "”。后文"+fill(10)+"。"),
			want: []string{"一、总体要求", "建设“最佳试验场”。后文" + fill(10) + "。"},
		},
		{
			name: "page numbers dropped",
			in:   "第一行" + fill(17) + "\n\n- 3 -\n\n" + fill(5) + "。\n第 4 页\n",
			want: []string{"第一行" + fill(17+5) + "。"},
		},
		{
			name: "one paragraph per line (not wrapped)",
			in: "一、总体要求\n" +
				"第一段说明了很多内容。\n" +
				"第二段的内容更长一些，而且包含更多的句子和信息。第二句。\n" +
				"第三段。\n" +
				"第四段比较长，内容也比较丰富，用于测试不换行的纯文本输入情况。\n" +
				"小标题\n" +
				"第五段。\n",
			want: []string{"一、总体要求", "第一段说明了很多内容。", "第二段的内容更长一些，而且包含更多的句子和信息。第二句。", "第三段。", "第四段比较长，内容也比较丰富，用于测试不换行的纯文本输入情况。", "小标题", "第五段。"},
		},
		{
			name: "blank lines separate paragraphs when not every line has one",
			in:   "甲" + fill(19) + "\n" + fill(20) + "\n" + fill(19) + "。\n\n乙" + fill(19) + "\n" + fill(20) + "\n" + fill(20) + "\n" + fill(19) + "。\n",
			want: []string{"甲" + fill(19+20+19) + "。", "乙" + fill(19+20+20+19) + "。"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := paragraphs(Normalize(tt.in))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("paragraphs mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHeadings(t *testing.T) {
	type head struct {
		Heading, Marker string
		Level           int
	}
	tests := []struct {
		name, first string
		want        head
	}{
		{"level 1", "三、构建人才集聚区", head{HeadingChinese, "三、", 1}},
		{"level 1 two numerals", "十二、附则", head{HeadingChinese, "十二、", 1}},
		{"level 2", "（四）强化知识产权公共服务。", head{HeadingParenChinese, "（四）", 2}},
		{"level 2 ASCII parens", "(二)集聚高层次人才。", head{HeadingParenChinese, "(二)", 2}},
		{"level 3 dot", "1.提供优秀人才租房补贴。", head{HeadingNumber, "1.", 3}},
		{"level 3 full-width dot", "２．提供留学生公寓。", head{HeadingNumber, "2.", 3}},
		{"level 3 comma", "3、提供人才公寓。", head{HeadingNumber, "3、", 3}},
		{"level 4", "（1）博士直接落户。", head{HeadingParenNumber, "（1）", 4}},
		{"level 5", "①建设商标业务受理窗口。", head{HeadingCircledNumber, "①", 5}},
		{"decimal is not a heading", "1.85亿元已投入。", head{}},
		{"range is not a heading", "10-40万元的资金资助。", head{}},
		{"year is not a heading", "2021年11月，长宁区发布。", head{}},
		{"numeral word is not a heading", "一年、本科工作满两年。", head{}},
		{"enumeration word is not a heading", "一是提供优秀人才租房补贴。", head{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Normalize(tt.first)
			if len(d.Paragraphs) != 1 {
				t.Fatalf("got %d paragraphs, want 1", len(d.Paragraphs))
			}
			p := d.Paragraphs[0]
			if diff := cmp.Diff(tt.want, head{p.Heading, p.Marker, p.Level}); diff != "" {
				t.Errorf("heading mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{
			name: "full stop, semicolon, question and exclamation",
			in:   "数字经济占比超过40%；软件业超过1/4。真的吗？是的！尾句",
			want: []string{"数字经济占比超过40%；", "软件业超过1/4。", "真的吗？", "是的！", "尾句"},
		},
		{
			name: "closing quotes stay with the sentence",
			in:   "提出“到2025年，实现目标”。人才引进落户方面：2020年出台了意见。",
			want: []string{"提出“到2025年，实现目标”。", "人才引进落户方面：2020年出台了意见。"},
		},
		{
			name: "repeated terminal punctuation",
			in:   "什么？！好。",
			want: []string{"什么？！", "好。"},
		},
		{
			name: "line-final colon before an enumeration",
			in:   "实施租金补贴和实物配租相结合的人才安居政策:\n一是提供优秀人才租房补贴。",
			want: []string{"实施租金补贴和实物配租相结合的人才安居政策:", "一是提供优秀人才租房补贴。"},
		},
		{
			name: "colon inside a line does not split",
			in:   "党的二十大报告指出：要强化企业科技创新主体地位。",
			want: []string{"党的二十大报告指出：要强化企业科技创新主体地位。"},
		},
		{
			name: "no space at sentence start",
			in:   "first; second",
			want: []string{"first;", "second"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Normalize(tt.in)
			var got []string
			for _, p := range d.Paragraphs {
				for _, s := range p.Sentences {
					got = append(got, d.Slice(s))
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("sentences mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCorpusGolden(t *testing.T) {
	d := Normalize(readCorpus(t))
	var b strings.Builder
	for i, p := range paragraphs(d) {
		fmt.Fprintf(&b, "%02d\t%s\n", i, p)
	}
	got := b.String()
	golden := filepath.Join("testdata", "changning.golden.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./textnorm -run TestCorpusGolden -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("golden mismatch (-want +got):\n%s", diff)
	}
}

// TestCorpusParagraphs checks by hand what the golden file shows.
func TestCorpusParagraphs(t *testing.T) {
	d := Normalize(readCorpus(t))
	ps := paragraphs(d)
	find := func(prefix string) (int, string) {
		for i, p := range ps {
			if strings.HasPrefix(p, prefix) {
				return i, p
			}
		}
		t.Fatalf("no paragraph starts with %q", prefix)
		return -1, ""
	}
	checks := []struct{ prefix, contains string }{
		{"数字经济产业发展势头强劲", "超过1/4；以人工智能为代表"},
		{"数字经济产业发展势头强劲", "超过460家，2022年实现综合税收约20亿元，同比增长超过10%。"},
		{"实施人才安居工程", "为符合条件的留学回国（境）人才"},
		{"实施人才安居工程", "惠及优秀人才1.1万余人"},
		{"积极推进创新场景应用", "。二是推动试点应用开展。"},
		{"（四）强化知识产权公共服务", "集聚区建设。在长宁区"},
		{"2021年11月", "“十四五”规划》，提出“到2025年，"},
	}
	for _, c := range checks {
		if _, p := find(c.prefix); !strings.Contains(p, c.contains) {
			t.Errorf("paragraph %q… does not contain %q", c.prefix, c.contains)
		}
	}
	if i, _ := find("一、创新产业蓬勃发展"); d.Paragraphs[i].Level != 1 || ps[i] != "一、创新产业蓬勃发展，创新企业快速集聚" {
		t.Errorf("level-1 heading paragraph = %q (level %d)", ps[i], d.Paragraphs[i].Level)
	}
	if i, _ := find("（二）"); d.Paragraphs[i].Heading != HeadingParenChinese || d.Paragraphs[i].Marker != "（二）" {
		t.Errorf("（二） paragraph heading = %q %q", d.Paragraphs[i].Heading, d.Paragraphs[i].Marker)
	}
	if last := ps[len(ps)-2:]; !cmp.Equal(last, []string{"长宁区科学技术委员会", "2023年4月17日"}) {
		t.Errorf("signature block = %q", last)
	}
	for _, p := range ps {
		if strings.Contains(p, " ") && !strings.HasPrefix(p, "办理结果") {
			t.Errorf("unexpected space in %q", p)
		}
	}
}

// TestOffsetMap checks the offset map as a property on the corpus and on
// awkward inputs: it is monotone, in range, and every normalised rune comes
// from the raw rune it maps to.
func TestOffsetMap(t *testing.T) {
	inputs := map[string]string{
		"corpus":    readCorpus(t),
		"folding":   "ＡＩ\ufb01 ⼈ 超过 56亿元\r\n\r\n1.1 万余人\u200b",
		"invalid":   "a\xffb\xc3(中",
		"latin":     "deep\nlearning  models",
		"page gaps": "留\n\n \n\n学回国\n- 3 -\n",
	}
	for name, raw := range inputs {
		t.Run(name, func(t *testing.T) {
			checkOffsets(t, raw, Normalize(raw))
		})
	}
}

func checkOffsets(t *testing.T, raw string, d *Document) {
	t.Helper()
	rawRunes := []rune(raw)
	if got := d.OriginalOffset(d.Len()); got != len(rawRunes) {
		t.Errorf("OriginalOffset(Len()) = %d, want %d", got, len(rawRunes))
	}
	if d.OriginalOffset(-1) != -1 || d.OriginalOffset(d.Len()+1) != -1 {
		t.Error("out-of-range offsets do not map to -1")
	}
	prev := -1
	i := 0
	for _, r := range d.Text {
		o := d.OriginalOffset(i)
		if o < prev || o < 0 || o >= len(rawRunes) {
			t.Fatalf("OriginalOffset(%d) = %d after %d (raw has %d runes)", i, o, prev, len(rawRunes))
		}
		prev = o
		src := rawRunes[o]
		var buf [4]rune
		n, kind := foldRune(src, &buf)
		ok := false
		switch {
		case r == '\n' || r == ' ':
			ok = kind == kindSpace || isLineBreak(src) || src == r
		case kind == kindKeep:
			for _, f := range buf[:n] {
				ok = ok || f == r
			}
		}
		if !ok {
			t.Fatalf("Text rune %d %q maps to raw rune %d %q", i, r, o, src)
		}
		i++
	}
}

func TestFind(t *testing.T) {
	raw := readCorpus(t)
	d := Normalize(raw)
	rawRunes := []rune(raw)
	tests := []struct {
		anchor  string
		want    int
		rawText string // raw text of the first occurrence's OriginalSpan
	}{
		{"超过 56亿元", 1, "超过 56亿元"},
		{"超过56亿元", 1, "超过 56亿元"},
		{"超过1/4；以人工智能为代表", 1, "超过\n\n\n\n1/4；以人工智能为代表"},
		{"留学回国（境）", 1, "留\n\n\n\n学回国（境）"},
		{"２０２３年 4月 17日", 1, "2023年 4月 17日"},
		{"解决或采纳签发人", 1, "解决或采纳 签发人"},
		{"知识产权", 24, ""},
		{"不存在的文字", 0, ""},
		{"   ", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.anchor, func(t *testing.T) {
			spans := d.Find(tt.anchor)
			if len(spans) != tt.want {
				t.Fatalf("Find(%q) found %d, want %d", tt.anchor, len(spans), tt.want)
			}
			for _, s := range spans {
				got := strings.ReplaceAll(d.Slice(s), " ", "")
				want := strings.ReplaceAll(Normalize(tt.anchor).Text, " ", "")
				if got != want {
					t.Errorf("Slice(%v) = %q, want %q", s, got, want)
				}
			}
			if tt.rawText != "" {
				o := d.OriginalSpan(spans[0])
				if got := string(rawRunes[o.Start:o.End]); got != tt.rawText {
					t.Errorf("raw text of %v = %q, want %q", o, got, tt.rawText)
				}
			}
		})
	}
	if got := Normalize("aaaa").Find("aa"); !cmp.Equal(got, []Span{{0, 2}, {1, 3}, {2, 4}}) {
		t.Errorf("overlapping Find = %v", got)
	}
	if got := Normalize("ab cab c").Find("bc"); !cmp.Equal(got, []Span{{1, 4}, {5, 8}}) {
		t.Errorf("Find across spaces = %v", got)
	}
}

func TestParagraphAtAndSlice(t *testing.T) {
	d := Normalize(pdf("一、总体要求", "近年来，长宁区持续发力。"))
	if d.Text != "一、总体要求\n近年来，长宁区持续发力。" {
		t.Fatalf("Text = %q", d.Text)
	}
	tests := []struct{ off, want int }{{-1, -1}, {0, 0}, {5, 0}, {6, -1}, {7, 1}, {18, 1}, {19, -1}, {100, -1}}
	for _, tt := range tests {
		if got := d.ParagraphAt(tt.off); got != tt.want {
			t.Errorf("ParagraphAt(%d) = %d, want %d", tt.off, got, tt.want)
		}
	}
	slices := []struct {
		s    Span
		want string
	}{{Span{0, 2}, "一、"}, {Span{-5, 2}, "一、"}, {Span{16, 99}, "发力。"}, {Span{5, 5}, ""}, {Span{9, 3}, ""}}
	for _, tt := range slices {
		if got := d.Slice(tt.s); got != tt.want {
			t.Errorf("Slice(%v) = %q, want %q", tt.s, got, tt.want)
		}
	}
	if got := d.OriginalSpan(Span{3, 1}); got != (Span{-1, -1}) {
		t.Errorf("OriginalSpan(reversed) = %v", got)
	}
}

// TestLargeInputs runs the sizes the ingest path must survive: 50 MB of
// PDF-like text and a single 1 MB line. They must finish quickly (no
// quadratic step) and produce sane documents.
func TestLargeInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs skipped in -short mode")
	}
	corpus := readCorpus(t)
	copies := 50<<20/len(corpus) + 1
	d := Normalize(strings.Repeat(corpus, copies))
	// 37 paragraphs per copy, 38 after the first: only the first copy's
	// two-line title is in the title zone, where short lines join.
	if want := 37 + 38*(copies-1); len(d.Paragraphs) != want {
		t.Errorf("50 MB: %d paragraphs, want %d", len(d.Paragraphs), want)
	}
	line := strings.Repeat("数字经济产业发展势头强劲，超过 56亿元 ", (1<<20)/60)
	d = Normalize(line)
	if len(d.Paragraphs) != 1 || !utf8.ValidString(d.Text) {
		t.Errorf("1 MB line: %d paragraphs", len(d.Paragraphs))
	}
	if got := len(d.Find("超过56亿元")); got != (1<<20)/60 {
		t.Errorf("1 MB line: Find found %d", got)
	}
}

func BenchmarkNormalizeChangning(b *testing.B) {
	raw := readCorpus(b)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		Normalize(raw)
	}
}

func BenchmarkFind(b *testing.B) {
	d := Normalize(readCorpus(b))
	b.ReportAllocs()
	for b.Loop() {
		d.Find("超过1/4；以人工智能为代表")
	}
}
