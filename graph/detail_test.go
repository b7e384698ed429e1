package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestOutlineViews checks that a view asked only for what draws it (read at store.Outline)
// holds exactly the nodes and edges of the same view asked with properties (store.Full),
// through fragments too, and that an outline read does not leave incomplete nodes behind
// for later fields of the same request.
func TestOutlineViews(t *testing.T) {
	s := changning(t)
	h := apiServer(t, s)
	const (
		ent = "enterprise:西井科技"
		pol = "policy:长宁区鼓励科技创新的实施办法"
	)
	views := []struct{ name, field string }{
		{"neighborhood1", `neighborhood(id: "` + ent + `", depth: 1)`},
		{"neighborhood2", `neighborhood(id: "` + pol + `", depth: 2, limit: 150)`},
		{"lineageDown", `lineage(id: "policy:长宁区科技创新人才集聚发展“十四五”规划", direction: DOWNSTREAM)`},
		{"lineageUp", `lineage(id: "talentmeasure:校企合作项目一次性资金资助", direction: UPSTREAM)`},
		{"shortest", `shortestPath(fromId: "` + pol + `", toId: "` + ent + `")`},
	}
	outline := `nodes { id kind label } edges { id type source target } truncated`
	full := `nodes { id kind label properties } edges { id type source target method } truncated`
	viaFragment := `...V fragment V on GraphView { nodes { ...N } edges { __typename id type source target } truncated }
fragment N on GraphNode { id kind label }`
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			get := func(sel, frag string) map[string]any {
				r, body := query(t, h, fmt.Sprintf("{ x: %s { %s } } %s", v.field, sel, frag), nil, false)
				if len(r.Errors) > 0 {
					t.Fatalf("errors: %s", body)
				}
				var d map[string]map[string]any
				if err := json.Unmarshal(r.Data, &d); err != nil {
					t.Fatal(err)
				}
				return d["x"]
			}
			o, f := get(outline, ""), get(full, "")
			fr := get(viaFragment[:5], viaFragment[5:])
			strip := func(x map[string]any) string { // keep the outline fields only
				var nodes, edges []string
				for _, n := range x["nodes"].([]any) {
					m := n.(map[string]any)
					nodes = append(nodes, fmt.Sprint(m["id"], m["kind"], m["label"]))
				}
				for _, e := range x["edges"].([]any) {
					m := e.(map[string]any)
					edges = append(edges, fmt.Sprint(m["id"], m["type"], m["source"], m["target"]))
				}
				return fmt.Sprint(nodes, edges, x["truncated"])
			}
			if len(o["nodes"].([]any)) < 2 {
				t.Fatalf("view too small to tell: %v", o)
			}
			if strip(o) != strip(f) || strip(fr) != strip(f) {
				t.Errorf("outline and full views differ:\noutline  %s\nfragment %s\nfull     %s", strip(o), strip(fr), strip(f))
			}
			for _, n := range f["nodes"].([]any) {
				if n.(map[string]any)["properties"] == nil {
					t.Errorf("full view node without properties: %v", n)
				}
			}
		})
	}
	// The outline statements did run (the store counts round trips by query name).
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, q := range []string{"neighborhood_1_outline", "neighborhood_2_outline", "lineageFetch_outline", "shortestPath_6_outline", "neighborhood_1\"", "lineageFetch\""} {
		if !strings.Contains(rec.Body.String(), `query="`+strings.TrimSuffix(q, `"`)+`"`) {
			t.Errorf("/metrics counts no %s round trip", q)
		}
	}
	// An outline view and a node in the same request: the node is read whole.
	r, body := query(t, h, `{ v: neighborhood(id: "`+ent+`") { nodes { id } } n: node(id: "`+ent+`") { id name aliases sources { documentId } } }`, nil, false)
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %s", body)
	}
	var d struct {
		N struct {
			Sources []map[string]any `json:"sources"`
		} `json:"n"`
	}
	if err := json.Unmarshal(r.Data, &d); err != nil || len(d.N.Sources) == 0 {
		t.Errorf("node after an outline view lost its sources: %s", body)
	}
}

