package read

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// Zip-bomb guard: a DOCX part may expand to at most maxPart bytes, and no further than
// maxRatio times its compressed size once past 1 MiB.
const (
	maxPart  = 32 << 20
	maxRatio = 200
)

// readDOCX reads word/document.xml with encoding/xml: every paragraph is one passage,
// every table row one passage (cells joined by " | "); headings (Heading N / Title styles)
// name the passages below them; footnotes follow the body.
func readDOCX(b []byte) (*source, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fail(ErrCorrupt, "save it again from Word or WPS", "not a readable DOCX (zip: %v)", err)
	}
	s := &source{blocks: true, meta: Meta{From: "docx core"}}
	body, err := part(zr, "word/document.xml")
	if err != nil {
		return nil, err
	}
	if body == nil {
		return nil, fail(ErrCorrupt, "save it again from Word or WPS", "word/document.xml is missing")
	}
	if err := docxBody(s, body, "body"); err != nil {
		return nil, err
	}
	if fn, err := part(zr, "word/footnotes.xml"); err != nil {
		return nil, err
	} else if fn != nil {
		if err := docxBody(s, fn, "footnotes"); err != nil {
			return nil, err
		}
	}
	if core, _ := part(zr, "docProps/core.xml"); core != nil {
		var c struct {
			Title   string `xml:"title"`
			Creator string `xml:"creator"`
			Created string `xml:"created"`
		}
		if xml.Unmarshal(core, &c) == nil {
			s.meta.Title, s.meta.Author, s.meta.Date = c.Title, c.Creator, c.Created
		}
	}
	return s, nil
}

func part(zr *zip.Reader, name string) ([]byte, error) {
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		if f.UncompressedSize64 > maxPart || f.CompressedSize64 > 0 && f.UncompressedSize64 > 1<<20 && f.UncompressedSize64/f.CompressedSize64 > maxRatio {
			return nil, fail(ErrZipBomb, "this is not a normal Word document; do not open it", "%s expands to %d bytes from %d", name, f.UncompressedSize64, f.CompressedSize64)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fail(ErrCorrupt, "save it again from Word or WPS", "%s: %v", name, err)
		}
		defer rc.Close()
		data, err := io.ReadAll(io.LimitReader(rc, maxPart+1))
		if err != nil {
			return nil, fail(ErrCorrupt, "save it again from Word or WPS", "%s: %v", name, err)
		}
		if len(data) > maxPart {
			return nil, fail(ErrZipBomb, "this is not a normal Word document; do not open it", "%s expands past %d bytes", name, maxPart)
		}
		return data, nil
	}
	return nil, nil
}

// docxBody walks paragraphs (w:p) and table rows (w:tr) of a document or footnotes part.
func docxBody(s *source, data []byte, root string) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var (
		text     strings.Builder
		cells    []string
		style    string
		heading  string
		inTable  int
		np, nrow int
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fail(ErrCorrupt, "save it again from Word or WPS", "%s XML: %v", root, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "tbl":
				inTable++
			case "tr":
				cells = cells[:0]
			case "tc":
				text.Reset()
			case "p":
				style = ""
				if inTable == 0 {
					text.Reset()
				}
			case "pStyle":
				style = attr(t, "val")
			case "tab":
				text.WriteString(" ")
			case "br":
				text.WriteString(" ")
			}
		case xml.CharData:
			// only w:t carries text; other elements hold none in WordprocessingML
			text.Write(t)
		case xml.EndElement:
			switch t.Name.Local {
			case "tc":
				cells = append(cells, strings.TrimSpace(text.String()))
				text.Reset()
			case "tr":
				nrow++
				s.place(Place{Path: fmt.Sprintf("%s/tr[%d]", root, nrow), Heading: heading})
				s.line(strings.Join(cells, " | "))
			case "tbl":
				inTable--
			case "p":
				if inTable > 0 {
					text.WriteString(" ")
					continue
				}
				np++
				t := strings.TrimSpace(text.String())
				if t == "" {
					continue
				}
				if strings.HasPrefix(strings.ToLower(style), "heading") || style == "Title" || (len(style) == 1 && style >= "1" && style <= "9") {
					heading = t
				}
				s.place(Place{Path: fmt.Sprintf("%s/p[%d]", root, np), Heading: heading})
				s.line(t)
			}
		}
	}
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
