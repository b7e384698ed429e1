package reliability

import (
	"context"
	"os/exec"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/policygraph/policygraph/curate"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/storetest"
)

// fact is a live node, relationship or figure as a bundle backup carries it.
type fact struct {
	Kind, Name string
	Aliases    []string
	Props      map[string]any
	Sources    []model.Provenance
	Method     string
	Confidence float64
}

// liveFacts reads every live fact with what a bundle carries: typed entity properties,
// relationship properties of the bundle format, figures' typed fields, and provenance.
// Bookkeeping (timestamps, who created or reviewed, merge pointers) is left out: it lives in
// the database and its audit trail, not in bundles.
func liveFacts(t *testing.T, s *store.Store) (nodes, edges, qtys map[string]fact) {
	t.Helper()
	ctx := context.Background()
	nodes, edges, qtys = map[string]fact{}, map[string]fact{}, map[string]fact{}
	err := s.EachNode(ctx, func(n store.Node, qs []store.QuantityRecord) error {
		props := map[string]any{}
		for k, v := range n.Props {
			if _, typed := model.LookupProp(n.Kind, k); typed && !(n.Kind == model.KindDocument && (k == "sha256" || k == "path")) {
				props[k] = v
			}
		}
		aliases := append([]string{}, n.Aliases...)
		sort.Strings(aliases)
		nodes[n.ID] = fact{Kind: string(n.Kind), Name: n.Name, Aliases: aliases, Props: props, Sources: n.Sources, Method: n.Method, Confidence: n.Confidence}
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
		props := map[string]any{}
		for k, v := range e.Props {
			if slices.Contains(curate.RelationPropNames, k) {
				props[k] = v
			}
		}
		edges[e.ID] = fact{Kind: string(e.Type), Name: e.From + " → " + e.To, Props: props, Sources: e.Sources, Method: e.Method, Confidence: e.Confidence}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return nodes, edges, qtys
}

// TestBundleBackupRestore curates the Changning graph (a new entity with relationships and a
// figure, a changed property, a review, a retracted relationship and figure, a merge), backs
// it up with `policygraph export --format bundle`, wipes the database, restores it with
// `policygraph ingest` and compares every live fact. What a bundle backup does not carry —
// retracted history, reviews, the audit trail — is checked to be absent, as docs/conformance.md
// says.
func TestBundleBackupRestore(t *testing.T) {
	d := neo4j(t)
	s := d.open(t)
	storetest.SeedChangning(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cur := &curate.Service{Store: s}
	eve := store.Actor{Name: "eve", Role: "editor"}
	const doc = "document:changning-2023-proposal-044-reply"
	src := func(quote string) curate.Source { return curate.Source{DocumentID: doc, Text: quote} }
	srcp := func(quote string) *curate.Source { s := src(quote); return &s }

	if _, _, err := cur.UpsertEntity(ctx, eve, curate.EntityInput{Kind: model.KindEnterprise, Name: "上海矽睿科技",
		Aliases: []string{"矽睿"}, Props: map[string]any{"role": "龙头企业"}, Source: srcp("龙头企业矽睿科技")}); err != nil {
		t.Fatal(err)
	}
	if _, err := cur.AddRelation(ctx, eve, curate.RelationInput{Type: model.RelLocatedIn, From: "enterprise:上海矽睿科技", To: "place:长宁区",
		Props: map[string]any{"since": "2023"}, Source: src("龙头企业矽睿科技")}); err != nil {
		t.Fatal(err)
	}
	if _, err := cur.AddRelation(ctx, eve, curate.RelationInput{Type: model.RelSupports, From: "organization:长宁区科学技术委员会", To: "enterprise:宁普时代",
		Source: src("新能源服务行业的宁普时代")}); err != nil {
		t.Fatal(err)
	}
	if _, err := cur.AddQuantity(ctx, eve, curate.QuantityInput{Subject: "enterprise:上海矽睿科技", What: "研发投入", Figure: "超过1000万元",
		Source: src("龙头企业矽睿科技")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cur.UpsertEntity(ctx, eve, curate.EntityInput{ID: "enterprise:宁普时代", Kind: model.KindEnterprise, Name: "宁普时代",
		Props: map[string]any{"role": "创新企业"}, Source: srcp("新能源服务行业的宁普时代")}); err != nil {
		t.Fatal(err)
	}
	if _, err := cur.MarkReviewed(ctx, eve, "enterprise:矽睿科技", "checked"); err != nil {
		t.Fatal(err)
	}
	// Retract one relationship and one figure of the corpus.
	page, err := s.EdgesOf(ctx, []string{"enterprise:矽睿科技"}, store.EdgeFilter{Types: []model.RelType{model.RelInIndustry}, Outgoing: true, First: 1})
	if err != nil || len(page["enterprise:矽睿科技"].Hits) == 0 {
		t.Fatalf("a relationship to retract: %v", err)
	}
	retracted := page["enterprise:矽睿科技"].Hits[0].Edge.ID
	if _, err := cur.RetractRelation(ctx, eve, retracted, "test"); err != nil {
		t.Fatal(err)
	}
	var retractedQty string
	if err := s.EachNode(ctx, func(n store.Node, qs []store.QuantityRecord) error {
		if retractedQty == "" && len(qs) > 0 {
			retractedQty = qs[0].ID
		}
		return nil
	}); err != nil || retractedQty == "" {
		t.Fatalf("a figure to retract: %v", err)
	}
	if _, err := cur.RetractQuantity(ctx, eve, retractedQty, "test"); err != nil {
		t.Fatal(err)
	}
	// Merge a duplicate into an entity of the corpus.
	if _, _, err := cur.UpsertEntity(ctx, eve, curate.EntityInput{Kind: model.KindEnterprise, Name: "扩博", Source: srcp("AI赋能风电和零售行业的扩博智能")}); err != nil {
		t.Fatal(err)
	}
	if _, err := cur.AddRelation(ctx, eve, curate.RelationInput{Type: model.RelLocatedIn, From: "enterprise:扩博", To: "place:长宁区",
		Source: src("AI赋能风电和零售行业的扩博智能")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MergeEntities(ctx, store.Actor{Name: "ada", Role: "admin"}, "enterprise:扩博智能", "enterprise:扩博", "same"); err != nil {
		t.Fatal(err)
	}

	n1, e1, q1 := liveFacts(t, s)
	if _, ok := e1[retracted]; ok {
		t.Fatal("the retracted relationship is live")
	}

	// Back up with the command line, wipe, restore with the command line.
	bin := binary(t)
	dir := t.TempDir()
	env := []string{"NEO4J_URI=" + d.uri(), "NEO4J_PASSWORD=" + password}
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(cmd.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("policygraph %v: %v\n%s", args, err, out)
		} else {
			t.Logf("policygraph %v: %s", args[0], lastLine(string(out)))
		}
	}
	run("export", "--format", "bundle", "-o", dir)
	if err := s.Wipe(ctx); err != nil {
		t.Fatal(err)
	}
	if nodes, _, _ := s.Totals(ctx); nodes != 0 {
		t.Fatalf("the database is not empty after the wipe: %d nodes", nodes)
	}
	run("ingest", dir)

	n2, e2, q2 := liveFacts(t, s)
	for _, c := range []struct {
		what      string
		want, got map[string]fact
	}{{"nodes", n1, n2}, {"relationships", e1, e2}, {"figures", q1, q2}} {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s differ after backup and restore (-before +after):\n%s", c.what, diff)
		}
	}
	// The curated facts came back with their provenance.
	if f, ok := n2["enterprise:上海矽睿科技"]; !ok || f.Method != "curated" || len(f.Sources) == 0 || f.Sources[0].Quote != "龙头企业矽睿科技" {
		t.Errorf("curated entity after restore: %+v", f)
	}
	if f := n2["enterprise:扩博智能"]; !slices.Contains(f.Aliases, "扩博") {
		t.Errorf("merged name not among the keeper's aliases after restore: %v", f.Aliases)
	}
	// What a bundle backup does not carry.
	if nodes, _ := s.NodesByIDs(ctx, []string{"enterprise:矽睿科技"}); nodes["enterprise:矽睿科技"].Props["reviewedBy"] != nil {
		t.Error("a review came back from a bundle backup")
	}
	if n, _ := s.NodeWithRetracted(ctx, "enterprise:扩博"); n != nil {
		t.Errorf("the merged entity came back: %+v", n)
	}
}

func lastLine(s string) string {
	lines := slices.DeleteFunc(splitLines(s), func(l string) bool { return l == "" })
	if len(lines) == 0 {
		return ""
	}
	return lines[len(lines)-1]
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
