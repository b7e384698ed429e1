package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/quantity"
	"github.com/policygraph/policygraph/read"
	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/textnorm"
)

// planVersion changes when the meaning of a plan changes, so that documents ingested by an
// older build are rewritten rather than reported unchanged.
const planVersion = "policygraph-plan-1"

// Lookup tells which entity ids already exist in the graph; references that name no entity
// of the run are checked with it.
type Lookup func(ctx context.Context, ids []string) (map[string]model.Kind, error)

// Source is a loaded, normalised source document.
type Source struct {
	Path     string
	Encoding string
	SHA256   string
	Doc      *textnorm.Document
	Pages    []int // page of every passage (PDF), nil for formats without pages
}

// MaxSourceBytes bounds the source document a bundle's document.path may name.
var MaxSourceBytes int64 = 32 << 20

// LoadSource reads and normalises a source document: text (UTF-8, GB18030, Big5, UTF-16),
// PDF, DOCX or HTML, recognised by content (package read); the file is read through
// safepath inside its own folder.
func LoadSource(path string) (*Source, error) {
	return loadSourceIn(filepath.Dir(path), filepath.Base(path), read.Options{MaxBytes: MaxSourceBytes})
}

// loadSourceIn reads name inside root only (safepath: no absolute path, no climb out, no
// symlink leaving root, regular files only, at most MaxSourceBytes) and normalises it.
func loadSourceIn(root, name string, ro read.Options) (*Source, error) {
	d, err := read.File(context.Background(), root, filepath.FromSlash(name), ro)
	if err != nil {
		return nil, err
	}
	enc := d.Encoding
	if d.Format != read.FormatText {
		enc = string(d.Format)
	}
	return &Source{Path: filepath.Join(root, name), Encoding: enc, SHA256: d.SHA256, Doc: d.Doc, Pages: d.PassagePages()}, nil
}

// entityDecl is one declaration of an entity in one bundle.
type entityDecl struct {
	b    *bundle.Bundle
	spec *bundle.EntitySpec
	id   string
	kind model.Kind
}

// planner resolves and validates all bundles of one run together.
type planner struct {
	errs    bundle.Errors
	bundles []*bundle.Bundle
	sources map[*bundle.Bundle]*Source
	docIDs  map[*bundle.Bundle]string
	decls   map[string][]entityDecl                // id → declarations across the run
	byName  map[string]map[string]bool             // normalised name/alias → ids (whole run)
	local   map[*bundle.Bundle]map[string][]string // per bundle: normalised name/alias → ids
	missing map[string][]func(kind model.Kind, ok bool)
	docs    map[string]*bundle.Bundle                  // document id → the bundle describing it
	deps    map[*bundle.Bundle]map[*bundle.Bundle]bool // bundle → bundles that must be written before it
	read    read.Options                               // how source documents are read (OCR)
}

// Plan validates bundles and turns each into one store.DocumentWrite. Every problem in any
// bundle is reported (file, line, field) and no write is returned when there is one.
func Plan(ctx context.Context, bundles []*bundle.Bundle, lookup Lookup) ([]store.DocumentWrite, error) {
	return plan(ctx, bundles, lookup, read.Options{MaxBytes: MaxSourceBytes})
}

