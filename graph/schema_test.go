package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/google/go-cmp/cmp"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"

	"github.com/policygraph/policygraph/graph/generated"
	"github.com/policygraph/policygraph/graph/gqlmodel"
	sdl "github.com/policygraph/policygraph/graph/schema"
	"github.com/policygraph/policygraph/model"
)

// committedSchema parses the served schema.graphqls at the module root.
func committedSchema(t *testing.T) *ast.Schema {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "schema.graphqls"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(b)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sourceSchema parses the SDL sources under graph/schema as gqlgen reads them (all files,
// in name order, the codegen-only declarations included).
func sourceSchema(t *testing.T) *ast.Schema {
	t.Helper()
	names, err := fs.Glob(sdl.Files(), "*.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	var srcs []*ast.Source
	for _, n := range names {
		src, err := sdl.Source(n)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, &ast.Source{Name: n, Input: src})
	}
	s, err := gqlparser.LoadSchema(srcs...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// withoutCodegen removes gqlgen's goField directive (declaration and uses) from s.
func withoutCodegen(s *ast.Schema) *ast.Schema {
	delete(s.Directives, "goField")
	for _, def := range s.Types {
		for _, f := range def.Fields {
			f.Directives = slices.DeleteFunc(f.Directives, func(d *ast.Directive) bool { return d.Name == "goField" })
		}
	}
	return s
}

// formatBare formats s without comments (the concatenation adds a "# --- file ---" line per file).
func formatBare(s *ast.Schema) string {
	var b strings.Builder
	formatter.NewFormatter(&b).FormatSchema(s)
	return b.String()
}

func format(s *ast.Schema) string {
	var b strings.Builder
	formatter.NewFormatter(&b, formatter.WithComments()).FormatSchema(s)
	return b.String()
}

// TestCommittedSchemaIsConcatenation fails when a file under graph/schema changed and the
// root schema.graphqls was not regenerated (go generate ./graph).
func TestCommittedSchemaIsConcatenation(t *testing.T) {
	want, err := sdl.Concat()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "schema.graphqls"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("schema.graphqls is not the concatenation of graph/schema/*.graphqls; run go generate ./graph (-want +got):\n%s", diff)
	}
}

// TestGeneratedSchemaMatchesSDL fails when graph/schema/*.graphqls was changed without
// running go generate ./graph (the generated code embeds the schema it was generated from),
// and when the served schema is anything but those sources without the codegen directive.
func TestGeneratedSchemaMatchesSDL(t *testing.T) {
	generatedSchema := generated.NewExecutableSchema(generated.Config{}).Schema()
	if diff := cmp.Diff(format(sourceSchema(t)), format(generatedSchema)); diff != "" {
		t.Errorf("generated schema differs from graph/schema/*.graphqls; run go generate ./graph (-sources +generated):\n%s", diff)
	}
	servedSchema := NewExecutableSchema(nil).Schema()
	if servedSchema.Directives["goField"] != nil {
		t.Error("the served schema declares gqlgen's goField")
	}
	if diff := cmp.Diff(formatBare(withoutCodegen(sourceSchema(t))), formatBare(servedSchema)); diff != "" {
		t.Errorf("served schema differs from the sources without @goField (-sources +served):\n%s", diff)
	}
	if diff := cmp.Diff(format(committedSchema(t)), format(servedSchema)); diff != "" {
		t.Errorf("served schema differs from schema.graphqls (-committed +served):\n%s", diff)
	}
}

const introspectionQuery = `{ __schema { types { kind name
	fields { name type { ...T } args { name defaultValue type { ...T } } }
	inputFields { name defaultValue type { ...T } }
	interfaces { name } possibleTypes { name } enumValues { name } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`

type introType struct {
	Kind, Name string
	OfType     *introType
}

func (t *introType) String() string {
	switch {
	case t == nil:
		return ""
	case t.Kind == "NON_NULL":
		return t.OfType.String() + "!"
	case t.Kind == "LIST":
		return "[" + t.OfType.String() + "]"
	}
	return t.Name
}

// TestServedSchemaMatchesSDL asks the running executor for its schema by introspection, as
// a client would, and compares every type, field, argument, default and enum value with
// schema.graphqls.
func TestServedSchemaMatchesSDL(t *testing.T) {
	srv := handler.New(NewExecutableSchema(nil))
	srv.AddTransport(transport.POST{})
	srv.Use(extension.Introspection{})
	var resp struct {
		Schema struct {
			Types []struct {
				Kind, Name string
				Fields     []struct {
					Name string
					Type *introType
					Args []struct {
						Name         string
						DefaultValue *string
						Type         *introType
					}
				}
				InputFields []struct {
					Name         string
					DefaultValue *string
					Type         *introType
				}
				Interfaces, PossibleTypes, EnumValues []struct{ Name string }
			}
		} `json:"__schema"`
	}
	client.New(srv).MustPost(introspectionQuery, &resp)

	var served []string
	for _, ty := range resp.Schema.Types {
		if strings.HasPrefix(ty.Name, "__") || isBuiltinScalar(ty.Name) {
			continue
		}
		served = append(served, ty.Kind+" "+ty.Name)
		for _, f := range ty.Fields {
			var args []string
			for _, a := range f.Args {
				args = append(args, a.Name+": "+a.Type.String()+defaultOf(a.DefaultValue))
			}
			served = append(served, fmt.Sprintf("%s.%s(%s): %s", ty.Name, f.Name, strings.Join(args, ", "), f.Type))
		}
		for _, f := range ty.InputFields {
			served = append(served, fmt.Sprintf("%s.%s: %s%s", ty.Name, f.Name, f.Type, defaultOf(f.DefaultValue)))
		}
		for _, l := range [][]struct{ Name string }{ty.Interfaces, ty.PossibleTypes, ty.EnumValues} {
			for _, v := range l {
				served = append(served, ty.Name+" ~ "+v.Name)
			}
		}
	}

	var committed []string
	s := committedSchema(t)
	for _, def := range s.Types {
		if def.BuiltIn || strings.HasPrefix(def.Name, "__") {
			continue
		}
		committed = append(committed, kindName(def.Kind)+" "+def.Name)
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if def.Kind == ast.InputObject {
				committed = append(committed, fmt.Sprintf("%s.%s: %s%s", def.Name, f.Name, f.Type, defaultOfValue(f.DefaultValue)))
				continue
			}
			var args []string
			for _, a := range f.Arguments {
				args = append(args, a.Name+": "+a.Type.String()+defaultOfValue(a.DefaultValue))
			}
			committed = append(committed, fmt.Sprintf("%s.%s(%s): %s", def.Name, f.Name, strings.Join(args, ", "), f.Type))
		}
		for _, i := range def.Interfaces {
			committed = append(committed, def.Name+" ~ "+i)
		}
		if def.Kind == ast.Interface {
			for _, p := range s.GetPossibleTypes(def) {
				committed = append(committed, def.Name+" ~ "+p.Name)
			}
		}
		for _, v := range def.EnumValues {
			committed = append(committed, def.Name+" ~ "+v.Name)
		}
	}
	sort.Strings(served)
	sort.Strings(committed)
	if diff := cmp.Diff(committed, served); diff != "" {
		t.Errorf("served schema drifts from schema.graphqls (-committed +served):\n%s", diff)
	}
	if len(served) < 300 {
		t.Errorf("only %d schema elements compared", len(served))
	}
}

func isBuiltinScalar(name string) bool {
	return slices.Contains([]string{"String", "Int", "Float", "Boolean", "ID"}, name)
}

func kindName(k ast.DefinitionKind) string {
	switch k {
	case ast.InputObject:
		return "INPUT_OBJECT"
	}
	return string(k)
}

func defaultOf(v *string) string {
	if v == nil {
		return ""
	}
	return " = " + *v
}

func defaultOfValue(v *ast.Value) string {
	if v == nil {
		return ""
	}
	return " = " + v.String()
}

// TestContractNames pins the names DESIGN.md §4 calls the contract.
func TestContractNames(t *testing.T) {
	s := committedSchema(t)
	want := map[string][]string{
		"Node":           {"id: ID!", "kind: NodeKind!", "name: String!", "aliases: [String!]!", "sources: [Provenance!]!"},
		"Query":          {"node: Node", "search: [SearchHit!]!", "nodes: NodeConnection!", "policiesSupporting: [SupportPath!]!", "enterprisesSupportedBy: [SupportPath!]!", "lineage: GraphView!", "neighborhood: GraphView!", "shortestPath: GraphView", "stats: GraphStats!"},
		"SupportPath":    {"policy: Node!", "enterprise: Node!", "hops: Int!", "path: GraphView!"},
		"GraphView":      {"nodes: [GraphNode!]!", "edges: [GraphEdge!]!", "truncated: Boolean!"},
		"GraphNode":      {"id: ID!", "kind: NodeKind!", "label: String!", "properties: JSON"},
		"GraphEdge":      {"id: ID!", "type: String!", "source: ID!", "target: ID!", "properties: JSON", "sources: [Provenance!]!"},
		"Provenance":     {"document: Document!", "passage: Int", "start: Int", "end: Int", "quote: String", "method: String!", "confidence: Float"},
		"SearchHit":      {"node: Node!", "score: Float!"},
		"NodeConnection": {"edges: [NodeEdge!]!", "pageInfo: PageInfo!", "totalCount: Int!"},
		"PageInfo":       {"hasNextPage: Boolean!", "hasPreviousPage: Boolean!", "startCursor: String", "endCursor: String"},
		"TalentMeasure":  {"quantities: [Quantity!]!"},
	}
	for typ, fields := range want {
		def := s.Types[typ]
		if def == nil {
			t.Errorf("type %s missing", typ)
			continue
		}
		for _, f := range fields {
			name, ty, _ := strings.Cut(f, ": ")
			fd := def.Fields.ForName(name)
			if fd == nil || fd.Type.String() != ty {
				t.Errorf("%s.%s: want %s, have %v", typ, name, ty, fd)
			}
		}
	}
	args := map[string]string{
		"search":                 "text: String!, kinds: [NodeKind!], first: Int = 20",
		"nodes":                  "kind: NodeKind, first: Int = 50, after: String",
		"policiesSupporting":     "enterpriseId: ID!, maxHops: Int = 3",
		"enterprisesSupportedBy": "policyId: ID!, maxHops: Int = 3",
		"lineage":                "id: ID!, direction: Direction = UPSTREAM, maxDepth: Int = 6",
		"neighborhood":           "id: ID!, depth: Int = 1, kinds: [NodeKind!], limit: Int = 200",
		"shortestPath":           "fromId: ID!, toId: ID!, maxHops: Int = 6",
		"node":                   "id: ID!",
	}
	// The contract's arguments come first, unchanged; arguments added after them must be
	// optional (nullable or defaulted), so that every contract call keeps working.
	for field, want := range args {
		var got []string
		for _, a := range s.Query.Fields.ForName(field).Arguments {
			got = append(got, a.Name+": "+a.Type.String()+defaultOfValue(a.DefaultValue))
		}
		n := len(strings.Split(want, ", "))
		if len(got) < n || strings.Join(got[:n], ", ") != want {
			t.Errorf("Query.%s(%s), want (%s, …)", field, strings.Join(got, ", "), want)
			continue
		}
		for _, a := range s.Query.Fields.ForName(field).Arguments[n:] {
			if a.Type.NonNull && a.DefaultValue == nil {
				t.Errorf("Query.%s: added argument %s is required; contract calls would break", field, a.Name)
			}
		}
	}
	for i, k := range model.Kinds {
		if got := s.Types["NodeKind"].EnumValues[i].Name; got != k.Enum() {
			t.Errorf("NodeKind value %d = %s, want %s", i, got, k.Enum())
		}
		if s.Types[string(k)] == nil || !slices.Contains(s.Types[string(k)].Interfaces, "Node") {
			t.Errorf("type %s implementing Node missing", k)
		}
	}
	var rels []string
	for _, v := range s.Types["RelationType"].EnumValues {
		rels = append(rels, v.Name)
	}
	var want2 []string
	for _, r := range model.RelTypes {
		want2 = append(want2, string(r))
	}
	if diff := cmp.Diff(want2, rels); diff != "" {
		t.Errorf("RelationType enum differs from model.RelTypes: %s", diff)
	}
}

// TestRelationFieldsHaveSpecs checks that every paginated relationship field of the schema
// says what it follows, and that every spec names a field of the schema.
func TestRelationFieldsHaveSpecs(t *testing.T) {
	s := committedSchema(t)
	seen := map[string]bool{}
	for _, def := range s.Types {
		if def.Kind != ast.Object {
			continue
		}
		for _, f := range def.Fields {
			if f.Type.Name() != "RelationConnection" || f.Name == "relations" {
				continue
			}
			key := def.Name + "." + f.Name
			seen[key] = true
			if _, ok := relationFields[key]; !ok {
				t.Errorf("%s has no entry in relationFields", key)
			}
		}
	}
	for key, spec := range relationFields {
		if !seen[key] {
			t.Errorf("relationFields[%s] names no field of the schema", key)
		}
		if len(spec.types) == 0 {
			t.Errorf("%s follows no relationship type", key)
		}
	}
}

// TestComplexityScalesWithFirst checks that every field with a first or limit argument
// costs its children once per element it may return.
func TestComplexityScalesWithFirst(t *testing.T) {
	es := NewExecutableSchema(nil)
	s := es.Schema()
	n := 0
	for _, def := range s.Types {
		if def.Kind != ast.Object || strings.HasPrefix(def.Name, "__") {
			continue
		}
		for _, f := range def.Fields {
			for _, arg := range []string{"first", "limit"} {
				if f.Arguments.ForName(arg) == nil {
					continue
				}
				args := map[string]any{arg: int64(7)}
				if f.Arguments.ForName("text") != nil {
					args["text"] = "x"
				}
				if f.Arguments.ForName("id") != nil {
					args["id"] = "x"
				}
				got, ok := es.Complexity(context.Background(), def.Name, f.Name, 10, args)
				if !ok || got < 70 {
					t.Errorf("%s.%s with %s: 7 costs %d (set %v), want ≥ 70", def.Name, f.Name, arg, got, ok)
				}
				n++
			}
		}
	}
	if n < 80 {
		t.Errorf("only %d list fields priced", n)
	}
}

func TestToNodeTypedProperties(t *testing.T) {
	for _, k := range model.Kinds {
		n := toNode(storeNode(k, map[string]any{"level": "DISTRICT", "description": "说明"}))
		if got := fmt.Sprintf("%T", n); got != "*gqlmodel."+string(k) {
			t.Errorf("kind %s maps to %s", k, got)
		}
	}
	e := toNode(storeNode(model.KindEnterprise, map[string]any{
		"industries": []any{"金融科技", "人工智能"}, "listed": true, "legalName": "上海西井科技股份有限公司",
	})).(*gqlmodel.Enterprise)
	if !slices.Equal(e.IndustryNames, []string{"金融科技", "人工智能"}) || e.Listed == nil || !*e.Listed || *e.LegalName == "" {
		t.Errorf("enterprise = %+v", e)
	}
	a := toNode(storeNode(model.KindAlliance, map[string]any{"memberCount": int64(42), "level": "NOPE"})).(*gqlmodel.Alliance)
	if a.MemberCount == nil || *a.MemberCount != 42 || a.Level != nil {
		t.Errorf("alliance = %+v", a)
	}
	p := toNode(storeNode(model.KindPolicy, map[string]any{"stipInstruments": []any{"GRANT"}})).(*gqlmodel.Policy)
	if !slices.Equal(p.StipInstruments, []string{"GRANT"}) || p.StipTargetGroups == nil {
		t.Errorf("policy = %+v", p)
	}
	b, err := json.Marshal(p.Properties)
	if err != nil || !strings.Contains(string(b), `"aliases":["别名"]`) {
		t.Errorf("properties %s %v", b, err)
	}
}
