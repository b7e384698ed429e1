// Package gen writes a deterministic synthetic corpus of Shanghai district S&T policy
// documents in the curated bundle format (see package ingest), for benchmarks and tests.
//
// The corpus has the shape of the real thing: 16 districts, each with its government
// bodies, parks and alliances; enterprise recognition lists (认定名单) that declare the
// district's enterprises with their industries, places and R&D figures; alliance member
// lists; and government gazette issues (政府公报) that each carry several policies. A policy
// is issued by a district body, is part of a district or municipal framework, derives from
// an earlier policy (derivation chains), sometimes amends and supersedes an older version,
// establishes programs and talent measures with figures (最高50万元 …), and supports
// enterprises whose support degrees are Zipf-distributed (a few enterprises are supported
// by hundreds of policies, most by a handful).
//
// Every bundle has its own source text, generated from the facts: one paragraph per line,
// each ending with 。, free of PDF line breaks, so that normalisation is the identity and
// every anchor, given as {start, end} rune offsets, reads the words it anchors. Entities
// shared across bundles (districts, industries, bodies, frameworks, enterprises declared
// in an earlier list) are declared once, in the first bundle in lexical order that names
// them, and referenced by id everywhere else; so bundles can be ingested in file order,
// one window at a time.
//
// Output is streamed bundle by bundle: memory stays bounded whatever the scale. The same
// seed and scale always give the same bytes.
package gen

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Scale is a corpus size preset.
type Scale struct {
	Name string
	// Enterprises over all districts (divided evenly).
	Enterprises int
	// ListSize is the number of enterprises a recognition list declares.
	ListSize int
	// PoliciesPerDistrict and PoliciesPerGazette size the gazettes.
	PoliciesPerDistrict, PoliciesPerGazette int
	// ProgramsPerPolicy and MeasuresPerPolicy are what each policy establishes.
	ProgramsPerPolicy, MeasuresPerPolicy int
	// AlliancesPerDistrict and MembersPerAlliance size the alliances.
	AlliancesPerDistrict, MembersPerAlliance int
	// PolicySupports, ProgramSupports and ProgramParticipants are the mean number of
	// enterprises a policy supports, a program supports, and that take part in a program.
	PolicySupports, ProgramSupports, ProgramParticipants int
}

// Presets are the named scales: tiny (tests), small (~10k nodes, CI), medium and large
// (~1M nodes, ~5M relationships).
var Presets = map[string]Scale{
	"tiny": {Name: "tiny", Enterprises: 320, ListSize: 10, PoliciesPerDistrict: 3, PoliciesPerGazette: 2,
		ProgramsPerPolicy: 2, MeasuresPerPolicy: 3, AlliancesPerDistrict: 1, MembersPerAlliance: 5,
		PolicySupports: 4, ProgramSupports: 2, ProgramParticipants: 3},
	"small": {Name: "small", Enterprises: 1600, ListSize: 50, PoliciesPerDistrict: 16, PoliciesPerGazette: 4,
		ProgramsPerPolicy: 4, MeasuresPerPolicy: 8, AlliancesPerDistrict: 4, MembersPerAlliance: 15,
		PolicySupports: 10, ProgramSupports: 3, ProgramParticipants: 6},
	"medium": {Name: "medium", Enterprises: 20000, ListSize: 400, PoliciesPerDistrict: 280, PoliciesPerGazette: 10,
		ProgramsPerPolicy: 4, MeasuresPerPolicy: 8, AlliancesPerDistrict: 50, MembersPerAlliance: 50,
		PolicySupports: 25, ProgramSupports: 5, ProgramParticipants: 15},
	"large": {Name: "large", Enterprises: 100000, ListSize: 500, PoliciesPerDistrict: 1440, PoliciesPerGazette: 10,
		ProgramsPerPolicy: 4, MeasuresPerPolicy: 8, AlliancesPerDistrict: 250, MembersPerAlliance: 50,
		PolicySupports: 25, ProgramSupports: 5, ProgramParticipants: 15},
}

