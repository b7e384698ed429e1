package bundle_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/policygraph/policygraph/bundle"
)

// schemaFile is the JSON Schema of the bundle format, kept at the repository root so that
// editors find it; this package owns it: the tests below hold it to the parser.
const schemaFile = "../schema/bundle.schema.json"

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(schemaFile)
	if err != nil {
		t.Fatalf("compile %s: %v", schemaFile, err)
	}
	return sch
}

// asJSON turns a YAML (or JSON) bundle into the values a JSON decoder gives, which is what
// the validator expects.
func asJSON(t *testing.T, name string, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	js, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return inst
}

// TestDataValidatesAgainstSchema: every bundle under data/ (the default corpus) and the
// ingest test bundle parse and validate against schema/bundle.schema.json.
func TestDataValidatesAgainstSchema(t *testing.T) {
	sch := compileSchema(t)
	files, err := bundle.BundleFiles([]string{"../data", "../ingest/testdata/good.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("found %d bundle files, want the data/ corpus and good.yaml", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := bundle.ParseFile(f)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if b.SchemaVersion != bundle.SchemaVersion {
				t.Fatalf("schemaVersion %d, want %d", b.SchemaVersion, bundle.SchemaVersion)
			}
			data := mustRead(t, f)
			if err := sch.Validate(asJSON(t, f, data)); err != nil {
				t.Fatalf("%s does not validate against %s: %v", f, schemaFile, err)
			}
		})
	}
}

// TestSchemaRejects: the schema is not vacuous; it refuses what the parser refuses.
func TestSchemaRejects(t *testing.T) {
	sch := compileSchema(t)
	for _, tc := range []struct{ name, yaml string }{
		{"no document", "schemaVersion: 1\n"},
		{"wrong version", "schemaVersion: 2\ndocument: {path: a.txt, title: t}\n"},
		{"unknown top-level field", "schemaVersion: 1\ndocument: {path: a.txt, title: t}\nextra: 1\n"},
		{"unknown entity field", "schemaVersion: 1\ndocument: {path: a.txt, title: t}\nentities: [{kind: Policy, name: n, anchor: a, colour: red}]\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := sch.Validate(asJSON(t, tc.name, []byte(tc.yaml))); err == nil {
				t.Fatalf("schema accepts %q", tc.yaml)
			}
			if _, err := bundle.Parse(tc.name+".yaml", []byte(tc.yaml)); err == nil {
				t.Fatalf("parser accepts %q", tc.yaml)
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
