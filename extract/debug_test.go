package extract

import (
	"os"
	"testing"
)

// TestDebugDoc prints the entities of one document: DEBUG_DOC=changning go test -run TestDebugDoc -v
func TestDebugDoc(t *testing.T) {
	name := os.Getenv("DEBUG_DOC")
	if name == "" {
		t.Skip("set DEBUG_DOC")
	}
	r, _ := extractDoc(t, name, Options{})
	for _, e := range r.Entities {
		t.Logf("%s %s %v [%s %.2f] %q", e.Kind, e.Name, e.Aliases, e.Sources[0].Method, e.Sources[0].Confidence, e.Sources[0].Quote)
	}
	for _, rel := range r.Relations {
		t.Logf("%s %s -> %s [%s] %q", rel.Type, rel.From, rel.To, rel.Sources[0].Method, rel.Sources[0].Quote)
	}
	for _, q := range r.Quantities {
		t.Logf("Q %s | %s | %v %s %s | %s", q.Subject, q.What, q.Value, q.Unit, q.Qualifier, q.Raw)
	}
}
