package graph_test

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/policygraph/policygraph/read/readtest"
)

// TestPageAndAddressees uploads a two-page PDF printed by Chromium from a notice written for
// this test: a fact on page 2 has page 2 and pageParagraph 1 in its provenance (第 2 页 第
// 1 段), one on page 1 its paragraph on that page, and the document's addressees come from
// its salutation line.
func TestPageAndAddressees(t *testing.T) {
	readtest.Need(t, "chromium", "pdftotext")
	dir := t.TempDir()
	page := `<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{font-family:"Noto Sans CJK SC";font-size:16px}</style></head><body>
<p>关于支持创新联合体建设的通知</p>
<p>各区科技主管部门，各有关单位：</p>
<p>为推动产学研协同，区科学技术委员会支持企业牵头组建创新联合体。</p>
<p style="break-before:page">上海云帆智能科技有限公司牵头组建的联合体，给予最高100万元资助。</p>
<p>某区科学技术委员会</p>
<p>2024年5月6日</p>
</body></html>`
	in, out := filepath.Join(dir, "notice.html"), filepath.Join(dir, "notice.pdf")
	if err := os.WriteFile(in, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := readtest.ChromiumPDF(context.Background(), in, out, false); err != nil {
		t.Fatal(err)
	}
	pdf, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := staffServer(t)
	var up struct {
		IngestDocument struct{ Documents []struct{ DocumentID string } }
	}
	r, raw := call(t, h, bearer(t, "eve", "editor"), `mutation($in: IngestInput!) { ingestDocument(input: $in) { documents { documentId } } }`,
		map[string]any{"in": map[string]any{"file": base64.StdEncoding.EncodeToString(pdf)}})
	must(t, r, raw, &up)
	if len(up.IngestDocument.Documents) != 1 {
		t.Fatalf("upload: %s", raw)
	}
	docID := up.IngestDocument.Documents[0].DocumentID
	type source struct {
		DocumentID          string
		Page, PageParagraph *int
	}
	var d struct {
		Doc      struct{ Addressees []string }
		Ent, Org struct{ Sources []source }
	}
	r, raw = call(t, h, "", `query($doc: ID!) {
		doc: node(id: $doc) { ... on Document { addressees } }
		ent: node(id: "enterprise:上海云帆智能科技有限公司") { sources { documentId page pageParagraph } }
		org: node(id: "organization:区科学技术委员会") { sources { documentId page pageParagraph } } }`, map[string]any{"doc": docID})
	must(t, r, raw, &d)
	if want := []string{"各区科技主管部门", "各有关单位"}; !slices.Equal(d.Doc.Addressees, want) {
		t.Errorf("addressees %q, want %q", d.Doc.Addressees, want)
	}
	for _, c := range []struct {
		name       string
		srcs       []source
		page, para int
	}{
		{"enterprise on page 2", d.Ent.Sources, 2, 1},
		{"organisation on page 1", d.Org.Sources, 1, 3},
	} {
		if len(c.srcs) == 0 {
			t.Errorf("%s: no sources: %s", c.name, raw)
			continue
		}
		s := c.srcs[0]
		if s.DocumentID != docID || s.Page == nil || s.PageParagraph == nil || *s.Page != c.page || *s.PageParagraph != c.para {
			t.Errorf("%s: first source %+v, want page %d paragraph %d: %s", c.name, s, c.page, c.para, raw)
		}
	}
}
