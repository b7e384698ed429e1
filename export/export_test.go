package export

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/model"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  Options
		err   string // substring of the error; "" = no error
	}{
		{"whole graph", "format=graphml", Options{Format: GraphML}, ""},
		{"format any case", "format=GEXF", Options{Format: GEXF}, ""},
		{"rooted defaults", "format=cytoscape&root=enterprise:矽睿科技", Options{Format: Cytoscape, Root: "enterprise:矽睿科技", Depth: 1, Limit: MaxLimit}, ""},
		{"rooted full", "format=csv&root=policy:x&depth=3&kinds=POLICY,enterprise,TalentMeasure&limit=10",
			Options{Format: CSV, Root: "policy:x", Depth: 3, Limit: 10, Kinds: []model.Kind{model.KindPolicy, model.KindEnterprise, model.KindTalentMeasure}}, ""},
		{"missing format", "root=policy:x", Options{}, "format is required"},
		{"unknown format", "format=dot", Options{}, `unknown format "dot"`},
		{"depth too deep", "format=csv&root=policy:x&depth=4", Options{}, "depth must be 1..3"},
		{"depth zero", "format=csv&root=policy:x&depth=0", Options{}, "depth must be at least 1"},
		{"depth negative", "format=csv&root=policy:x&depth=-1", Options{}, "depth must be 1..3"},
		{"depth not a number", "format=csv&root=policy:x&depth=two", Options{}, "depth must be an integer"},
		{"depth without root", "format=csv&depth=2", Options{}, "give root too"},
		{"empty root", "format=csv&root=", Options{}, "root is empty"},
		{"limit too large", "format=csv&root=policy:x&limit=5001", Options{}, "limit must be 1..5000"},
		{"unknown kind", "format=csv&root=policy:x&kinds=POLICY,CAT", Options{}, `unknown kind "CAT"`},
		{"unknown parameter", "format=csv&rooot=policy:x", Options{}, `unknown parameter "rooot"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseQuery(q)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !errors.Is(err, fault.ErrInvalidInput) {
					t.Fatalf("err = %v, want invalid input containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("options (-want +got):\n%s", d)
			}
		})
	}
}

func export(t *testing.T, src Source, opts Options) ([]byte, Result) {
	t.Helper()
	var b bytes.Buffer
	res, err := Write(context.Background(), src, opts, &b)
	if err != nil {
		t.Fatalf("Write(%+v): %v", opts, err)
	}
	return b.Bytes(), res
}

// cyElements is Cytoscape.js elements JSON.
type cyElements struct {
	Nodes []struct {
		Data map[string]any `json:"data"`
	} `json:"nodes"`
	Edges []struct {
		Data map[string]any `json:"data"`
	} `json:"edges"`
}

func TestCytoscape(t *testing.T) {
	out, res := export(t, testGraph(), Options{Format: Cytoscape})
	var el cyElements
	if err := json.Unmarshal(out, &el); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(el.Nodes) != 4 || len(el.Edges) != 2 || res.Nodes != 4 || res.Edges != 2 {
		t.Fatalf("got %d nodes, %d edges (result %+v)", len(el.Nodes), len(el.Edges), res)
	}
	byID := map[string]map[string]any{}
	for _, n := range el.Nodes {
		byID[n.Data["id"].(string)] = n.Data
	}
	e := byID["enterprise:矽睿科技"]
	want := map[string]any{
		"id": "enterprise:矽睿科技", "label": "矽睿科技", "name": "矽睿科技", "kind": "ENTERPRISE",
		"aliases": []any{"上海矽睿科技股份有限公司"}, "listed": true, "role": "龙头企业",
		"industries": []any{"智能传感器"}, "method": "curated", "confidence": 1.0, "retracted": false,
		"sources": []any{map[string]any{"documentId": testDoc, "passage": 1.0, "start": 15.0, "end": 19.0,
			"quote": "矽睿科技", "method": "curated", "confidence": 1.0}},
		"quantities": []any{},
	}
	if d := cmp.Diff(want, e); d != "" {
		t.Errorf("enterprise data (-want +got):\n%s", d)
	}
	a := byID["alliance:联盟"]
	if a["memberCount"] != 38.0 {
		t.Errorf("memberCount = %#v, want the number 38", a["memberCount"])
	}
	qs, _ := a["quantities"].([]any)
	if len(qs) != 1 || qs[0].(map[string]any)["unit"] != "unit" || qs[0].(map[string]any)["value"] != 38.0 {
		t.Errorf("quantities = %#v", a["quantities"])
	}
	ed := el.Edges[0].Data
	if ed["source"] != "policy:3+3产业政策" || ed["target"] != "enterprise:矽睿科技" || ed["type"] != "SUPPORTS" || ed["year"] != 2022.0 {
		t.Errorf("edge data = %#v", ed)
	}
	if _, ok := ed["createdAt"]; !ok {
		t.Error("edge lost its stored createdAt")
	}
}

// graphML is enough of GraphML to check what the export writes.
type graphML struct {
	XMLName xml.Name `xml:"http://graphml.graphdrawing.org/xmlns graphml"`
	Keys    []struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
		Type string `xml:"attr.type,attr"`
		Desc string `xml:"desc"`
	} `xml:"key"`
	Graph struct {
		EdgeDefault string `xml:"edgedefault,attr"`
		Nodes       []struct {
			ID   string  `xml:"id,attr"`
			Data []xmlKV `xml:"data"`
		} `xml:"node"`
		Edges []struct {
			ID     string  `xml:"id,attr"`
			Source string  `xml:"source,attr"`
			Target string  `xml:"target,attr"`
			Data   []xmlKV `xml:"data"`
		} `xml:"edge"`
	} `xml:"graph"`
}

type xmlKV struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

var nmtoken = regexp.MustCompile(`^[A-Za-z0-9.:_\-\x{4E00}-\x{9FA5}]+$`)

func TestGraphML(t *testing.T) {
	out, _ := export(t, testGraph(), Options{Format: GraphML})
	var g graphML
	if err := xml.Unmarshal(out, &g); err != nil {
		t.Fatalf("not GraphML: %v\n%s", err, out)
	}
	types := map[string]string{}
	keyName := map[string]string{}
	for _, k := range g.Keys {
		types[k.For+"."+k.Name] = k.Type
		keyName[k.ID] = k.Name
		if !nmtoken.MatchString(k.ID) || !nmtoken.MatchString(k.Name) {
			t.Errorf("key %q / %q is not an NMTOKEN", k.ID, k.Name)
		}
	}
	for key, want := range map[string]string{
		"node.id": "string", "node.name": "string", "node.confidence": "double", "node.retracted": "boolean",
		"node.memberCount": "long", "node.listed": "boolean", "node.aliases": "string", "node.sources": "string",
		"node.issuedOn": "string", "edge.year": "long", "edge.role": "string", "edge.type": "string",
	} {
		if types[key] != want {
			t.Errorf("key %s has attr.type %q, want %q", key, types[key], want)
		}
	}
	if g.Graph.EdgeDefault != "directed" || len(g.Graph.Nodes) != 4 || len(g.Graph.Edges) != 2 {
		t.Fatalf("graph: %s, %d nodes, %d edges", g.Graph.EdgeDefault, len(g.Graph.Nodes), len(g.Graph.Edges))
	}
	xmlIDs := map[string]map[string]string{}
	for _, n := range g.Graph.Nodes {
		if !nmtoken.MatchString(n.ID) {
			t.Errorf("node id %q is not an NMTOKEN", n.ID)
		}
		d := map[string]string{}
		for _, kv := range n.Data {
			d[keyName[kv.Key]] = kv.Value
		}
		xmlIDs[n.ID] = d
	}
	p := xmlIDs[xmlToken("policy:3+3产业政策")]
	if p["id"] != "policy:3+3产业政策" || p["name"] != "3+3产业政策" || p["stipInstruments"] != `["STRATEGIES_PLANS","GRANTS_BUSINESS_RD"]` {
		t.Errorf("policy data = %v", p)
	}
	var srcs []map[string]any
	if err := json.Unmarshal([]byte(p["sources"]), &srcs); err != nil || len(srcs) != 1 || srcs[0]["quote"] != "3+3产业政策" {
		t.Errorf("policy sources = %s (%v)", p["sources"], err)
	}
	if a := xmlIDs[xmlToken("alliance:联盟")]; a["memberCount"] != "38" || a["confidence"] != "0.75" {
		t.Errorf("alliance data = %v", a)
	}
	for _, e := range g.Graph.Edges {
		if xmlIDs[e.Source] == nil || xmlIDs[e.Target] == nil {
			t.Errorf("edge %s: endpoint not a node (%s → %s)", e.ID, e.Source, e.Target)
		}
	}
}

// gexfDoc is enough of GEXF 1.3 to check what the export writes.
type gexfDoc struct {
	XMLName xml.Name `xml:"http://gexf.net/1.3 gexf"`
	Version string   `xml:"version,attr"`
	Graph   struct {
		Mode       string `xml:"mode,attr"`
		TimeFormat string `xml:"timeformat,attr"`
		EdgeType   string `xml:"defaultedgetype,attr"`
		Attributes []struct {
			Class string `xml:"class,attr"`
			Attr  []struct {
				ID    string `xml:"id,attr"`
				Title string `xml:"title,attr"`
				Type  string `xml:"type,attr"`
			} `xml:"attribute"`
		} `xml:"attributes"`
		Nodes []struct {
			ID     string  `xml:"id,attr"`
			Label  string  `xml:"label,attr"`
			Start  string  `xml:"start,attr"`
			End    string  `xml:"end,attr"`
			Values []gexfV `xml:"attvalues>attvalue"`
			Color  struct {
				R string `xml:"r,attr"`
			} `xml:"http://gexf.net/1.3/viz color"`
		} `xml:"nodes>node"`
		Edges []struct {
			ID     string  `xml:"id,attr"`
			Source string  `xml:"source,attr"`
			Target string  `xml:"target,attr"`
			Label  string  `xml:"label,attr"`
			Values []gexfV `xml:"attvalues>attvalue"`
		} `xml:"edges>edge"`
	} `xml:"graph"`
}

type gexfV struct {
	For   string `xml:"for,attr"`
	Value string `xml:"value,attr"`
}

func TestGEXF(t *testing.T) {
	out, _ := export(t, testGraph(), Options{Format: GEXF})
	var g gexfDoc
	if err := xml.Unmarshal(out, &g); err != nil {
		t.Fatalf("not GEXF 1.3: %v\n%s", err, out)
	}
	if g.Version != "1.3" || g.Graph.Mode != "dynamic" || g.Graph.TimeFormat != "date" || g.Graph.EdgeType != "directed" {
		t.Errorf("gexf %s, graph mode %q timeformat %q edges %q", g.Version, g.Graph.Mode, g.Graph.TimeFormat, g.Graph.EdgeType)
	}
	types := map[string]string{}
	for _, as := range g.Graph.Attributes {
		for _, a := range as.Attr {
			types[as.Class+"."+a.Title] = a.Type
		}
	}
	for key, want := range map[string]string{
		"node.kind": "string", "node.aliases": "liststring", "node.stipInstruments": "liststring",
		"node.memberCount": "long", "node.confidence": "double", "node.listed": "boolean", "edge.year": "long",
	} {
		if types[key] != want {
			t.Errorf("attribute %s has type %q, want %q", key, types[key], want)
		}
	}
	times := map[string][2]string{}
	values := map[string]map[string]string{}
	for _, n := range g.Graph.Nodes {
		times[n.ID] = [2]string{n.Start, n.End}
		values[n.ID] = map[string]string{}
		for _, v := range n.Values {
			values[n.ID][v.For] = v.Value
		}
		if n.Color.R == "" {
			t.Errorf("node %s has no viz:color", n.ID)
		}
	}
	for id, want := range map[string][2]string{
		"policy:3+3产业政策":  {"2021-07-01", "2025-12-31"}, // issuedOn 2021-Q3, effectiveTo 2025
		"alliance:联盟":     {"2022-06-01", ""},           // foundedOn 2022-06
		testDoc:           {"2023-04-17", ""},           // document date
		"enterprise:矽睿科技": {"", ""},
	} {
		if times[id] != want {
			t.Errorf("%s: start/end = %v, want %v", id, times[id], want)
		}
	}
	if v := values["policy:3+3产业政策"]; v["stipInstruments"] != `["STRATEGIES_PLANS", "GRANTS_BUSINESS_RD"]` || v["kind"] != "POLICY" {
		t.Errorf("policy attvalues = %v", v)
	}
	if len(g.Graph.Edges) != 2 || g.Graph.Edges[0].Label != "SUPPORTS" {
		t.Errorf("edges = %+v", g.Graph.Edges)
	}
}

func TestGEXFStaticWithoutDates(t *testing.T) {
	src := testGraph()
	src.nodes = src.nodes[2:3] // the enterprise only
	src.edges = nil
	out, _ := export(t, src, Options{Format: GEXF})
	var g gexfDoc
	if err := xml.Unmarshal(out, &g); err != nil {
		t.Fatal(err)
	}
	if g.Graph.Mode != "static" || g.Graph.TimeFormat != "" || len(g.Graph.Nodes) != 1 {
		t.Errorf("mode %q timeformat %q, %d nodes", g.Graph.Mode, g.Graph.TimeFormat, len(g.Graph.Nodes))
	}
}

func readZip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = data
	}
	return out
}

func readCSV(t *testing.T, b []byte) (map[string]int, [][]string) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v", err)
	}
	head := map[string]int{}
	for i, h := range rows[0] {
		head[h] = i
	}
	return head, rows[1:]
}

func TestCSV(t *testing.T) {
	out, _ := export(t, testGraph(), Options{Format: CSV})
	files := readZip(t, out)
	if len(files) != 2 || files["nodes.csv"] == nil || files["edges.csv"] == nil {
		t.Fatalf("zip holds %d files", len(files))
	}
	head, rows := readCSV(t, files["nodes.csv"])
	wantHead := []string{"id:ID", "name", ":LABEL", "kind", "aliases:string[]", "method", "confidence:double",
		"retracted:boolean", "sources", "quantities", "memberCount:long", "listed:boolean", "stipInstruments:string[]", "issuedOn"}
	for _, h := range wantHead {
		if _, ok := head[h]; !ok {
			t.Errorf("nodes.csv header lacks %q (has %v)", h, head)
		}
	}
	if len(rows) != 4 {
		t.Fatalf("%d node rows", len(rows))
	}
	var pol []string
	for _, r := range rows {
		if r[0] == "policy:3+3产业政策" {
			pol = r
		}
	}
	if pol == nil || pol[head[":LABEL"]] != "Entity;Policy" || pol[head["kind"]] != "Policy" ||
		pol[head["aliases:string[]"]] != "“3+3”产业政策" || pol[head["stipInstruments:string[]"]] != "STRATEGIES_PLANS;GRANTS_BUSINESS_RD" ||
		pol[head["confidence:double"]] != "1" || pol[head["retracted:boolean"]] != "false" || pol[head["memberCount:long"]] != "" {
		t.Errorf("policy row = %q", pol)
	}
	ehead, erows := readCSV(t, files["edges.csv"])
	if ehead[":START_ID"] != 0 || ehead[":END_ID"] != 1 || ehead[":TYPE"] != 2 || len(erows) != 2 {
		t.Fatalf("edges.csv header %v, %d rows", ehead, len(erows))
	}
	if r := erows[0]; r[ehead["year:long"]] != "2022" || r[ehead[":TYPE"]] != "SUPPORTS" || !strings.Contains(r[ehead["sources"]], "3+3产业政策支持矽睿科技") {
		t.Errorf("edge row = %q", r)
	}
}

func TestBundle(t *testing.T) {
	out, res := export(t, testGraph(), Options{Format: Bundle})
	files := readZip(t, out)
	y, txt := files["test-reply.yaml"], files["test-reply.txt"]
	if y == nil || txt == nil {
		t.Fatalf("zip holds %v", keys(files))
	}
	if string(txt) != strings.Join(testPassages, "\n")+"\n" {
		t.Errorf("text = %q", txt)
	}
	b, err := bundle.Parse("test-reply.yaml", y)
	if err != nil {
		t.Fatalf("exported bundle does not parse: %v\n%s", err, y)
	}
	if b.Document.ID != testDoc || b.Document.Path != "test-reply.txt" || b.Document.Props["date"] != "2023-04-17" {
		t.Errorf("document = %+v", b.Document)
	}
	if _, ok := b.Document.Props["sha256"]; ok {
		t.Error("document props carry sha256, which ingest computes")
	}
	if len(b.Entities) != 3 || len(b.Relations) != 2 || len(b.Quantities) != 1 || res.Nodes != 4 {
		t.Fatalf("%d entities, %d relations, %d quantities\n%s", len(b.Entities), len(b.Relations), len(b.Quantities), y)
	}
	var alliance bundle.EntitySpec
	for _, e := range b.Entities {
		if e.ID == "alliance:联盟" {
			alliance = e
		}
	}
	if alliance.Method != "rule:alliance" || alliance.Confidence == nil || *alliance.Confidence != 0.75 ||
		fmt.Sprint(alliance.Props["memberCount"]) != "38" || len(alliance.Anchor) != 1 || alliance.Anchor[0].Text != "联盟" ||
		*alliance.Anchor[0].Start != 21 || *alliance.Anchor[0].End != 23 {
		t.Errorf("alliance = %+v start %d end %d conf %v", alliance, *alliance.Anchor[0].Start, *alliance.Anchor[0].End, *alliance.Confidence)
	}
	q := b.Quantities[0]
	if q.Of != "alliance:联盟" || q.Figure != "38家" || q.Unit != "unit" || q.Min == nil || *q.Min != 10 {
		t.Errorf("quantity = %+v", q)
	}
	for _, r := range b.Relations {
		if r.Type == "SUPPORTS" && (fmt.Sprint(r.Props["year"]) != "2022" || r.Props["createdAt"] != nil) {
			t.Errorf("SUPPORTS props = %v", r.Props)
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestRootedExport(t *testing.T) {
	tests := []struct {
		name         string
		opts         Options
		nodes, edges int
		truncated    bool
	}{
		{"depth 1", Options{Format: Cytoscape, Root: "alliance:联盟", Depth: 1}, 2, 1, false},
		{"depth 2", Options{Format: Cytoscape, Root: "alliance:联盟", Depth: 2}, 3, 2, false},
		{"limited", Options{Format: Cytoscape, Root: "alliance:联盟", Depth: 2, Limit: 2}, 2, 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, res := export(t, testGraph(), tc.opts)
			var el cyElements
			if err := json.Unmarshal(out, &el); err != nil {
				t.Fatal(err)
			}
			if len(el.Nodes) != tc.nodes || len(el.Edges) != tc.edges || res.Truncated != tc.truncated {
				t.Errorf("%d nodes, %d edges, truncated %v; want %d, %d, %v", len(el.Nodes), len(el.Edges), res.Truncated, tc.nodes, tc.edges, tc.truncated)
			}
		})
	}
}

func TestHandler(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		query       string
		src         *fakeSource
		status      int
		contentType string
		code        string // error code in the JSON body
	}{
		{"cytoscape", "GET", "format=cytoscape", testGraph(), 200, "application/json; charset=utf-8", ""},
		{"graphml rooted", "GET", "format=graphml&root=alliance:联盟&depth=2", testGraph(), 200, "application/graphml+xml; charset=utf-8", ""},
		{"gexf", "GET", "format=gexf", testGraph(), 200, "application/gexf+xml; charset=utf-8", ""},
		{"csv", "GET", "format=csv", testGraph(), 200, "application/zip", ""},
		{"bundle", "GET", "format=bundle", testGraph(), 200, "application/zip", ""},
		{"head", "HEAD", "format=csv", testGraph(), 200, "application/zip", ""},
		{"bad format", "GET", "format=svg", testGraph(), 400, "application/json; charset=utf-8", fault.CodeBadUserInput},
		{"bad depth", "GET", "format=gexf&root=alliance:联盟&depth=9", testGraph(), 400, "application/json; charset=utf-8", fault.CodeBadUserInput},
		{"unknown root", "GET", "format=gexf&root=enterprise:nobody", testGraph(), 404, "application/json; charset=utf-8", fault.CodeNotFound},
		{"post", "POST", "format=gexf", testGraph(), 405, "application/json; charset=utf-8", "METHOD_NOT_ALLOWED"},
		{"store down before the first byte", "GET", "format=graphml", func() *fakeSource { s := testGraph(); s.failAt = 2; return s }(), 503, "application/json; charset=utf-8", fault.CodeUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, "/export?"+tc.query, nil)
			rec := httptest.NewRecorder()
			Handler(tc.src).ServeHTTP(rec, req)
			if rec.Code != tc.status || rec.Header().Get("Content-Type") != tc.contentType {
				t.Fatalf("status %d, content type %q; want %d, %q\n%s", rec.Code, rec.Header().Get("Content-Type"), tc.status, tc.contentType, rec.Body)
			}
			if tc.code != "" {
				var body struct{ Message, Code string }
				if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Code != tc.code || body.Message == "" {
					t.Errorf("body %s (%v), want code %s and a message", rec.Body, err, tc.code)
				}
				return
			}
			if cd := rec.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=") {
				t.Errorf("Content-Disposition = %q", cd)
			}
			if tc.method == "GET" && rec.Body.Len() == 0 {
				t.Error("empty body")
			}
		})
	}
}

// TestHandlerAbortsMidStream checks that a failure after the first byte does not end in a
// response that looks complete.
func TestHandlerAbortsMidStream(t *testing.T) {
	src := testGraph()
	for i := 0; i < 3000; i++ { // enough to fill the response buffer before the failure
		n := src.nodes[2]
		n.ID = "enterprise:e" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strings.Repeat("y", i/26)
		src.nodes = append(src.nodes, n)
	}
	src.failAt = 2500
	ts := httptest.NewServer(Handler(src))
	defer ts.Close()
	resp, err := http.Get(ts.URL + "?format=cytoscape")
	if err != nil {
		return // aborted before the headers: fine
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && json.Valid(body) {
		t.Fatalf("a failed export was served as a complete file (%d bytes, status %d)", len(body), resp.StatusCode)
	}
}

func TestDayOf(t *testing.T) {
	tests := []struct {
		in          string
		first, last string
	}{
		{"2023", "2023-01-01", "2023-12-31"},
		{"2024-02", "2024-02-01", "2024-02-29"},
		{"2023-02", "2023-02-01", "2023-02-28"},
		{"2023-11", "2023-11-01", "2023-11-30"},
		{"2023-Q1", "2023-01-01", "2023-03-31"},
		{"2023-Q4", "2023-10-01", "2023-12-31"},
		{"2023-H1", "2023-01-01", "2023-06-30"},
		{"2023-H2", "2023-07-01", "2023-12-31"},
		{"2023-04-17", "2023-04-17", "2023-04-17"},
		{"April 2023", "", ""},
		{"", "", ""},
	}
	for _, tc := range tests {
		if got := dayOf(tc.in, false); got != tc.first {
			t.Errorf("dayOf(%q, first) = %q, want %q", tc.in, got, tc.first)
		}
		if got := dayOf(tc.in, true); got != tc.last {
			t.Errorf("dayOf(%q, last) = %q, want %q", tc.in, got, tc.last)
		}
	}
}

func TestXMLToken(t *testing.T) {
	tests := []struct{ in, want string }{
		{"enterprise:矽睿科技", "enterprise:矽睿科技"},
		{"policy:3+3产业政策", "policy:3_x002B_3产业政策"},
		{"program:区级创新产业专项（人工智能）", "program:区级创新产业专项_xFF08_人工智能_xFF09_"},
		{"rel:PART_OF:ab12", "rel:PART_x005F_OF:ab12"},
		{"", "_"},
	}
	seen := map[string]string{}
	for _, tc := range tests {
		got := xmlToken(tc.in)
		if got != tc.want {
			t.Errorf("xmlToken(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if !nmtoken.MatchString(got) {
			t.Errorf("xmlToken(%q) = %q is not an NMTOKEN", tc.in, got)
		}
		if prev, ok := seen[got]; ok {
			t.Errorf("%q and %q both give %q", prev, tc.in, got)
		}
		seen[got] = tc.in
	}
}

func FuzzXMLToken(f *testing.F) {
	f.Add("policy:3+3产业政策")
	f.Add("a_x002B_b")
	f.Fuzz(func(t *testing.T, s string) {
		if got := xmlToken(s); !nmtoken.MatchString(got) {
			t.Fatalf("xmlToken(%q) = %q is not an NMTOKEN", s, got)
		}
	})
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"format=gexf", "format=csv&root=policy:x&depth=3&kinds=POLICY,ENTERPRISE&limit=10", "format=&root=&depth=-1", "kinds=,,,&format=bundle"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		o, err := ParseQuery(q)
		if err != nil {
			if !errors.Is(err, fault.ErrInvalidInput) {
				t.Fatalf("ParseQuery(%q): error %v is not invalid input", raw, err)
			}
			return
		}
		if _, ok := ParseFormat(string(o.Format)); !ok {
			t.Fatalf("ParseQuery(%q) accepted format %q", raw, o.Format)
		}
		if o.Root != "" && (o.Depth < 1 || o.Depth > MaxDepth || o.Limit < 1 || o.Limit > MaxLimit) {
			t.Fatalf("ParseQuery(%q) accepted %+v", raw, o)
		}
	})
}
