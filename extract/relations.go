package extract

import (
	"regexp"
	"strings"

	"github.com/policygraph/policygraph/model"
)

// Relation rules: cue patterns over a sentence and the mentions resolved in it.

// Confidence levels of the relation rules.
const (
	confCue     = 0.8 // a direct cue pattern (依照《X》…对A予以认定)
	confContext = 0.6 // a looser pattern (measures listed under a program)
)

// relate records a relation; nil stands for the document itself. Repeated facts gather
// sources.
func (x *extractor) relate(t model.RelType, from, to *entity, src source) {
	if from == to {
		return
	}
	k := string(t) + "|" + entityKey(from) + "|" + entityKey(to)
	r := x.relKey[k]
	if r == nil {
		r = &relation{typ: t, from: from, to: to}
		x.relKey[k] = r
		x.rels = append(x.rels, r)
	}
	if len(r.sources) >= maxSources {
		return
	}
	for _, s := range r.sources {
		if s.start == src.start && s.end == src.end {
			return
		}
	}
	r.sources = append(r.sources, src)
}

func entityKey(e *entity) string {
	if e == nil {
		return "@document"
	}
	return string(e.kind) + ":" + e.name + "#" + itoa(e.first)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}

// ruleRelations runs every relation rule over every sentence.
func (x *extractor) ruleRelations() {
	x.sentences(func(p *para, s span) {
		ms := x.mentionsIn(s.start, s.end)
		if len(ms) == 0 {
			return
		}
		x.relRecognizes(s, ms)
		x.relDerived(s, ms)
		x.relFramework(s, ms)
		x.relMembers(p, s, ms)
		x.relParticipates(s, ms)
		x.relIntroduced(s, ms)
		x.relIssued(s, ms)
		x.relLocated(s, ms)
		x.relSupersedes(s, ms)
		x.relProgramMeasures(p, s, ms)
		x.relSupportFrame(s, ms)
		x.relCooperation(s, ms)
		x.relPlacedIn(s, ms)
	})
	x.relEstablishes()
}

// at returns the offset of the first occurrence of any of words in [start, end) and the
// word, or -1.
func (x *extractor) at(start, end int, words ...string) (int, string) {
	str := x.str(start, end)
	best, bw := -1, ""
	for _, w := range words {
		if i := strings.Index(str, w); i >= 0 && (best < 0 || i < best) {
			best, bw = i, w
		}
	}
	if best < 0 {
		return -1, ""
	}
	return start + runeLen(str[:best]), bw
}

// endsWith reports whether the text right before off ends with one of words.
func (x *extractor) endsWith(off int, words ...string) bool {
	for _, w := range words {
		if x.governedBy(off, w) {
			return true
		}
	}
	return false
}

var basisCues = []string{"根据", "依据", "依照", "按照", "贯彻落实", "为落实", "落实", "遵照"}

// basisPolicies returns the policy titles before limit introduced by a basis cue
// (根据《X》、《Y》和《Z》).
func (x *extractor) basisPolicies(ms []*mention, limit int) []*mention {
	var out []*mention
	var prev *mention
	for _, m := range ms {
		if m.start >= limit {
			break
		}
		if m.kind != model.KindPolicy {
			prev = nil
			continue
		}
		if x.endsWith(m.start, basisCues...) || (prev != nil && m.start-prev.end <= 1 && x.endsWith(m.start, "、", "和", "及", "与", "以及")) {
			out = append(out, m)
			prev = m
			continue
		}
		prev = nil
	}
	return out
}

// relRecognizes: 依照《X》，…对A、B等企业予以认定 / 认定A、B为… → X RECOGNIZES A, B.
func (x *extractor) relRecognizes(s span, ms []*mention) {
	cue, _ := x.at(s.start, s.end, "予以认定", "认定")
	if cue < 0 || x.endsWith(cue, "经") {
		return
	}
	basis := x.basisPolicies(ms, cue)
	if len(basis) == 0 {
		return
	}
	policy := basis[0]
	var targets []*mention
	if dui := x.lastIndex(policy.end, cue, "对"); dui >= 0 {
		for _, m := range ms {
			if m.start > dui && m.end <= cue && recognizable(m) {
				targets = append(targets, m)
			}
		}
	} else {
		stop, _ := x.at(cue, s.end, "为", "，", "。")
		if stop < 0 {
			stop = s.end
		}
		for _, m := range ms {
			if m.start >= cue && m.end <= stop && recognizable(m) {
				targets = append(targets, m)
			}
		}
	}
	for _, t := range targets {
		x.relate(model.RelRecognizes, policy.ent, t.ent, source{policy.start, max(cue+2, t.end), "recognizes", confCue})
	}
}

func recognizable(m *mention) bool {
	if m.kind == model.KindEnterprise {
		return true
	}
	if m.kind == model.KindOrganization {
		t, _ := m.ent.props["orgType"].(string)
		return t != "government"
	}
	return false
}

