package textnorm

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Encoding names the character encoding Decode detected.
type Encoding string

// The encodings Decode can detect.
const (
	UTF8    Encoding = "utf-8"
	GB18030 Encoding = "gb18030" // also covers GBK and GB2312, its subsets
)

// Errors returned (wrapped, with details) by Decode. Test with errors.Is.
var (
	// ErrBinary means the input is not text: it holds NUL bytes or too many
	// control characters.
	ErrBinary = errors.New("textnorm: input is binary, not text")
	// ErrEncoding means the input is text in no supported encoding: invalid
	// UTF-8 that is not GB18030 either, UTF-8 mixed with another encoding,
	// or UTF-16.
	ErrEncoding = errors.New("textnorm: unsupported, invalid or mixed text encoding")
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// mixedStreak is the number of consecutive well-formed multi-byte UTF-8
// characters that, in an input that is not valid UTF-8 as a whole, shows that
// the input mixes UTF-8 with another encoding. GB18030 text forms such runs
// by chance with a probability of about 0.14 per character, so 16 in a row
// (≈2e-14) does not happen by accident.
const mixedStreak = 16

// Decode turns raw bytes into a Go string. It accepts UTF-8 (with or without
// a byte-order mark, which is removed) and GB18030 (hence GBK and GB2312),
// and reports which one it found. Valid UTF-8 always wins, so pure ASCII is
// "utf-8".
//
// Decode fails with an error wrapping ErrBinary when the input holds a NUL
// byte or more than 2% control characters (other than tab, newline, carriage
// return, vertical tab and form feed), and with an error wrapping ErrEncoding
// for UTF-16, for input mixing UTF-8 with another encoding, and for input
// that is valid in neither encoding; the message names the byte offset at
// fault. An empty input decodes to "" and UTF8.
func Decode(b []byte) (string, Encoding, error) {
	if bytes.HasPrefix(b, bomUTF16LE) || bytes.HasPrefix(b, bomUTF16BE) {
		return "", "", fmt.Errorf("%w: input starts with a UTF-16 byte-order mark; convert it to UTF-8", ErrEncoding)
	}
	hadBOM := bytes.HasPrefix(b, bomUTF8)
	if hadBOM {
		b = b[len(bomUTF8):]
	}
	if err := checkBinary(b); err != nil {
		return "", "", err
	}
	if utf8.Valid(b) {
		return string(b), UTF8, nil
	}
	bad := firstInvalidUTF8(b)
	if hadBOM {
		return "", "", fmt.Errorf("%w: input has a UTF-8 byte-order mark but invalid UTF-8 at byte %d", ErrEncoding, bad+len(bomUTF8))
	}
	if at, ok := utf8Run(b); ok {
		return "", "", fmt.Errorf("%w: input mixes UTF-8 (a run of UTF-8 text at byte %d) with bytes that are not UTF-8 (byte %d)", ErrEncoding, at, bad)
	}
	if at := firstInvalidGB18030(b); at >= 0 {
		return "", "", fmt.Errorf("%w: input is neither UTF-8 (invalid byte at %d) nor GB18030 (invalid sequence at byte %d)", ErrEncoding, bad, at)
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil {
		return "", "", fmt.Errorf("%w: GB18030: %v", ErrEncoding, err)
	}
	if i := bytes.IndexRune(out, utf8.RuneError); i >= 0 {
		return "", "", fmt.Errorf("%w: input is neither UTF-8 (invalid byte at %d) nor GB18030 (an unassigned four-byte sequence)", ErrEncoding, bad)
	}
	return string(out), GB18030, nil
}

// checkBinary reports ErrBinary for a NUL byte or too many control bytes.
// Control bytes are the same in UTF-8 and GB18030, which never uses bytes
// below 0x30 inside a multi-byte character.
func checkBinary(b []byte) error {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return fmt.Errorf("%w: NUL byte at offset %d", ErrBinary, i)
	}
	n, first := 0, -1
	for i, c := range b {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f') || c == 0x7F {
			if first < 0 {
				first = i
			}
			n++
		}
	}
	if n > 0 && n*50 > len(b) {
		return fmt.Errorf("%w: %d control bytes in %d (first at offset %d)", ErrBinary, n, len(b), first)
	}
	return nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// utf8Run reports whether b holds mixedStreak consecutive multi-byte UTF-8
// characters (ASCII between them allowed), and where that run starts.
func utf8Run(b []byte) (int, bool) {
	streak, start := 0, 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			streak = 0
		case size > 1:
			if streak == 0 {
				start = i
			}
			streak++
			if streak >= mixedStreak {
				return start, true
			}
		}
		i += size
	}
	return 0, false
}

// firstInvalidGB18030 checks the byte structure of GB18030 and returns the
// offset of the first malformed sequence, or -1.
//
//	one byte:   00–7F
//	two bytes:  81–FE, then 40–7E or 80–FE
//	four bytes: 81–84 or 90–E3, 30–39, 81–FE, 30–39
func firstInvalidGB18030(b []byte) int {
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c < 0x80:
			i++
		case c == 0x80 || c == 0xFF:
			return i
		case i+1 < len(b) && (b[i+1] >= 0x40 && b[i+1] <= 0x7E || b[i+1] >= 0x80 && b[i+1] <= 0xFE):
			i += 2
		case i+3 < len(b) && b[i+1] >= 0x30 && b[i+1] <= 0x39 &&
			b[i+2] >= 0x81 && b[i+2] <= 0xFE && b[i+3] >= 0x30 && b[i+3] <= 0x39 &&
			(c <= 0x84 || c >= 0x90 && c <= 0xE3):
			i += 4
		default:
			return i
		}
	}
	return -1
}
