// Package export writes the policy graph, whole or a rooted part of it, in the file formats
// that graph tools and frontends read: Cytoscape.js elements JSON, GraphML, GEXF 1.3, a zip of
// Neo4j admin-import CSV files, and curated bundles (YAML, one per source document) that
// policygraph ingest reads back, for backup and restore.
//
// Properties keep their types (numbers stay numbers, booleans booleans, lists lists where the
// format has lists), and every node and edge carries its provenance. The whole graph is
// streamed from the store page by page; only the bundle format groups facts by document and so
// holds the graph's facts (not the store's records) in memory while it writes.
package export

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store/record"
)

// Source is what export needs from the graph store; *store.Store satisfies it. Every method
// only reads.
type Source interface {
	// EachNode streams every entity with its figures, in id order.
	EachNode(ctx context.Context, fn func(record.Node, []record.QuantityRecord) error) error
	// EachEdge streams every fact relationship.
	EachEdge(ctx context.Context, fn func(record.Edge) error) error
	// Neighborhood returns the subgraph within depth hops of id (fault.ErrNotFound when id
	// names no entity).
	Neighborhood(ctx context.Context, id string, depth int, kinds []model.Kind, limit int, detail record.Detail) (record.Subgraph, error)
	// QuantitiesOf returns the figures about each entity, keyed by entity id.
	QuantitiesOf(ctx context.Context, ids []string) (map[string][]record.QuantityRecord, error)
	// NodesByIDs returns the entities with the given ids; missing ids are absent.
	NodesByIDs(ctx context.Context, ids []string) (map[string]record.Node, error)
	// Passages returns the normalised paragraphs of documents, keyed by document id.
	Passages(ctx context.Context, docIDs []string) (map[string][]string, error)
}

// Format is an export file format.
type Format string

// The export formats.
const (
	Cytoscape Format = "cytoscape" // Cytoscape.js elements JSON: {"nodes":[{"data":…}],"edges":[…]}
	GraphML   Format = "graphml"   // GraphML with typed <key>s
	GEXF      Format = "gexf"      // GEXF 1.3 with typed attributes and start/end dates
	CSV       Format = "csv"       // zip of nodes.csv and edges.csv, Neo4j admin-import headers
	Bundle    Format = "bundle"    // zip of curated bundles (YAML) and their normalised texts
)

// Formats lists every format in a fixed order.
var Formats = []Format{Cytoscape, GraphML, GEXF, CSV, Bundle}

// ParseFormat accepts a format name in any case.
func ParseFormat(s string) (Format, bool) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	for _, v := range Formats {
		if v == f {
			return f, true
		}
	}
	return "", false
}

func formatList() string {
	var s []string
	for _, f := range Formats {
		s = append(s, string(f))
	}
	return strings.Join(s, ", ")
}

// ContentType is the media type of a format's output.
func (f Format) ContentType() string {
	switch f {
	case Cytoscape:
		return "application/json; charset=utf-8"
	case GraphML:
		return "application/graphml+xml; charset=utf-8"
	case GEXF:
		return "application/gexf+xml; charset=utf-8"
	}
	return "application/zip"
}

// Ext is the file name extension of a format's output, without the dot.
func (f Format) Ext() string {
	switch f {
	case Cytoscape:
		return "cyjs.json"
	case GraphML, GEXF:
		return string(f)
	case CSV:
		return "csv.zip"
	}
	return "bundles.zip"
}

// Limits of a rooted export (those of store.Neighborhood, from record).
const (
	MaxDepth     = record.MaxNeighbors
	MaxLimit     = record.MaxSubgraph
	DefaultDepth = 1
)

// Options choose what to export. The zero Root exports the whole graph.
type Options struct {
	Format Format
	Root   string       // entity id of a rooted export; "" for the whole graph
	Depth  int          // hops from Root, 1..MaxDepth (0 = DefaultDepth)
	Kinds  []model.Kind // kinds to keep besides the root; empty = all
	Limit  int          // most nodes of a rooted export, 1..MaxLimit (0 = MaxLimit)
}

// Validate checks the options and fills in defaults. Errors wrap fault.ErrInvalidInput.
func (o *Options) Validate() error {
	if o.Format == "" {
		return invalid("format is required (one of %s)", formatList())
	}
	if _, ok := ParseFormat(string(o.Format)); !ok {
		return invalid("unknown format %q (one of %s)", o.Format, formatList())
	}
	o.Format, _ = ParseFormat(string(o.Format))
	if o.Root == "" {
		if o.Depth != 0 || len(o.Kinds) > 0 || o.Limit != 0 {
			return invalid("depth, kinds and limit apply to a rooted export: give root too")
		}
		return nil
	}
	if o.Depth == 0 {
		o.Depth = DefaultDepth
	}
	if o.Depth < 1 || o.Depth > MaxDepth {
		return invalid("depth must be 1..%d, got %d", MaxDepth, o.Depth)
	}
	if o.Limit == 0 {
		o.Limit = MaxLimit
	}
	if o.Limit < 1 || o.Limit > MaxLimit {
		return invalid("limit must be 1..%d, got %d", MaxLimit, o.Limit)
	}
	return nil
}