// plan is Plan reading the source documents with ro (RunBundles: --ocr).
func plan(ctx context.Context, bundles []*bundle.Bundle, lookup Lookup, ro read.Options) ([]store.DocumentWrite, error) {
	p := &planner{read: ro,
		bundles: bundles, sources: map[*bundle.Bundle]*Source{}, docIDs: map[*bundle.Bundle]string{},
		decls: map[string][]entityDecl{}, byName: map[string]map[string]bool{},
		local: map[*bundle.Bundle]map[string][]string{}, missing: map[string][]func(model.Kind, bool){},
		docs: map[string]*bundle.Bundle{}, deps: map[*bundle.Bundle]map[*bundle.Bundle]bool{},
	}
	for _, b := range bundles {
		p.loadDocument(b)
		p.declare(b)
	}
	// Every bundle's document is an entity of the run too: another bundle may refer to it
	// (a reply RESPONDS_TO a proposal described in its own bundle).
	for _, b := range bundles {
		if id := p.docIDs[b]; id != "" {
			p.docs[id] = b
		}
	}
	p.checkConflicts()
	planned := map[*bundle.Bundle]store.DocumentWrite{}
	for _, b := range bundles {
		if w, ok := p.plan(b); ok {
			planned[b] = w
		}
	}
	writes := make([]store.DocumentWrite, 0, len(bundles))
	for _, b := range p.order() {
		if w, ok := planned[b]; ok {
			writes = append(writes, w)
		}
	}
	if len(p.missing) > 0 {
		ids := make([]string, 0, len(p.missing))
		for id := range p.missing {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		found := map[string]model.Kind{}
		if lookup != nil {
			var err error
			if found, err = lookup(ctx, ids); err != nil {
				return nil, fmt.Errorf("checking references against the graph: %w", err)
			}
		}
		for _, id := range ids {
			k, ok := found[id]
			for _, f := range p.missing[id] {
				f(k, ok)
			}
		}
	}
	if err := p.errs.Err(); err != nil {
		return nil, err
	}
	return writes, nil
}

func (p *planner) loadDocument(b *bundle.Bundle) {
	// The source text is read only from the bundle's own folder (safepath): a bundle cannot
	// make ingest read another file of the machine.
	src, err := loadSourceIn(filepath.Dir(b.File()), b.Document.Path, p.read)
	if err != nil {
		p.errs.Add(b.File(), b.Document.FieldLine("path"), "document.path", "cannot use source text: %v", err)
		return
	}
	p.sources[b] = src
	id := b.Document.ID
	if id == "" {
		id = model.EntityID(model.KindDocument, b.Document.Title)
	} else if !strings.HasPrefix(id, model.KindDocument.Slug()+":") {
		p.errs.Add(b.File(), b.Document.FieldLine("id"), "document.id", "%q must start with %q", id, model.KindDocument.Slug()+":")
	}
	p.docIDs[b] = id
}

func (p *planner) declare(b *bundle.Bundle) {
	p.local[b] = map[string][]string{}
	for i := range b.Entities {
		e := &b.Entities[i]
		path := fmt.Sprintf("entities[%d]", i)
		kind, ok := model.ParseKind(e.Kind)
		switch {
		case e.Kind == "":
			p.errs.Add(b.File(), e.Line(), path+".kind", "missing (one of %s)", kindList())
			continue
		case !ok:
			p.errs.Add(b.File(), e.FieldLine("kind"), path+".kind", "unknown kind %q (one of %s)", e.Kind, kindList())
			continue
		case e.Name == "":
			p.errs.Add(b.File(), e.Line(), path+".name", "missing")
			continue
		}
		id := e.ID
		if id == "" {
			id = model.EntityID(kind, e.Name)
		} else if !strings.HasPrefix(id, kind.Slug()+":") {
			p.errs.Add(b.File(), e.FieldLine("id"), path+".id", "%q must start with %q for kind %s", id, kind.Slug()+":", kind)
			continue
		}
		p.decls[id] = append(p.decls[id], entityDecl{b: b, spec: e, id: id, kind: kind})
		for _, n := range append([]string{e.Name}, e.Aliases...) {
			key := model.NormalizeName(n)
			if p.byName[key] == nil {
				p.byName[key] = map[string]bool{}
			}
			p.byName[key][id] = true
			if !containsStr(p.local[b][key], id) {
				p.local[b][key] = append(p.local[b][key], id)
			}
		}
	}
}

// checkConflicts reports an id declared twice with different data. A curated declaration
// wins over an extracted one without complaint.
func (p *planner) checkConflicts() {
	for id, ds := range p.decls {
		var first *entityDecl
		for i := range ds {
			d := &ds[i]
			if methodOf(d.spec.Method) != model.MethodCurated {
				continue
			}
			if first == nil {
				first = d
				continue
			}
			if d.spec.Name != first.spec.Name && model.NormalizeName(d.spec.Name) != model.NormalizeName(first.spec.Name) {
				p.errs.Add(d.b.File(), d.spec.FieldLine("name"), "name", "id %s is also declared at %s:%d with name %q", id, first.b.File(), first.spec.Line(), first.spec.Name)
			}
			for k, v := range d.spec.Props {
				if w, ok := first.spec.Props[k]; ok && fmt.Sprint(w) != fmt.Sprint(v) {
					p.errs.Add(d.b.File(), d.spec.FieldLine("props."+k), "props."+k, "conflicting data for %s: %v here, %v at %s:%d", id, v, w, first.b.File(), first.spec.FieldLine("props."+k))
				}
			}
		}
	}
}

// resolve finds the entity a reference names: an id, or a name or alias (this bundle first,
// then the whole run). Ids unknown to the run are checked against the graph later.
func (p *planner) resolve(b *bundle.Bundle, ref string, line int, field string, onGraph func(id string, kind model.Kind)) (string, bool) {
	if ref == "" {
		p.errs.Add(b.File(), line, field, "missing entity reference")
		return "", false
	}
	if _, ok := p.decls[ref]; ok {
		p.dependOn(b, ref)
		return ref, true
	}
	if p.docs[ref] != nil {
		p.dependOn(b, ref)
		return ref, true
	}
	key := model.NormalizeName(ref)
	if ids := p.local[b][key]; len(ids) == 1 {
		return ids[0], true
	} else if len(ids) > 1 {
		p.errs.Add(b.File(), line, field, "%q is ambiguous in this bundle: %s (use an id)", ref, strings.Join(ids, ", "))
		return "", false
	}
	if ids := p.byName[key]; len(ids) == 1 {
		for id := range ids {
			p.dependOn(b, id)
			return id, true
		}
	} else if len(ids) > 1 {
		p.errs.Add(b.File(), line, field, "%q is ambiguous across bundles: %s (use an id)", ref, strings.Join(sortedKeys(ids), ", "))
		return "", false
	}
	if kind, ok := idKind(ref); ok {
		p.missing[ref] = append(p.missing[ref], func(k model.Kind, found bool) {
			if !found {
				p.errs.Add(b.File(), line, field, "no entity %q in the bundles of this run or in the graph", ref)
				return
			}
			if onGraph != nil {
				onGraph(ref, k)
			}
		})
		_ = kind
		return ref, true
	}
	p.errs.Add(b.File(), line, field, "no entity named %q (declare it under entities, or use an existing id)", ref)
	return "", false
}

// dependOn records that bundle b refers to entity id, so that when b does not declare id
// itself, the bundle that does is written first.
func (p *planner) dependOn(b *bundle.Bundle, id string) {
	if d := p.docs[id]; d != nil && d != b {
		p.addDep(b, d)
		return
	}
	var first *bundle.Bundle
	for _, d := range p.decls[id] {
		if d.b == b {
			return
		}
		if first == nil {
			first = d.b
		}
	}
	if first != nil {
		p.addDep(b, first)
	}
}

func (p *planner) addDep(b, on *bundle.Bundle) {
	if p.deps[b] == nil {
		p.deps[b] = map[*bundle.Bundle]bool{}
	}
	p.deps[b][on] = true
}

// order returns the bundles so that each comes after the bundles it refers to, otherwise in
// input order. A cycle is left in input order; the store then refuses the write whose
// endpoint is missing, naming it.
func (p *planner) order() []*bundle.Bundle {
	done := map[*bundle.Bundle]bool{}
	visiting := map[*bundle.Bundle]bool{}
	var out []*bundle.Bundle
	var visit func(b *bundle.Bundle)
	visit = func(b *bundle.Bundle) {
		if done[b] || visiting[b] {
			return
		}
		visiting[b] = true
		for _, d := range p.bundles {
			if p.deps[b][d] {
				visit(d)
			}
		}
		visiting[b] = false
		done[b] = true
		out = append(out, b)
	}
	for _, b := range p.bundles {
		visit(b)
	}
	return out
}

// anchor turns a bundle anchor into provenance on the normalised document text.
func (p *planner) anchor(b *bundle.Bundle, a bundle.Anchor, field, method string, conf float64) (model.Provenance, bool) {
	src := p.sources[b]
	if src == nil {
		return model.Provenance{}, false // the document error is already reported
	}
	doc := src.Doc
	var span textnorm.Span
	switch {
	case a.Start != nil || a.End != nil:
		if a.Start == nil || a.End == nil {
			p.errs.Add(b.File(), a.Line(), field, "give both start and end")
			return model.Provenance{}, false
		}
		n := doc.Len()
		if *a.Start < 0 || *a.End > n || *a.Start >= *a.End {
			p.errs.Add(b.File(), a.Line(), field, "span [%d,%d) is outside the document (%d characters)", *a.Start, *a.End, n)
			return model.Provenance{}, false
		}
		span = textnorm.Span{Start: *a.Start, End: *a.End}
		if a.Text != "" && doc.Slice(span) != a.Text {
			p.errs.Add(b.File(), a.Line(), field, "span [%d,%d) reads %q, not %q", *a.Start, *a.End, doc.Slice(span), a.Text)
			return model.Provenance{}, false
		}
	case a.Text != "":
		hits := doc.Find(a.Text)
		if a.Passage != nil {
			var in []textnorm.Span
			for _, h := range hits {
				if doc.ParagraphAt(h.Start) == *a.Passage {
					in = append(in, h)
				}
			}
			hits = in
		}
		switch len(hits) {
		case 0:
			where := "the document " + src.Path
			if a.Passage != nil {
				where = fmt.Sprintf("passage %d of %s", *a.Passage, src.Path)
			}
			p.errs.Add(b.File(), a.Line(), field, "anchor %q does not occur in %s", a.Text, where)
			return model.Provenance{}, false
		case 1:
			span = hits[0]
		default:
			var ps []string
			for _, h := range hits {
				ps = append(ps, fmt.Sprint(doc.ParagraphAt(h.Start)))
			}
			p.errs.Add(b.File(), a.Line(), field, "anchor %q occurs %d times (passages %s): lengthen it or add passage:", a.Text, len(hits), strings.Join(ps, ", "))
			return model.Provenance{}, false
		}
	default:
		p.errs.Add(b.File(), a.Line(), field, "empty anchor")
		return model.Provenance{}, false
	}
	return model.Provenance{
		DocumentID: p.docIDs[b], Passage: doc.ParagraphAt(span.Start), Start: span.Start, End: span.End,
		Quote: doc.Slice(span), Method: method, Confidence: conf,
	}, true
}

func (p *planner) sourcesOf(b *bundle.Bundle, as bundle.Anchors, line int, field, method string, conf *float64) []model.Provenance {
	if len(as) == 0 {
		p.errs.Add(b.File(), line, field, "missing: every fact needs an anchor in the document (a short unique quote)")
		return nil
	}
	c := 1.0
	if conf != nil {
		c = *conf
		if c < 0 || c > 1 || math.IsNaN(c) {
			p.errs.Add(b.File(), line, strings.TrimSuffix(field, "anchor")+"confidence", "must be between 0 and 1, got %v", c)
		}
	}
	var out []model.Provenance
	for i, a := range as {
		f := field
		if len(as) > 1 {
			f = fmt.Sprintf("%s[%d]", field, i)
		}
		if pv, ok := p.anchor(b, a, f, method, c); ok {
			out = append(out, pv)
		}
	}
	return out
}

func (p *planner) plan(b *bundle.Bundle) (store.DocumentWrite, bool) {
	before := len(p.errs)
	docID := p.docIDs[b]
	src := p.sources[b]
	w := store.DocumentWrite{}

	// The document itself.
	docProps := p.typedProps(b, model.KindDocument, b.Document.Props, b.Document.Pos, "document.props")
	if src != nil {
		docProps["sha256"] = src.SHA256
		docProps["path"] = filepath.ToSlash(b.Document.Path)
		if src.Pages != nil {
			docProps["passagePages"] = src.Pages // Provenance.page: the page of passage i
		}
		if _, ok := docProps["title"]; !ok {
			docProps["title"] = b.Document.Title
		}
		for _, para := range src.Doc.Paragraphs {
			w.Passages = append(w.Passages, src.Doc.Slice(textnorm.Span{Start: para.Start, End: para.End}))
		}
	}
	var docSrc []model.Provenance
	if src != nil && len(src.Doc.Paragraphs) > 0 {
		first := src.Doc.Paragraphs[0]
		sp := textnorm.Span{Start: first.Start, End: first.End}
		docSrc = []model.Provenance{{DocumentID: docID, Passage: 0, Start: sp.Start, End: sp.End, Quote: src.Doc.Slice(sp), Method: model.MethodCurated, Confidence: 1}}
	}
	w.Doc = store.NodeRow{ID: docID, Kind: model.KindDocument, Name: b.Document.Title, Props: docProps, Sources: docSrc}

	// Entities. Several declarations of one id in the same bundle are merged.
	seen := map[string]int{}
	for i := range b.Entities {
		e := &b.Entities[i]
		path := fmt.Sprintf("entities[%d]", i)
		kind, ok := model.ParseKind(e.Kind)
		if !ok || e.Name == "" {
			continue
		}
		id := e.ID
		if id == "" {
			id = model.EntityID(kind, e.Name)
		}
		if id == docID {
			p.errs.Add(b.File(), e.Line(), path, "the document itself is declared under document:, not entities")
			continue
		}
		method := methodOf(e.Method)
		row := store.NodeRow{
			ID: id, Kind: kind, Name: e.Name, Aliases: dedupe(e.Aliases, e.Name),
			Props:   p.typedProps(b, kind, e.Props, e.Pos, path+".props"),
			Sources: p.sourcesOf(b, e.Anchor, e.Line(), path+".anchor", method, e.Confidence),
		}
		if j, dup := seen[id]; dup {
			prev := &w.Nodes[j]
			prev.Aliases = dedupe(append(prev.Aliases, row.Aliases...), prev.Name)
			prev.Sources = append(prev.Sources, row.Sources...)
			for k, v := range row.Props {
				prev.Props[k] = v
			}
			continue
		}
		seen[id] = len(w.Nodes)
		w.Nodes = append(w.Nodes, row)
	}

	// Relations.
	relSeen := map[string]int{}
	for i := range b.Relations {
		r := &b.Relations[i]
		path := fmt.Sprintf("relations[%d]", i)
		t, ok := model.ParseRelType(r.Type)
		if !ok || t == model.RelMentionedIn {
			if r.Type == "" {
				p.errs.Add(b.File(), r.Line(), path+".type", "missing (one of %s)", relList())
			} else {
				p.errs.Add(b.File(), r.FieldLine("type"), path+".type", "unknown relationship type %q (one of %s)", r.Type, relList())
			}
			continue
		}
		from, ok1 := p.resolveRef(b, docID, r.From, r.FieldLine("from"), path+".from")
		to, ok2 := p.resolveRef(b, docID, r.To, r.FieldLine("to"), path+".to")
		method := methodOf(r.Method)
		srcs := p.sourcesOf(b, r.Anchor, r.Line(), path+".anchor", method, r.Confidence)
		props := p.relProps(b, r.Props, r.Pos, path+".props")
		if !ok1 || !ok2 {
			continue
		}
		if from == to {
			p.errs.Add(b.File(), r.Line(), path, "relation from %s to itself", from)
			continue
		}
		id := model.RelationID(t, from, to)
		if j, dup := relSeen[id]; dup {
			w.Edges[j].Sources = append(w.Edges[j].Sources, srcs...)
			continue
		}
		relSeen[id] = len(w.Edges)
		w.Edges = append(w.Edges, store.EdgeRow{ID: id, Type: t, From: from, To: to, Props: props, Sources: srcs})
	}

	// Quantities.
	for i := range b.Quantities {
		q := &b.Quantities[i]
		path := fmt.Sprintf("quantities[%d]", i)
		subject, ok := p.resolveRef(b, docID, q.Of, q.FieldLine("of"), path+".of")
		if q.What == "" {
			p.errs.Add(b.File(), q.Line(), path+".what", "missing: say what the figure measures")
		}
		val, ok2 := p.quantity(b, q, path)
		method := methodOf(q.Method)
		srcs := p.sourcesOf(b, q.Anchor, q.Line(), path+".anchor", method, q.Confidence)
		if !ok || !ok2 {
			continue
		}
		val.Subject = subject
		val.What = q.What
		val.ID = model.QuantityID(subject, q.What, val.Raw)
		w.Quantities = append(w.Quantities, store.QuantityRow{Quantity: val, Sources: srcs})
	}
	p.planConditions(b, docID, &w) // conditions.go

	if len(p.errs) > before {
		return w, false
	}
	// Fingerprints for diffing re-ingests.
	w.Doc.Hash = fingerprint(w.Doc, w.Passages)
	for i := range w.Nodes {
		w.Nodes[i].Hash = fingerprint(w.Nodes[i])
	}
	for i := range w.Edges {
		w.Edges[i].Hash = fingerprint(w.Edges[i])
	}
	for i := range w.Quantities {
		w.Quantities[i].Hash = fingerprint(w.Quantities[i])
	}
	for i := range w.Conditions {
		w.Conditions[i].Hash = fingerprint(w.Conditions[i])
	}
	w.PlanHash = fingerprint(planVersion, w.Doc.Hash, hashes(w))
	return w, true
}

func (p *planner) resolveRef(b *bundle.Bundle, docID, ref string, line int, field string) (string, bool) {
	if ref == docID || (ref != "" && model.NormalizeName(ref) == model.NormalizeName(b.Document.Title)) {
		return docID, true
	}
	return p.resolve(b, ref, line, field, nil)
}

func (p *planner) quantity(b *bundle.Bundle, q *bundle.QuantitySpec, path string) (model.Quantity, bool) {
	var out model.Quantity
	switch {
	case q.Figure != "":
		v, err := quantity.Parse(q.Figure)
		if err != nil {
			p.errs.Add(b.File(), q.FieldLine("figure"), path+".figure", "cannot parse figure %q: %v", q.Figure, err)
			return out, false
		}
		out = model.Quantity{Value: v.Value, Unit: v.Unit, Min: v.Min, Max: v.Max, Qualifier: string(v.Qualifier), Raw: q.Figure}
	case q.Value != nil:
		if q.Unit == "" {
			p.errs.Add(b.File(), q.Line(), path+".unit", "missing: a value needs a unit")
			return out, false
		}
		out = model.Quantity{Value: *q.Value, Unit: q.Unit, Raw: fmt.Sprintf("%v %s", *q.Value, q.Unit)}
	default:
		p.errs.Add(b.File(), q.Line(), path+".figure", "missing: give figure (as written) or value and unit")
		return out, false
	}
	if q.Unit != "" {
		out.Unit = q.Unit
	}
	if q.Min != nil {
		out.Min = q.Min
	}
	if q.Max != nil {
		out.Max = q.Max
	}
	if q.Qualifier != "" {
		switch q.Qualifier {
		case "", ">", ">=", "~", "<=", "<":
			out.Qualifier = q.Qualifier
		default:
			p.errs.Add(b.File(), q.FieldLine("qualifier"), path+".qualifier", "%q is not one of >, >=, ~, <=, <", q.Qualifier)
			return out, false
		}
	}
	if q.AsOf != "" {
		if !model.ValidDate(q.AsOf) {
			p.errs.Add(b.File(), q.FieldLine("asOf"), path+".asOf", "%q is not a date (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn)", q.AsOf)
			return out, false
		}
		out.AsOf = q.AsOf
	}
	if math.IsNaN(out.Value) || math.IsInf(out.Value, 0) {
		p.errs.Add(b.File(), q.Line(), path, "figure is not a finite number")
		return out, false
	}
	return out, true
}

func (p *planner) typedProps(b *bundle.Bundle, kind model.Kind, in map[string]any, at bundle.Pos, field string) map[string]any {
	out := map[string]any{}
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := in[k]
		line := at.FieldLine("props." + k)
		if model.ReservedProps[k] {
			p.errs.Add(b.File(), line, field+"."+k, "reserved: set by policygraph")
			continue
		}
		spec, ok := model.LookupProp(kind, k)
		if !ok {
			p.errs.Add(b.File(), line, field+"."+k, "unknown property for %s (allowed: %s)", kind, strings.Join(model.AllowedProps(kind), ", "))
			continue
		}
		if v == nil {
			continue
		}
		tv, err := model.CoerceProp(spec, normaliseYAMLValue(v))
		if err != nil {
			p.errs.Add(b.File(), line, field+"."+k, "%v", err)
			continue
		}
		switch k {
		case "stipInstruments":
			for _, c := range tv.([]string) {
				if _, ok := model.STIPInstrument(c); !ok {
					p.errs.Add(b.File(), line, field+"."+k, "unknown STIP instrument code %q", c)
				}
			}
		case "stipTargetGroups":
			for _, c := range tv.([]string) {
				if _, ok := model.STIPTargetGroup(c); !ok {
					p.errs.Add(b.File(), line, field+"."+k, "unknown STIP target-group code %q", c)
				}
			}
		}
		out[k] = tv
	}
	return out
}

