package graph_test

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/curate"
	"github.com/policygraph/policygraph/read/readtest"
	"github.com/policygraph/policygraph/server"
	"github.com/policygraph/policygraph/storetest"
)

// docx builds a minimal Word document of paragraphs (what Word writes, reduced to the parts
// a reader needs).
func docx(t *testing.T, paras ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("[Content_Types].xml")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(w, `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`)
	w, err = zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(w, `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for _, p := range paras {
		fmt.Fprintf(w, `<w:p><w:r><w:t>%s</w:t></w:r></w:p>`, p)
	}
	fmt.Fprint(w, `</w:body></w:document>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestIngestDocumentFile uploads documents as files (base64): a DOCX and a web page with its
// chrome are recognised by content and ingested; a bad file gets its one-line reason; a
// file and a text together are refused, and so is a file over the upload limit.
func TestIngestDocumentFile(t *testing.T) {
	h, _ := staffServer(t)
	eve := bearer(t, "eve", "editor")
	q := `mutation($in: IngestInput!) { ingestDocument(input: $in) { changes documents { documentId } } }`
	paras := []string{"关于开展研发补贴申报的通知", "各有关单位：", "区科委设立研发补贴，支持科技型中小企业开展研发活动，每家企业最高补贴30万元。", "某区科学技术委员会", "2024年3月1日"}
	files := []struct {
		name, path string
		data       []byte
	}{
		{"docx", "upload.docx", docx(t, paras...)},
		// larger than GRAPHQL_MAX_STRING_BYTES (4 KiB) once base64: file is exempt, like text
		{"html", "upload.html", []byte(readtest.Chrome(paras[0], "某区科学技术委员会", "2024-03-01", paras, nil) + "<!--" + strings.Repeat("页面脚本占位", 400) + "-->")},
	}
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			var d struct {
				IngestDocument struct {
					Changes   int
					Documents []struct{ DocumentID string }
				}
			}
			r, raw := call(t, h, eve, q, map[string]any{"in": map[string]any{"file": base64.StdEncoding.EncodeToString(f.data), "title": paras[0] + "（" + f.name + "）"}})
			must(t, r, raw, &d)
			if len(d.IngestDocument.Documents) != 1 || d.IngestDocument.Changes == 0 {
				t.Fatalf("upload: %s", raw)
			}
			id := d.IngestDocument.Documents[0].DocumentID
			var doc struct {
				Node struct {
					Path  *string
					Title string
				}
			}
			r, raw = call(t, h, "", `query($id: ID!) { node(id: $id) { ... on Document { path title } } }`, map[string]any{"id": id})
			must(t, r, raw, &doc)
			if doc.Node.Path == nil || *doc.Node.Path != f.path {
				t.Errorf("document path: %s", raw)
			}
		})
	}
	bad := []struct {
		name string
		in   map[string]any
		want string
	}{
		{"png", map[string]any{"file": base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\n\x00\x00"))}, "file: upload.txt: unknown format: a PNG image"},
		{"not base64", map[string]any{"file": "%%%"}, "file: not base64"},
		{"both", map[string]any{"file": "YQ==", "text": "a"}, "give the text or the file, not both"},
		{"corrupt docx", map[string]any{"file": base64.StdEncoding.EncodeToString([]byte("PK\x03\x04broken"))}, "file: upload.docx: the file is damaged"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			r, raw := call(t, h, eve, q, map[string]any{"in": c.in})
			if code(r) != "BAD_USER_INPUT" || !strings.Contains(string(raw), c.want) {
				t.Errorf("got %s, want BAD_USER_INPUT with %q", raw, c.want)
			}
		})
	}

	// the limit counts the decoded file
	s := storetest.Open(t)
	cfg := server.DefaultConfig()
	cfg.RateLimitRPS = 0
	cfg.Auth.HS256Secret = []byte(testSecret)
	small := server.New(cfg, server.Deps{Store: s, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Curator: &curate.Service{Store: s, MaxUploadBytes: 100}})
	r, raw := call(t, small, eve, q, map[string]any{"in": map[string]any{"file": base64.StdEncoding.EncodeToString(files[0].data), "dryRun": true}})
	if code(r) != "BAD_USER_INPUT" || !strings.Contains(string(raw), "exceeds the limit of 100") {
		t.Errorf("over the limit: %s", raw)
	}
}
