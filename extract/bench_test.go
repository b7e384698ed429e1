package extract

import (
	"context"
	"testing"
)

// BenchmarkExtractChangning measures extraction of the Changning reply (normalisation and
// the segmenter's dictionary load are outside the timer). Target: < 200 ms per document.
func BenchmarkExtractChangning(b *testing.B) {
	doc, err := Load(docPath("changning"))
	if err != nil {
		b.Fatal(err)
	}
	defaultSegmenter()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Extract(ctx, "document:changning", doc, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExtractChangningNoSegmenter is the same without the word segmenter.
func BenchmarkExtractChangningNoSegmenter(b *testing.B) {
	doc, err := Load(docPath("changning"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Extract(ctx, "document:changning", doc, Options{NoSegmenter: true}); err != nil {
			b.Fatal(err)
		}
	}
}
