package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/model"
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

// plan turns one bundle into its write: the document, entities, relations, quantities and
// conditions, then the fingerprints that let the store diff a re-ingest.
func (p *planner) plan(b *bundle.Bundle) (store.DocumentWrite, bool) {
	before := len(p.errs)
	docID := p.docIDs[b]
	w := store.DocumentWrite{}
	p.planDocument(b, docID, &w)
	p.planEntities(b, docID, &w)
	p.planRelations(b, docID, &w)
	p.planQuantities(b, docID, &w)
	p.planConditions(b, docID, &w) // conditions.go
	if len(p.errs) > before {
		return w, false
	}
	seal(&w)
	return w, true
}

// planDocument plans the document node and its passages.
func (p *planner) planDocument(b *bundle.Bundle, docID string, w *store.DocumentWrite) {
	src := p.sources[b]
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
}

// planEntities plans the entities. Several declarations of one id in the same bundle are merged.
func (p *planner) planEntities(b *bundle.Bundle, docID string, w *store.DocumentWrite) {
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
}

// planRelations plans the relations; one relation given twice keeps the sources of both.
func (p *planner) planRelations(b *bundle.Bundle, docID string, w *store.DocumentWrite) {
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
}

// planQuantities plans the figures.
func (p *planner) planQuantities(b *bundle.Bundle, docID string, w *store.DocumentWrite) {
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
}

// seal sets the fingerprints the store diffs re-ingests by.
func seal(w *store.DocumentWrite) {
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
	w.PlanHash = fingerprint(planVersion, w.Doc.Hash, hashes(*w))
}

func methodOf(m string) string {
	if m == "" {
		return model.MethodCurated
	}
	return m
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
