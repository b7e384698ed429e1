package safepath

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// tree lays out root/{doc.txt, sub/inner.txt, big.txt, in-link -> doc.txt, out-link -> ../secret.txt,
// fifo} beside root/../secret.txt.
func tree(t testing.TB) string {
	t.Helper()
	base := t.TempDir()
	root := filepath.Join(base, "root")
	write := func(p, s string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(base, "secret.txt"), "secret")
	write(filepath.Join(root, "doc.txt"), "正文")
	write(filepath.Join(root, "sub", "inner.txt"), "inner")
	write(filepath.Join(root, "big.txt"), strings.Repeat("x", 2048))
	if err := os.Symlink("doc.txt", filepath.Join(root, "in-link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("..", "secret.txt"), filepath.Join(root, "out-link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(root, "zero-link")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

func TestReadFile(t *testing.T) {
	root := tree(t)
	tests := []struct {
		name string
		max  int64
		want string
		err  error
	}{
		{name: "doc.txt", max: 1024, want: "正文"},
		{name: "sub/inner.txt", max: 1024, want: "inner"},
		{name: "sub/../doc.txt", max: 1024, want: "正文"},
		{name: "in-link", max: 1024, want: "正文"},
		{name: "big.txt", max: 0, want: strings.Repeat("x", 2048)},
		{name: "big.txt", max: 1024, err: ErrTooLarge},
		{name: "../secret.txt", max: 1024, err: ErrOutside},
		{name: "sub/../../secret.txt", max: 1024, err: ErrOutside},
		{name: "out-link", max: 1024, err: ErrOutside},
		{name: "zero-link", max: 1024, err: ErrOutside},
		{name: "/etc/passwd", max: 1024, err: ErrOutside},
		{name: "/dev/zero", max: 1024, err: ErrOutside},
		{name: "fifo", max: 1024, err: ErrNotRegular},
		{name: "sub", max: 1024, err: ErrNotRegular},
		{name: "missing.txt", max: 1024, err: ErrNotFound},
		{name: "", max: 1024, err: ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadFile(root, tt.name, tt.max)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("ReadFile(%q) error = %v, want %v", tt.name, err, tt.err)
				}
				var pe *Error
				if !errors.As(err, &pe) || pe.Name != tt.name {
					t.Fatalf("error %v does not name the file %q", err, tt.name)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadFile(%q): %v", tt.name, err)
			}
			if string(got) != tt.want {
				t.Fatalf("ReadFile(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

func FuzzReadFile(f *testing.F) {
	for _, s := range []string{"doc.txt", "../secret.txt", "out-link", "/etc/passwd", "a/../../b", "fifo", "in-link/x"} {
		f.Add(s)
	}
	root := tree(f)
	f.Fuzz(func(t *testing.T, name string) {
		b, err := ReadFile(root, name, 4096)
		if err == nil && string(b) == "secret" {
			t.Fatalf("ReadFile(%q) read the file outside the root", name)
		}
	})
}
