package read

import (
	"archive/zip"
	"bytes"
	"regexp"
)

// Detect recognises a file's format by its content, never its name, and says in a few words
// what it is when the format is not one of ours ("a PNG image", "an old Word .doc file").
//
//	%PDF-                       PDF (within the first 1 KiB, as readers allow)
//	PK\x03\x04 + word/document.xml  DOCX (other zip files are not documents we read)
//	<!doctype html, <html, <head, <body, <meta, <p, <div …  HTML (after a BOM and whitespace)
//	anything else that decodes as text  text
func Detect(b []byte) (Format, string) {
	head := b[:min(len(b), 1024)]
	switch {
	case bytes.Contains(head, []byte("%PDF-")):
		return FormatPDF, "PDF"
	case bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("PK\x05\x06")):
		return detectZip(b)
	case bytes.HasPrefix(b, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return "", "an old Word/Excel (OLE) file: save it as .docx or PDF"
	case bytes.HasPrefix(b, []byte("\x89PNG")):
		return "", "a PNG image: put it in a PDF and read it with --ocr"
	case bytes.HasPrefix(b, []byte("\xFF\xD8\xFF")):
		return "", "a JPEG image: put it in a PDF and read it with --ocr"
	case bytes.HasPrefix(b, []byte("GIF8")):
		return "", "a GIF image"
	case bytes.HasPrefix(b, []byte("\x1F\x8B")):
		return "", "a gzip archive: unpack it first"
	case bytes.HasPrefix(b, []byte("{\\rtf")):
		return "", "an RTF file: save it as .docx"
	case bytes.HasPrefix(b, []byte("\x7FELF")):
		return "", "an executable"
	}
	if htmlStart.Match(bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n")) {
		return FormatHTML, "HTML"
	}
	return FormatText, "text"
}

var htmlStart = regexp.MustCompile(`(?i)^(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|p|div|table|h[1-6])[\s>]`)

// detectZip tells DOCX from other zip files by the presence of word/document.xml.
func detectZip(b []byte) (Format, string) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		// A damaged zip: most likely a DOCX; readDOCX says what is wrong.
		return FormatDOCX, "DOCX"
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			return FormatDOCX, "DOCX"
		}
	}
	for _, f := range zr.File {
		switch f.Name {
		case "content.xml":
			return "", "an OpenDocument file: save it as .docx or PDF"
		case "xl/workbook.xml":
			return "", "an Excel workbook"
		case "ppt/presentation.xml":
			return "", "a PowerPoint file: export it as PDF"
		}
	}
	return "", "a zip archive that is not a Word document: unpack it and read the folder"
}
