package graph

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGqlgenCopiesChecked fails when go.mod names another gqlgen than the version
// graph/fastview.go, server/post.go and server/complexity.go were checked against, or
// replaces gqlgen.
func TestGqlgenCopiesChecked(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for i, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
		if len(f) < 2 || f[0] != "github.com/99designs/gqlgen" {
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), "replace ") || f[1] == "=>" {
			t.Errorf("go.mod:%d replaces gqlgen; the copies were checked against %s", i+1, GqlgenChecked)
		}
		found = append(found, f[1])
	}
	if len(found) != 1 {
		t.Fatalf("go.mod names gqlgen %d times (%v), want one require", len(found), found)
	}
	if found[0] != GqlgenChecked {
		t.Errorf("go.mod has gqlgen %s; the copies of its behaviour (graph/fastview.go, server/post.go, server/complexity.go) were checked against %s: compare them with the new version, then update GqlgenChecked", found[0], GqlgenChecked)
	}
}
