package ingest

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
)

// ConditionSpec is one eligibility condition a measure, program or policy states: who it
// is about (appliesTo), the attribute tested, the operator and the value(s), anchored to the
// passage that states it. Conditions of one entity sharing a group are alternatives (any
// suffices); the others are all required. See model.Attributes and model.Operators.
type ConditionSpec struct {
	Of         string   `yaml:"of" json:"of"`
	AppliesTo  string   `yaml:"appliesTo" json:"appliesTo"`
	Attribute  string   `yaml:"attribute" json:"attribute"`
	Operator   string   `yaml:"operator" json:"operator"`
	Values     []string `yaml:"values" json:"values"`
	Unit       string   `yaml:"unit,omitempty" json:"unit,omitempty"`
	Group      string   `yaml:"group,omitempty" json:"group,omitempty"`
	Text       string   `yaml:"text,omitempty" json:"text,omitempty"` // the wording; default: the first anchor's quote
	Anchor     Anchors  `yaml:"anchor" json:"anchor"`
	Method     string   `yaml:"method,omitempty" json:"method,omitempty"`
	Confidence *float64 `yaml:"confidence,omitempty" json:"confidence,omitempty"`

	line  int
	lines fieldLines
}

// conditionKinds are the kinds that may require conditions.
var conditionKinds = map[model.Kind]bool{model.KindPolicy: true, model.KindProgram: true, model.KindTalentMeasure: true}

func (d *decoder) conditions(n *yaml.Node) []ConditionSpec {
	var out []ConditionSpec
	for i, cn := range d.seq(n, "conditions") {
		path := fmt.Sprintf("conditions[%d]", i)
		cf := d.fields(cn, path, "of", "appliesTo", "attribute", "operator", "values", "unit", "group", "text", "anchor", "method", "confidence")
		if cf == nil {
			continue
		}
		out = append(out, ConditionSpec{
			Of: d.str(cf["of"], path+".of"), AppliesTo: d.str(cf["appliesTo"], path+".appliesTo"),
			Attribute: d.str(cf["attribute"], path+".attribute"), Operator: d.str(cf["operator"], path+".operator"),
			Values: d.strs(cf["values"], path+".values"), Unit: d.str(cf["unit"], path+".unit"),
			Group: d.str(cf["group"], path+".group"), Text: d.str(cf["text"], path+".text"),
			Anchor: d.anchors(cf["anchor"], path+".anchor"), Method: d.str(cf["method"], path+".method"),
			Confidence: d.num(cf["confidence"], path+".confidence"), line: cn.Line, lines: lines(cn),
		})
	}
	return out
}

// planConditions validates b's conditions and adds them to w. The entity a condition is of
// must be a policy, program or talent measure of the run or the graph.
func (p *planner) planConditions(b *Bundle, docID string, w *store.DocumentWrite) {
	seen := map[string]int{}
	for i := range b.Conditions {
		c := &b.Conditions[i]
		path := fmt.Sprintf("conditions[%d]", i)
		line := c.lines.at("of", c.line)
		of, ok := p.resolve(b, c.Of, line, path+".of", func(id string, k model.Kind) {
			if !conditionKinds[k] {
				p.errs.add(b.file, line, path+".of", "%s is a %s: only a Policy, Program or TalentMeasure requires conditions", id, k)
			}
		})
		if ok && of == docID {
			p.errs.add(b.file, line, path+".of", "the document itself cannot require conditions")
			ok = false
		}
		if ok {
			for _, d := range p.decls[of] {
				if !conditionKinds[d.kind] {
					p.errs.add(b.file, line, path+".of", "%s is a %s: only a Policy, Program or TalentMeasure requires conditions", of, d.kind)
					ok = false
					break
				}
			}
		}
		mc := model.Condition{
			Of: of, AppliesTo: model.Subject(c.AppliesTo), Attribute: c.Attribute, Operator: c.Operator,
			Values: c.Values, Unit: c.Unit, Group: c.Group,
		}
		if c.AppliesTo == "" {
			p.errs.add(b.file, c.line, path+".appliesTo", "missing (enterprise, person or project)")
			ok = false
		}
		for _, field := range []string{"appliesTo", "attribute", "operator", "values", "unit"} {
			if msg, bad := mc.Check()[field]; bad && (field != "appliesTo" || c.AppliesTo != "") {
				p.errs.add(b.file, c.lines.at(field, c.line), path+"."+field, "%s", msg)
				ok = false
			}
		}
		if spec, known := model.Attributes[mc.Attribute]; known && spec.Type == model.ValueNumber && mc.Unit == "" {
			mc.Unit = spec.Unit
		}
		method := methodOf(c.Method)
		srcs := p.sourcesOf(b, c.Anchor, c.line, path+".anchor", method, c.Confidence)
		if !ok || len(srcs) == 0 {
			continue
		}
		mc.Text = strings.TrimSpace(c.Text)
		if mc.Text == "" {
			mc.Text = srcs[0].Quote
		}
		mc.ID = model.ConditionID(of, mc)
		if j, dup := seen[mc.ID]; dup {
			w.Conditions[j].Sources = append(w.Conditions[j].Sources, srcs...)
			continue
		}
		seen[mc.ID] = len(w.Conditions)
		w.Conditions = append(w.Conditions, store.ConditionRow{Condition: mc, Sources: srcs})
	}
}
