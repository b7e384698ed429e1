package ingest

// Validation of the values a bundle gives: conflicting declarations, figures, typed
// properties of entities and relations.

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/quantity"
)

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
