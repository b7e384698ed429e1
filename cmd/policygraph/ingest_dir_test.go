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
	"github.com/policygraph/policygraph/read/readtest"
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
