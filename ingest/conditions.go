package ingest

import (
	"fmt"
	"strings"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/store"
)

// conditionKinds are the kinds that may require conditions.
var conditionKinds = map[model.Kind]bool{model.KindPolicy: true, model.KindProgram: true, model.KindTalentMeasure: true}

// planConditions validates b's conditions and adds them to w. The entity a condition is of
// must be a policy, program or talent measure of the run or the graph.
func (p *planner) planConditions(b *bundle.Bundle, docID string, w *store.DocumentWrite) {
	seen := map[string]int{}
	for i := range b.Conditions {
		c := &b.Conditions[i]
		path := fmt.Sprintf("conditions[%d]", i)
		line := c.FieldLine("of")
		of, ok := p.resolve(b, c.Of, line, path+".of", func(id string, k model.Kind) {
			if !conditionKinds[k] {
				p.errs.Add(b.File(), line, path+".of", "%s is a %s: only a Policy, Program or TalentMeasure requires conditions", id, k)
			}
		})
		if ok && of == docID {
			p.errs.Add(b.File(), line, path+".of", "the document itself cannot require conditions")
			ok = false
		}
		if ok {
			for _, d := range p.decls[of] {
				if !conditionKinds[d.kind] {
					p.errs.Add(b.File(), line, path+".of", "%s is a %s: only a Policy, Program or TalentMeasure requires conditions", of, d.kind)
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
			p.errs.Add(b.File(), c.Line(), path+".appliesTo", "missing (enterprise, person or project)")
			ok = false
		}
		for _, field := range []string{"appliesTo", "attribute", "operator", "values", "unit"} {
			if msg, bad := mc.Check()[field]; bad && (field != "appliesTo" || c.AppliesTo != "") {
				p.errs.Add(b.File(), c.FieldLine(field), path+"."+field, "%s", msg)
				ok = false
			}
		}
		if spec, known := model.Attributes[mc.Attribute]; known && spec.Type == model.ValueNumber && mc.Unit == "" {
			mc.Unit = spec.Unit
		}
		method := methodOf(c.Method)
		srcs := p.sourcesOf(b, c.Anchor, c.Line(), path+".anchor", method, c.Confidence)
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
