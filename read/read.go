// Package read turns a user's own file — PDF, DOCX, an HTML page or plain text — into the one
// normalised document the pipeline uses (textnorm.Document: passages and an offset map), plus
// where each passage sits in the source: the page of a PDF, the element path and the heading
// above it in DOCX and HTML. The format is recognised by content (Detect), never by the file
// name. Files are read through safepath, so a folder's files can only be read from inside it.
//
// Every failure is an *Error naming the file, saying what is wrong and what to do, in one
// line; test the reason with errors.Is against the Err* values.
package read

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/policygraph/policygraph/safepath"
	"github.com/policygraph/policygraph/textnorm"
)

// Format is a recognised file format.
type Format string

// The formats Detect recognises.
const (
	FormatPDF  Format = "pdf"
	FormatDOCX Format = "docx"
	FormatHTML Format = "html"
	FormatText Format = "text"
)

// The reasons a file cannot be read; test with errors.Is.
var (
	ErrEmpty       = errors.New("the file is empty")
	ErrBinary      = errors.New("binary data, not a document")
	ErrUnknown     = errors.New("unknown format")
	ErrEncoding    = errors.New("text in no supported encoding")
	ErrEncrypted   = errors.New("the PDF is encrypted (password protected)")
	ErrCorrupt     = errors.New("the file is damaged")
	ErrNoTextLayer = errors.New("no text layer")
	ErrTooManyPage = errors.New("too many pages")
	ErrZipBomb     = errors.New("the archive expands to more than the limit")
	ErrNoMainText  = errors.New("no main text")
	ErrToolMissing = errors.New("a required tool is not installed")
	ErrTooLarge    = errors.New("larger than the size limit")
)

// Error is a file that could not be read: which, why, and what to do about it.
type Error struct {
	File string // the file as the user named it
	Err  error  // one of the Err* reasons, wrapping details
	Hint string // what to do, "" when there is nothing to suggest
}

