package extract

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/policygraph/policygraph/model"
)

// Gazetteer maps known names (and their aliases) to entities, so that entities already
// reviewed in curated bundles are found by exact match (method "rule:gazetteer"). The zero
// value is empty and usable; a Gazetteer is not safe for concurrent modification, but
// concurrent extractions may share one that is no longer modified.
type Gazetteer struct {
	byName  map[string]GazetteerEntry // fold(name) → entry
	entries []GazetteerEntry
}

// GazetteerEntry is one known entity.
type GazetteerEntry struct {
	ID      string
	Kind    model.Kind
	Name    string
	Aliases []string
}

// Add records an entity under its name and aliases. Names shorter than two runes are
// ignored (they would match everywhere). A name already known keeps its first entry.
func (g *Gazetteer) Add(e GazetteerEntry) {
	if g.byName == nil {
		g.byName = map[string]GazetteerEntry{}
	}
	if e.ID == "" {
		e.ID = model.EntityID(e.Kind, e.Name)
	}
	added := false
	for _, n := range append([]string{e.Name}, e.Aliases...) {
		f := fold(n)
		if runeLen(f) < 2 {
			continue
		}
		if _, ok := g.byName[f]; !ok {
			g.byName[f] = e
			added = true
		}
	}
	if added {
		g.entries = append(g.entries, e)
	}
}

// Merge adds every entity of o (which may be nil) to g; names g already knows keep their
// entry.
func (g *Gazetteer) Merge(o *Gazetteer) {
	if o == nil {
		return
	}
	for _, e := range o.entries {
		g.Add(e)
	}
}

// Len returns the number of entities known.
func (g *Gazetteer) Len() int {
	if g == nil {
		return 0
	}
	return len(g.entries)
}

// Lookup returns the entity known under name (folded: NFKC, spaces and quote marks ignored).
func (g *Gazetteer) Lookup(name string) (GazetteerEntry, bool) {
	if g == nil {
		return GazetteerEntry{}, false
	}
	e, ok := g.byName[fold(name)]
	return e, ok
}

// names returns every surface name, longest first.
func (g *Gazetteer) names() []string {
	var out []string
	for _, e := range g.entries {
		for _, n := range append([]string{e.Name}, e.Aliases...) {
			if runeLen(fold(n)) >= 2 {
				out = append(out, n)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return runeLen(out[i]) > runeLen(out[j]) })
	return out
}

// bundleEntities is the part of a curated bundle the gazetteer reads.
type bundleEntities struct {
	Entities []struct {
		ID      string   `yaml:"id"`
		Kind    string   `yaml:"kind"`
		Name    string   `yaml:"name"`
		Aliases []string `yaml:"aliases"`
	} `yaml:"entities"`
}

// LoadGazetteer reads the entities of every curated bundle (*.yaml, *.yml) under dir,
// recursively. Documents are skipped. An unreadable or malformed file is an error naming
// the file; an empty directory gives an empty gazetteer.
func LoadGazetteer(dir string) (*Gazetteer, error) {
	g := &Gazetteer{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := g.AddBundle(b); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	return g, nil
}

// AddBundle adds the entities of one curated bundle (YAML or JSON).
func (g *Gazetteer) AddBundle(b []byte) error {
	var be bundleEntities
	if err := yaml.Unmarshal(b, &be); err != nil {
		return err
	}
	for i, e := range be.Entities {
		k, ok := model.ParseKind(e.Kind)
		if !ok {
			return fmt.Errorf("entity %d: unknown kind %q", i+1, e.Kind)
		}
		if k == model.KindDocument || strings.TrimSpace(e.Name) == "" {
			continue
		}
		g.Add(GazetteerEntry{ID: e.ID, Kind: k, Name: e.Name, Aliases: e.Aliases})
	}
	return nil
}

// ruleGazetteer marks every occurrence of a known name (longest first, outside titles).
func (x *extractor) ruleGazetteer() {
	g := x.opts.Gazetteer
	if g.Len() == 0 {
		return
	}
	byFirst := map[rune][][]rune{}
	for _, n := range g.names() {
		rs := []rune(n)
		byFirst[rs[0]] = append(byFirst[rs[0]], rs)
	}
	for i := 0; i < len(x.text); i++ {
		if i%65536 == 0 && x.ctx.Err() != nil {
			return
		}
		for _, n := range byFirst[x.text[i]] {
			end := i + len(n)
			if end > len(x.text) || !runesEqual(x.text[i:end], n) {
				continue
			}
			e, _ := g.Lookup(string(n))
			x.add(&mention{kind: e.Kind, name: e.Name, aliases: e.Aliases, start: i, end: end, rule: "gazetteer", conf: confLexicon, id: e.ID})
			i = end - 1
			break
		}
	}
}
