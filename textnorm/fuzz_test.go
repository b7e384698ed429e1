package textnorm

import (
	"testing"
	"unicode/utf8"
)

func FuzzNormalize(f *testing.F) {
	seeds := []string{
		"",
		"超过 56亿元",
		"软件和信息服务业营业收入占全市比重超过\n\n\n\n1/4；",
		"一、总体要求\n\n（一）依托创新平台。\n1.提供\n①建设\n",
		"办理结果：解决或采纳 签发人：詹镭\n严洁红、李凌、谢何委员：\n",
		"长宁区科学技术委员会\n\n2023年 4月 17日\n \n",
		"ＡＩ\ufb01⼈\u200b\xff\xc3(",
		"deep\r\nlearning\rmodels\f- 3 -\v第 4 页\u2028x",
		"a 签 b：c 标签：d",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		d := Normalize(raw)
		if !utf8.ValidString(d.Text) {
			t.Fatalf("Text is not valid UTF-8: %q", d.Text)
		}
		n := utf8.RuneCountInString(d.Text)
		if n != d.Len() {
			t.Fatalf("Len() = %d, want %d", d.Len(), n)
		}
		rawLen := utf8.RuneCountInString(raw)
		prev := -1
		for i := 0; i <= n; i++ {
			o := d.OriginalOffset(i)
			if o < prev || o < 0 || o > rawLen || (i < n && o == rawLen) {
				t.Fatalf("OriginalOffset(%d) = %d after %d (raw %d runes)", i, o, prev, rawLen)
			}
			prev = o
		}
		end := -1
		for k, p := range d.Paragraphs {
			if p.Index != k || p.Start <= end || p.End < p.Start || p.End > n {
				t.Fatalf("paragraph %d out of order or range: %+v (previous end %d, len %d)", k, p, end, n)
			}
			end = p.End
			s0 := p.Start
			for _, s := range p.Sentences {
				if s.Start < s0 || s.End <= s.Start || s.End > p.End {
					t.Fatalf("sentence %v out of paragraph %d [%d,%d)", s, k, p.Start, p.End)
				}
				s0 = s.End
			}
			if d.ParagraphAt(p.Start) != k && p.End > p.Start {
				t.Fatalf("ParagraphAt(%d) = %d, want %d", p.Start, d.ParagraphAt(p.Start), k)
			}
		}
		if len(raw) < 64 {
			for _, s := range d.Find(raw) {
				if s.Start < 0 || s.End > n || s.Start >= s.End {
					t.Fatalf("Find span %v out of range", s)
				}
			}
		}
	})
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("长宁区"))
	f.Add([]byte{0xD6, 0xD0, 0xCE, 0xC4})
	f.Add([]byte{0xEF, 0xBB, 0xBF, 0x81, 0x30})
	f.Add([]byte{0x84, 0x31, 0xA4, 0x39, 0x90, 0x30, 0x81, 0x30})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, enc, err := Decode(b)
		if err != nil {
			return
		}
		if !utf8.ValidString(s) {
			t.Fatalf("Decode(%x) = invalid UTF-8 %q (%s)", b, s, enc)
		}
		if enc == UTF8 && s != string(b) && len(b)-len(s) != 3 {
			t.Fatalf("Decode(%x) changed UTF-8 input", b)
		}
	})
}