// lastIndex returns the offset of the last occurrence of w in [start, end), or -1.
func (x *extractor) lastIndex(start, end int, w string) int {
	str := x.str(start, end)
	i := strings.LastIndex(str, w)
	if i < 0 {
		return -1
	}
	return start + runeLen(str[:i])
}

var selfRE = regexp.MustCompile(`^(?:了)?本(?:措施|细则|办法|意见|规定|方案|政策|规划)`)

// relDerived: 根据《X》…制订了《Y》 / 为落实《X》…制定本细则 → Y DERIVED_FROM X.
func (x *extractor) relDerived(s span, ms []*mention) {
	verb, w := x.at(s.start, s.end, "制订", "制定", "出台", "印发")
	if verb < 0 {
		return
	}
	after := verb + runeLen(w)
	var derived *entity
	for _, m := range ms {
		if m.kind == model.KindPolicy && m.start >= after && m.start <= after+1 {
			derived = m.ent
			break
		}
	}
	end := after
	if derived == nil {
		if x.self == nil || !selfRE.MatchString(x.str(after, min(after+4, s.end))) {
			return
		}
		derived = x.self
		end = after + 3
	}
	for _, b := range x.basisPolicies(ms, verb) {
		if b.ent != derived {
			x.relate(model.RelDerivedFrom, derived, b.ent, source{b.start, end, "derived-from", confCue})
		}
	}
}

// relFramework: 以《A》为核心，以《B》等“3+3”产业政策为支撑 → A, B PART_OF 3+3.
func (x *extractor) relFramework(s span, ms []*mention) {
	for i, f := range ms {
		if f.kind != model.KindPolicy || f.ent.props["policyType"] != "framework" {
			continue
		}
		str := x.str(max(s.start, f.start-200), f.end)
		if !hasAny(str, []string{"为核心", "为支撑", "为统领", "为引领", "为主体", "为龙头", "配套", "形成", "构建"}) {
			continue
		}
		for _, m := range ms[max(0, i-12):i] {
			if m.kind == model.KindPolicy && m.ent != f.ent && m.rule != "abbreviation" {
				x.relate(model.RelPartOf, m.ent, f.ent, source{m.start, f.end, "framework", confCue})
			}
		}
	}
}

var memberCueRE = regexp.MustCompile(`成员(?:单位)?(?:主要)?(?:包括|有|为|涵盖)|首批\s*\d+\s*家成员(?:单位)?(?:包括|有|为)`)

// relMembers: 成员包括A、B、C等 / 首批N家成员单位包括A、B → A, B, C MEMBER_OF the alliance
// named last before the cue in the paragraph.
func (x *extractor) relMembers(p *para, s span, ms []*mention) {
	str := x.str(s.start, s.end)
	loc := memberCueRE.FindStringIndex(str)
	if loc == nil {
		return
	}
	cue := s.start + runeLen(str[:loc[0]])
	cueEnd := s.start + runeLen(str[:loc[1]])
	var alliance *mention
	for _, m := range x.mentionsIn(max(p.start, cue-300), cue) {
		if m.kind == model.KindAlliance {
			alliance = m
		}
	}
	if alliance == nil {
		return
	}
	stop, _ := x.at(cueEnd, s.end, "等", "，", "。", "；")
	if stop < 0 {
		stop = s.end
	}
	for _, m := range ms {
		if m.start >= cueEnd && m.end <= stop && (m.kind == model.KindEnterprise || m.kind == model.KindOrganization) {
			x.relate(model.RelMemberOf, m.ent, alliance.ent, source{min(alliance.start, cue), m.end, "member-of", confCue})
		}
	}
}

// relParticipates: A、B参与…“P”…建设 → A, B PARTICIPATES_IN P.
func (x *extractor) relParticipates(s span, ms []*mention) {
	for _, c := range x.clauses(s) {
		verb, _ := x.at(c.start, c.end, "参与")
		if verb < 0 {
			continue
		}
		build, _ := x.at(verb, c.end, "建设")
		if build < 0 {
			continue
		}
		var program *mention
		for _, m := range x.mentionsIn(verb, build) {
			if m.kind == model.KindProgram {
				program = m
				break
			}
		}
		if program == nil {
			continue
		}
		for _, m := range x.mentionsIn(c.start, verb) {
			if m.kind == model.KindEnterprise || m.kind == model.KindOrganization {
				x.relate(model.RelParticipatesIn, m.ent, program.ent, source{m.start, build + 2, "participates-in", confCue})
			}
		}
	}
}

// relIntroduced: 引进(了)A、B等… → the document's district INTRODUCED A, B.
func (x *extractor) relIntroduced(s span, ms []*mention) {
	for _, c := range x.clauses(s) {
		verb, w := x.at(c.start, c.end, "引进", "引入")
		if verb < 0 {
			continue
		}
		pos := verb + runeLen(w)
		if x.str(pos, pos+1) == "了" {
			pos++
		}
		var targets []*mention
		for _, m := range x.mentionsIn(pos, c.end) {
			gap := x.str(pos, m.start)
			if gap != "" && gap != "、" && gap != "和" && gap != "及" && gap != "与" {
				break
			}
			if m.kind != model.KindEnterprise && m.kind != model.KindOrganization {
				break
			}
			targets = append(targets, m)
			pos = m.end
		}
		if len(targets) == 0 {
			continue
		}
		from := x.placeEntity()
		if from == nil {
			from = x.issuer
		}
		if from == nil {
			continue
		}
		for _, t := range targets {
			x.relate(model.RelIntroduced, from, t.ent, source{verb, t.end, "introduced", confCue})
		}
	}
}