// ScaleNames lists the presets, smallest first.
var ScaleNames = []string{"tiny", "small", "medium", "large"}

// Config says what to generate.
type Config struct {
	Seed  uint64
	Scale Scale
	// Progress, when not nil, receives one line per district.
	Progress io.Writer
}

// Stats counts what a corpus will create in the graph when ingested into an empty database.
type Stats struct {
	Bundles    int
	TextBytes  int64
	YAMLBytes  int64
	Entities   int            // entity declarations (one node each; ids are unique)
	Documents  int            // Document nodes (one per bundle)
	Quantities int            // Quantity nodes
	Relations  map[string]int // by type, including MENTIONED_IN and HAS_QUANTITY written by ingest
}

// Nodes is the number of nodes the corpus creates: entities, documents and figures.
func (s Stats) Nodes() int { return s.Entities + s.Documents + s.Quantities }

// Rels is the number of relationships the corpus creates.
func (s Stats) Rels() int {
	n := 0
	for _, v := range s.Relations {
		n += v
	}
	return n
}

// Rows is the number of facts an ingest writes: nodes plus relationships.
func (s Stats) Rows() int { return s.Nodes() + s.Rels() }

// String summarises the stats on one line.
func (s Stats) String() string {
	var types []string
	for t := range s.Relations {
		types = append(types, t)
	}
	sort.Strings(types)
	var parts []string
	for _, t := range types {
		parts = append(parts, fmt.Sprintf("%s=%d", t, s.Relations[t]))
	}
	return fmt.Sprintf("%d bundles, %d nodes (%d entities, %d documents, %d figures), %d relationships (%s), %.1f MB YAML, %.1f MB text",
		s.Bundles, s.Nodes(), s.Entities, s.Documents, s.Quantities, s.Rels(), strings.Join(parts, " "),
		float64(s.YAMLBytes)/1e6, float64(s.TextBytes)/1e6)
}

// Generate writes the corpus under dir (created if needed; existing generated files are
// overwritten) and returns what it wrote. It stops early when ctx ends.
func Generate(ctx context.Context, dir string, cfg Config) (Stats, error) {
	sc := cfg.Scale
	if sc.Enterprises < len(districts) || sc.ListSize <= 0 || sc.PoliciesPerGazette <= 0 || sc.PoliciesPerDistrict <= 0 {
		return Stats{}, fmt.Errorf("gen: scale %q is not usable", sc.Name)
	}
	if sc.Enterprises > len(coreChars)*len(coreChars)*len(coreChars) {
		return Stats{}, fmt.Errorf("gen: at most %d enterprises", len(coreChars)*len(coreChars)*len(coreChars))
	}
	g := &generator{cfg: cfg, sc: sc, dir: dir, stats: Stats{Relations: map[string]int{}}}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Stats{}, err
	}
	if err := g.municipal(); err != nil {
		return g.stats, err
	}
	for d := range districts {
		if err := ctx.Err(); err != nil {
			return g.stats, err
		}
		if err := g.district(ctx, d); err != nil {
			return g.stats, err
		}
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "gen: %s done: %s\n", districts[d].name, g.stats)
		}
	}
	return g.stats, g.writeManifest()
}

type generator struct {
	cfg   Config
	sc    Scale
	dir   string
	stats Stats
}

// hash mixes the seed with parts (splitmix64 steps).
func (g *generator) hash(parts ...uint64) uint64 {
	h := g.cfg.Seed ^ 0x9e3779b97f4a7c15
	for _, p := range parts {
		h = (h ^ p) * 0xbf58476d1ce4e5b9
		h ^= h >> 31
	}
	return h
}

// rng returns the random source of one bundle: bundles are independent of each other.
func (g *generator) rng(parts ...uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.hash(parts...), g.cfg.Seed))
}

// perDistrict is the number of enterprises each district owns.
func (g *generator) perDistrict() int { return g.sc.Enterprises / len(districts) }

