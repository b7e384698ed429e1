package bundle

import (
	"fmt"

	"gopkg.in/yaml.v3"
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

	Pos `yaml:"-" json:"-"`
}

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
			Confidence: d.num(cf["confidence"], path+".confidence"), Pos: pos(cn),
		})
	}
	return out
}
