package export

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store/record"
	"github.com/policygraph/policygraph/textnorm"
)

// Bundle export: one curated bundle per source document, so that `policygraph ingest` of the
// exported folder into an empty graph writes the same entities, relationships, figures,
// properties and provenance again.
//
// A provenance record names its document and a rune span [start, end) of that document's
// normalised text. The store keeps the normalised paragraphs (passages) of every document, and
// the normalised text is those paragraphs joined by "\n"; the export writes that text beside
// the bundle (NAME.txt next to NAME.yaml) and anchors every fact by its exact span and quote
// ({text, start, end}), which ingest checks. Normalising the normalised text again must give it
// back unchanged, or the spans would move: the export checks this for every document.
//
// What cannot come back: a Document's sha256 and path describe the file that was ingested and
// so become those of the written text; createdAt/updatedAt are new; retracted facts (no source
// left) and entities without a source are not exported.

// bundleExcludedEdgeProps are bookkeeping properties of relationships, not bundle props.
var bundleExcludedEdgeProps = map[string]bool{
	"createdAt": true, "updatedAt": true, "retractedAt": true, "retractedBy": true, "origType": true,
	// curation bookkeeping (store/curation.go): who and when, reviews, merge pointers; the
	// audit trail keeps them, a bundle has no field for them
	"createdBy": true, "updatedBy": true, "reviewedBy": true, "reviewedAt": true, "reviewNote": true,
	"mergedFrom": true, "mergedInto": true, "movedTo": true, "retractReason": true, "restoredAt": true, "restoredBy": true,
	"staffAt": true, "staffBy": true, "staffProps": true, "staffSrc": true, "status": true, "statusBy": true, "statusAt": true,
}

// docBundle collects the facts one document states.
type docBundle struct {
	entities   []bundle.EntitySpec
	relations  []bundle.RelationSpec
	quantities []bundle.QuantitySpec
}

// bundleSet groups every fact of a graph by the documents its provenance names.
type bundleSet struct {
	docs     map[string]*docBundle
	docNodes map[string]record.Node // Document entities seen
	skipped  int                    // entities and facts with no source
}

func (bs *bundleSet) doc(id string) *docBundle {
	d, ok := bs.docs[id]
	if !ok {
		d = &docBundle{}
		bs.docs[id] = d
	}
	return d
}

// anchorGroup is the provenance of one fact in one document with one method and confidence.
type anchorGroup struct {
	doc     string
	method  string
	conf    float64
	anchors bundle.Anchors
}

// groupSources splits provenance records by (document, method, confidence), in order.
func groupSources(ps []model.Provenance) []anchorGroup {
	var out []anchorGroup
	idx := map[string]int{}
	for _, p := range ps {
		key := fmt.Sprintf("%s\x00%s\x00%g", p.DocumentID, p.Method, p.Confidence)
		i, ok := idx[key]
		if !ok {
			i = len(out)
			idx[key] = i
			out = append(out, anchorGroup{doc: p.DocumentID, method: p.Method, conf: p.Confidence})
		}
		start, end := p.Start, p.End
		out[i].anchors = append(out[i].anchors, bundle.Anchor{Text: p.Quote, Start: &start, End: &end})
	}
	return out
}

func methodConf(method string, conf float64) (string, *float64) {
	if method == model.MethodCurated {
		method = ""
	}
	if conf == 1 {
		return method, nil
	}
	c := conf
	return method, &c
}

