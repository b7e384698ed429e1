package extract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/policygraph/policygraph/model"
)

const gazBundle = `
schemaVersion: 1
document: {path: x.txt, title: x}
entities:
  - {id: enterprise:yfjs, kind: Enterprise, name: 翼方健数, aliases: [翼方健数（北京）信息科技有限公司], anchor: 翼方健数}
  - {kind: Document, name: 某文件, anchor: x}
  - {kind: ENTERPRISE, name: 合弘景晖, anchor: x}
`

func TestGazetteerFindsKnownNames(t *testing.T) {
	g := &Gazetteer{}
	if err := g.AddBundle([]byte(gazBundle)); err != nil {
		t.Fatal(err)
	}
	if g.Len() != 2 {
		t.Fatalf("Len = %d, want 2 (documents are skipped)", g.Len())
	}
	if e, ok := g.Lookup(" 翼方健数（北京）信息科技有限公司"); !ok || e.ID != "enterprise:yfjs" {
		t.Errorf("Lookup by alias: %+v %v", e, ok)
	}
	r, _ := extractDoc(t, "changning", Options{Gazetteer: g})
	e := r.Entity("enterprise:yfjs")
	if e == nil {
		t.Fatal("known name 翼方健数 not found")
	}
	var methods []string
	for _, s := range e.Sources {
		methods = append(methods, s.Method)
	}
	if diff := cmp.Diff([]string{"rule:gazetteer"}, methods); diff != "" {
		t.Errorf("methods (-want +got):\n%s", diff)
	}
	if r.Entity(model.EntityID(model.KindEnterprise, "合弘景晖")) == nil {
		t.Error("known name 合弘景晖 not found")
	}
}

func TestGazetteerErrors(t *testing.T) {
	g := &Gazetteer{}
	if err := g.AddBundle([]byte("entities: [{kind: Nonsense, name: x}]")); err == nil || !strings.Contains(err.Error(), "Nonsense") {
		t.Errorf("unknown kind: %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("entities: [unclosed"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadGazetteer(dir); err == nil || !strings.Contains(err.Error(), "bad.yaml") {
		t.Errorf("malformed bundle: %v, want an error naming the file", err)
	}
	merged := &Gazetteer{}
	merged.Merge(nil)
	other := &Gazetteer{}
	other.Add(GazetteerEntry{Kind: model.KindEnterprise, Name: "矽睿科技"})
	merged.Merge(other)
	if _, ok := merged.Lookup("矽睿科技"); !ok || merged.Len() != 1 {
		t.Errorf("Merge: len %d", merged.Len())
	}
	var nilG *Gazetteer
	if nilG.Len() != 0 {
		t.Error("nil gazetteer is not empty")
	}
	if _, ok := nilG.Lookup("x"); ok {
		t.Error("nil gazetteer finds names")
	}
}

// TestGazetteerFromCuratedData loads the project's curated bundles, when present, and
// checks the curated names are then found in the Changning reply.
func TestGazetteerFromCuratedData(t *testing.T) {
	dir := filepath.Join("..", "data")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no curated data")
	}
	g, err := LoadGazetteer(dir)
	if err != nil {
		t.Fatal(err)
	}
	if g.Len() == 0 {
		t.Skip("curated data has no entities")
	}
	r, _ := extractDoc(t, "changning", Options{Gazetteer: g})
	found := 0
	for _, e := range r.Entities {
		for _, s := range e.Sources {
			if s.Method == "rule:gazetteer" {
				found++
				break
			}
		}
	}
	t.Logf("%d curated entities known, %d found by the gazetteer in the Changning reply", g.Len(), found)
	if found == 0 {
		t.Error("no curated name found in the text it was curated from")
	}
}