// relIssued: 长宁区出台了《X》 / 我区制定了《X》 → X ISSUED_BY the subject.
func (x *extractor) relIssued(s span, ms []*mention) {
	for _, m := range ms {
		if m.kind != model.KindPolicy || m.rule == "abbreviation" {
			continue
		}
		off := m.start
		if x.governedBy(off, "了") {
			off--
		}
		verb := ""
		for _, v := range []string{"发布", "出台", "制订", "制定", "印发", "颁布"} {
			if x.governedBy(off, v) {
				verb = v
				break
			}
		}
		if verb == "" {
			continue
		}
		vs := off - runeLen(verb)
		for _, subj := range x.issuers(s, vs) {
			if subj != m.ent {
				x.relate(model.RelIssuedBy, m.ent, subj, source{vs - runeLen(subj.name), m.end, "issued-by", confCue})
			}
		}
	}
}

// relLocated: 在<place>设立/建设<program> → program LOCATED_IN place.
func (x *extractor) relLocated(s span, ms []*mention) {
	for i, m := range ms {
		if m.kind != model.KindPlace || !x.governedBy(m.start, "在") {
			continue
		}
		rest := x.str(m.end, min(m.end+2, s.end))
		if rest != "设立" && rest != "建设" && rest != "建成" && rest != "开设" && rest != "打造" {
			continue
		}
		for _, o := range ms[i+1:] {
			if x.str(m.end, o.start) != rest && runeLen(x.str(m.end, o.start)) > 2 {
				break
			}
			if o.kind == model.KindProgram {
				x.relate(model.RelLocatedIn, o.ent, m.ent, source{m.start - 1, o.end, "located-in", confCue})
				break
			}
		}
	}
}

// relSupersedes: 原《X》…废止 → the document's policy SUPERSEDES X.
func (x *extractor) relSupersedes(s span, ms []*mention) {
	if x.self == nil {
		return
	}
	cue, _ := x.at(s.start, s.end, "废止", "停止执行")
	if cue < 0 {
		return
	}
	for _, m := range ms {
		if m.kind == model.KindPolicy && m.end <= cue && x.governedBy(m.start, "原") && m.ent != x.self {
			x.relate(model.RelSupersedes, x.self, m.ent, source{m.start - 1, cue + 2, "supersedes", confCue})
		}
	}
}

var listItemRE = regexp.MustCompile(`^[一二三四五六七八九十]是`)

// relProgramMeasures: measures named after 实施<计划/工程> in the same sentence, or in the
// 一是…二是… items that follow it in the paragraph, are PART_OF it.
func (x *extractor) relProgramMeasures(p *para, s span, ms []*mention) {
	umbrella := func(m *mention) bool {
		return (m.kind == model.KindProgram || m.kind == model.KindTalentMeasure) &&
			(strings.HasSuffix(m.ent.name, "计划") || strings.HasSuffix(m.ent.name, "工程")) && x.endsWith(m.start, "实施")
	}
	var prog *mention
	for _, m := range ms {
		if umbrella(m) {
			prog = m
		}
	}
	for _, m := range ms {
		if prog != nil && m.start > prog.end && m.kind == model.KindTalentMeasure && m.ent != prog.ent {
			x.relate(model.RelPartOf, m.ent, prog.ent, source{prog.start, m.end, "part-of-program", confContext})
		}
	}
	if !listItemRE.MatchString(x.str(s.start, s.start+2)) {
		return
	}
	var last *mention
	for _, m := range x.mentionsIn(max(p.start, s.start-1000), s.start) {
		if umbrella(m) {
			last = m
		}
	}
	if last == nil {
		return
	}
	for _, m := range ms {
		if m.kind == model.KindTalentMeasure && m.ent != last.ent {
			x.relate(model.RelPartOf, m.ent, last.ent, source{s.start, m.end, "part-of-program", confContext})
			break
		}
	}
}

var articleRE = regexp.MustCompile(`^\s*第[一二三四五六七八九十百]+条`)

// relEstablishes: in a policy text, the talent measures its articles set out are
// ESTABLISHED by it.
func (x *extractor) relEstablishes() {
	if x.self == nil {
		return
	}
	for _, p := range x.paras {
		if !articleRE.MatchString(x.str(p.start, min(p.start+8, p.end))) {
			continue
		}
		for _, m := range x.mentionsIn(p.start, p.end) {
			if m.kind == model.KindTalentMeasure {
				x.relate(model.RelEstablishes, x.self, m.ent, source{p.start, m.end, "establishes", confContext})
			}
		}
	}
}
