package extract

import (
	"strings"

	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/quantity"
)

const confFigure = 0.7

// ruleQuantities finds the figures of every sentence (quantity.Find) and attaches each to
// the nearest subject: the measure it qualifies (最高4.5万元的租金补贴), else the closest
// entity before it in its clause or sentence, else the document's own policy or the
// document. A date earlier in the sentence (2022年…) becomes its asOf.
func (x *extractor) ruleQuantities() {
	x.sentences(func(p *para, s span) {
		str := x.str(s.start, s.end)
		qs := quantity.Find(str)
		if len(qs) == 0 {
			return
		}
		dates := quantity.FindDates(str)
		ms := x.mentionsIn(s.start, s.end)
		topic := x.topic(p, s)
		for _, q := range qs {
			start, end := s.start+q.Span[0], s.start+q.Span[1]
			if start < s.start || end > s.end || start >= end {
				continue
			}
			subj := x.figureSubject(s, ms, start, end)
			mq := model.Quantity{
				What: x.figureWhat(s, subj, start, end), Value: q.Value, Unit: q.Unit,
				Min: q.Min, Max: q.Max, Qualifier: string(q.Qualifier), Raw: q.Raw,
			}
			for _, d := range dates {
				if d.Span[1] <= q.Span[0] {
					mq.AsOf = d.Date.String()
				}
			}
			var se *entity
			if subj == nil {
				subj = topic
			}
			if subj != nil {
				se = subj.ent
			} else if x.self != nil {
				se = x.self
			}
			x.figures = append(x.figures, figure{subject: se, q: mq, src: source{start, end, "quantity", confFigure}})
		}
	})
}

// topic is the measure, program or alliance a sentence without one of its own continues
// (一是提供优秀人才租房补贴。近3年来已累计投入资金1.85亿元…): the last one named in the
// previous sentence of the paragraph.
func (x *extractor) topic(p *para, s span) *mention {
	var prev span
	for _, q := range p.sents {
		if q == s {
			break
		}
		prev = q
	}
	if prev.end <= prev.start {
		return nil
	}
	var t *mention
	for _, m := range x.mentionsIn(prev.start, prev.end) {
		switch m.kind {
		case model.KindTalentMeasure, model.KindProgram, model.KindAlliance:
			t = m
		}
	}
	return t
}

// figureSubject picks the mention a figure at [start, end) is about, or nil.
func (x *extractor) figureSubject(s span, ms []*mention, start, end int) *mention {
	for _, m := range ms {
		if m.start < end || m.start > end+2 {
			continue
		}
		gap := x.str(end, m.start)
		if (gap == "" || gap == "的") && (m.kind == model.KindTalentMeasure || m.kind == model.KindProgram) {
			return m
		}
	}
	clauseStart := s.start
	for _, c := range x.clauses(s) {
		if c.start <= start && start < c.end {
			clauseStart = c.start
		}
	}
	var inClause, inSentence *mention
	for _, m := range ms {
		if m.end > start || m.kind == model.KindPerson || m.kind == model.KindDocument || m.kind == model.KindIndustry {
			continue
		}
		inSentence = m
		if m.start >= clauseStart {
			inClause = m
		}
	}
	if inClause != nil {
		return inClause
	}
	return inSentence
}

// figureWhat describes what a figure counts: the words just before it in its clause (or
// after it when none), without the subject's name.
func (x *extractor) figureWhat(s span, subj *mention, start, end int) string {
	lo := s.start
	for _, c := range x.clauses(s) {
		if c.start <= start && start < c.end {
			lo = c.start
		}
	}
	if subj != nil && subj.end <= start && subj.end > lo {
		lo = subj.end
	}
	what := strings.TrimSpace(x.str(max(lo, start-12), start))
	what = strings.TrimLeft(what, "的、和及与，")
	if runeLen(what) < 2 {
		hi := end
		for hi < s.end && hi-end < 10 && !strings.ContainsRune("，。；、：", x.text[hi]) {
			hi++
		}
		what = strings.TrimLeft(x.str(end, hi), "的")
	}
	if strings.TrimSpace(what) == "" && subj != nil {
		what = subj.ent.name
	}
	if strings.TrimSpace(what) == "" {
		what = x.str(start, end)
	}
	return strings.TrimSpace(what)
}