// relationProps are the properties a relation may carry.
var relationProps = []string{"asOf", "since", "until", "role", "note", "year"}

func (p *planner) relProps(b *bundle.Bundle, in map[string]any, at bundle.Pos, field string) map[string]any {
	out := map[string]any{}
	for k, v := range in {
		line := at.FieldLine("props." + k)
		if !containsStr(relationProps, k) {
			p.errs.Add(b.File(), line, field+"."+k, "unknown relation property (allowed: %s)", strings.Join(relationProps, ", "))
			continue
		}
		switch x := normaliseYAMLValue(v).(type) {
		case string, float64, int64, bool:
			out[k] = x
		case nil:
		default:
			p.errs.Add(b.File(), line, field+"."+k, "want a string, number or boolean")
		}
	}
	return out
}

// normaliseYAMLValue turns YAML-decoded values into the types model.CoerceProp expects.
func normaliseYAMLValue(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case uint64:
		return float64(x)
	case []any:
		return x
	}
	return v
}

func methodOf(m string) string {
	if m == "" {
		return model.MethodCurated
	}
	return m
}

func idKind(ref string) (model.Kind, bool) {
	i := strings.Index(ref, ":")
	if i <= 0 {
		return "", false
	}
	return model.ParseKind(ref[:i])
}

func fingerprint(parts ...any) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, p := range parts {
		_ = enc.Encode(p) // maps encode with sorted keys
	}
	return hex.EncodeToString(h.Sum(nil))[:24]
}

func hashes(w store.DocumentWrite) []string {
	var out []string
	for _, n := range w.Nodes {
		out = append(out, n.Hash)
	}
	for _, e := range w.Edges {
		out = append(out, e.Hash)
	}
	for _, q := range w.Quantities {
		out = append(out, q.Hash)
	}
	for _, c := range w.Conditions {
		out = append(out, c.Hash)
	}
	return out
}

func dedupe(names []string, exclude string) []string {
	out := []string{}
	seen := map[string]bool{model.NormalizeName(exclude): true}
	for _, n := range names {
		k := model.NormalizeName(n)
		if n == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, n)
	}
	return out
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func kindList() string {
	var out []string
	for _, k := range model.Kinds {
		out = append(out, string(k))
	}
	return strings.Join(out, ", ")
}

func relList() string {
	var out []string
	for _, r := range model.RelTypes {
		if r != model.RelMentionedIn {
			out = append(out, string(r))
		}
	}
	return strings.Join(out, ", ")
}
