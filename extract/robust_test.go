package extract

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/textnorm"
)

// checkResult checks the invariants every result keeps, whatever the input: spans in
// range, quotes equal to the text of their span, relation endpoints that exist.
func checkResult(t testing.TB, doc *textnorm.Document, r *Result) {
	t.Helper()
	var srcs []model.Provenance
	ids := map[string]bool{r.DocumentID: true}
	for _, e := range r.Entities {
		ids[e.ID] = true
		if !utf8.ValidString(e.Name) || e.Name == "" {
			t.Fatalf("entity name %q", e.Name)
		}
		srcs = append(srcs, e.Sources...)
	}
	for _, rel := range r.Relations {
		if !ids[rel.From] || !ids[rel.To] {
			t.Fatalf("relation %s %s → %s names an unknown entity", rel.Type, rel.From, rel.To)
		}
		srcs = append(srcs, rel.Sources...)
	}
	for _, q := range r.Quantities {
		srcs = append(srcs, q.Sources...)
	}
	for _, s := range srcs {
		if s.Start < 0 || s.End > doc.Len() || s.Start >= s.End {
			t.Fatalf("span [%d,%d) out of range (len %d)", s.Start, s.End, doc.Len())
		}
		if got := doc.Slice(textnorm.Span{Start: s.Start, End: s.End}); got != s.Quote {
			t.Fatalf("quote %q is not the text of its span %q", s.Quote, got)
		}
	}
}

func TestEmptyAndBlankDocuments(t *testing.T) {
	for _, tc := range []struct{ name, text string }{
		{"empty", ""},
		{"blank", " \n\n\t \n"},
		{"punctuation", "。。。，，、《》“”"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := textnorm.Normalize(tc.text)
			r, err := Extract(context.Background(), "document:x", doc, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Entities)+len(r.Relations)+len(r.Quantities) != 0 {
				t.Errorf("got facts from %q: %+v", tc.text, r)
			}
			b, err := r.JSON()
			if err != nil || !strings.Contains(string(b), `"entities": []`) {
				t.Errorf("JSON of an empty result: %s, %v", b, err)
			}
		})
	}
	if _, err := Extract(context.Background(), "document:x", nil, Options{}); !errors.Is(err, ErrNoDocument) {
		t.Errorf("nil document: err %v, want ErrNoDocument", err)
	}
}

func TestLoadErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	binary := make([]byte, 4096)
	for i := range binary {
		binary[i] = byte(i * 7)
	}
	for _, tc := range []struct {
		name string
		path string
	}{
		{"empty", write("empty.txt", nil)},
		{"blank", write("blank.txt", []byte("\n \n\t\n"))},
		{"binary", write("binary.bin", binary)},
		{"png header", write("image.txt", append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), binary...))},
		{"missing", filepath.Join(dir, "no-such-file.txt")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.path)
			if err == nil {
				t.Fatalf("Load(%s) succeeded, want an error", tc.path)
			}
			if !strings.Contains(err.Error(), tc.path) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
	// GB18030 text is decoded
	gb := write("gb.txt", []byte{0xb3, 0xa4, 0xc4, 0xfe, 0xc7, 0xf8, 0xa1, 0xa3}) // 长宁区。
	doc, err := Load(gb)
	if err != nil || !strings.Contains(doc.Text, "长宁区") {
		t.Errorf("GB18030: %v %q", err, doc.Text)
	}
}

func TestUnbalancedTitleMarks(t *testing.T) {
	for _, text := range []string{
		"根据《长宁区鼓励科技创新的实施办法，制订了本细则。",
		"》》根据》《《《长宁区《实施办法》》",
		"依照《" + strings.Repeat("长宁区科技创新", 40) + "》对上海金融科技有限公司予以认定。",
		"《〈〉》《》〈《》〉“”“",
		"以《A》为核心，以《B》等“3+3”",
	} {
		doc := textnorm.Normalize(text)
		r, err := Extract(context.Background(), "document:x", doc, Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkResult(t, doc, r)
		for _, e := range r.Entities {
			if e.Kind == model.KindPolicy && strings.ContainsAny(e.Name, "《》") && !strings.Contains(e.Name, "》") {
				t.Errorf("%q: policy name with an unbalanced mark: %q", text, e.Name)
			}
		}
	}
}

// TestOneMegabyteLine extracts a single line of 1 MB (the Changning reply with its line
// breaks removed, repeated) in bounded time.
func TestOneMegabyteLine(t *testing.T) {
	b, err := os.ReadFile(docPath("changning"))
	if err != nil {
		t.Fatal(err)
	}
	one := strings.ReplaceAll(strings.ReplaceAll(string(b), "\r", ""), "\n", "")
	var sb strings.Builder
	for sb.Len() < 1<<20 {
		sb.WriteString(one)
	}
	line := sb.String()
	for _, tc := range []struct{ name, text string }{
		{"prose", line},
		{"no punctuation", strings.Repeat("长宁区科技创新企业矽睿科技联盟", (1<<20)/45)},
		{"titles", strings.Repeat("《长宁区鼓励科技创新的实施办法》、", (1<<20)/51)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := textnorm.Normalize(tc.text)
			start := time.Now()
			r, err := Extract(context.Background(), "document:line", doc, Options{})
			if err != nil {
				t.Fatal(err)
			}
			el := time.Since(start)
			t.Logf("%d runes: %d entities, %d relations, %d figures in %v", doc.Len(), len(r.Entities), len(r.Relations), len(r.Quantities), el)
			if el > 60*time.Second {
				t.Errorf("took %v", el)
			}
			checkResult(t, doc, r)
		})
	}
}

