package ingest_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/storetest"
)

// checklist is an independent annotation of what the Changning reply states.
type checklist struct {
	Entities []struct {
		Kind string `yaml:"kind"`
		Name string `yaml:"name"`
	} `yaml:"entities"`
	Aliases []struct {
		Kind  string `yaml:"kind"`
		Name  string `yaml:"name"`
		Alias string `yaml:"alias"`
	} `yaml:"aliases"`
	Relations []struct {
		Type string `yaml:"type"`
		From string `yaml:"from"`
		To   string `yaml:"to"`
	} `yaml:"relations"`
	Quantities []struct {
		Of        string   `yaml:"of"`
		What      string   `yaml:"what"`
		Value     *float64 `yaml:"value"`
		Min       *float64 `yaml:"min"`
		Max       *float64 `yaml:"max"`
		Unit      string   `yaml:"unit"`
		Qualifier string   `yaml:"qualifier"`
		AsOf      string   `yaml:"asOf"`
	} `yaml:"quantities"`
}

// graphIndex maps names and aliases to the entities of the graph.
type graphIndex struct {
	byName map[string][]store.Node
}

func loadIndex(t *testing.T, s *store.Store) graphIndex {
	t.Helper()
	ctx := context.Background()
	idx := graphIndex{byName: map[string][]store.Node{}}
	after := ""
	for {
		page, err := s.ListNodes(ctx, nil, store.MaxPage, after, store.Full)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range page.Nodes {
			for _, name := range append([]string{n.Name}, n.Aliases...) {
				k := model.NormalizeName(name)
				idx.byName[k] = append(idx.byName[k], n)
			}
		}
		if !page.HasNext {
			break
		}
		after = store.Cursor(page.Nodes[len(page.Nodes)-1].ID)
	}
	return idx
}

func (g graphIndex) find(name string, kind model.Kind) []store.Node {
	var out []store.Node
	for _, n := range g.byName[model.NormalizeName(name)] {
		if kind == "" || n.Kind == kind {
			out = append(out, n)
		}
	}
	return out
}

func TestChangningChecklist(t *testing.T) {
	s := storetest.Open(t)
	storetest.SeedChangning(t, s)
	raw, err := os.ReadFile("testdata/changning-checklist.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cl checklist
	if err := yaml.Unmarshal(raw, &cl); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	idx := loadIndex(t, s)

	t.Run("entities", func(t *testing.T) {
		for _, e := range cl.Entities {
			kind, ok := model.ParseKind(e.Kind)
			if !ok {
				t.Errorf("checklist: unknown kind %q", e.Kind)
				continue
			}
			found := idx.find(e.Name, kind)
			if len(found) == 0 {
				t.Errorf("missing %s %s", kind, e.Name)
				continue
			}
			if len(found[0].Sources) == 0 || found[0].Sources[0].Quote == "" {
				t.Errorf("%s %s has no quoted source", kind, e.Name)
			}
			// A person can find it through search, by its name.
			hits, err := s.Search(ctx, e.Name, []model.Kind{kind}, 5, store.Full)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 || hits[0].Node.ID != found[0].ID {
				t.Errorf("search %q does not rank %s first", e.Name, found[0].ID)
			}
		}
		for _, a := range cl.Aliases {
			kind, _ := model.ParseKind(a.Kind)
			byAlias := idx.find(a.Alias, kind)
			byName := idx.find(a.Name, kind)
			if len(byAlias) == 0 || len(byName) == 0 || byAlias[0].ID != byName[0].ID {
				t.Errorf("alias %q does not name %s %s", a.Alias, kind, a.Name)
			}
		}
	})

	t.Run("relations", func(t *testing.T) {
		for _, r := range cl.Relations {
			typ, ok := model.ParseRelType(r.Type)
			if !ok {
				t.Errorf("checklist: unknown type %q", r.Type)
				continue
			}
			froms, tos := idx.find(r.From, ""), idx.find(r.To, "")
			if len(froms) == 0 || len(tos) == 0 {
				t.Errorf("missing %s → %s (%s): endpoint not in graph (from %d, to %d)", r.From, r.To, typ, len(froms), len(tos))
				continue
			}
			ids := make([]string, len(froms))
			for i, f := range froms {
				ids[i] = f.ID
			}
			pages, err := s.EdgesOf(ctx, ids, store.EdgeFilter{Types: []model.RelType{typ}, Outgoing: true, First: store.MaxPage})
			if err != nil {
				t.Fatal(err)
			}
			ok = false
			for _, p := range pages {
				for _, h := range p.Hits {
					for _, to := range tos {
						if h.Other.ID == to.ID {
							ok = true
							if len(h.Edge.Sources) == 0 || h.Edge.Sources[0].Quote == "" {
								t.Errorf("%s -%s-> %s has no quoted source", r.From, typ, r.To)
							}
						}
					}
				}
			}
			if !ok {
				t.Errorf("missing %s -%s-> %s", r.From, typ, r.To)
			}
		}
	})

	t.Run("quantities", func(t *testing.T) {
		for _, q := range cl.Quantities {
			subs := idx.find(q.Of, "")
			if len(subs) == 0 {
				t.Errorf("missing subject %q of figure %q", q.Of, q.What)
				continue
			}
			ids := []string{}
			for _, s := range subs {
				ids = append(ids, s.ID)
			}
			got, err := s.QuantitiesOf(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			var seen []string
			ok := false
			for _, list := range got {
				for _, g := range list {
					seen = append(seen, fmt.Sprintf("%s=%v%s[%v..%v]%s", g.What, g.Value, g.Unit, ptr(g.Min), ptr(g.Max), g.Qualifier))
					if q.Unit != "" && g.Unit != q.Unit {
						continue
					}
					if q.Value != nil && !near(g.Value, *q.Value) {
						continue
					}
					if q.Min != nil && (g.Min == nil || !near(*g.Min, *q.Min)) {
						continue
					}
					if q.Max != nil && (g.Max == nil || !near(*g.Max, *q.Max)) {
						continue
					}
					if q.Qualifier != "" && g.Qualifier != q.Qualifier {
						continue
					}
					if len(g.Sources) == 0 {
						t.Errorf("figure %s of %s has no source", q.What, q.Of)
					}
					ok = true
				}
			}
			if !ok {
				t.Errorf("missing figure of %s: %s %v %s %s (graph has %v)", q.Of, q.What, ptr(q.Value), q.Unit, q.Qualifier, seen)
			}
		}
	})
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

func ptr(f *float64) any {
	if f == nil {
		return "-"
	}
	return *f
}