// ParseQuery reads Options from URL query parameters: format, root, depth, kinds (comma
// separated, as NodeKind enum values such as TALENT_MEASURE or labels such as TalentMeasure)
// and limit. The result is validated.
func ParseQuery(q url.Values) (Options, error) {
	for k := range q {
		switch k {
		case "format", "root", "depth", "kinds", "limit":
		default:
			return Options{}, invalid("unknown parameter %q (format, root, depth, kinds, limit)", k)
		}
	}
	o := Options{Format: Format(q.Get("format")), Root: strings.TrimSpace(q.Get("root"))}
	var err error
	if o.Depth, err = intParam(q, "depth"); err != nil {
		return o, err
	}
	if o.Limit, err = intParam(q, "limit"); err != nil {
		return o, err
	}
	if o.Kinds, err = ParseKinds(strings.Join(q["kinds"], ",")); err != nil {
		return o, err
	}
	if q.Has("root") && o.Root == "" {
		return o, invalid("root is empty: give an entity id, e.g. enterprise:矽睿科技")
	}
	return o, o.Validate()
}

func intParam(q url.Values, name string) (int, error) {
	v := strings.TrimSpace(q.Get(name))
	if v == "" {
		if q.Has(name) {
			return 0, invalid("%s is empty", name)
		}
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, invalid("%s must be an integer, got %q", name, v)
	}
	if n == 0 {
		return 0, invalid("%s must be at least 1, got 0", name)
	}
	return n, nil
}

// ParseKinds reads a comma-separated list of node kinds (enum or label form, any case).
func ParseKinds(s string) ([]model.Kind, error) {
	var out []model.Kind
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, ok := model.ParseKind(part)
		if !ok {
			var names []string
			for _, k := range model.Kinds {
				names = append(names, k.Enum())
			}
			return nil, invalid("unknown kind %q (one of %s)", part, strings.Join(names, ", "))
		}
		out = append(out, k)
	}
	return out, nil
}

func invalid(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, fault.ErrInvalidInput)...)
}

// Write exports what opts select to w in opts.Format. For the bundle format the output is a
// zip archive (see WriteBundleDir to write a folder instead). A rooted export of an unknown
// root fails with fault.ErrNotFound before anything is written; errors from the store while
// the whole graph is streamed may leave w holding a partial file.
func Write(ctx context.Context, src Source, opts Options, w io.Writer) (Result, error) {
	if err := opts.Validate(); err != nil {
		return Result{}, err
	}
	g, err := open(ctx, src, opts)
	if err != nil {
		return Result{}, err
	}
	return writeGraph(ctx, src, g, opts.Format, w)
}

// Result tells what an export wrote.
type Result struct {
	Nodes, Edges int
	Truncated    bool // a rooted export reached its limit
}

func writeGraph(ctx context.Context, src Source, g graph, f Format, w io.Writer) (Result, error) {
	switch f {
	case Cytoscape:
		return writeCytoscape(ctx, g, w)
	case GraphML:
		return writeGraphML(ctx, g, w)
	case GEXF:
		return writeGEXF(ctx, g, w)
	case CSV:
		return writeCSV(ctx, g, w)
	case Bundle:
		return writeBundleZip(ctx, src, g, w)
	}
	return Result{}, invalid("unknown format %q", f)
}

// node is an entity with its figures.
type node struct {
	record.Node
	Quantities []record.QuantityRecord
}

// graph is what the writers walk: the whole graph from the store, or a rooted subgraph.
type graph interface {
	nodes(ctx context.Context, fn func(node) error) error
	edges(ctx context.Context, fn func(record.Edge) error) error
	truncated() bool
}

func open(ctx context.Context, src Source, opts Options) (graph, error) {
	if opts.Root == "" {
		return whole{src}, nil
	}
	sub, err := src.Neighborhood(ctx, opts.Root, opts.Depth, opts.Kinds, opts.Limit, record.Full)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(sub.Nodes))
	for i, n := range sub.Nodes {
		ids[i] = n.ID
	}
	qs, err := src.QuantitiesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	return rooted{sub: sub, qs: qs}, nil
}

// whole streams the whole graph from the store.
type whole struct{ src Source }

func (g whole) nodes(ctx context.Context, fn func(node) error) error {
	return g.src.EachNode(ctx, func(n record.Node, qs []record.QuantityRecord) error {
		return fn(node{Node: n, Quantities: qs})
	})
}

func (g whole) edges(ctx context.Context, fn func(record.Edge) error) error {
	return g.src.EachEdge(ctx, fn)
}

func (whole) truncated() bool { return false }

// rooted is a subgraph read in one piece, nodes in id order.
type rooted struct {
	sub record.Subgraph
	qs  map[string][]record.QuantityRecord
}

func (g rooted) nodes(ctx context.Context, fn func(node) error) error {
	ns := append([]record.Node(nil), g.sub.Nodes...)
	sort.Slice(ns, func(i, j int) bool { return ns[i].ID < ns[j].ID })
	for _, n := range ns {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(node{Node: n, Quantities: g.qs[n.ID]}); err != nil {
			return err
		}
	}
	return nil
}

func (g rooted) edges(ctx context.Context, fn func(record.Edge) error) error {
	es := append([]record.Edge(nil), g.sub.Edges...)
	sort.Slice(es, func(i, j int) bool { return es[i].ID < es[j].ID })
	for _, e := range es {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

func (g rooted) truncated() bool { return g.sub.Truncated }
