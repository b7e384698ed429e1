package server

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestWriteResponseMatchesMarshal checks that writeResponse writes what gqlgen's
// json.Marshal of the response writes, byte for byte, for data without <, > or & (which
// json.Marshal escapes and writeResponse keeps).
func TestWriteResponseMatchesMarshal(t *testing.T) {
	yes := true
	withCode := &gqlerror.Error{Message: "not found", Path: ast.Path{ast.PathName("node")},
		Extensions: map[string]any{"code": "NOT_FOUND", "requestId": "r1"}}
	cases := []struct {
		name string
		resp graphql.Response
	}{
		{"data", graphql.Response{Data: json.RawMessage(`{"node":{"id":"enterprise:西井科技","name":"西井科技","n":[1,2.5,null]}}`)}},
		{"null data", graphql.Response{}},
		{"errors and data", graphql.Response{Errors: gqlerror.List{withCode}, Data: json.RawMessage(`{"node":null}`)}},
		{"errors only", graphql.Response{Errors: gqlerror.List{{Message: "bad", Locations: []gqlerror.Location{{Line: 1, Column: 3}}}}}},
		{"extensions", graphql.Response{Data: json.RawMessage(`{"a":1}`), Extensions: map[string]any{"roundTrips": int64(2)}}},
		{"incremental", graphql.Response{Data: json.RawMessage(`{"a":1}`), Label: "l", Path: ast.Path{ast.PathName("a")}, HasNext: &yes}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, err := json.Marshal(&c.resp)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			writeResponse(&got, &c.resp)
			if got.String() != string(want) {
				t.Errorf("writeResponse:\n got %s\nwant %s", got.String(), want)
			}
		})
	}
}

// TestWriteResponseKeepsHTMLCharacters: the data is copied as gqlgen wrote it; decoded, it
// is the same value json.Marshal's escaped form decodes to.
func TestWriteResponseKeepsHTMLCharacters(t *testing.T) {
	resp := graphql.Response{Data: json.RawMessage(`{"quote":"<b>R&D</b> 补贴 > 100万"}`)}
	var got bytes.Buffer
	writeResponse(&got, &resp)
	want, _ := json.Marshal(&resp)
	var a, b any
	if err := json.Unmarshal(got.Bytes(), &a); err != nil {
		t.Fatalf("not JSON: %v: %s", err, got.String())
	}
	_ = json.Unmarshal(want, &b)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("decoded values differ: %s vs %s", ja, jb)
	}
	if !bytes.Contains(got.Bytes(), []byte("<b>R&D</b>")) {
		t.Errorf("data re-escaped: %s", got.String())
	}
}