func (e *Error) Error() string {
	if e.Hint == "" {
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s: %v; %s", e.File, e.Err, e.Hint)
}

func (e *Error) Unwrap() error { return e.Err }

// fail builds an *Error; the caller's File is filled in by Bytes.
func fail(reason error, hint, detail string, args ...any) error {
	err := reason
	if detail != "" {
		err = fmt.Errorf("%w: %s", reason, fmt.Sprintf(detail, args...))
	}
	return &Error{Err: err, Hint: hint}
}

// Options tune reading. The zero value reads with the defaults below.
type Options struct {
	// OCR runs tesseract (chi_sim) over PDF pages without a text layer.
	OCR bool
	// MaxBytes refuses larger files (0: DefaultMaxBytes).
	MaxBytes int64
	// MaxPages refuses PDFs with more pages (0: DefaultMaxPages).
	MaxPages int
}

// Defaults of Options.
const (
	DefaultMaxBytes = 64 << 20
	DefaultMaxPages = 300
)

func (o Options) maxBytes() int64 {
	if o.MaxBytes > 0 {
		return o.MaxBytes
	}
	return DefaultMaxBytes
}

func (o Options) maxPages() int {
	if o.MaxPages > 0 {
		return o.MaxPages
	}
	return DefaultMaxPages
}

// Meta is what the source format itself says about the document: a PDF's info dictionary,
// DOCX core properties, an HTML page's meta tags and header block (发布机构, 发文字号, 发布日期).
// Empty fields were not found. Parsing the text's own header and signature block is the
// extractor's job, not this package's.
type Meta struct {
	Title  string `json:"title,omitempty"`
	Issuer string `json:"issuer,omitempty"`
	Number string `json:"number,omitempty"`
	Date   string `json:"date,omitempty"`
	Author string `json:"author,omitempty"`
	From   string `json:"from,omitempty"` // where the fields came from: "pdf info", "docx core", "html meta", "html header"
}

// Place is where a passage sits in its source.
type Place struct {
	Page    int    `json:"page,omitempty"`    // 1-based PDF page; 0 when the format has no pages
	Path    string `json:"path,omitempty"`    // element path (DOCX body/p[12], HTML body/div#zoom/p[3])
	Heading string `json:"heading,omitempty"` // the nearest heading above the passage
}

// Document is a file read and normalised.
type Document struct {
	Name     string // as given
	Format   Format
	Encoding string // the text encoding (text and HTML)
	SHA256   string // of the file's bytes
	Size     int
	Raw      string             // the text given to textnorm (the offset map's "original")
	Doc      *textnorm.Document // the normalised document
	Places   []Place            // one per Doc.Paragraphs
	Pages    int                // page count of a PDF
	Meta     Meta
	OCR      bool     // some text came from OCR
	Warnings []string // things the user should know that did not stop the read

	// original is Raw before traditional characters were matched as simplified ("" when
	// nothing was converted); it has the same runes as Raw, one for one.
	original string
}

// PassagePages returns the page of every passage (0 where unknown), or nil for a format
// without pages.
func (d *Document) PassagePages() []int {
	if d.Format != FormatPDF {
		return nil
	}
	out := make([]int, len(d.Places))
	for i, p := range d.Places {
		out[i] = p.Page
	}
	return out
}

// Page returns the page of passage i, 0 when unknown.
func (d *Document) Page(passage int) int {
	if passage < 0 || passage >= len(d.Places) {
		return 0
	}
	return d.Places[passage].Page
}

// Quote returns the source's own characters for a span of Doc.Text: where traditional
// characters were matched as simplified, the traditional ones.
func (d *Document) Quote(s textnorm.Span) string {
	q := d.Doc.Slice(s)
	if d.original == "" {
		return q
	}
	o := d.Doc.OriginalSpan(s)
	if o.Start < 0 {
		return q
	}
	orig := runeSlice(d.original, o.Start, o.End)
	raw := runeSlice(d.Raw, o.Start, o.End)
	// Undo the conversion rune by rune in q, which is raw with whitespace and width folded.
	from := map[rune]rune{}
	or, rr := []rune(orig), []rune(raw)
	for i := range rr {
		if i < len(or) && rr[i] != or[i] {
			from[rr[i]] = or[i]
		}
	}
	if len(from) == 0 {
		return q
	}
	return strings.Map(func(r rune) rune {
		if t, ok := from[r]; ok {
			return t
		}
		return r
	}, q)
}

func runeSlice(s string, start, end int) string {
	i, n := 0, 0
	for n < start && i < len(s) {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	j := i
	for n < end && j < len(s) {
		_, size := utf8.DecodeRuneInString(s[j:])
		j += size
		n++
	}
	return s[i:j]
}

// File reads name, a path inside root, through safepath (no path out of root, regular files
// only, at most opts.MaxBytes).
func File(ctx context.Context, root, name string, opts Options) (*Document, error) {
	b, err := safepath.ReadFile(root, name, opts.maxBytes())
	if err != nil {
		if errors.Is(err, safepath.ErrTooLarge) {
			return nil, &Error{File: name, Err: fmt.Errorf("%w (%d bytes)", ErrTooLarge, opts.maxBytes()), Hint: "split the document"}
		}
		return nil, &Error{File: name, Err: err}
	}
	return Bytes(ctx, name, b, opts)
}

// Bytes reads a file's content; name is used in messages only.
func Bytes(ctx context.Context, name string, b []byte, opts Options) (*Document, error) {
	d, err := readBytes(ctx, b, opts)
	if err != nil {
		var re *Error
		if errors.As(err, &re) {
			if re.File == "" {
				re.File = name
			}
			return nil, re
		}
		return nil, &Error{File: name, Err: err}
	}
	d.Name = name
	return d, nil
}

func readBytes(ctx context.Context, b []byte, opts Options) (*Document, error) {
	if int64(len(b)) > opts.maxBytes() {
		return nil, fail(ErrTooLarge, "split the document", "%d bytes, limit %d", len(b), opts.maxBytes())
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, fail(ErrEmpty, "", "")
	}
	f, what := Detect(b)
	var (
		src *source
		err error
	)
	switch f {
	case FormatPDF:
		src, err = readPDF(ctx, b, opts)
	case FormatDOCX:
		src, err = readDOCX(b)
	case FormatHTML:
		src, err = readHTML(b)
	case FormatText:
		src, err = readText(b)
	default:
		return nil, fail(ErrUnknown, "give a PDF, DOCX, HTML or text file", "%s", what)
	}
	if err != nil {
		return nil, err
	}
	return src.finish(f, b)
}

// source is what a reader produces: the raw text with marks saying where each stretch of it
// sits, and what the format says about the document.
type source struct {
	sb       strings.Builder
	n        int // runes written
	marks    []mark
	blocks   bool // each line is a paragraph (DOCX, HTML)
	pages    int
	meta     Meta
	encoding string
	ocr      bool
	warnings []string
	original string // set by the text reader when traditional characters were converted
}

type mark struct {
	at int // rune offset in the raw text
	Place
}

// place starts a new stretch of text at the current position.
func (s *source) place(p Place) { s.marks = append(s.marks, mark{at: s.n, Place: p}) }

// write appends text to the raw text.
func (s *source) write(t string) {
	s.sb.WriteString(t)
	s.n += utf8.RuneCountInString(t)
}

// line appends one line (a paragraph in block mode): inner line breaks become spaces.
func (s *source) line(t string) {
	t = strings.TrimSpace(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\f", " ", "\v", " ").Replace(t))
	if t == "" {
		return
	}
	s.write(t)
	s.write("\n")
}

func (s *source) finish(f Format, b []byte) (*Document, error) {
	raw := s.sb.String()
	if conv, ok := toSimplified(raw); ok {
		s.original, raw = raw, conv
		s.warnings = append(s.warnings, "traditional characters are matched as simplified; quotes keep the original characters")
	}
	var doc *textnorm.Document
	if s.blocks {
		doc = textnorm.NormalizeBlocks(raw)
	} else {
		doc = textnorm.Normalize(raw)
	}
	if strings.TrimSpace(doc.Text) == "" {
		if f == FormatHTML {
			return nil, fail(ErrNoMainText, "save the page's article itself, or copy its text into a .txt file", "the page has no paragraphs of text outside navigation and page chrome")
		}
		return nil, fail(ErrEmpty, "", "no text after normalisation")
	}
	sum := sha256.Sum256(b)
	d := &Document{
		Format: f, Encoding: s.encoding, SHA256: hex.EncodeToString(sum[:]), Size: len(b),
		Raw: raw, Doc: doc, Pages: s.pages, Meta: s.meta, OCR: s.ocr, Warnings: s.warnings,
		original: s.original,
	}
	d.Places = make([]Place, len(doc.Paragraphs))
	for i, p := range doc.Paragraphs {
		o := doc.OriginalOffset(p.Start)
		k := sort.Search(len(s.marks), func(j int) bool { return s.marks[j].at > o }) - 1
		if k >= 0 {
			d.Places[i] = s.marks[k].Place
		}
	}
	return d, nil
}
