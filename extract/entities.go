package extract

import (
	"regexp"
	"strings"

	"github.com/policygraph/policygraph/model"
)

// Confidence levels of the entity rules.
const (
	confHeader   = 0.95 // 签发人：X; the proposal a reply answers
	confTitle    = 0.95 // 《…》
	confLegal    = 0.9  // …有限公司
	confSuffix   = 0.8  // strong type suffix
	confWeak     = 0.7  // weak suffix with a distinctive element
	confEnum     = 0.7  // typed by its enumeration
	confShort    = 0.6  // short firm name with an unknown stem
	confRelation = 0.6  // typed by a relation cue (A、B参与…建设)
	confLexicon  = 0.9  // another occurrence of a name found before
)

// ---------------------------------------------------------------- document place

var districtRE = regexp.MustCompile(`\p{Han}{2}区`)

// districtStemStops are two-rune stems before 区 that do not make a district name.
var districtStemStops = []string{"集聚", "开发", "示范", "试验", "工业", "保税", "功能", "核心", "重点", "中心", "城市", "生活", "居住", "商务", "创新", "园新", "社区", "街区", "片区", "景区", "校区", "新城", "全市", "市区", "城区", "辖区", "园区", "本区", "我区", "全区", "各区", "该区", "郊区", "老城", "主城", "湾区", "港区", "自贸", "示范", "先行", "引领", "产业", "新区", "集中", "地区", "山区", "灾区", "矿区", "学区", "营区", "库区", "牧区", "林区", "选区", "分区", "小区", "市内"}

// findPlace picks the district the document speaks for: the XX区 named most often at the
// start of a clause or of a longer name.
func (x *extractor) findPlace() {
	count := map[string]int{}
	first := map[string]int{}
	loc := districtRE.FindAllStringIndex(x.doc.Text, -1)
	// rune offsets of matches
	if len(loc) == 0 {
		return
	}
	byteToRune := byteRuneIndex(x.doc.Text)
	for _, l := range loc {
		start := byteToRune[l[0]]
		end := start + 3
		if x.text[start+1] == '新' && start > 0 && isHan(x.text[start-1]) {
			start-- // a new area: 浦东新区
		}
		name := x.str(start, end)
		stem := name[:len(name)-len("区")]
		if containsString(districtStemStops, stem) || x.stopBefore(start, start+2, nil) > 0 || hasStopRune(stem) {
			continue
		}
		if end < len(x.text) && strings.ContainsRune("内外域级间", x.text[end]) {
			continue
		}
		if start > 0 {
			prev := x.text[start-1]
			if isHan(prev) && x.stopBefore(0, start, nil) == 0 {
				continue
			}
		}
		if _, ok := first[name]; !ok {
			first[name] = start
		}
		count[name]++
	}
	best := ""
	for n, c := range count {
		if c > count[best] || (c == count[best] && best != "" && first[n] < first[best]) {
			best = n
		}
	}
	if best == "" || count[best] < 2 {
		return
	}
	x.placeName = best
	for n := range count {
		if count[n] >= 2 || n == best {
			x.districts = append(x.districts, n)
		}
	}
}

// placeStems returns the district names of the document and their stems (长宁区, 长宁).
func (x *extractor) placeStems() []string {
	var out []string
	for _, d := range x.districts {
		out = append(out, d, strings.TrimSuffix(d, "区"))
	}
	return out
}

// placeEntity returns the Place entity of the document's district, creating it from its
// first occurrence; nil when the document names no district.
func (x *extractor) placeEntity() *entity {
	if x.place != nil || x.placeName == "" {
		return x.place
	}
	if e := x.byKey[key(model.KindPlace, x.placeName)]; e != nil {
		x.place = e
		return e
	}
	sp := x.doc.Find(x.placeName)
	if len(sp) == 0 {
		return nil
	}
	m := &mention{kind: model.KindPlace, name: x.placeName, start: sp[0].Start, end: sp[0].End, rule: "place", conf: confSuffix, props: placeType("district")}
	x.place = x.entityFor(m)
	return x.place
}

