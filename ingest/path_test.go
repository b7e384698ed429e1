package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/storetest"
)

// TestDocumentPathStaysInTheBundleFolder: document.path that is absolute, climbs out with
// "..", is a symlink leading out, or names a device is refused with the bundle's file:line
// and field, and nothing is written.
func TestDocumentPathStaysInTheBundleFolder(t *testing.T) {
	s := storetest.Open(t)
	storetest.Reset(t, s)
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secret, []byte("不应被读取的文件\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ path, want string }{
		"absolute": {secret, "absolute path"},
		"device":   {"/dev/zero", "absolute path"},
		"climb":    {"../" + filepath.Base(outside) + "/secret.txt", "outside"},
		"symlink":  {"link.txt", "outside"},
		"folder":   {".", "not a regular file"},
		"missing":  {"nope.txt", "no such file"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(filepath.Dir(outside), "b-"+name+"-"+filepath.Base(outside))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(dir) })
			if err := os.Symlink(secret, filepath.Join(dir, "link.txt")); err != nil {
				t.Fatal(err)
			}
			body := strings.Replace(good(t), "path: sample.txt", "path: "+tc.path, 1)
			if err := os.WriteFile(filepath.Join(dir, "b.yaml"), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ingest.Run(context.Background(), s, []string{dir}, ingest.Options{})
			if err == nil || !strings.Contains(err.Error(), "b.yaml:3") || !strings.Contains(err.Error(), "document.path") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("path %q: %v", tc.path, err)
			}
			if st := stats(t, s); st.Nodes != 0 {
				t.Errorf("%d nodes written", st.Nodes)
			}
		})
	}
}
