package extract

import (
	"encoding/json"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/model"
)

// JSON returns the result as indented JSON:
// {"entities":[{"id","kind","name","aliases":[],"sources":[…]}],"relations":[{"type","from","to","sources":[…]}],"quantities":[…]}.
func (r *Result) JSON() ([]byte, error) {
	out := struct {
		DocumentID string     `json:"documentId,omitempty"`
		Entities   []Entity   `json:"entities"`
		Relations  []Relation `json:"relations"`
		Quantities []Quantity `json:"quantities"`
	}{r.DocumentID, r.Entities, r.Relations, r.Quantities}
	if out.Entities == nil {
		out.Entities = []Entity{}
	}
	for i := range out.Entities {
		if out.Entities[i].Aliases == nil {
			out.Entities[i].Aliases = []string{}
		}
	}
	if out.Relations == nil {
		out.Relations = []Relation{}
	}
	if out.Quantities == nil {
		out.Quantities = []Quantity{}
	}
	return json.MarshalIndent(out, "", "  ")
}

// Bundle returns the result as a curated bundle describing doc, for review or for
// `policygraph ingest`. Each fact is anchored at its first source ({start, end} rune
// offsets in the normalised text) and keeps its method and confidence. Relations to or
// from the document itself use doc.ID (default "document:" + the normalised title).
func (r *Result) Bundle(doc bundle.DocumentSpec) bundle.Bundle {
	docRef := doc.ID
	if docRef == "" {
		docRef = model.EntityID(model.KindDocument, doc.Title)
	}
	ref := func(id string) string {
		if id == r.DocumentID {
			return docRef
		}
		return id
	}
	doc.Props = r.Meta.props(doc.Props)
	b := bundle.Bundle{SchemaVersion: bundle.SchemaVersion, Document: doc}
	for _, e := range r.Entities {
		if len(e.Sources) == 0 {
			continue
		}
		s := e.Sources[0]
		b.Entities = append(b.Entities, bundle.EntitySpec{
			ID: e.ID, Kind: string(e.Kind), Name: e.Name, Aliases: e.Aliases, Props: e.Props,
			Anchor: anchor(s), Method: s.Method, Confidence: conf(best(e.Sources)),
		})
	}
	for _, rel := range r.Relations {
		if len(rel.Sources) == 0 {
			continue
		}
		s := rel.Sources[0]
		b.Relations = append(b.Relations, bundle.RelationSpec{
			Type: string(rel.Type), From: ref(rel.From), To: ref(rel.To),
			Anchor: anchor(s), Method: s.Method, Confidence: conf(best(rel.Sources)),
		})
	}
	for _, q := range r.Quantities {
		if len(q.Sources) == 0 {
			continue
		}
		s := q.Sources[0]
		v := q.Value
		b.Quantities = append(b.Quantities, bundle.QuantitySpec{
			Of: ref(q.Subject), What: q.What, Value: &v, Unit: q.Unit, Min: q.Min, Max: q.Max,
			Qualifier: q.Qualifier, AsOf: q.AsOf, Anchor: anchor(s), Method: s.Method, Confidence: conf(s.Confidence),
		})
	}
	for _, c := range r.Conditions {
		if c.Of == "" || c.Of == r.DocumentID || len(c.Sources) == 0 {
			continue // no policy, program or measure to require it
		}
		s := c.Sources[0]
		b.Conditions = append(b.Conditions, bundle.ConditionSpec{
			Of: c.Of, AppliesTo: string(c.AppliesTo), Attribute: c.Attribute, Operator: c.Operator, Values: c.Values,
			Unit: c.Unit, Text: c.Text, Anchor: anchor(s), Method: s.Method, Confidence: conf(s.Confidence),
		})
	}
	return b
}

// props adds what the header and signature block say (number, date, issuer, addressees)
// to the document's props, keeping every prop the caller set.
func (m *DocumentMeta) props(given map[string]any) map[string]any {
	if m == nil {
		return given
	}
	out := map[string]any{}
	set := func(k string, v any, ok bool) {
		if ok {
			out[k] = v
		}
	}
	set("number", m.Number, m.Number != "")
	set("date", m.Date, m.Date != "")
	set("issuer", strings.Join(m.Issuers, "、"), len(m.Issuers) > 0)
	set("addressees", m.Addressees, len(m.Addressees) > 0)
	for k, v := range given {
		out[k] = v
	}
	if len(out) == 0 {
		return given
	}
	return out
}

// YAML returns Bundle(doc) marshalled as YAML.
func (r *Result) YAML(doc bundle.DocumentSpec) ([]byte, error) {
	return yaml.Marshal(r.Bundle(doc))
}

func anchor(s model.Provenance) bundle.Anchors {
	start, end := s.Start, s.End
	return bundle.Anchors{{Start: &start, End: &end}}
}

func conf(c float64) *float64 { return &c }

func best(srcs []model.Provenance) float64 {
	b := 0.0
	for _, s := range srcs {
		b = max(b, s.Confidence)
	}
	return b
}
