package gen_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/gen"
	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/model"
)

// digest hashes every file under dir, names and bytes, in walk order.
func digest(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		h.Write([]byte(filepath.ToSlash(rel) + "\x00"))
		h.Write(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func generate(t *testing.T, seed uint64, scale string) (string, gen.Stats) {
	t.Helper()
	dir := t.TempDir()
	st, err := gen.Generate(context.Background(), dir, gen.Config{Seed: seed, Scale: gen.Presets[scale]})
	if err != nil {
		t.Fatal(err)
	}
	return dir, st
}

func TestSameSeedSameBytes(t *testing.T) {
	a, _ := generate(t, 7, "tiny")
	b, _ := generate(t, 7, "tiny")
	c, _ := generate(t, 8, "tiny")
	if digest(t, a) != digest(t, b) {
		t.Error("same seed and scale gave different corpora")
	}
	if digest(t, a) == digest(t, c) {
		t.Error("different seeds gave the same corpus")
	}
}

// TestCorpusPlans checks the corpus with ingest's own planner: every bundle validates,
// normalisation leaves every text unchanged (so the offsets are right), every anchor reads
// the name or figure it anchors, and the plan has exactly the facts Stats announces.
func TestCorpusPlans(t *testing.T) {
	for _, scale := range []string{"tiny", "small"} {
		t.Run(scale, func(t *testing.T) {
			if scale == "small" && testing.Short() {
				t.Skip("short")
			}
			dir, st := generate(t, 1, scale)
			files, err := bundle.BundleFiles([]string{dir})
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != st.Bundles {
				t.Fatalf("%d bundle files, Stats says %d", len(files), st.Bundles)
			}
			var bundles []*bundle.Bundle
			for _, f := range files {
				b, err := bundle.ParseFile(f)
				if err != nil {
					t.Fatal(err)
				}
				bundles = append(bundles, b)
				txt := strings.TrimSuffix(f, ".yaml") + ".txt"
				src, err := ingest.LoadSource(txt)
				if err != nil {
					t.Fatal(err)
				}
				raw, _ := os.ReadFile(txt)
				if want := strings.TrimSuffix(string(raw), "\n"); src.Doc.Text != want {
					t.Fatalf("%s: normalisation changed the text", txt)
				}
			}
			writes, err := ingest.Plan(context.Background(), bundles, nil)
			if err != nil {
				t.Fatal(err)
			}
			nodes, edges, qtys := 0, 0, 0
			for _, w := range writes {
				nodes += 1 + len(w.Nodes)
				edges += len(w.Edges)
				qtys += len(w.Quantities)
				for _, n := range w.Nodes {
					for _, s := range n.Sources {
						if s.Quote != n.Name {
							t.Fatalf("%s: entity %s anchored at %q", w.Doc.ID, n.ID, s.Quote)
						}
					}
				}
				for _, q := range w.Quantities {
					if len(q.Sources) != 1 || q.Sources[0].Quote != q.Raw {
						t.Fatalf("%s: figure %q anchored at %+v", w.Doc.ID, q.Raw, q.Sources)
					}
				}
			}
			if nodes != st.Entities+st.Documents || qtys != st.Quantities {
				t.Errorf("plan has %d nodes and %d figures, Stats says %d and %d", nodes, qtys, st.Entities+st.Documents, st.Quantities)
			}
			if want := st.Rels() - st.Relations[string(model.RelMentionedIn)] - st.Relations[string(model.RelHasQuantity)]; edges != want {
				t.Errorf("plan has %d relations, Stats says %d", edges, want)
			}
			if scale == "small" && (st.Nodes() < 8000 || st.Nodes() > 15000) {
				t.Errorf("small has %d nodes, want about 10k", st.Nodes())
			}
		})
	}
}

// TestPresetsOrdered checks that the presets grow and that large has the 100k
// enterprises (its ~1M nodes and ~5M relationships are measured by the benchmark).
func TestPresetsOrdered(t *testing.T) {
	prev := 0
	for _, n := range gen.ScaleNames {
		sc, ok := gen.Presets[n]
		if !ok {
			t.Fatalf("no preset %q", n)
		}
		if sc.Enterprises <= prev {
			t.Errorf("preset %s is not larger than the one before", n)
		}
		prev = sc.Enterprises
	}
	if gen.Presets["large"].Enterprises != 100000 {
		t.Error("large must have 100k enterprises")
	}
}
