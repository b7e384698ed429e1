package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/policygraph/policygraph/export"
	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/storetest"
)

// counts parses an export with the format's own parser and returns its node and edge counts.
func counts(t *testing.T, f export.Format, b []byte) (nodes, edges int) {
	t.Helper()
	switch f {
	case export.Cytoscape:
		var el struct {
			Nodes, Edges []struct{ Data map[string]any }
		}
		if err := json.Unmarshal(b, &el); err != nil {
			t.Fatalf("cytoscape: %v", err)
		}
		return len(el.Nodes), len(el.Edges)
	case export.GraphML:
		var g struct {
			Nodes []struct{} `xml:"graph>node"`
			Edges []struct{} `xml:"graph>edge"`
		}
		if err := xml.Unmarshal(b, &g); err != nil {
			t.Fatalf("graphml: %v", err)
		}
		return len(g.Nodes), len(g.Edges)
	case export.GEXF:
		var g struct {
			Nodes []struct{} `xml:"graph>nodes>node"`
			Edges []struct{} `xml:"graph>edges>edge"`
		}
		if err := xml.Unmarshal(b, &g); err != nil {
			t.Fatalf("gexf: %v", err)
		}
		return len(g.Nodes), len(g.Edges)
	case export.CSV:
		z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		rows := map[string]int{}
		for _, zf := range z.File {
			r, _ := zf.Open()
			recs, err := csv.NewReader(r).ReadAll()
			r.Close()
			if err != nil {
				t.Fatalf("%s: %v", zf.Name, err)
			}
			rows[zf.Name] = len(recs) - 1
		}
		return rows["nodes.csv"], rows["edges.csv"]
	}
	t.Fatalf("no parser for %s", f)
	return 0, 0
}

