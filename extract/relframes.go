package extract

import (
	"strings"

	"github.com/policygraph/policygraph/model"
)

// Relation frames over a sentence's structure: the bodies before an issuing verb (A会同B、
// C联合制定了《X》), the enterprises between 对 and a support verb, the partners of a joint
// build (A与B、C合作共建D), and what lies where (X位于Y; 企业主要分布在A、B和C).

// issuerLinks join the bodies of an issuing subject (区科委会同区财政局、区商务委).
var issuerLinks = []string{"会同", "联合", "共同", "与", "和", "及", "、", "以及", "商"}

// issuers returns the bodies that end right before the issuing verb at vs, walking left over
// the links between them (会同, 与, 、 …) and an adverb of joint action (联合, 共同).
func (x *extractor) issuers(s span, vs int) []*entity {
	pos := vs
	for _, adv := range []string{"联合", "共同", "研究"} {
		if x.governedBy(pos, adv) {
			pos -= runeLen(adv)
			break
		}
	}
	if x.endsWith(pos, "我区", "本区") {
		return []*entity{x.placeEntity()}
	}
	var out []*entity
	for {
		var subj *mention
		for _, o := range x.mentionsIn(max(s.start, pos-maxNameRunes), pos) {
			if o.end == pos && (o.kind == model.KindPlace || o.kind == model.KindOrganization) && o.ent != nil {
				subj = o
			}
		}
		if subj == nil {
			break
		}
		out = append(out, subj.ent)
		pos = subj.start
		linked := false
		for _, l := range issuerLinks {
			if x.governedBy(pos, l) {
				pos -= runeLen(l)
				linked = true
				break
			}
		}
		if !linked {
			break
		}
	}
	return out
}

// supportVerbs follow the supported enterprises of a 对…给予 frame.
var supportVerbs = []string{"给予", "予以", "资助", "奖励", "补贴", "扶持"}

// relSupportFrame: (依据《X》，)对A、B等企业给予… → X SUPPORTS A, B; without a policy in the
// sentence, the policy the document is.
func (x *extractor) relSupportFrame(s span, ms []*mention) {
	str := x.str(s.start, s.end)
	off := 0
	for {
		i := strings.Index(str[off:], "对")
		if i < 0 {
			return
		}
		dui := s.start + runeLen(str[:off+i])
		off += i + len("对")
		verb, _ := x.at(dui+1, s.end, supportVerbs...)
		if verb < 0 {
			return
		}
		var firms []*mention
		for _, m := range x.mentionsIn(dui+1, verb) {
			if m.kind == model.KindEnterprise && m.ent != nil {
				firms = append(firms, m)
			}
		}
		if len(firms) == 0 {
			continue
		}
		var policy *entity
		for _, m := range ms {
			if m.end <= dui && m.kind == model.KindPolicy && m.ent != nil {
				policy = m.ent
			}
		}
		if policy == nil {
			policy = x.self
		}
		if policy == nil {
			continue
		}
		for _, f := range firms {
			x.relate(model.RelSupports, policy, f.ent, source{dui, verb + 2, "supports-frame", confCue})
		}
	}
}

// cooperationVerbs name a joint build or event; the partners stand before, the thing after.
var cooperationVerbs = []string{"合作共建", "联合共建", "共同建设", "合作建设", "联合成立", "共同组建", "联合组建",
	"联合举办", "共同举办", "联合主办", "共同主办", "携手打造", "联合打造", "共建"}

// relCooperation: A与B、C合作共建D / A联合B共建D / A与B联合举办了D → A, B, C PARTICIPATES_IN D.
func (x *extractor) relCooperation(s span, ms []*mention) {
	for _, c := range x.clauses(s) {
		verb, w := x.at(c.start, c.end, cooperationVerbs...)
		if verb < 0 {
			continue
		}
		pos := verb + runeLen(w)
		for pos < c.end && strings.ContainsRune("了的", x.text[pos]) {
			pos++
		}
		var target *mention
		for _, m := range x.mentionsIn(pos, c.end) {
			if m.start <= pos+1 && m.ent != nil && (m.kind == model.KindProgram || m.kind == model.KindOrganization || m.kind == model.KindAlliance || m.kind == model.KindPlace) {
				target = m
			}
			break
		}
		if target == nil {
			continue
		}
		for _, m := range x.mentionsIn(c.start, verb) {
			if m.ent == nil || m.ent == target.ent || (m.kind != model.KindOrganization && m.kind != model.KindEnterprise) {
				continue
			}
			x.relate(model.RelParticipatesIn, m.ent, target.ent, source{m.start, target.end, "cooperation", confCue})
		}
	}
}

// placeVerbs put what stands before them in the places after them.
var placeVerbs = []string{"位于", "坐落于", "坐落在", "分布在", "集中在", "分布于", "集中于", "落户"}

// relPlacedIn: X位于Y / X落户Y / (X…，)企业主要分布在A、B和C → X LOCATED_IN each place.
func (x *extractor) relPlacedIn(s span, ms []*mention) {
	cls := x.clauses(s)
	for ci, c := range cls {
		verb, w := x.at(c.start, c.end, placeVerbs...)
		if verb < 0 {
			continue
		}
		var places []*mention
		for _, m := range x.mentionsIn(verb+runeLen(w), c.end) {
			if m.kind == model.KindPlace && m.ent != nil {
				places = append(places, m)
			}
		}
		if len(places) == 0 {
			continue
		}
		lo := c.start
		if (w == "分布在" || w == "集中在" || w == "分布于" || w == "集中于") && ci > 0 {
			lo = cls[ci-1].start // the park whose firms are spread over the towns
		}
		var subj *mention
		for _, m := range x.mentionsIn(lo, verb) {
			switch m.kind {
			case model.KindPlace, model.KindProgram, model.KindOrganization, model.KindEnterprise, model.KindAlliance:
				if m.ent != nil {
					subj = m
				}
			}
		}
		if subj == nil {
			continue
		}
		for _, p := range places {
			if p.ent != subj.ent {
				x.relate(model.RelLocatedIn, subj.ent, p.ent, source{subj.start, p.end, "located-in-frame", confContext})
			}
		}
	}
}
