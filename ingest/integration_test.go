package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/storetest"
)

func writeBundle(t *testing.T, dir, body string) {
	t.Helper()
	sample, err := os.ReadFile("testdata/sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sample.txt"), sample, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "b.yaml"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func good(t *testing.T) string {
	b, err := os.ReadFile("testdata/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func stats(t *testing.T, s *store.Store) store.Stats {
	t.Helper()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestIngestIdempotentAndDiffed(t *testing.T) {
	s := storetest.Open(t)
	storetest.Reset(t, s)
	ctx := context.Background()
	dir := t.TempDir()
	writeBundle(t, dir, good(t))

	// Dry run: a plan, nothing written.
	rep, err := ingest.Run(ctx, s, []string{dir}, ingest.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	n, e, q := rep.Totals()
	if n.Created != 5 || e.Created != 3 || q.Created != 1 {
		t.Errorf("dry-run plan: nodes %+v edges %+v figures %+v", n, e, q)
	}
	if st := stats(t, s); st.Nodes != 0 {
		t.Fatalf("dry run wrote %d nodes", st.Nodes)
	}

	// First ingest writes everything.
	rep, err = ingest.Run(ctx, s, []string{dir}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Changes() != 9 {
		t.Errorf("first ingest: %d changes, want 9 (%s)", rep.Changes(), rep.Describe())
	}
	st := stats(t, s)
	if st.NodesByKind[model.KindEnterprise] != 2 || st.RelsByType["RECOGNIZES"] != 2 || st.Quantities != 1 {
		t.Errorf("graph after ingest: %+v", st)
	}

	// Second ingest of the same document: zero changes.
	rep, err = ingest.Run(ctx, s, []string{dir}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Changes() != 0 || !rep.Documents[0].Unchanged {
		t.Errorf("re-ingest: %d changes, want 0 (%s)", rep.Changes(), rep.Describe())
	}

	// A changed document: one recognition dropped, one alias added.
	changed := strings.Replace(good(t), `  - type: RECOGNIZES
    from: 示范区科技企业扶持办法
    to: 丙丁智能
    anchor: 对甲乙科技有限公司、丙丁智能予以认定
`, "", 1)
	changed = strings.Replace(changed, "aliases: [甲乙科技]", "aliases: [甲乙科技, 甲乙]", 1)
	writeBundle(t, dir, changed)
	rep, err = ingest.Run(ctx, s, []string{dir}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n, e, _ = rep.Totals()
	if e.Retracted != 1 || n.Updated != 1 || e.Created != 0 {
		t.Errorf("diff: nodes %+v edges %+v", n, e)
	}
	st = stats(t, s)
	if st.RelsByType["RECOGNIZES"] != 1 || st.RetractedFacts != 1 {
		t.Errorf("after diff: RECOGNIZES=%d retracted=%d", st.RelsByType["RECOGNIZES"], st.RetractedFacts)
	}
	found, _ := s.NodesByIDs(ctx, []string{"enterprise:甲乙科技有限公司"})
	if got := found["enterprise:甲乙科技有限公司"].Aliases; len(got) != 2 {
		t.Errorf("aliases after diff: %v", got)
	}

	// Restating the dropped fact brings it back.
	writeBundle(t, dir, good(t))
	if _, err := ingest.Run(ctx, s, []string{dir}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	if st := stats(t, s); st.RelsByType["RECOGNIZES"] != 2 {
		t.Errorf("restated fact not back: RECOGNIZES=%d", st.RelsByType["RECOGNIZES"])
	}
}

func TestBadInputWritesNothing(t *testing.T) {
	s := storetest.Open(t)
	storetest.Reset(t, s)
	ctx := context.Background()
	dir := t.TempDir()
	// One good bundle and one broken one in the same run: neither is written.
	writeBundle(t, dir, good(t))
	bad := strings.Replace(good(t), "figure: 最高50万元", "figure: 若干", 1)
	bad = strings.Replace(bad, "title: 关于", "title: 另一份关于", 1)
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ingest.Run(ctx, s, []string{dir}, ingest.Options{})
	if err == nil || !strings.Contains(err.Error(), "c.yaml:39: quantities[0].figure") {
		t.Fatalf("want an error at c.yaml:39, got %v", err)
	}
	if st := stats(t, s); st.Nodes != 0 || st.Rels != 0 {
		t.Errorf("graph changed by a failed run: %+v", st)
	}
}

func TestChangningIngestTwiceIsZeroChanges(t *testing.T) {
	s := storetest.Open(t)
	rep := storetest.SeedChangning(t, s)
	if rep.Changes() == 0 {
		t.Fatal("first ingest of the corpus wrote nothing")
	}
	t.Logf("first ingest: %s", rep.Describe())
	rep2, err := ingest.Run(context.Background(), s, []string{filepath.Join(storetest.RepoRoot(t), "data")}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep2.Changes() != 0 {
		t.Errorf("second ingest: %s, want 0 changes", rep2.Describe())
	}
	t.Logf("second ingest: %s", rep2.Describe())
}

// TestCrossBundleReferences: a bundle may name entities and the document of another bundle
// of the same run; the other bundle is written first, whatever the file order.
func TestCrossBundleReferences(t *testing.T) {
	s := storetest.Open(t)
	storetest.Reset(t, s)
	ctx := context.Background()
	dir := t.TempDir()
	writeBundle(t, dir, good(t)) // b.yaml declares 甲乙科技有限公司 and its document
	a := `schemaVersion: 1
document:
  path: sample.txt
  title: 关于示范区的另一份说明
entities:
  - kind: Program
    name: 示范区认定工作
    anchor: 予以认定
relations:
  - type: PARTICIPATES_IN
    from: 甲乙科技
    to: 示范区认定工作
    anchor: 对甲乙科技有限公司、丙丁智能予以认定
  - type: RESPONDS_TO
    from: 示范区认定工作
    to: document:关于支持示范区科技企业发展的实施细则
    anchor: 实施细则
`
	if err := os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(a), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := ingest.Run(ctx, s, []string{dir}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Documents) != 2 || rep.Documents[0].DocumentID != "document:关于支持示范区科技企业发展的实施细则" {
		t.Fatalf("the referenced bundle was not written first: %+v", rep.Documents)
	}
	if st := stats(t, s); st.RelsByType["PARTICIPATES_IN"] != 1 || st.RelsByType["RESPONDS_TO"] != 1 {
		t.Errorf("cross-bundle relations missing: %+v", st.RelsByType)
	}
}

// TestWindowedIngest streams files one at a time; a later file refers to an earlier one by id.
func TestWindowedIngest(t *testing.T) {
	s := storetest.Open(t)
	storetest.Reset(t, s)
	ctx := context.Background()
	dir := t.TempDir()
	writeBundle(t, dir, good(t))
	c := `schemaVersion: 1
document:
  path: sample.txt
  title: 关于示范区的另一份说明
relations:
  - type: MEMBER_OF
    from: enterprise:丙丁智能
    to: enterprise:甲乙科技有限公司
    anchor: 对甲乙科技有限公司、丙丁智能予以认定
`
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(c), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := ingest.Run(ctx, s, []string{dir}, ingest.Options{Window: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Documents) != 2 {
		t.Fatalf("want 2 documents, got %d", len(rep.Documents))
	}
	if st := stats(t, s); st.RelsByType["MEMBER_OF"] != 1 || st.NodesByKind[model.KindDocument] != 2 {
		t.Errorf("windowed ingest: %+v %+v", st.RelsByType, st.NodesByKind)
	}
}
