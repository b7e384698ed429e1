package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
)

// refusingWriter records writes; validation tests assert that none happen.
type refusingWriter struct{ writes int }

func (w *refusingWriter) ApplyDocument(ctx context.Context, d store.DocumentWrite, dry bool) (store.Summary, error) {
	w.writes++
	return store.Summary{}, nil
}

func (w *refusingWriter) ExistingEntities(ctx context.Context, ids []string) (map[string]model.Kind, error) {
	return map[string]model.Kind{}, nil
}

func readGood(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// setup writes files into a temp dir beside a copy of the sample document.
func setup(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	sample, err := os.ReadFile("testdata/sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sample.txt"), sample, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestGoodBundlePlans(t *testing.T) {
	dir := setup(t, map[string]string{"good.yaml": readGood(t)})
	w := &refusingWriter{}
	rep, err := Run(context.Background(), w, []string{dir}, Options{})
	if err != nil {
		t.Fatalf("good bundle: %v", err)
	}
	if w.writes != 1 || len(rep.Documents) != 1 {
		t.Fatalf("want one document written, got %d writes", w.writes)
	}
}

func TestPlanProvenanceAndFigures(t *testing.T) {
	dir := setup(t, map[string]string{"good.yaml": readGood(t)})
	b, err := bundle.ParseFile(filepath.Join(dir, "good.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ws, err := Plan(context.Background(), []*bundle.Bundle{b}, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := ws[0]
	if got, want := len(w.Nodes), 4; got != want {
		t.Fatalf("nodes: got %d want %d", got, want)
	}
	for _, n := range w.Nodes {
		if len(n.Sources) == 0 || n.Sources[0].Quote == "" {
			t.Errorf("%s has no quoted source", n.ID)
		}
	}
	e := w.Edges[0]
	if e.Type != model.RelDerivedFrom || e.From != "policy:示范区科技企业扶持办法" || e.To != "policy:示范区促进创新的若干意见" {
		t.Errorf("derived-from edge resolved wrongly: %+v", e)
	}
	if q := e.Sources[0].Quote; q != "根据《示范区促进创新的若干意见》，示范区制定了《示范区科技企业扶持办法》" {
		t.Errorf("quote = %q", q)
	}
	if p := e.Sources[0].Passage; p != 2 && p != 3 {
		t.Errorf("passage = %d, want the paragraph of the sentence", p)
	}
	q := w.Quantities[0]
	if q.Value != 500000 || q.Unit != "CNY" || q.Qualifier != "<=" {
		t.Errorf("figure: %+v", q.Quantity)
	}
	// Same input, same plan: ids and hashes are deterministic.
	ws2, _ := Plan(context.Background(), []*bundle.Bundle{b}, nil)
	if ws2[0].PlanHash != w.PlanHash {
		t.Error("plan hash is not deterministic")
	}
}

func TestBadInput(t *testing.T) {
	good := readGood(t)
	cases := []struct {
		name  string
		files map[string]string
		want  []string // substrings of the error, in order: file:line, field, message
	}{
		{"malformed YAML", map[string]string{"b.yaml": strings.Replace(good, "kind: Enterprise\n    name: 丙丁智能", "kind: Enterprise\n   name: [丙丁智能", 1)},
			[]string{"b.yaml:", "malformed YAML"}},
		{"malformed JSON", map[string]string{"b.json": `{"schemaVersion": 1,` + "\n" + `"document": {"path": "sample.txt",}}`},
			[]string{"b.json:2", "malformed JSON"}},
		{"unknown kind", map[string]string{"b.yaml": strings.Replace(good, "kind: Enterprise\n    name: 丙丁智能", "kind: Company\n    name: 丙丁智能", 1)},
			[]string{"b.yaml:20", "entities[3].kind", `unknown kind "Company"`}},
		{"unknown relationship type", map[string]string{"b.yaml": strings.Replace(good, "type: DERIVED_FROM", "type: BASED_ON", 1)},
			[]string{"b.yaml:24", "relations[0].type", `unknown relationship type "BASED_ON"`}},
		{"missing required field", map[string]string{"b.yaml": strings.Replace(good, "    name: 丙丁智能\n", "", 1)},
			[]string{"b.yaml:20", "entities[3].name", "missing"}},
		{"reference to nothing", map[string]string{"b.yaml": strings.Replace(good, "to: 丙丁智能", "to: 戊己科技", 1)},
			[]string{"b.yaml:34", "relations[2].to", `no entity named "戊己科技"`}},
		{"unknown id reference", map[string]string{"b.yaml": strings.Replace(good, "to: 丙丁智能", "to: enterprise:戊己科技", 1)},
			[]string{"b.yaml:34", "relations[2].to", `no entity "enterprise:戊己科技"`}},
		{"unparsable figure", map[string]string{"b.yaml": strings.Replace(good, "figure: 最高50万元", "figure: 很多钱", 1)},
			[]string{"b.yaml:39", "quantities[0].figure", "cannot parse figure"}},
		{"anchor not in document", map[string]string{"b.yaml": strings.Replace(good, "anchor: 丙丁智能\n", "anchor: 戊己科技\n", 1)},
			[]string{"b.yaml:22", "entities[3].anchor", `anchor "戊己科技" does not occur`}},
		{"anchor ambiguous", map[string]string{"b.yaml": strings.Replace(good, "anchor: 丙丁智能\n", "anchor: 示范区\n", 1)},
			[]string{"b.yaml:22", "entities[3].anchor", "occurs"}},
		{"bad property value", map[string]string{"b.yaml": strings.Replace(good, "level: DISTRICT, policyType: opinions", "level: COUNTY, policyType: opinions", 1)},
			[]string{"b.yaml:9", "entities[0].props.level", `"COUNTY" is not one of`}},
		{"unknown STIP code", map[string]string{"b.yaml": strings.Replace(good, "GRANTS_BUSINESS_RD", "FREE_MONEY", 1)},
			[]string{"b.yaml:14", "stipInstruments", `unknown STIP instrument code "FREE_MONEY"`}},
		{"unknown field", map[string]string{"b.yaml": strings.Replace(good, "    aliases: [甲乙科技]\n", "    alias: [甲乙科技]\n", 1)},
			[]string{"b.yaml:18", "entities[2].alias", "unknown field"}},
		{"unsupported schema version", map[string]string{"b.yaml": strings.Replace(good, "schemaVersion: 1", "schemaVersion: 7", 1)},
			[]string{"b.yaml:1", "schemaVersion", "unsupported version 7"}},
		{"bundle not UTF-8", map[string]string{"b.yaml": strings.Replace(good, "丙丁智能\n", "\xb1\xfb\xb6\xa1\n", 1)},
			[]string{"b.yaml:21", "not valid UTF-8"}},
		{"document not text", map[string]string{"b.yaml": strings.Replace(good, "path: sample.txt", "path: binary.txt", 1), "binary.txt": "\x00\x01\x02binary\x00\x00\xff"},
			[]string{"b.yaml:3", "document.path", "binary.txt"}},
		{"conflicting data across bundles", map[string]string{
			"a.yaml": good,
			"b.yaml": strings.Replace(strings.Replace(good, "level: DISTRICT, policyType: opinions", "level: MUNICIPAL, policyType: opinions", 1), "title: 关于", "title: 另一份关于", 1)},
			[]string{"b.yaml:9", "props.level", "conflicting data"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := setup(t, tc.files)
			w := &refusingWriter{}
			_, err := Run(context.Background(), w, []string{dir}, Options{})
			if err == nil {
				t.Fatal("want an error, got none")
			}
			if w.writes != 0 {
				t.Errorf("%d document(s) written despite the error", w.writes)
			}
			if !errors.Is(err, fault.ErrInvalidInput) {
				t.Errorf("error does not wrap ErrInvalidInput: %v", err)
			}
			msg := err.Error()
			rest := msg
			for _, want := range tc.want {
				i := strings.Index(rest, want)
				if i < 0 {
					t.Fatalf("error lacks %q (in order):\n%s", want, msg)
				}
				rest = rest[i+len(want):]
			}
		})
	}
}