// TestSupportPathsWithoutPath checks that support paths asked without their path (read at
// store.Outline: only the ends are fetched) list the same ends, hops and order as with it.
func TestSupportPathsWithoutPath(t *testing.T) {
	s := changning(t)
	h := apiServer(t, s)
	for _, f := range []string{
		`policiesSupporting(enterpriseId: "enterprise:西井科技")`,
		`enterprisesSupportedBy(policyId: "policy:长宁区支持金融服务业发展和金融科技创新的实施办法")`,
	} {
		get := func(extra string) string {
			r, body := query(t, h, `{ x: `+f+` { hops policy { id name kind } enterprise { id name } `+extra+` } }`, nil, false)
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %s", body)
			}
			var d struct {
				X []struct {
					Hops       int
					Policy     map[string]any
					Enterprise map[string]any
				}
			}
			if err := json.Unmarshal(r.Data, &d); err != nil || len(d.X) == 0 {
				t.Fatalf("%s: %v %s", f, err, body)
			}
			return fmt.Sprint(d.X)
		}
		if o, full := get(""), get("path { nodes { id } }"); o != full {
			t.Errorf("%s:\nwithout path %s\nwith path    %s", f, o, full)
		}
	}
}

// TestOutlineNodePages checks that a page of nodes asked only for id, kind and name (read at
// store.Outline) lists the same nodes as one asked for more, and that a field asked through
// a fragment on a kind reads whole nodes.
func TestOutlineNodePages(t *testing.T) {
	s := changning(t)
	h := apiServer(t, s)
	get := func(sel string) []map[string]any {
		r, body := query(t, h, `{ nodes(kind: ENTERPRISE, first: 20) { totalCount edges { cursor node { `+sel+` } } pageInfo { hasNextPage endCursor } } }`, nil, false)
		if len(r.Errors) > 0 {
			t.Fatalf("errors: %s", body)
		}
		var d struct {
			Nodes struct {
				Edges []struct{ Node map[string]any }
			}
		}
		if err := json.Unmarshal(r.Data, &d); err != nil || len(d.Nodes.Edges) < 5 {
			t.Fatalf("%v %s", err, body)
		}
		var out []map[string]any
		for _, e := range d.Nodes.Edges {
			out = append(out, e.Node)
		}
		return out
	}
	outline := get(`id kind name`)
	full := get(`id kind name aliases sources { documentId }`)
	typed := get(`id name ... on Enterprise { aliases }`)
	for i := range full {
		if outline[i]["id"] != full[i]["id"] || outline[i]["name"] != full[i]["name"] || outline[i]["kind"] != full[i]["kind"] {
			t.Errorf("node %d: outline %v, full %v", i, outline[i], full[i])
		}
		if fmt.Sprint(typed[i]["aliases"]) != fmt.Sprint(full[i]["aliases"]) {
			t.Errorf("node %d: aliases through a fragment %v, want %v", i, typed[i]["aliases"], full[i]["aliases"])
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, q := range []string{`query="listNodes_Enterprise_outline"`, `query="listNodes_Enterprise"`} {
		if !strings.Contains(rec.Body.String(), q) {
			t.Errorf("/metrics counts no %s round trip", q)
		}
	}
}

// TestOutlineSearch checks that search hits asked only for id, kind and name (read at
// store.Outline) rank the same nodes with the same scores as hits asked for more.
func TestOutlineSearch(t *testing.T) {
	s := changning(t)
	h := apiServer(t, s)
	for _, text := range []string{"科技", "西井", "长宁区鼓励科技创新的实施办法", "人才"} {
		get := func(sel string) string {
			r, body := query(t, h, `query($t: String!) { search(text: $t, first: 20) { score node { `+sel+` } } }`, map[string]any{"t": text}, false)
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %s", body)
			}
			var d struct {
				Search []struct {
					Score float64
					Node  struct{ ID, Kind, Name string }
				}
			}
			if err := json.Unmarshal(r.Data, &d); err != nil || len(d.Search) == 0 {
				t.Fatalf("%q: %v %s", text, err, body)
			}
			return fmt.Sprint(d.Search)
		}
		if o, f := get("id kind name"), get("id kind name aliases ... on Enterprise { sources { documentId } }"); o != f {
			t.Errorf("%q:\noutline %s\nfull    %s", text, o, f)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, q := range []string{`query="search_outline"`, `query="search"`} {
		if !strings.Contains(rec.Body.String(), q) {
			t.Errorf("/metrics counts no %s round trip", q)
		}
	}
}
