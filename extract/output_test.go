package extract

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/textnorm"
)

// TestSourcesQuoteTheText checks every provenance record of every test document: the span
// is inside the text, the quote is the text of the span, the passage holds the span start,
// the method is rule:NAME and the confidence is in (0, 1].
func TestSourcesQuoteTheText(t *testing.T) {
	for _, name := range testDocs(t) {
		t.Run(name, func(t *testing.T) {
			r, doc := extractDoc(t, name, Options{})
			var all []model.Provenance
			for _, e := range r.Entities {
				if len(e.Sources) == 0 {
					t.Errorf("entity %s has no source", e.ID)
				}
				if e.ID != model.EntityID(e.Kind, e.Name) {
					t.Errorf("entity id %s, want %s", e.ID, model.EntityID(e.Kind, e.Name))
				}
				all = append(all, e.Sources...)
			}
			for _, rel := range r.Relations {
				if len(rel.Sources) == 0 {
					t.Errorf("relation %s %s→%s has no source", rel.Type, rel.From, rel.To)
				}
				all = append(all, rel.Sources...)
			}
			for _, q := range r.Quantities {
				all = append(all, q.Sources...)
			}
			checkSources(t, doc, r.DocumentID, all)
		})
	}
}

func checkSources(t *testing.T, doc *textnorm.Document, docID string, srcs []model.Provenance) {
	t.Helper()
	for _, s := range srcs {
		if s.Start < 0 || s.End > doc.Len() || s.Start >= s.End {
			t.Errorf("span [%d,%d) out of range (len %d)", s.Start, s.End, doc.Len())
			continue
		}
		if got := doc.Slice(textnorm.Span{Start: s.Start, End: s.End}); got != s.Quote {
			t.Errorf("quote %q, text of span is %q", s.Quote, got)
		}
		if s.DocumentID != docID {
			t.Errorf("documentId %q, want %q", s.DocumentID, docID)
		}
		if p := doc.ParagraphAt(s.Start); p != s.Passage {
			t.Errorf("passage %d for span at %d, want %d", s.Passage, s.Start, p)
		}
		if len(s.Method) < 6 || s.Method[:5] != "rule:" {
			t.Errorf("method %q, want rule:NAME", s.Method)
		}
		if s.Confidence <= 0 || s.Confidence > 1 {
			t.Errorf("confidence %v out of (0, 1]", s.Confidence)
		}
	}
}

// TestJSONShape checks the JSON form other tools read.
func TestJSONShape(t *testing.T) {
	r, _ := extractDoc(t, "changning", Options{})
	b, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var got map[string][]map[string]any
	if err := json.Unmarshal(b, &struct {
		Entities   *[]map[string]any `json:"entities"`
		Relations  *[]map[string]any `json:"relations"`
		Quantities *[]map[string]any `json:"quantities"`
	}{}); err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	got = map[string][]map[string]any{}
	for _, k := range []string{"entities", "relations", "quantities"} {
		var list []map[string]any
		if err := json.Unmarshal(raw[k], &list); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		got[k] = list
	}
	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	for _, tc := range []struct {
		list string
		want []string
	}{
		{"entities", []string{"aliases", "id", "kind", "name", "sources"}},
		{"relations", []string{"from", "sources", "to", "type"}},
	} {
		if len(got[tc.list]) == 0 {
			t.Fatalf("no %s", tc.list)
		}
		for _, item := range got[tc.list] {
			k := keys(item)
			delete(item, "props")
			if diff := cmp.Diff(tc.want, keys(item)); diff != "" {
				t.Fatalf("%s keys (-want +got):\n%s\n(all keys %v)", tc.list, diff, k)
			}
		}
	}
	src := got["entities"][0]["sources"].([]any)[0].(map[string]any)
	if diff := cmp.Diff([]string{"confidence", "documentId", "end", "method", "passage", "quote", "start"}, keys(src)); diff != "" {
		t.Errorf("source keys (-want +got):\n%s", diff)
	}
	if len(got["quantities"]) == 0 {
		t.Error("no quantities")
	}
}

// TestBundleIngests writes each test document's extraction as a bundle and has the ingest
// parser and planner accept it unchanged (no database needed).
func TestBundleIngests(t *testing.T) {
	dir := t.TempDir()
	for _, name := range testDocs(t) {
		t.Run(name, func(t *testing.T) {
			path, err := filepath.Abs(docPath(name))
			if err != nil {
				t.Fatal(err)
			}
			title := "测试文档 " + name
			docID := model.EntityID(model.KindDocument, title)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			text, _, err := textnorm.Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Extract(context.Background(), docID, textnorm.Normalize(text), Options{})
			if err != nil {
				t.Fatal(err)
			}
			// The text goes beside the bundle: ingest reads document.path only inside the
			// bundle's folder.
			if err := os.WriteFile(filepath.Join(dir, name+".txt"), b, 0o644); err != nil {
				t.Fatal(err)
			}
			y, err := r.YAML(bundle.DocumentSpec{Path: name + ".txt", Title: title})
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, name+".yaml")
			if err := os.WriteFile(out, y, 0o644); err != nil {
				t.Fatal(err)
			}
			parsed, err := bundle.ParseFile(out)
			if err != nil {
				t.Fatalf("ingest cannot parse the extracted bundle: %v", err)
			}
			if got, want := len(parsed.Entities), len(r.Entities); got != want {
				t.Errorf("bundle has %d entities, result %d", got, want)
			}
			for i, e := range parsed.Entities {
				if e.Method == "" || e.Confidence == nil {
					t.Errorf("entity %d: method %q confidence %v, want both", i, e.Method, e.Confidence)
				}
			}
			if _, err := ingest.Plan(context.Background(), []*bundle.Bundle{parsed}, nil); err != nil {
				t.Fatalf("ingest rejects the extracted bundle: %v", err)
			}
		})
	}
}
