package textnorm

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func gb(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode GB18030: %v", err)
	}
	return b
}

func TestDecode(t *testing.T) {
	const zh = "长宁区以“数字长宁”战略为引领，2022年技术交易超过 56亿元。"
	long := strings.Repeat("数字经济产业发展势头强劲", 3) // 36 UTF-8 characters in a row
	tests := []struct {
		name    string
		in      []byte
		want    string
		enc     Encoding
		wantErr error
	}{
		{name: "empty", in: nil, want: "", enc: UTF8},
		{name: "ascii", in: []byte("hello\n"), want: "hello\n", enc: UTF8},
		{name: "utf-8", in: []byte(zh), want: zh, enc: UTF8},
		{name: "utf-8 with BOM", in: append([]byte{0xEF, 0xBB, 0xBF}, zh...), want: zh, enc: UTF8},
		{name: "gb18030", in: gb(t, zh), want: zh, enc: GB18030},
		{name: "gb18030 four-byte and supplementary", in: gb(t, "€ 𠀀 ㄅ ÿ"), want: "€ 𠀀 ㄅ ÿ", enc: GB18030},
		{name: "gbk subset", in: []byte{0xD6, 0xD0, 0xCE, 0xC4}, want: "中文", enc: GB18030},
		{name: "tabs and form feeds are text", in: []byte("a\tb\fc\r\n"), want: "a\tb\fc\r\n", enc: UTF8},
		{name: "NUL byte", in: []byte("ab\x00cd"), wantErr: ErrBinary},
		{name: "control bytes", in: append(bytes.Repeat([]byte{0x01, 0x02, 'x'}, 10), "text"...), wantErr: ErrBinary},
		{name: "UTF-16 LE BOM", in: []byte{0xFF, 0xFE, 'a', 0}, wantErr: ErrEncoding},
		{name: "UTF-16 BE BOM", in: []byte{0xFE, 0xFF, 0, 'a'}, wantErr: ErrEncoding},
		{name: "mixed utf-8 and gb18030", in: append([]byte(long), gb(t, "中文")...), wantErr: ErrEncoding},
		{name: "invalid in both", in: []byte{'a', 0xFF, 0xFF, 'b'}, wantErr: ErrEncoding},
		{name: "truncated gb18030", in: []byte{'a', 0xD6}, wantErr: ErrEncoding},
		{name: "BOM then invalid", in: []byte{0xEF, 0xBB, 0xBF, 'a', 0xD6, 0xD0}, wantErr: ErrEncoding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, enc, err := Decode(tt.in)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Decode() error = %v, want %v", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), "byte") && !strings.Contains(err.Error(), "UTF-16") {
					t.Errorf("error %q does not say where the input is wrong", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode() error = %v", err)
			}
			if got != tt.want || enc != tt.enc {
				t.Errorf("Decode() = %q, %q; want %q, %q", got, enc, tt.want, tt.enc)
			}
		})
	}
}

// TestDecodeCorpusGB18030 round-trips the whole corpus through GB18030.
func TestDecodeCorpusGB18030(t *testing.T) {
	raw := readCorpus(t)
	got, enc, err := Decode(gb(t, raw))
	if err != nil {
		t.Fatal(err)
	}
	if enc != GB18030 || got != raw {
		t.Fatalf("Decode(GB18030 corpus) = %d bytes, %q; want the corpus, gb18030", len(got), enc)
	}
	if Normalize(got).Text != Normalize(raw).Text {
		t.Error("normalising the GB18030-decoded corpus differs from the UTF-8 one")
	}
}
