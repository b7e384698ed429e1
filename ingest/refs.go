package ingest

// References and anchors: the entities a run declares, what each reference in a bundle
// names (this bundle, the run, or the graph), the order bundles are written in, and the
// anchors that tie every fact to a span of the normalised source text.

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/textnorm"
)

// entityDecl is one declaration of an entity in one bundle.
type entityDecl struct {
	b    *bundle.Bundle
	spec *bundle.EntitySpec
	id   string
	kind model.Kind
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

func (p *planner) resolveRef(b *bundle.Bundle, docID, ref string, line int, field string) (string, bool) {
	if ref == docID || (ref != "" && model.NormalizeName(ref) == model.NormalizeName(b.Document.Title)) {
		return docID, true
	}
	return p.resolve(b, ref, line, field, nil)
}

func idKind(ref string) (model.Kind, bool) {
	i := strings.Index(ref, ":")
	if i <= 0 {
		return "", false
	}
	return model.ParseKind(ref[:i])
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

// anchor turns a bundle anchor into provenance on the normalised document text
// (textnorm.Document.Locate finds the span).
func (p *planner) anchor(b *bundle.Bundle, a bundle.Anchor, field, method string, conf float64) (model.Provenance, bool) {
	src := p.sources[b]
	if src == nil {
		return model.Provenance{}, false // the document error is already reported
	}
	doc := src.Doc
	span, err := doc.Locate(textnorm.Quote{Start: a.Start, End: a.End, Text: a.Text, Passage: a.Passage})
	if err != nil {
		var le *textnorm.LocateError
		if errors.As(err, &le) && le.Reason == textnorm.ReasonNotFound {
			p.errs.Add(b.File(), a.Line(), field, "%v (source %s)", err, src.Path)
		} else {
			p.errs.Add(b.File(), a.Line(), field, "%v", err)
		}
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
