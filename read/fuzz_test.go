package read

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

// FuzzBytes: any input either reads or fails with an *Error, and never panics. PDF input
// is left out (it goes to a subprocess); DOCX, HTML and text are parsed in process.
func FuzzBytes(f *testing.F) {
	for _, s := range []string{"", "对长宁区政协的答复。\n", "<html><body><p>正文。</p></body></html>", "PK\x03\x04", "\xff\xfe\x00\x00", "\xb9\xef"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if bytes.Contains(b[:min(len(b), 1024)], []byte("%PDF-")) {
			return
		}
		d, err := Bytes(context.Background(), "fuzz", b, Options{})
		var re *Error
		if err != nil && !errors.As(err, &re) {
			t.Fatalf("error of type %T: %v", err, err)
		}
		if err == nil && len(d.Places) != len(d.Doc.Paragraphs) {
			t.Fatalf("%d places for %d passages", len(d.Places), len(d.Doc.Paragraphs))
		}
	})
}
