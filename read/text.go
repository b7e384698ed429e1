package read

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
	"golang.org/x/text/encoding/traditionalchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/policygraph/policygraph/textnorm"
)

// readText decodes plain text: UTF-8 (BOM or not), GB18030 (GBK, GB2312), Big5 and UTF-16
// with a byte-order mark, told apart by content. GB18030 and Big5 share their byte ranges,
// so a text valid in both is decoded both ways and the one with more of the common Chinese
// characters wins.
func readText(b []byte) (*source, error) {
	text, enc, err := decodeText(b)
	if err != nil {
		return nil, err
	}
	s := &source{encoding: enc}
	s.place(Place{})
	s.write(text)
	return s, nil
}

func decodeText(b []byte) (string, string, error) {
	if bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF}) {
		out, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder().Bytes(b)
		if err != nil || !utf8.Valid(out) {
			return "", "", fail(ErrEncoding, "save it as UTF-8", "invalid UTF-16")
		}
		enc := "utf-16le"
		if b[0] == 0xFE {
			enc = "utf-16be"
		}
		if bytes.IndexByte(out, 0) >= 0 {
			return "", "", fail(ErrBinary, "", "NUL characters in UTF-16 text")
		}
		return string(out), enc, nil
	}
	text, enc, err := textnorm.Decode(b)
	switch {
	case errors.Is(err, textnorm.ErrBinary):
		return "", "", fail(ErrBinary, "give a PDF, DOCX, HTML or text file", "%v", strings.TrimPrefix(err.Error(), textnorm.ErrBinary.Error()+": "))
	case err != nil:
		if big5, ok := decodeBig5(b); ok {
			return big5, "big5", nil
		}
		return "", "", fail(ErrEncoding, "save it as UTF-8", "%v", strings.TrimPrefix(err.Error(), textnorm.ErrEncoding.Error()+": "))
	case enc == textnorm.GB18030:
		if big5, ok := decodeBig5(b); ok && commonScore(big5) > commonScore(text) {
			return big5, "big5", nil
		}
	}
	return text, string(enc), nil
}

// decodeBig5 decodes b as Big5, failing on any byte sequence Big5 does not define.
func decodeBig5(b []byte) (string, bool) {
	out, err := traditionalchinese.Big5.NewDecoder().Bytes(b)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		return "", false
	}
	return string(out), true
}

// common holds frequent Chinese characters in both simplified and traditional forms; a text
// decoded in the wrong one of two CJK encodings is made of rare characters instead.
const common = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反明看原又利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往历市克何除消构府称太准精值号率族维划选标写存候毛亲快效院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严" +
	"這為個國們時來過說產種後學經進裡現實兩體機當點從業應開還與關數間樣線內總員問題黨運農幾區強決戰則據處隊給門規熱領東導壓爭濟階術聯認權證轉單風帶場車務萬達積議聲報鬥類離華確張馬節話況溫傳許廣記際驗連斷難礦週備辦習響約歷構稱準號維劃選標寫親院養層專狀廠識屬圓調滿縣參紅細聽該鐵價嚴創科技發計劃區"

var commonSet = func() map[rune]bool {
	m := map[rune]bool{}
	for _, r := range common {
		m[r] = true
	}
	return m
}()

// commonScore is the share of Han characters of s that are common ones.
func commonScore(s string) float64 {
	han, hit := 0, 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			han++
			if commonSet[r] {
				hit++
			}
		}
	}
	if han == 0 {
		return 0
	}
	return float64(hit) / float64(han)
}

var (
	t2sOnce sync.Once
	t2s     *opencc.OpenCC
	t2sErr  error
)

// toSimplified matches traditional characters as simplified: when at least 5% of the Han
// characters of s change under OpenCC's t2s tables, it returns the converted text, whose
// runes correspond one for one to those of s (phrases whose conversion changes the length
// are converted character by character), and true. Simplified text is returned unchanged:
// t2s is not applied to it, since a few of its characters are also traditional variants.
func toSimplified(s string) (string, bool) {
	if !looksTraditional(s) {
		return s, false // loading OpenCC's tables takes seconds; most text is simplified
	}
	t2sOnce.Do(func() { t2s, t2sErr = opencc.New("t2s") })
	if t2sErr != nil || !hasHan(s) {
		return s, false
	}
	var out strings.Builder
	han, changed := 0, 0
	for _, line := range strings.SplitAfter(s, "\n") {
		conv, err := t2s.Convert(line)
		if err != nil || utf8.RuneCountInString(conv) != utf8.RuneCountInString(line) {
			conv = convertRunes(line)
		}
		or := []rune(line)
		for i, r := range []rune(conv) {
			if unicode.Is(unicode.Han, or[i]) {
				han++
				if r != or[i] {
					changed++
				}
			}
		}
		out.WriteString(conv)
	}
	if changed*20 < han || changed == 0 {
		return s, false
	}
	return out.String(), true
}

// traditionalOnly are frequent characters written only in traditional Chinese.
const traditionalOnly = "這為個國們時來過說產種後學經進裡現實兩體機當點從業應開還與關數間樣線內總員問題黨運農幾區強決戰則據處隊給門規熱領東導壓爭濟階術聯認權證轉單風帶場車務萬達積議聲報鬥類離華確張馬節話況溫傳許廣記際驗連斷難礦週備辦習響約歷構稱準號維劃選標寫親院養層專狀廠識屬圓調滿縣參紅細聽該鐵價嚴創發計劃"

// looksTraditional reports whether at least 2% of the Han characters of s are frequent
// traditional-only ones.
func looksTraditional(s string) bool {
	han, hit := 0, 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			han++
			if strings.ContainsRune(traditionalOnly, r) {
				hit++
			}
		}
	}
	return hit > 0 && hit*50 >= han
}

func convertRunes(line string) string {
	var b strings.Builder
	for _, r := range line {
		c, err := t2s.Convert(string(r))
		if err != nil || utf8.RuneCountInString(c) != 1 {
			b.WriteRune(r)
			continue
		}
		b.WriteString(c)
	}
	return b.String()
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