// hasStopRune reports whether s holds a one-rune function word (在本区, 支持区).
func hasStopRune(s string) bool {
	for _, w := range stopWords {
		if len(w) == 1 && strings.ContainsRune(s, w[0]) {
			return true
		}
	}
	return false
}

func byteRuneIndex(s string) map[int]int {
	m := make(map[int]int, len(s)/2)
	n := 0
	for i := range s {
		m[i] = n
		n++
	}
	m[len(s)] = n
	return m
}

// ---------------------------------------------------------------- header

var (
	proposalRE   = regexp.MustCompile(`(?:关于|对)+((?:\p{Han}|\d){2,40}?第\s*\d+\s*号(?:代表建议|提案|建议|议案))的(?:答复|复函)`)
	signerRE     = regexp.MustCompile(`签发人\s*[：:]\s*(\p{Han}{2,4})`)
	contactRE    = regexp.MustCompile(`联系人\s*[：:]\s*(\p{Han}{2,3})`)
	salutationRE = regexp.MustCompile(`^((?:\p{Han}{2,4}、)*\p{Han}{2,4})(委员|代表|同志)(们)?\s*[：:]$`)
	dateLineRE   = regexp.MustCompile(`^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$`)
)

// ruleHeader finds the header and signature facts of a reply or notice: the proposal it
// answers, its proposers, its signer, its issuing body.
func (x *extractor) ruleHeader() {
	n := len(x.paras)
	for k := 0; k < n && k < 8; k++ {
		p := x.paras[k]
		s := x.str(p.start, p.end)
		if m := proposalRE.FindStringSubmatchIndex(s); m != nil && x.proposal == nil {
			st, en := p.start+runeLen(s[:m[2]]), p.start+runeLen(s[:m[3]])
			x.proposal = x.entityFor(&mention{kind: model.KindDocument, name: x.str(st, en), start: st, end: en, rule: "header", conf: confHeader, props: map[string]any{"docType": "proposal"}})
			x.relate(model.RelRespondsTo, nil, x.proposal, source{st, en, "header", confHeader})
		}
		if m := signerRE.FindStringSubmatchIndex(s); m != nil {
			st, en := p.start+runeLen(s[:m[2]]), p.start+runeLen(s[:m[3]])
			e := x.entityFor(&mention{kind: model.KindPerson, name: x.str(st, en), start: st, end: en, rule: "signer", conf: confHeader, props: map[string]any{"role": "签发人"}})
			x.relate(model.RelSignedBy, nil, e, source{p.start + runeLen(s[:m[0]]), en, "signer", confHeader})
		}
		if m := salutationRE.FindStringSubmatchIndex(s); m != nil {
			role := s[m[4]:m[5]]
			names := s[m[2]:m[3]]
			off := p.start + runeLen(s[:m[2]])
			for _, nm := range strings.Split(names, "、") {
				st, en := off, off+runeLen(nm)
				off = en + 1
				e := x.entityFor(&mention{kind: model.KindPerson, name: nm, start: st, end: en, rule: "salutation", conf: confHeader, props: map[string]any{"role": role}})
				if x.proposal != nil {
					x.relate(model.RelProposedBy, x.proposal, e, source{st, p.end, "salutation", confHeader})
				}
			}
		}
	}
	x.headerBodies()
	for k := range x.paras {
		p := x.paras[k]
		s := x.str(p.start, p.end)
		if m := contactRE.FindStringSubmatchIndex(s); m != nil && k >= n-4 {
			st, en := p.start+runeLen(s[:m[2]]), p.start+runeLen(s[:m[3]])
			x.entityFor(&mention{kind: model.KindPerson, name: x.str(st, en), start: st, end: en, rule: "contact", conf: confSuffix, props: map[string]any{"role": "联系人"}})
		}
		// signature block: a body's name alone on a line, next to a date line
		if runeLen(s) < 4 {
			continue
		}
		next := ""
		if k+1 < n {
			next = strings.TrimSpace(x.str(x.paras[k+1].start, x.paras[k+1].end))
		}
		if !dateLineRE.MatchString(strings.ReplaceAll(next, " ", "")) {
			continue
		}
		if parts := splitBodies(s); len(parts) >= 2 {
			// several bodies on one line sign jointly
			for _, b := range x.bodyMentions(p.start, p.end, parts) {
				x.relate(model.RelIssuedBy, nil, b, source{p.start, x.paras[k+1].end, "signature", confHeader})
			}
			continue
		}
		if runeLen(s) > 20 {
			continue
		}
		c, ok := cueOf(s)
		if !ok || c.kind != model.KindOrganization {
			continue
		}
		e := x.entityFor(&mention{kind: model.KindOrganization, name: s, start: p.start, end: p.end, rule: "signature", conf: confHeader, props: c.props})
		x.relate(model.RelIssuedBy, nil, e, source{p.start, x.paras[k+1].end, "signature", confHeader})
		if x.issuer == nil {
			x.issuer = e
		}
	}
}