// entityProps returns the typed properties a bundle may set on an entity of kind.
func entityProps(kind model.Kind, props map[string]any, skip ...string) map[string]any {
	out := map[string]any{}
	for k, v := range props {
		if model.ReservedProps[k] || contains(skip, k) {
			continue
		}
		spec, ok := model.LookupProp(kind, k)
		if !ok {
			continue
		}
		if v, _ = value(v); v == nil {
			continue
		}
		if cv, err := model.CoerceProp(spec, v); err == nil {
			out[k] = cv
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (bs *bundleSet) addNode(n node) {
	if n.Kind == model.KindDocument {
		bs.docNodes[n.ID] = n.Node
	}
	if !n.Retracted {
		groups := groupSources(n.Sources)
		own := 0
		for _, g := range groups {
			if g.doc == n.ID {
				continue // a document's own source is its first passage, written by ingest
			}
			own++
			method, conf := methodConf(g.method, g.conf)
			bs.doc(g.doc).entities = append(bs.doc(g.doc).entities, bundle.EntitySpec{
				ID: n.ID, Kind: string(n.Kind), Name: n.Name, Aliases: n.Aliases,
				Props: entityProps(n.Kind, n.Props), Anchor: g.anchors, Method: method, Confidence: conf,
			})
		}
		if own == 0 && n.Kind != model.KindDocument {
			bs.skipped++
		}
	}
	for _, q := range n.Quantities {
		bs.addQuantity(q)
	}
}

func (bs *bundleSet) addQuantity(q record.QuantityRecord) {
	groups := groupSources(q.Sources)
	if len(groups) == 0 {
		bs.skipped++
		return
	}
	for _, g := range groups {
		method, conf := methodConf(g.method, g.conf)
		spec := bundle.QuantitySpec{
			Of: q.Subject, What: q.What, Min: q.Min, Max: q.Max, Qualifier: q.Qualifier, AsOf: q.AsOf,
			Anchor: g.anchors, Method: method, Confidence: conf,
		}
		if q.Raw == fmt.Sprintf("%v %s", q.Value, q.Unit) {
			v := q.Value
			spec.Value, spec.Unit = &v, q.Unit
		} else {
			spec.Figure, spec.Unit = q.Raw, q.Unit
		}
		bs.doc(g.doc).quantities = append(bs.doc(g.doc).quantities, spec)
	}
}

func (bs *bundleSet) addEdge(e record.Edge) {
	if e.Retracted {
		return
	}
	groups := groupSources(e.Sources)
	if len(groups) == 0 {
		bs.skipped++
		return
	}
	props := map[string]any{}
	for k, v := range e.Props {
		if !bundleExcludedEdgeProps[k] {
			if v, _ = value(v); v != nil {
				props[k] = v
			}
		}
	}
	if len(props) == 0 {
		props = nil
	}
	for _, g := range groups {
		method, conf := methodConf(g.method, g.conf)
		bs.doc(g.doc).relations = append(bs.doc(g.doc).relations, bundle.RelationSpec{
			Type: string(e.Type), From: e.From, To: e.To, Props: props, Anchor: g.anchors, Method: method, Confidence: conf,
		})
	}
}

// collectBundles walks g and groups its facts by document.
func collectBundles(ctx context.Context, g graph) (*bundleSet, Result, error) {
	bs := &bundleSet{docs: map[string]*docBundle{}, docNodes: map[string]record.Node{}}
	var res Result
	err := g.nodes(ctx, func(n node) error {
		res.Nodes++
		bs.addNode(n)
		return nil
	})
	if err != nil {
		return nil, res, err
	}
	err = g.edges(ctx, func(e record.Edge) error {
		res.Edges++
		bs.addEdge(e)
		return nil
	})
	res.Truncated = g.truncated()
	return bs, res, err
}

// sink receives the files of a bundle export.
type sink interface {
	create(name string) (io.Writer, error)
}

type zipSink struct{ z *zip.Writer }

func (s zipSink) create(name string) (io.Writer, error) {
	return s.z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Now().UTC()})
}

type dirSink struct {
	dir  string
	open *os.File
}

func (s *dirSink) create(name string) (io.Writer, error) {
	if err := s.close(); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(s.dir, name))
	if err != nil {
		return nil, err
	}
	s.open = f
	return f, nil
}

func (s *dirSink) close() error {
	if s.open == nil {
		return nil
	}
	err := s.open.Close()
	s.open = nil
	return err
}

func writeBundleZip(ctx context.Context, src Source, g graph, w io.Writer) (Result, error) {
	z := zip.NewWriter(w)
	res, err := writeBundles(ctx, src, g, zipSink{z})
	if err != nil {
		return res, err
	}
	return res, z.Close()
}

