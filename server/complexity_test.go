package server

import (
	"fmt"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/policygraph/policygraph/fault"
)

// TestComplexityCacheKeysOnVariables: the remembered price of a document depends on its Int
// variables, so the same document is refused or answered by the value of first, however
// often each was priced before; ID and String variables do not change the price.
func TestComplexityCacheKeysOnVariables(t *testing.T) {
	cfg := testConfig()
	cfg.MaxComplexity = 40
	srv, _ := newTestServer(t, cfg, seeded(3))
	const q = `query($n: Int, $k: String) { nodes(first: $n, after: $k) { edges { node { id } } } }`
	for round := range 3 {
		for _, c := range []struct {
			n       int
			refused bool
		}{{5, false}, {50, true}, {6, false}} {
			_, resp, _ := post(t, srv, q, map[string]any{"n": c.n, "k": fmt.Sprint("c", round)})
			refused := len(resp.Errors) > 0 && resp.codes()[0] == fault.CodeComplexityLimit
			if refused != c.refused {
				t.Errorf("round %d first=%d: refused=%v, want %v (%+v)", round, c.n, refused, c.refused, resp.Errors)
			}
		}
	}
}

func TestComplexityKey(t *testing.T) {
	doc := `query Q($id: ID!, $t: String, $n: Int, $kinds: [NodeKind!]) { x }`
	op := &ast.OperationDefinition{Name: "Q", VariableDefinitions: ast.VariableDefinitionList{
		{Variable: "id", Type: ast.NonNullNamedType("ID", nil)},
		{Variable: "t", Type: ast.NamedType("String", nil)},
		{Variable: "n", Type: ast.NamedType("Int", nil)},
		{Variable: "kinds", Type: ast.ListType(ast.NonNullNamedType("NodeKind", nil), nil)},
	}}
	key := func(vars map[string]any) string {
		k, ok := complexityKey(&graphql.OperationContext{RawQuery: doc, Variables: vars}, op)
		if !ok {
			t.Fatal("not keyed")
		}
		return k
	}
	base := key(map[string]any{"id": "a", "t": "x", "n": 5, "kinds": []any{"POLICY"}})
	if key(map[string]any{"id": "b", "t": "y", "n": 5, "kinds": []any{"POLICY"}}) != base {
		t.Error("ID and String values changed the key")
	}
	if key(map[string]any{"id": "a", "t": "x", "n": 6, "kinds": []any{"POLICY"}}) == base {
		t.Error("an Int value did not change the key")
	}
	if key(map[string]any{"id": "a", "t": "x", "n": 5, "kinds": []any{"ENTERPRISE"}}) == base {
		t.Error("a list value did not change the key")
	}
	if _, ok := complexityKey(&graphql.OperationContext{RawQuery: strings.Repeat(" ", maxKeyedQuery+1)}, op); ok {
		t.Error("an oversized document was keyed")
	}
}
