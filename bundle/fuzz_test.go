package bundle

import (
	"errors"
	"os"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the bundle parser: it must never panic, and every
// failure must be a list of located errors.
func FuzzParse(f *testing.F) {
	good, err := os.ReadFile("../ingest/testdata/good.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add("b.yaml", good)
	f.Add("b.json", []byte(`{"schemaVersion":1,"document":{"path":"x.txt","title":"t"},"entities":[{"kind":"Policy","name":"p","anchor":"a"}]}`))
	f.Add("b.yaml", []byte("schemaVersion: 1\nentities: [[\n"))
	f.Add("b.yaml", []byte("\xff\xfe"))
	f.Add("b.yaml", []byte("&a [*a, *a]"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		b, err := Parse(name, data)
		if err == nil {
			if b == nil {
				t.Fatal("nil bundle without error")
			}
			return
		}
		var es Errors
		if !errors.As(err, &es) || len(es) == 0 {
			t.Fatalf("error is not a located Errors list: %T %v", err, err)
		}
		for _, e := range es {
			if e.Line < 0 || e.Msg == "" {
				t.Fatalf("bad error %+v", e)
			}
		}
	})
}