// enterprise describes enterprise i (global index): everything is a function of i, so any
// bundle can reference any enterprise by id without keeping state.
type enterprise struct {
	name, short, id string
	industry        int
	district        int
}

func (g *generator) enterprise(i int) enterprise {
	n := len(coreChars)
	// Spread consecutive indices over the core space so neighbours do not share prefixes.
	k := (i*7919 + 13) % (n * n * n)
	core := string([]rune{coreChars[k%n], coreChars[(k/n)%n], coreChars[(k/n/n)%n]})
	ind := int((uint64(i)*2654435761 + g.cfg.Seed) % uint64(len(industries)))
	short := core + industries[ind].short
	name := "上海" + short + industries[ind].suffix
	return enterprise{name: name, short: short, id: entityID("Enterprise", name), industry: ind, district: i / g.perDistrict()}
}

func industryID(i int) string  { return entityID("Industry", industries[i].name) }
func districtID(d int) string  { return entityID("Place", districts[d].name) }
func frameworkID(i int) string { return entityID("Policy", frameworks[i]) }

func orgName(d, o int) string { return districts[d].name + districtOrgs[o] }
func orgID(d, o int) string   { return entityID("Organization", orgName(d, o)) }

func parkName(d, p int) string {
	short := strings.TrimSuffix(strings.TrimSuffix(districts[d].name, "新区"), "区")
	return short + parkWords[p%len(parkWords)]
}

func parksOf(d int) int { return 3 + d%4 }

func allianceName(d, a int) string {
	return fmt.Sprintf("%s%s%s", districts[d].name, industries[a%len(industries)].name, allianceWords[(a/len(industries))%len(allianceWords)]) + ordinal(a/(len(industries)*len(allianceWords)))
}

func ordinal(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("（第%d分会）", n+1)
}

// policy names the j-th policy of district d. Titles come from a bijection of j onto
// (type, industry, topic, round), so they are unique within the district; the year grows
// with j, so later gazettes carry newer policies. One policy in twenty (from the third
// gazette on) is instead a new version of the policy two gazettes earlier: it AMENDS and
// SUPERSEDES it. Everything is a function of (seed, d, j), so any bundle can reference
// any earlier policy by id.
type policy struct {
	title, id, docNumber string
	year, industry       int
	ptype                int
	version              int
	revises              int // index of the policy this one revises, or -1
}

func (g *generator) policy(d, j int) policy {
	t := j % len(policyTypes)
	r := j / len(policyTypes)
	ind := r % len(industries)
	r /= len(industries)
	topic := r % len(policyTopics)
	round := r / len(policyTopics)
	year := 2015 + j*10/max(g.sc.PoliciesPerDistrict, 1)
	p := policy{
		industry: ind, ptype: t, year: year, version: 1, revises: -1,
		docNumber: fmt.Sprintf("%s府发〔%d〕%d号", districts[d].abbr, year, 1+j%200),
	}
	if old := j - 2*g.sc.PoliciesPerGazette; old >= 0 && g.hash(5, uint64(d), uint64(j))%20 == 0 {
		o := g.policy(d, old)
		p.title = strings.TrimSuffix(o.title, fmt.Sprintf("（%d年）", o.year)) + fmt.Sprintf("（%d年修订）", year)
		p.industry, p.version, p.revises = o.industry, o.version+1, old
	} else {
		p.title = fmt.Sprintf("%s关于促进%s产业%s的%s", districts[d].name, industries[ind].name, policyTopics[topic], policyTypes[t].word)
		if round > 0 {
			p.title += fmt.Sprintf("（第%d批）", round+1)
		}
		p.title += fmt.Sprintf("（%d年）", year)
	}
	p.id = entityID("Policy", p.title)
	return p
}

func (g *generator) writeManifest() error {
	dir := filepath.Join(g.dir, ".gen")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "seed %d\nscale %s\n%s\n", g.cfg.Seed, g.sc.Name, g.stats)
	return os.WriteFile(filepath.Join(dir, "manifest.txt"), []byte(b.String()), 0o644)
}
