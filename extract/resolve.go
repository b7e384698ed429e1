package extract

import (
	"sort"
	"strings"

	"github.com/policygraph/policygraph/model"
)

// Resolution: overlapping candidate mentions compete (the longer, surer one wins), the
// survivors are grouped into entities by kind and folded name, and names that refer to
// the same thing are merged (区财政局 = 徐汇区财政局; 双创服务联盟 = 长宁双创服务联盟;
// 澄岳智能 = 澄岳智能科技（上海）有限公司).

func key(kind model.Kind, name string) string { return string(kind) + "|" + fold(name) }

var rulePriority = map[string]int{
	"doc-title": 10, "title": 10, "abbreviation": 10, "framework": 9, "header": 9, "signer": 9,
	"salutation": 9, "signature": 9, "notice": 9, "contact": 9, "gazetteer": 8, "quoted": 7,
	"suffix": 6, "gov-short": 6, "participant": 5, "industry": 5, "enum": 4, "short-name": 3, "place": 2, "lexicon": 1,
}

// entityFor returns the entity a mention belongs to, creating it; the mention is attached.
func (x *extractor) entityFor(m *mention) *entity {
	if m.ent != nil {
		return m.ent
	}
	k := key(m.kind, m.name)
	e := x.byKey[k]
	if e == nil {
		for _, a := range m.aliases {
			if e = x.byKey[key(m.kind, a)]; e != nil {
				break
			}
		}
	}
	if e == nil {
		e = &entity{kind: m.kind, name: m.name, first: m.start}
		x.ents = append(x.ents, e)
		x.index(e, m.name)
	}
	for _, a := range m.aliases {
		x.alias(e, a)
	}
	e.props = mergeProps(e.props, m.props)
	if m.id != "" && e.id == "" {
		e.id = m.id
	}
	e.mentions = append(e.mentions, m)
	if m.start < e.first {
		e.first = m.start
	}
	m.ent = e
	if !m.listed {
		m.listed = true
		x.mentions = append(x.mentions, m)
	}
	return e
}

func (x *extractor) index(e *entity, name string) {
	k := key(e.kind, name)
	if _, ok := x.byKey[k]; !ok {
		x.byKey[k] = e
	}
	e.keys = append(e.keys, k)
}

func (x *extractor) alias(e *entity, a string) {
	if fold(a) == "" || containsString(e.aliases, a) {
		return
	}
	if fold(a) != fold(e.name) {
		e.aliases = append(e.aliases, a)
	}
	x.index(e, a)
}

// resolve picks the mentions that survive overlaps and builds entities from them.
func (x *extractor) resolve() {
	ms := make([]*mention, 0, len(x.mentions))
	for _, m := range x.mentions {
		if m.rule != "dropped" && m.ent == nil {
			ms = append(ms, m)
		}
	}
	sort.SliceStable(ms, func(i, j int) bool {
		a, b := ms[i], ms[j]
		if pa, pb := rulePriority[a.rule], rulePriority[b.rule]; pa != pb {
			return pa > pb
		}
		if la, lb := a.end-a.start, b.end-b.start; la != lb {
			return la > lb
		}
		return a.start < b.start
	})
	// entities made by the header rules own their spans already
	x.occupied = make([]bool, len(x.text)+1)
	for _, e := range x.ents {
		for _, m := range e.mentions {
			if m.kind != model.KindDocument {
				x.occupy(m.start, m.end)
			}
		}
	}
	for _, m := range ms {
		if x.isOccupied(m.start, m.end) {
			// an identical span already taken by the same name is a second source
			continue
		}
		x.occupy(m.start, m.end)
		x.entityFor(m)
	}
	x.mergeDistrictBodies()
	x.mergeSuffixes()
	x.mergeFirmNames()
}

func (x *extractor) occupy(start, end int) {
	for i := max(start, 0); i < end && i < len(x.occupied); i++ {
		x.occupied[i] = true
	}
}

func (x *extractor) isOccupied(start, end int) bool {
	for i := max(start, 0); i < end && i < len(x.occupied); i++ {
		if x.occupied[i] {
			return true
		}
	}
	return false
}

