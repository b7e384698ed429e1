package textnorm

import (
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Rune classes used while cleaning a line.
const (
	kindKeep  = iota // an ordinary rune, possibly folded
	kindSpace        // horizontal whitespace
	kindDrop         // invisible or control: removed
)

// foldRune maps one input rune to its normalised form, writing the result to
// out and returning how many runes it wrote (0–4) and the rune's kind.
//
// Only the "safe" part of NFKC is applied:
//   - full-width ASCII letters and digits (ＡＩ, １２) and the full-width
//     symbols that belong to numbers and identifiers (％＋－．／＝＠＃＄＆＊＿＾｀＼｜＂＇)
//     become ASCII;
//   - CJK compatibility ideographs, Kangxi radicals and CJK radicals (which
//     PDF extraction often yields instead of the unified ideograph) and
//     Latin ligatures (ﬁ) are NFKC-mapped.
//
// Chinese punctuation is kept as is: （）《》“”、，。：；！？～［］｛｝＜＞ and the
// rest, as are circled numbers (①) and everything else.
func foldRune(r rune, out *[4]rune) (int, int) {
	switch {
	case r == '\t' || r == ' ' || r == 0x00A0 || r == 0x3000 || r == 0x1680 ||
		r >= 0x2000 && r <= 0x200A || r == 0x202F || r == 0x205F:
		return 0, kindSpace
	case r == 0x200B || r == 0x200C || r == 0x200D || r == 0x2060 || r == 0xFEFF || r == 0x00AD:
		return 0, kindDrop
	case r < 0x20 || r >= 0x7F && r < 0xA0:
		return 0, kindDrop
	case r >= 0xFF01 && r <= 0xFF5E:
		if keepFullWidth(r) {
			out[0] = r
		} else {
			out[0] = r - 0xFF01 + '!'
		}
		return 1, kindKeep
	case r >= 0xF900 && r <= 0xFAFF, r >= 0x2F800 && r <= 0x2FA1F,
		r >= 0x2E80 && r <= 0x2FDF, r >= 0xFB00 && r <= 0xFB06:
		n := 0
		for _, m := range norm.NFKC.String(string(r)) {
			if n == len(out) {
				break
			}
			out[n] = m
			n++
		}
		return n, kindKeep
	}
	out[0] = r
	return 1, kindKeep
}

// keepFullWidth reports whether a full-width form (U+FF01–FF5E) is Chinese
// punctuation to keep rather than fold to ASCII.
func keepFullWidth(r rune) bool {
	switch r {
	case '！', '（', '）', '，', '：', '；', '？', '～', '［', '］', '｛', '｝', '＜', '＞':
		return true
	}
	return false
}

// isCJK reports whether r belongs to East Asian text: ideographs, kana,
// hangul, CJK and full-width punctuation, and the curly quotes, dashes and
// ellipsis Chinese text uses.
func isCJK(r rune) bool {
	switch {
	case r < 0x2000:
		return false
	case r >= 0x2010 && r <= 0x2027: // ‐‑‒–—―‖‗‘’‚‛“”„‟†‡•‣․‥…‧
		return true
	case r >= 0x2E80 && r <= 0x9FFF, r >= 0xAC00 && r <= 0xD7AF,
		r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F,
		r >= 0xFF00 && r <= 0xFFEF, r >= 0x20000 && r <= 0x3FFFF:
		return true
	}
	return false
}

// isHan reports whether r is a Chinese character.
func isHan(r rune) bool {
	if r >= 0x4E00 && r <= 0x9FFF { // the common block, without a table search
		return true
	}
	return r >= 0x3400 && unicode.Is(unicode.Han, r)
}

// isLatin reports whether r is part of Latin-script (or other alphabetic)
// text: letters and digits outside CJK, and ASCII punctuation.
func isLatin(r rune) bool {
	if r < 0x80 {
		return r > ' ' && r != 0x7F
	}
	return !isCJK(r) && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// isWordRune reports whether r is a Latin letter or digit (a word character).
func isWordRune(r rune) bool {
	if r < 0x80 {
		return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}
	return !isCJK(r) && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// width estimates the printed width of r in half-em units: 2 for East Asian
// characters, 1 for Latin, digits and ASCII. PDF line lengths are compared in
// these units.
func width(r rune) int {
	if isCJK(r) || r >= 0x1100 && r <= 0x115F || r >= 0x1F300 {
		return 2
	}
	return 1
}

// isTerminal reports whether r ends a sentence: 。！？；and their ASCII forms.
func isTerminal(r rune) bool {
	switch r {
	case '。', '！', '？', '；', '!', '?', ';', '｡':
		return true
	}
	return false
}

// isColon reports whether r is a colon.
func isColon(r rune) bool { return r == '：' || r == ':' }

// isCloser reports whether r closes a quotation or bracket, and so stays with
// the sentence-final punctuation before it (。” ends a sentence after the ”).
func isCloser(r rune) bool {
	switch r {
	case '”', '’', '）', ')', '》', '」', '』', '】', '〕', '〉', '］', ']', '"', '\'', '｝', '}':
		return true
	}
	return false
}

// isOpener reports whether r opens a quotation or bracket.
func isOpener(r rune) bool {
	switch r {
	case '“', '‘', '（', '(', '《', '「', '『', '【', '〔', '〈', '［', '[', '｛', '{':
		return true
	}
	return false
}

// isContinuationStart reports whether a line starting with r must continue
// the previous line: no paragraph or sentence starts with closing or
// mid-sentence punctuation.
func isContinuationStart(r rune) bool {
	switch r {
	case '，', '。', '、', '；', '：', '？', '！', '）', '》', '」', '』', '】', '〕', '”', '’',
		',', '.', ';', ':', '?', '!', ')', ']', '%', '‰', '…':
		return true
	}
	return false
}

// isPunct reports whether r is punctuation (Chinese or ASCII).
func isPunct(r rune) bool {
	if r >= 0x4E00 && r <= 0x9FFF {
		return false
	}
	if r < 0x80 {
		return unicode.IsPunct(r)
	}
	return unicode.IsPunct(r) || r >= 0x3000 && r <= 0x303F || r >= 0xFF01 && r <= 0xFF0F ||
		r >= 0xFF1A && r <= 0xFF20
}