// WriteBundleDir exports what opts select as curated bundles into dir (created if needed):
// NAME.yaml and NAME.txt for every source document. `policygraph ingest DIR` reads them back.
// opts.Format is ignored.
func WriteBundleDir(ctx context.Context, src Source, opts Options, dir string) (Result, error) {
	opts.Format = Bundle
	if err := opts.Validate(); err != nil {
		return Result{}, err
	}
	g, err := open(ctx, src, opts)
	if err != nil {
		return Result{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Result{}, err
	}
	s := &dirSink{dir: dir}
	res, err := writeBundles(ctx, src, g, s)
	if cerr := s.close(); err == nil {
		err = cerr
	}
	return res, err
}

// passageBatch is how many documents' passages are read per round trip.
const passageBatch = 20

func writeBundles(ctx context.Context, src Source, g graph, out sink) (Result, error) {
	bs, res, err := collectBundles(ctx, g)
	if err != nil {
		return res, err
	}
	docIDs := make([]string, 0, len(bs.docs))
	var missing []string
	for id := range bs.docs {
		docIDs = append(docIDs, id)
		if _, ok := bs.docNodes[id]; !ok {
			missing = append(missing, id)
		}
	}
	sort.Strings(docIDs)
	if len(missing) > 0 {
		found, err := src.NodesByIDs(ctx, missing)
		if err != nil {
			return res, err
		}
		for id, n := range found {
			bs.docNodes[id] = n
		}
	}
	names := map[string]bool{}
	for i := 0; i < len(docIDs); i += passageBatch {
		batch := docIDs[i:min(i+passageBatch, len(docIDs))]
		texts, err := src.Passages(ctx, batch)
		if err != nil {
			return res, err
		}
		for _, id := range batch {
			dn, ok := bs.docNodes[id]
			if !ok {
				return res, fmt.Errorf("provenance names document %q, which is not in the graph: %w", id, fault.ErrConflict)
			}
			stem := uniqueStem(docStem(dn), names)
			if err := writeDocBundle(out, stem, dn, bs.docs[id], texts[id]); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// docStem names a document's files: the base name of the text it was ingested from, else its id.
func docStem(n record.Node) string {
	if p, _ := n.Props["path"].(string); p != "" {
		base := path.Base(filepath.ToSlash(p))
		if stem := strings.TrimSuffix(base, path.Ext(base)); stem != "" && stem != "." && stem != "/" {
			return safeName(stem)
		}
	}
	return safeName(strings.TrimPrefix(n.ID, model.KindDocument.Slug()+":"))
}

func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '/', '\\', ':', '*', '?', '"', '<', '>', '|', 0:
			return '_'
		}
		return r
	}, s)
	s = strings.Trim(s, ". ")
	if s == "" {
		return "document"
	}
	return s
}

func uniqueStem(stem string, taken map[string]bool) string {
	s := stem
	for i := 2; taken[s]; i++ {
		s = fmt.Sprintf("%s-%d", stem, i)
	}
	taken[s] = true
	return s
}

func writeDocBundle(out sink, stem string, dn record.Node, d *docBundle, passages []string) error {
	text := strings.Join(passages, "\n")
	if norm := textnorm.Normalize(text + "\n"); norm.Text != text || len(norm.Paragraphs) != len(passages) {
		return fmt.Errorf("document %s: its stored text does not normalise to itself, so exported spans would move: %w", dn.ID, fault.ErrConflict)
	}
	sort.SliceStable(d.entities, func(i, j int) bool { return d.entities[i].ID < d.entities[j].ID })
	sort.SliceStable(d.relations, func(i, j int) bool {
		a, b := d.relations[i], d.relations[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
	sort.SliceStable(d.quantities, func(i, j int) bool {
		a, b := d.quantities[i], d.quantities[j]
		if a.Of != b.Of {
			return a.Of < b.Of
		}
		return a.What < b.What
	})
	b := bundle.Bundle{
		SchemaVersion: bundle.SchemaVersion,
		Document: bundle.DocumentSpec{
			ID: dn.ID, Path: stem + ".txt", Title: dn.Name,
			Props: entityProps(model.KindDocument, dn.Props, "sha256", "path"),
		},
		Entities: d.entities, Relations: d.relations, Quantities: d.quantities,
	}
	var buf bytes.Buffer
	header := fmt.Sprintf("Curated bundle exported by policygraph from the graph (document %s).\n"+
		"Anchors are spans of %s.txt, the document's normalised text; ingest checks each quote.", dn.ID, stem)
	if err := bundle.Encode(&buf, header, &b); err != nil {
		return fmt.Errorf("document %s: %w", dn.ID, err)
	}
	w, err := out.create(stem + ".yaml")
	if err != nil {
		return err
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return err
	}
	w, err = out.create(stem + ".txt")
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, text+"\n")
	return err
}
