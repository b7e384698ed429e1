package export

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoDriverLinked keeps the extractor and the exporter free of the Neo4j driver (and of
// Prometheus): they read bundles and records only (packages bundle and store/record).
func TestNoDriverLinked(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps",
		"github.com/policygraph/policygraph/extract", "github.com/policygraph/policygraph/export").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, banned := range []string{"github.com/neo4j/", "github.com/prometheus/", "github.com/policygraph/policygraph/store"} {
			if strings.HasPrefix(pkg, banned) && pkg != "github.com/policygraph/policygraph/store/record" {
				t.Errorf("extract or export links %s", pkg)
			}
		}
	}
}
