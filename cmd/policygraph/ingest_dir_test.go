package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/extract"
	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/read/readtest"
	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/storetest"
)

// TestIngestExtractDir ingests a folder of mixed files into a real Neo4j: the good ones
// become documents (one transaction each), the duplicate is skipped, each bad file is one
// line of the closing table with its reason, and nothing of the bad files is written.
func TestIngestExtractDir(t *testing.T) {
	s := storetest.Open(t)
	storetest.Reset(t, s)
	ctx := context.Background()
	root := storetest.RepoRoot(t)
	txt, err := os.ReadFile(filepath.Join(root, "data/documents/changning-2023-proposal-044-reply.txt"))
	if err != nil {
		t.Fatal(err)
	}
	notice := readtest.Chrome("关于开展小微企业研发补贴申报的通知", "某区科学技术委员会", "2024-03-01", []string{
		"关于开展小微企业研发补贴申报的通知",
		"各有关单位：",
		"为支持小微企业开展研发活动，区科委受理本年度研发补贴申请。补贴按上年度研发投入的10%核定，单家企业最高50万元。",
		"请于2024年5月31日前通过区政务服务平台提交申请。",
		"某区科学技术委员会",
		"2024年3月1日",
	}, nil)
	dir := t.TempDir()
	files := map[string][]byte{
		"changning.txt":             txt,
		"more/copy-of-changning.md": txt,
		"more/notice.html":          []byte(notice),
		"bad/cut.pdf":               []byte("%PDF-1.7\n1 0 obj <<"),
		"bad/empty.txt":             nil,
		"bad/photo.docx":            []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
		"bad/nav.html":              []byte(readtest.Chrome("首页", "某局", "2024-01-01", nil, nil)),
		".hidden/skipped.txt":       []byte("不读隐藏文件夹。"),
	}
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stderr bytes.Buffer
	rep, err := ingestExtractDir(ctx, s, dir, &extract.Gazetteer{}, ingest.Options{}, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	out := stderr.String()
	t.Log("\n" + out)
	want := []string{
		"bad/cut.pdf        failed   the file is damaged: poppler: ",
		"bad/empty.txt      failed   the file is empty",
		"bad/nav.html       failed   no main text: ",
		"bad/photo.docx     failed   unknown format: a PNG image",
		"changning.txt      ok       text, 37 passages, ",
		"more/copy-of-changning.md  skipped  same content as changning.txt",
		"more/notice.html   ok       html, 6 passages, ",
		"2 ok, 1 skipped, 4 failed (of 7 files) written",
	}
	for _, w := range want {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), strings.Join(strings.Fields(w), " ")) {
			t.Errorf("closing table lacks %q", w)
		}
	}
	if len(rep.Documents) != 2 {
		t.Errorf("%d documents reported, want 2", len(rep.Documents))
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// the two files, and the proposal the Changning reply answers (a Document it names)
	if st.Documents != 3 {
		t.Errorf("%d documents in the graph, want 3", st.Documents)
	}

	// Again: the same content, nothing changes; a folder of bad files only fails.
	stderr.Reset()
	if _, err := ingestExtractDir(ctx, s, dir, &extract.Gazetteer{}, ingest.Options{}, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr.String(), "0 change(s)") {
		t.Errorf("re-ingest changed something:\n%s", stderr.String())
	}
	stderr.Reset()
	_, err = ingestExtractDir(ctx, s, filepath.Join(dir, "bad"), &extract.Gazetteer{}, ingest.Options{}, &stderr)
	if err == nil || err.Error() != "ingest: no file could be ingested" {
		t.Errorf("folder of bad files: err = %v", err)
	}
	if st2, _ := s.Stats(ctx); st2.Nodes != st.Nodes || st2.Rels != st.Rels {
		t.Errorf("bad files wrote something: %+v → %+v", st, st2)
	}
}

// TestIngestExtractDirOCR ingests a folder holding an image-only PDF (a page printed from a
// screenshot: no text layer). Without --ocr the file fails with the one-line message and
// nothing is written; with --ocr it is read by tesseract, and every fact read from it is
// marked ocr+rule:NAME with the lowered confidence and page 1 in its provenance.
func TestIngestExtractDirOCR(t *testing.T) {
	readtest.Need(t, "chromium", "pdftotext", "tesseract")
	s := storetest.Open(t)
	storetest.Reset(t, s)
	ctx := context.Background()
	dir, work := t.TempDir(), t.TempDir()
	page := filepath.Join(work, "scan.html")
	if err := os.WriteFile(page, []byte(readtest.ScanPage([]string{
		"关于做好创新券申领工作的通知",
		"各有关企业：",
		"为降低企业研发成本，区科学技术委员会向小微企业发放创新券。每家企业每年最多申领20万元。",
		"请于2025年6月30日前提交申请。",
		"某区科学技术委员会",
	})), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := readtest.ImagePDF(ctx, page, filepath.Join(dir, "scan.pdf"), 1); err != nil {
		t.Fatal(err)
	}
	before, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		ocr  bool
		want string // in the closing table
	}{
		{"without --ocr", false, "scan.pdf failed no text layer: pages 1 have no text layer; run with --ocr"},
		{"with --ocr", true, "scan.pdf ok pdf, "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			_, err := ingestExtractDir(ctx, s, dir, &extract.Gazetteer{}, ingest.Options{OCR: tc.ocr}, &stderr)
			out := strings.Join(strings.Fields(stderr.String()), " ")
			t.Log("\n" + stderr.String())
			if !strings.Contains(out, tc.want) {
				t.Errorf("closing table lacks %q", tc.want)
			}
			st, serr := s.Stats(ctx)
			if serr != nil {
				t.Fatal(serr)
			}
			if !tc.ocr {
				if err == nil || err.Error() != "ingest: no file could be ingested" {
					t.Errorf("err = %v, want no file could be ingested", err)
				}
				if st.Nodes != before.Nodes || st.Rels != before.Rels {
					t.Errorf("a file without a text layer wrote something: %+v → %+v", before, st)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, ", OCR,") {
				t.Errorf("the ok row does not say OCR: %s", out)
			}
			facts := 0
			if err := s.EachNode(ctx, func(n store.Node, qs []store.QuantityRecord) error {
				if n.Kind == model.KindDocument {
					// the page of every passage, for the provenance's page (graph/page.go)
					if pp, _ := n.Props["passagePages"].([]any); n.Props["path"] != nil && (len(pp) == 0 || pp[0] != int64(1)) {
						t.Errorf("%s: passagePages %v, want page 1", n.ID, n.Props["passagePages"])
					}
					return nil
				}
				facts++
				if !strings.HasPrefix(n.Method, "ocr+rule:") || n.Confidence > 0.7 {
					t.Errorf("%s: method %q confidence %.2f, want ocr+rule:… at most 0.70", n.ID, n.Method, n.Confidence)
				}
				for _, q := range qs {
					facts++
					if !strings.HasPrefix(q.Method, "ocr+rule:") || q.Confidence > 0.7 {
						t.Errorf("figure %s: method %q confidence %.2f", q.ID, q.Method, q.Confidence)
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if facts == 0 {
				t.Error("nothing extracted from the OCR text")
			}
		})
	}
}