// ---------------------------------------------------------------- titles 《》

// ruleTitles finds policy titles in 《》, nested 《〈〉》 included, and the abbreviations
// defined after them (以下简称“《若干意见》”). A title preceded by a district and opening
// with 关于 (杨浦区《关于…》) is named with the district.
func (x *extractor) ruleTitles() {
	x.sentences(func(p *para, s span) {
		for i := s.start; i < s.end; i++ {
			if x.text[i] != '《' {
				continue
			}
			j := x.closeTitle(i, s.end)
			if j < 0 {
				continue
			}
			inner := x.str(i+1, j)
			if runeLen(inner) < 2 || strings.ContainsAny(inner, "。；！？\n") {
				continue
			}
			start, end := i, j+1
			name := inner
			// 杨浦区《关于…若干意见》: the district belongs to the title
			if strings.HasPrefix(inner, "关于") {
				for _, d := range x.districts {
					if ds := start - runeLen(d); ds >= s.start && x.str(ds, start) == d {
						name = d + inner
						start = ds
						break
					}
				}
			}
			m := x.add(&mention{kind: model.KindPolicy, name: name, start: start, end: end, rule: "title", conf: confTitle, props: policyProps(name)})
			x.cover(i, j+1)
			if m != nil {
				x.abbreviation(m, j+1, s.end)
			}
			i = j
		}
	})
}