// merge moves every mention and name of b into a and forgets b.
func (x *extractor) merge(a, b *entity) {
	if a == b {
		return
	}
	x.alias(a, b.name)
	for _, al := range b.aliases {
		x.alias(a, al)
	}
	for _, m := range b.mentions {
		m.ent = a
		a.mentions = append(a.mentions, m)
	}
	if b.first < a.first {
		a.first = b.first
	}
	a.props = mergeProps(a.props, b.props)
	for _, k := range b.keys {
		x.byKey[k] = a
	}
	b.mentions = nil
	for _, r := range x.rels {
		if r.from == b {
			r.from = a
		}
		if r.to == b {
			r.to = a
		}
	}
	if x.place == b {
		x.place = a
	}
	if x.self == b {
		x.self = a
	}
	if x.issuer == b {
		x.issuer = a
	}
	// b stays in x.ents without mentions; every pass skips such entities
}

// govAbbrev expands the usual short forms of government bodies.
var govAbbrev = []struct{ short, full string }{
	{"科委", "科学技术委员会"}, {"经委", "经济委员会"}, {"经信委", "经济和信息化委员会"}, {"发改委", "发展和改革委员会"},
	{"卫健委", "卫生健康委员会"}, {"卫生健康委", "卫生健康委员会"}, {"商务委", "商务委员会"}, {"教委", "教育委员会"},
	{"人社局", "人力资源和社会保障局"}, {"房管局", "房屋管理局"}, {"市监局", "市场监督管理局"},
	{"政府", "人民政府"}, {"人才办", "人才工作领导小组办公室"},
}

// mergeDistrictBodies names district bodies with their district (区财政局 → 徐汇区财政局)
// and merges short forms into the full names found in the same document.
func (x *extractor) mergeDistrictBodies() {
	for _, e := range append([]*entity(nil), x.ents...) {
		if e.kind != model.KindOrganization || len(e.mentions) == 0 {
			continue
		}
		if x.placeName != "" && strings.HasPrefix(e.name, "区") && !strings.HasPrefix(e.name, "区域") {
			full := x.placeName + strings.TrimPrefix(e.name, "区")
			short := e.name
			if o := x.byKey[key(e.kind, full)]; o != nil && o != e {
				x.merge(o, e)
				e = o
			} else {
				x.alias(e, short)
				e.name = full
				x.index(e, full)
			}
		}
		for _, ab := range govAbbrev {
			if !strings.HasSuffix(e.name, ab.short) {
				continue
			}
			full := strings.TrimSuffix(e.name, ab.short) + ab.full
			if o := x.byKey[key(e.kind, full)]; o != nil && o != e {
				x.merge(o, e)
				break
			}
		}
	}
}

// mergeSuffixes merges a name into the one longer name of the same kind that ends with it
// when what comes before is a place or a quoted brand (中科院微系统所 ⊃ 微系统所,
// 长宁双创服务联盟 ⊃ 双创服务联盟) or, for talent measures, whom it is for
// (青年人才创业资助 ⊃ 创业资助).
func (x *extractor) mergeSuffixes() {
	byFold := x.foldIndex()
	containers := map[*entity][]*entity{}
	for _, a := range x.ents {
		if len(a.mentions) == 0 || a.kind == model.KindPerson || a.kind == model.KindDocument || a.kind == model.KindPolicy {
			continue
		}
		fa := []rune(fold(a.name))
		for k := 1; k+4 <= len(fa); k++ {
			b := byFold[key(a.kind, string(fa[k:]))]
			if b == nil || b == a || len(b.mentions) == 0 {
				continue
			}
			if x.qualifier(string(fa[:k]), a.name, a.kind) {
				containers[b] = append(containers[b], a)
			}
		}
	}
	for _, b := range append([]*entity(nil), x.ents...) {
		if as := containers[b]; len(as) == 1 && len(as[0].mentions) > 0 && len(b.mentions) > 0 {
			x.merge(as[0], b)
		}
	}
}

// foldIndex maps kind|fold(name) to the entity of that name.
func (x *extractor) foldIndex() map[string]*entity {
	m := make(map[string]*entity, len(x.ents))
	for _, e := range x.ents {
		if len(e.mentions) > 0 {
			m[key(e.kind, e.name)] = e
		}
	}
	return m
}

// qualifier reports whether prefix, the part of long before a shorter name, only
// qualifies it.
func (x *extractor) qualifier(prefix, long string, kind model.Kind) bool {
	if strings.HasPrefix(long, "“") {
		return true
	}
	for _, p := range append(x.placeStems(), generalPlaces...) {
		if strings.HasPrefix(prefix, p) {
			return true
		}
	}
	if strings.HasSuffix(prefix, "市") || strings.HasSuffix(prefix, "区") {
		return runeLen(prefix) <= 4
	}
	// 青年人才创业资助 ⊃ 创业资助, but 留学回国人才落户 ⊅ 人才落户: a short name that already
	// says whom it is for is a measure of its own
	return kind == model.KindTalentMeasure && runeLen(prefix) <= 4 && hasAny(prefix, peopleWords) && !hasAny(strings.TrimPrefix(fold(long), prefix), peopleWords)
}

