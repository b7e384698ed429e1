package graph

import (
	"bytes"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// FastViewsServed reads the count of views FastViews wrote itself (for graph_test).
func FastViewsServed() int64 { return fastViewsServed.Load() }

// FuzzWriteString checks writeString against gqlgen's graphql.MarshalString, byte for byte.
func FuzzWriteString(f *testing.F) {
	for _, s := range []string{"", "长宁区鼓励科技创新的实施办法", "a\"b\\c", "tab\tnl\ncr\r", "\x00\x01\x1f\x7f", "\xff\xfe invalid", "<b>&</b>", "\u2028\u2029"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got, want bytes.Buffer
		writeString(&got, s)
		graphql.MarshalString(s).MarshalGQL(&want)
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("writeString(%q) = %s, gqlgen writes %s", s, got.Bytes(), want.Bytes())
		}
	})
}

func TestPlanFields(t *testing.T) {
	cases := []struct {
		sel  string
		want bool
		typ  string // GraphView when empty
	}{
		{`{ nodes { id kind label } edges { id type source target } truncated }`, true, ""},
		{`{ t: __typename nodes { __typename l: label } }`, true, ""},
		{`{ edges { target source } }`, true, ""},
		{`{ nodes { id properties } }`, false, ""},                    // not an outline field
		{`{ nodes { id node { id } } }`, false, ""},                   // a resolver
		{`{ edges { id sources { quote } } }`, false, ""},             // nested object
		{`{ nodes { id } nodes { label } }`, false, ""},               // one response key twice
		{`{ nodes { id id } }`, false, ""},                            // same
		{`{ nodes { ... on GraphNode { id } } }`, false, ""},          // fragment
		{`{ ...V } fragment V on GraphView { truncated }`, false, ""}, // fragment spread
		{`{ nodes { id @include(if: true) } }`, false, ""},            // directive
		{`{ truncated @skip(if: false) }`, false, ""},                 // directive
		{`{ totalCount edges { cursor node { id kind name } } pageInfo { hasNextPage endCursor } }`, true, "NodeConnection"},
		{`{ __typename edges { __typename node { n: name } } pageInfo { __typename startCursor hasPreviousPage } }`, true, "NodeConnection"},
		{`{ edges { node { id aliases } } }`, false, "NodeConnection"},              // not an outline field
		{`{ edges { node { __typename id } } }`, false, "NodeConnection"},           // depends on the kind
		{`{ edges { node { ... on Policy { title } } } }`, false, "NodeConnection"}, // fragment
		{`{ edges { cursor { x } } }`, false, "NodeConnection"},                     // a leaf with a selection
		{`{ pageInfo }`, false, "NodeConnection"},                                   // an object without one
		{`{ edges { node { id } } e: edges { cursor } }`, true, "NodeConnection"},
	}
	for _, c := range cases {
		t.Run(c.sel, func(t *testing.T) {
			doc, err := parser.ParseQuery(&ast.Source{Input: "query " + c.sel})
			if err != nil {
				t.Fatal(err)
			}
			typ := c.typ
			if typ == "" {
				typ = "GraphView"
			}
			_, ok := planFields(doc.Operations[0].SelectionSet, typ)
			if ok != c.want {
				t.Errorf("planFields = %v, want %v", ok, c.want)
			}
		})
	}
}