// closeTitle returns the offset of the 》 closing the 《 at open, or -1 when it is not
// closed within the sentence (an unbalanced mark).
func (x *extractor) closeTitle(open, limit int) int {
	depth := 0
	for j := open; j < limit && j-open < 120; j++ {
		switch x.text[j] {
		case '《':
			depth++
		case '》':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

var abbrevRE = regexp.MustCompile(`^[（(]\s*(?:以下简称|下称|简称)\s*[“"]?《?([^”"》）)]{1,20})》?[”"]?\s*[)）]`)

// abbreviation records an alias defined right after a name: （以下简称“X”）.
func (x *extractor) abbreviation(m *mention, after, limit int) {
	rest := x.str(after, min(limit, after+30))
	loc := abbrevRE.FindStringSubmatchIndex(rest)
	if loc == nil {
		return
	}
	alias := rest[loc[2]:loc[3]]
	m.aliases = append(m.aliases, alias)
	st := after + runeLen(rest[:loc[2]])
	x.add(&mention{kind: m.kind, name: m.name, aliases: []string{alias}, start: st, end: st + runeLen(alias), rule: "abbreviation", conf: m.conf})
}

var policyTypes = []struct{ suffix, typ string }{
	{"若干措施", "measures"}, {"措施", "measures"}, {"实施细则", "rules"}, {"细则", "rules"}, {"办法", "rules"},
	{"意见", "opinions"}, {"规划", "plan"}, {"方案", "plan"}, {"计划", "plan"}, {"清单", "list"},
	{"条例", "rules"}, {"政策", "measures"}, {"通知", "notice"}, {"战略", "strategy"}, {"纲要", "plan"},
}

func policyProps(name string) map[string]any {
	n := strings.TrimRight(name, "）)")
	if i := strings.LastIndexAny(n, "（("); i > 0 {
		n = n[:i]
	}
	for _, t := range policyTypes {
		if strings.HasSuffix(n, t.suffix) {
			return map[string]any{"policyType": t.typ}
		}
	}
	return nil
}

// ---------------------------------------------------------------- the document's own policy

var (
	noticeRE  = regexp.MustCompile(`^(.{0,90}?)关于(?:联合)?(?:印发|发布|公布)《`)
	docNumRE  = regexp.MustCompile(`\p{Han}{1,6}〔\d{4}〕\d+号`)
	selfRefRE = regexp.MustCompile(`本(措施|细则|办法|意见|规定|方案|政策)`)
)

// ruleSelfPolicy recognises documents that are themselves a policy: a notice issuing
// 《X》 (X is the policy; the notice's sender issued it), or a text whose first paragraph is
// a policy title (…若干措施, …实施细则) and which refers to itself as 本措施/本细则.
func (x *extractor) ruleSelfPolicy() {
	if len(x.paras) == 0 || !selfRefRE.MatchString(x.doc.Text) {
		return
	}
	for k := 0; k < len(x.paras) && k < 8 && x.self == nil; k++ {
		p := x.paras[k]
		s := x.str(p.start, p.end)
		if loc := noticeRE.FindStringSubmatchIndex(s); loc != nil {
			// the policy issued is the first title of the paragraph
			for _, m := range x.mentions {
				if m.rule == "title" && m.start >= p.start && m.end <= p.end {
					m.props = mergeProps(m.props, map[string]any{})
					x.self = x.entityFor(m)
					break
				}
			}
			sender := s[loc[2]:loc[3]]
			if c, ok := cueOf(sender); ok && c.kind == model.KindOrganization && runeLen(sender) >= 3 && runeLen(sender) <= 30 && !docNumRE.MatchString(sender) && len(splitBodies(sender)) < 2 {
				e := x.entityFor(&mention{kind: model.KindOrganization, name: sender, start: p.start, end: p.start + runeLen(sender), rule: "notice", conf: confHeader, props: c.props})
				if x.self != nil {
					x.relate(model.RelIssuedBy, x.self, e, source{p.start, p.end, "notice", confHeader})
				}
			}
			continue
		}
		// a title paragraph: cut at a document number or at the first article/chapter
		end := p.end
		if loc := docNumRE.FindStringIndex(s); loc != nil {
			end = min(end, p.start+runeLen(s[:loc[0]]))
		}
		for _, mark := range []string{"第一章", "第一条", "一、"} {
			if i := strings.Index(s, mark); i > 0 {
				end = min(end, p.start+runeLen(s[:i]))
			}
		}
		title := strings.TrimSpace(x.str(p.start, end))
		if runeLen(title) < 6 || runeLen(title) > 60 || strings.ContainsAny(title, "。，；：") || markerRE.MatchString(title) {
			continue
		}
		props := policyProps(strings.NewReplacer("《", "", "》", "").Replace(title))
		if props == nil || props["policyType"] == "notice" {
			continue
		}
		name := strings.NewReplacer("《", "〈", "》", "〉").Replace(title)
		// a title that holds a 《》 title keeps it nested as 〈〉
		if strings.Contains(title, "《") {
			name = title
		}
		m := x.add(&mention{kind: model.KindPolicy, name: name, start: p.start, end: end, rule: "doc-title", conf: confTitle, props: props})
		x.cover(p.start, end)
		// drop inner titles that were the nested part of this one
		for _, o := range x.mentions {
			if o != m && o.rule == "title" && o.start >= p.start && o.end <= end {
				o.rule = "dropped"
			}
		}
		x.self = x.entityFor(m)
	}
}

func mergeProps(a, b map[string]any) map[string]any {
	if a == nil && b == nil {
		return nil
	}
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if _, ok := out[k]; !ok {
			out[k] = v
		}
	}
	return out
}

// ---------------------------------------------------------------- frameworks and quoted names

var frameworkRE = regexp.MustCompile(`“(\d+\s*\+\s*[\dA-Za-z]+(?:\s*\+\s*[\dA-Za-z]+)*)”((?:\p{Han}){0,8}?(?:政策体系|政策|体系|框架))?`)

// ruleFrameworks finds “3+3”-style policy frameworks: “N+M” followed by 政策/体系.
func (x *extractor) ruleFrameworks() {
	x.sentences(func(p *para, s span) {
		str := x.str(s.start, s.end)
		ro := &runeOffsets{s: str}
		for _, loc := range frameworkRE.FindAllStringSubmatchIndex(str, -1) {
			if loc[4] < 0 {
				continue
			}
			st := s.start + ro.at(loc[0])
			en := s.start + ro.at(loc[1])
			name := strings.ReplaceAll(str[loc[2]:loc[3]], " ", "")
			x.add(&mention{kind: model.KindPolicy, name: name, aliases: []string{str[loc[0]:loc[1]]}, start: st, end: en, rule: "framework", conf: confSuffix, props: map[string]any{"policyType": "framework"}})
			x.cover(st, en)
		}
	})
}

var (
	quotedStrategyRE   = regexp.MustCompile(`“([^“”]{2,12})”(战略|行动计划|行动)`)
	quotedInitiativeRE = regexp.MustCompile(`(?:推进|推动|加快|加强|深化|启动|开展)“([^“”]{2,12})”(?:建设|创建|打造)`)
	quotedServiceRE    = regexp.MustCompile(`(?:开通|上线|推出|启用)“([^“”]{2,16})”`)
)

// ruleQuoted finds quoted names typed by the word after them: “数字长宁”战略 (a policy).
// Quoted names followed by other type suffixes are found by ruleSuffixes.
func (x *extractor) ruleQuoted() {
	x.sentences(func(p *para, s span) {
		str := x.str(s.start, s.end)
		ro := &runeOffsets{s: str}
		for _, loc := range quotedStrategyRE.FindAllStringSubmatchIndex(str, -1) {
			st := s.start + ro.at(loc[0])
			en := s.start + ro.at(loc[1])
			name := str[loc[2]:loc[3]]
			x.add(&mention{kind: model.KindPolicy, name: name, aliases: []string{name + str[loc[4]:loc[5]]}, start: st, end: en, rule: "quoted", conf: confWeak, props: map[string]any{"policyType": "strategy"}})
		}
		for _, loc := range quotedInitiativeRE.FindAllStringSubmatchIndex(str, -1) {
			st := s.start + ro.at(loc[2]) - 1
			en := s.start + ro.at(loc[3]) + 1
			x.add(&mention{kind: model.KindProgram, name: str[loc[2]:loc[3]], start: st, end: en, rule: "quoted", conf: confWeak, props: programType("initiative")})
		}
		for _, loc := range quotedServiceRE.FindAllStringSubmatchIndex(str, -1) {
			st := s.start + ro.at(loc[2]) - 1
			en := s.start + ro.at(loc[3]) + 1
			x.add(&mention{kind: model.KindProgram, name: str[loc[2]:loc[3]], start: st, end: en, rule: "quoted", conf: confWeak, props: programType("service")})
		}
	})
}

// ---------------------------------------------------------------- type suffixes

// ruleSuffixes finds names by their type suffix (…有限公司, …联盟, …大赛, …补贴).
func (x *extractor) ruleSuffixes() {
	x.sentences(func(p *para, s span) {
		var sb *sentBounds
		for i := s.start; i < s.end; i++ {
			for _, c := range cuesByFirst[x.text[i]] {
				suf := c.runes
				end := i + len(suf)
				if end > s.end || !runesEqual(x.text[i:end], suf) {
					continue
				}
				if x.isCovered(i, end) {
					continue
				}
				if sb == nil {
					sb = x.bounds(s)
				}
				if m := x.suffixName(s, i, end, c, sb); m != nil {
					x.add(m)
					x.abbreviation(m, m.end, s.end)
				}
			}
		}
		x.shortFirms(s, sb)
		x.governmentShort(s)
		x.districtMentions(s)
	})
}

// districtMentions proposes the document's districts wherever they are named; where the
// name begins a longer name (长宁区科学技术委员会) the longer one wins.
func (x *extractor) districtMentions(s span) {
	str := x.str(s.start, s.end)
	ro := &runeOffsets{s: str}
	for _, d := range x.districts {
		off := 0
		for {
			i := strings.Index(str[off:], d)
			if i < 0 {
				break
			}
			st := s.start + ro.at(off+i)
			off += i + len(d)
			if x.isCovered(st, st+runeLen(d)) {
				continue
			}
			x.add(&mention{kind: model.KindPlace, name: d, start: st, end: st + runeLen(d), rule: "place", conf: confSuffix, props: placeType("district")})
		}
	}
}

// suffixName builds the mention of a name whose suffix c spans [i, end), or nil.
func (x *extractor) suffixName(s span, i, end int, c cue, sb *sentBounds) *mention {
	// a cue followed by a continuation is a modifier (补贴金额, 培训工作)
	if c.kind == model.KindTalentMeasure || c.weak {
		rest := x.str(end, min(end+4, s.end))
		if _, ok := hasPrefixAny(rest, continuations); ok {
			return nil
		}
	}
	if !x.cueEndsWord(c, end) {
		return nil
	}
	start := x.leftStart(s.start, i, c.kind, sb)
	start = x.trimName(start, end)
	if i-start < c.minStem {
		return nil
	}
	if x.isCovered(start, end) {
		return nil
	}
	name := x.str(start, end)
	stem := x.str(start, i)
	if allGeneric(strings.Trim(stem, "“”")) && !(c.kind == model.KindTalentMeasure && containsString(peopleWords, stem)) {
		return nil
	}
	if !validCue(name, c) {
		return nil
	}
	conf := confSuffix
	switch c.kind {
	case model.KindEnterprise:
		conf = confLegal
	case model.KindTalentMeasure:
		if c.suffix == "工作站" && !hasAny(stem, peopleWords) {
			c = cue{suffix: c.suffix, kind: model.KindProgram, weak: true, minStem: 2, props: programType("workstation")}
			break
		}
		if !hasAny(stem, peopleWords) {
			if c.suffix == "工程" || c.suffix == "服务" || c.suffix == "培训" && !hasAny(stem, measureStems) {
				return nil
			}
			if _, ok := hasSuffixAny(stem, measureStems); !ok {
				return nil
			}
		}
		if hasAny(stem, []string{"企业", "项目", "平台", "“", "”"}) {
			return nil
		}
		if c.suffix == "服务" && !serviceRE.MatchString(stem) {
			return nil
		}
	case model.KindOrganization:
		if c.suffix == "办公室" && !strings.HasPrefix(name, "区") && !x.distinctive(name) {
			return nil
		}
	}
	if c.weak {
		if !x.distinctive(name) && !x.governedBy(start, "举办") {
			return nil
		}
		conf = confWeak
	}
	return &mention{kind: c.kind, name: name, start: start, end: end, rule: "suffix", conf: conf, props: c.props}
}

// cueEndsWord reports whether a suffix ending at end ends the word: 局面, 大学生 and 学院派
// are not names.
func (x *extractor) cueEndsWord(c cue, end int) bool {
	if end >= len(x.text) {
		return true
	}
	switch c.suffix {
	case "局", "大学", "学院":
		return !strings.ContainsRune("面势限部长生派", x.text[end])
	}
	return true
}

// governedBy reports whether the verb v ends right before off.
func (x *extractor) governedBy(off int, v string) bool {
	n := runeLen(v)
	return off-n >= 0 && x.str(off-n, off) == v
}

// shortFirms finds short company names (矽睿科技, 擎宇机器人): a two-rune stem unknown to
// the segmenter's dictionary followed by a firm cue, standing after a clause boundary, a
// stop word or a generic head (龙头企业矽睿科技). Needs the segmenter.
func (x *extractor) shortFirms(s span, sb *sentBounds) {
	if x.seg == nil {
		return
	}
	for i := s.start + 2; i < s.end; i++ {
		for _, suf := range firmCueRunes[x.text[i]] {
			end := i + len(suf)
			if end > s.end || !runesEqual(x.text[i:end], suf) {
				continue
			}
			start := i - 2
			if !allHan(x.text[start:i]) || x.isCovered(start, end) {
				continue
			}
			if end < s.end && isHan(x.text[end]) && x.stopBefore(s.start, end+1, nil) == 0 && !x.nameEndsAt(end, s.end) {
				continue
			}
			if !x.firmStem(string(x.text[start:i]), start, s.start) {
				continue
			}
			if m := x.add(&mention{kind: model.KindEnterprise, name: x.str(start, end), start: start, end: end, rule: "short-name", conf: confShort}); m != nil {
				x.shortNames = append(x.shortNames, m) // in text order: sentences are visited in order
			}
		}
	}
}

// nameEndsAt reports whether a name may end at off: punctuation or a stop word follows.
func (x *extractor) nameEndsAt(off, limit int) bool {
	if off >= limit {
		return true
	}
	r := x.text[off]
	if !isHan(r) && !isLatin(r) {
		return true
	}
	for _, w := range stopWords {
		if w[0] != r {
			continue
		}
		if off+len(w) <= limit && runesEqual(x.text[off:off+len(w)], w) {
			if len(w) == 1 && off+2 <= limit && containsString(bigramsNotStops, string(x.text[off:off+2])) {
				continue
			}
			return true
		}
	}
	return false
}

// firmStem reports whether stem (two runes at off) can be the brand of a short firm name.
func (x *extractor) firmStem(stem string, off, lo int) bool {
	if x.seg == nil || x.seg.common(stem) {
		return false
	}
	for _, r := range stem {
		if x.seg.common(string(r)) && strings.ContainsRune("的和与及在对为是等了或", r) {
			return false
		}
	}
	if off == lo {
		return true
	}
	prev := x.text[off-1]
	if !isHan(prev) && !isLatin(prev) {
		return true
	}
	if x.stopBefore(lo, off, nil) > 0 {
		return true
	}
	// a generic head before the brand: 龙头企业矽睿科技, 创新企业黑湖科技
	return x.governedBy(off, "企业")
}

// serviceRE: a service measure names who it serves and how (高层次人才联系服务,
// 海外人才一站式服务), not just 人才服务.
var serviceRE = regexp.MustCompile(`(?:人才|专家|人员|留学生)\p{Han}{1,4}$`)

var govShortRE = regexp.MustCompile(`(?:^|[^\p{Han}]|是|由|与|和|及|会同|协调|关于|对)(区(?:委|政府|政协|人大|\p{Han}{1,4}(?:委|办|局)|\p{Han}{2,6}中心))`)

// governmentShort finds short names of district bodies (区委, 区政府, 区科委, 区人才办).
func (x *extractor) governmentShort(s span) {
	str := x.str(s.start, s.end)
	ro := &runeOffsets{s: str}
	for _, loc := range govShortRE.FindAllStringSubmatchIndex(str, -1) {
		st := s.start + ro.at(loc[2])
		en := s.start + ro.at(loc[3])
		if x.isCovered(st, en) {
			continue
		}
		name := str[loc[2]:loc[3]]
		// 区政府各委、办、局 lists kinds of bodies, not a body
		if strings.HasSuffix(name, "各委") || strings.Contains(name, "各") {
			continue
		}
		x.add(&mention{kind: model.KindOrganization, name: name, start: st, end: en, rule: "gov-short", conf: confSuffix, props: orgType("government")})
	}
}
