package extract

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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

// BenchmarkExtractFolder1000 extracts a folder of 1,000 documents (the tuning documents
// repeated, each file read, decoded and normalised) with the dictionary loaded once, outside
// the timer; it reports documents per second. Target (issue 19): ≥ 50 docs/s.
func BenchmarkExtractFolder1000(b *testing.B) {
	names := testDocs(b)
	dir := b.TempDir()
	var files []string
	for i := range 1000 {
		src, err := os.ReadFile(docPath(names[i%len(names)]))
		if err != nil {
			b.Fatal(err)
		}
		f := filepath.Join(dir, fmt.Sprintf("doc-%04d.txt", i))
		if err := os.WriteFile(f, src, 0o644); err != nil {
			b.Fatal(err)
		}
		files = append(files, f)
	}
	defaultSegmenter()
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		for _, f := range files {
			doc, err := Load(f)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := Extract(ctx, "document:"+filepath.Base(f), doc, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(files)*b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkSegmenterLoad measures the per-process dictionary load (gse's embedded
// dictionary), which defaultSegmenter pays once.
func BenchmarkSegmenterLoad(b *testing.B) {
	for b.Loop() {
		s := &segmenter{}
		s.seg.SkipLog = true
		if err := s.seg.LoadDictEmbed(); err != nil {
			b.Fatal(err)
		}
	}
}