func TestExportChangning(t *testing.T) {
	s := storetest.Open(t)
	storetest.SeedChangning(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantNodes := int(st.Nodes)
	wantEdges := int(st.Rels - st.RelsByType[string(model.RelMentionedIn)] - st.RelsByType[string(model.RelHasQuantity)])
	if wantNodes < 100 || wantEdges < 100 {
		t.Fatalf("seeded graph too small: %d nodes, %d edges", wantNodes, wantEdges)
	}
	const root = "enterprise:矽睿科技"
	sub, err := s.Neighborhood(ctx, root, 2, nil, export.MaxLimit, store.Full)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(storetest.RepoRoot(t), "test-output", "export")
	os.MkdirAll(out, 0o755)
	for _, f := range []export.Format{export.Cytoscape, export.GraphML, export.GEXF, export.CSV} {
		for _, tc := range []struct {
			name         string
			opts         export.Options
			nodes, edges int
		}{
			{"whole", export.Options{Format: f}, wantNodes, wantEdges},
			{"rooted", export.Options{Format: f, Root: root, Depth: 2}, len(sub.Nodes), len(sub.Edges)},
		} {
			t.Run(string(f)+"/"+tc.name, func(t *testing.T) {
				var b bytes.Buffer
				res, err := export.Write(ctx, s, tc.opts, &b)
				if err != nil {
					t.Fatal(err)
				}
				n, e := counts(t, f, b.Bytes())
				if n != tc.nodes || e != tc.edges || res.Nodes != n || res.Edges != e {
					t.Errorf("parsed %d nodes, %d edges (result %+v); want %d, %d", n, e, res, tc.nodes, tc.edges)
				}
				// Kept for the XSD check and for people to open in Gephi / yEd / Cytoscape.
				os.WriteFile(filepath.Join(out, fmt.Sprintf("changning-%s.%s", tc.name, tc.opts.Format.Ext())), b.Bytes(), 0o644)
			})
		}
	}
}

// fact is a node, edge or figure as compared across a round trip.
type fact struct {
	Kind, Name string
	Aliases    []string
	Props      map[string]any
	Sources    []model.Provenance
	Method     string
	Confidence float64
	Retracted  bool
}

// volatile properties change on every write, or describe the ingested file.
var volatile = map[string]bool{"createdAt": true, "updatedAt": true, "ingestedAt": true, "ingestedBy": true}

func snapshot(t *testing.T, s *store.Store) (nodes, edges, qtys map[string]fact) {
	t.Helper()
	ctx := context.Background()
	nodes, edges, qtys = map[string]fact{}, map[string]fact{}, map[string]fact{}
	props := func(m map[string]any, doc bool) map[string]any {
		out := map[string]any{}
		for k, v := range m {
			if volatile[k] || (doc && (k == "sha256" || k == "path")) {
				continue
			}
			out[k] = v
		}
		return out
	}
	err := s.EachNode(ctx, func(n store.Node, qs []store.QuantityRecord) error {
		aliases := append([]string{}, n.Aliases...)
		sort.Strings(aliases)
		nodes[n.ID] = fact{Kind: string(n.Kind), Name: n.Name, Aliases: aliases, Props: props(n.Props, n.Kind == model.KindDocument),
			Sources: n.Sources, Method: n.Method, Confidence: n.Confidence, Retracted: n.Retracted}
		for _, q := range qs {
			qtys[q.ID] = fact{Kind: q.Subject, Name: q.What, Props: map[string]any{
				"value": q.Value, "unit": q.Unit, "min": q.Min, "max": q.Max, "qualifier": q.Qualifier, "asOf": q.AsOf, "raw": q.Raw,
			}, Sources: q.Sources, Method: q.Method, Confidence: q.Confidence}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.EachEdge(ctx, func(e store.Edge) error {
		edges[e.ID] = fact{Kind: string(e.Type), Name: e.From + " → " + e.To, Props: props(e.Props, false),
			Sources: e.Sources, Method: e.Method, Confidence: e.Confidence, Retracted: e.Retracted}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return nodes, edges, qtys
}

// TestBundleRoundTrip exports the whole graph as bundles, wipes the database, ingests the
// bundles and compares every node, edge, figure, property and provenance record.
func TestBundleRoundTrip(t *testing.T) {
	s := storetest.Open(t)
	storetest.SeedChangning(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	n1, e1, q1 := snapshot(t, s)

	dir := t.TempDir()
	res, err := export.WriteBundleDir(ctx, s, export.Options{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if res.Nodes != len(n1) || res.Edges != len(e1) {
		t.Errorf("exported %d nodes, %d edges; the graph has %d, %d", res.Nodes, res.Edges, len(n1), len(e1))
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 2 {
		t.Errorf("bundle folder holds %v, want one .yaml and one .txt", files)
	}

	// The zip served over HTTP holds the same files.
	var zb bytes.Buffer
	if _, err := export.Write(ctx, s, export.Options{Format: export.Bundle}, &zb); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(zb.Bytes()), int64(zb.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range z.File {
		r, _ := zf.Open()
		got, _ := io.ReadAll(r)
		r.Close()
		want, err := os.ReadFile(filepath.Join(dir, zf.Name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("zip entry %s differs from the folder's file (%v)", zf.Name, err)
		}
	}

	storetest.Reset(t, s)
	if _, err := ingest.Run(ctx, s, []string{dir}, ingest.Options{}); err != nil {
		t.Fatalf("re-ingesting the exported bundles: %v", err)
	}
	n2, e2, q2 := snapshot(t, s)
	for _, c := range []struct {
		what       string
		want, got  map[string]fact
		minEntries int
	}{{"nodes", n1, n2, 100}, {"edges", e1, e2, 100}, {"figures", q1, q2, 10}} {
		if len(c.want) < c.minEntries {
			t.Errorf("only %d %s before the round trip", len(c.want), c.what)
		}
		if d := cmp.Diff(c.want, c.got); d != "" {
			t.Errorf("%s differ after export → wipe → ingest (-before +after):\n%s", c.what, d)
		}
	}

	// A second export of the restored graph is byte-identical to the first.
	dir2 := t.TempDir()
	if _, err := export.WriteBundleDir(ctx, s, export.Options{}, dir2); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		a, _ := os.ReadFile(f)
		b, _ := os.ReadFile(filepath.Join(dir2, filepath.Base(f)))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: second export differs from the first", filepath.Base(f))
		}
	}
}