// TestFiftyMegabytes extracts a 50 MB text (the corpus repeated) with bounded time and
// memory. Skipped with -short.
func TestFiftyMegabytes(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB extraction skipped with -short")
	}
	b, err := os.ReadFile(docPath("changning"))
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	sb.Grow(50<<20 + len(b))
	for sb.Len() < 50<<20 {
		sb.Write(b)
		sb.WriteString("\n\n")
	}
	text := sb.String()
	sb = strings.Builder{}
	doc := textnorm.Normalize(text)
	text = ""
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	stop := make(chan struct{})
	peak := make(chan uint64)
	go func() { // sample the heap while extracting
		var m runtime.MemStats
		var p uint64
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				peak <- p
				return
			case <-tick.C:
				runtime.ReadMemStats(&m)
				p = max(p, m.HeapAlloc)
			}
		}
	}()
	r, err := Extract(ctx, "document:big", doc, Options{})
	close(stop)
	p := <-peak
	if err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	growth := int64(p) - int64(before.HeapAlloc)
	t.Logf("%d runes in %v: %d entities, %d relations, %d figures; heap before %d MB, peak %d MB",
		doc.Len(), el, len(r.Entities), len(r.Relations), len(r.Quantities), before.HeapAlloc>>20, p>>20)
	if growth > 2<<30 {
		t.Errorf("heap grew by %d MB while extracting 50 MB", growth>>20)
	}
	// the same facts as one copy: repetition adds sources (capped), not entities
	one, _ := extractDoc(t, "changning", Options{})
	if len(r.Entities) > 2*len(one.Entities) {
		t.Errorf("%d entities from 3000 copies of a document with %d", len(r.Entities), len(one.Entities))
	}
	for _, e := range r.Entities {
		if len(e.Sources) > maxSources {
			t.Fatalf("%s has %d sources, cap %d", e.ID, len(e.Sources), maxSources)
		}
	}
}

func TestCancelledContext(t *testing.T) {
	doc, err := Load(docPath("changning"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Extract(ctx, "document:x", doc, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
}

func FuzzExtract(f *testing.F) {
	for _, name := range []string{"changning", "xuhui", "jiading-ic", "yangpu-talent", "putuo"} {
		b, err := os.ReadFile(docPath(name))
		if err != nil {
			f.Fatal(err)
		}
		// a few paragraphs of each document keep the fuzzer fast
		s := string(b)
		if len(s) > 3000 {
			s = s[:3000]
		}
		f.Add(s)
	}
	for _, s := range []string{"", "《", "》", "“”", "依照《X》，对A、B等企业予以认定", "成员包括、、等", "签发人：", "委员：", "第一条", "引进了", "\xff\xfe", "1+1=2、3、4等", "（以下简称“", "在长宁区设立"} {
		f.Add(s)
	}
	// While fuzzing, the segmenter is off: loading its dictionary in every instrumented
	// worker takes minutes. The seed corpus runs with it in plain `go test`.
	opts := Options{}
	if fl := flag.Lookup("test.fuzz"); fl != nil && fl.Value.String() != "" {
		opts.NoSegmenter = true
	} else {
		defaultSegmenter()
	}
	f.Fuzz(func(t *testing.T, s string) {
		doc := textnorm.Normalize(s)
		r, err := Extract(context.Background(), "document:fuzz", doc, opts)
		if err != nil {
			t.Fatal(err)
		}
		checkResult(t, doc, r)
		if _, err := r.JSON(); err != nil {
			t.Fatal(err)
		}
	})
}