// mergeFirmNames merges a short firm name into the legal name that starts with it (after a
// place): 澄岳智能 → 澄岳智能科技（上海）有限公司.
func (x *extractor) mergeFirmNames() {
	byFold := x.foldIndex()
	containers := map[*entity][]*entity{}
	places := append(x.placeStems(), generalPlaces...)
	for _, a := range x.ents {
		if a.kind != model.KindEnterprise || len(a.mentions) == 0 || !strings.HasSuffix(a.name, "公司") {
			continue
		}
		seen := map[*entity]bool{}
		for _, legal := range []string{a.name, strings.TrimPrefix(strings.TrimPrefix(a.name, firstPrefix(a.name, places)), "市")} {
			rs := []rune(fold(legal))
			for k := 2; k < len(rs) && k <= 12; k++ {
				b := byFold[key(model.KindEnterprise, string(rs[:k]))]
				if b == nil || b == a || seen[b] || strings.HasSuffix(b.name, "公司") {
					continue
				}
				seen[b] = true
				containers[b] = append(containers[b], a)
			}
		}
	}
	for _, b := range append([]*entity(nil), x.ents...) {
		if as := containers[b]; len(as) == 1 && len(as[0].mentions) > 0 && len(b.mentions) > 0 {
			x.merge(as[0], b)
		}
	}
}

func firstPrefix(s string, words []string) string {
	w, _ := hasPrefixAny(s, words)
	return w
}

// ruleLexicon finds further occurrences of every name proposed so far (and of the
// gazetteer's names) so that relation rules see them: longest match first, outside spans
// already taken.
func (x *extractor) ruleLexicon() {
	type entry struct {
		name []rune
		e    *entity
	}
	byFirst := map[rune][]entry{}
	for _, e := range x.ents {
		if len(e.mentions) == 0 || e.kind == model.KindDocument {
			continue
		}
		for _, n := range append([]string{e.name}, e.aliases...) {
			rs := []rune(n)
			if len(rs) < 2 || (len(rs) < 3 && e.kind != model.KindPerson && e.kind != model.KindOrganization && e.kind != model.KindEnterprise) {
				continue
			}
			byFirst[rs[0]] = append(byFirst[rs[0]], entry{rs, e})
		}
	}
	for r := range byFirst {
		l := byFirst[r]
		sort.SliceStable(l, func(i, j int) bool { return len(l[i].name) > len(l[j].name) })
	}
	for i := 0; i < len(x.text); i++ {
		if i%65536 == 0 && x.ctx.Err() != nil {
			return
		}
		if x.occupied[i] {
			continue
		}
		for _, en := range byFirst[x.text[i]] {
			end := i + len(en.name)
			if end > len(x.text) || !runesEqual(x.text[i:end], en.name) || x.isOccupied(i, end) {
				continue
			}
			// a name must not continue into a longer word of a name kind (长宁区 in 长宁区委)
			m := &mention{kind: en.e.kind, name: en.e.name, start: i, end: end, rule: "lexicon", conf: confLexicon}
			m.ent = en.e
			en.e.mentions = append(en.e.mentions, m)
			x.mentions = append(x.mentions, m)
			x.occupy(i, end)
			i = end - 1
			break
		}
	}
}

// mentionsIn returns the resolved mentions inside [start, end), in text order.
func (x *extractor) mentionsIn(start, end int) []*mention {
	if x.sorted == nil {
		for _, m := range x.mentions {
			if m.ent != nil && len(m.ent.mentions) > 0 {
				x.sorted = append(x.sorted, m)
			}
		}
		sort.SliceStable(x.sorted, func(i, j int) bool { return x.sorted[i].start < x.sorted[j].start })
	}
	k := sort.Search(len(x.sorted), func(i int) bool { return x.sorted[i].start >= start })
	var out []*mention
	for ; k < len(x.sorted) && x.sorted[k].start < end; k++ {
		m := x.sorted[k]
		if m.end <= end && m.ent != nil && len(m.ent.mentions) > 0 {
			out = append(out, m)
		}
	}
	return out
}
