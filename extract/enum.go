package extract

import (
	"regexp"
	"sort"
	"strings"

	"github.com/policygraph/policygraph/model"
)

// Enumerations. "A、B和C等一批企业" names things of one type: the head noun after 等 (企业,
// 高校, 金融机构 …) types the items that carry no type suffix of their own, and items
// without a head take the kind their typed siblings share.

// markerRE matches a heading marker (二、) at the start of a clause.
var markerRE = regexp.MustCompile(`^\s*[一二三四五六七八九十]+、`)

// item is one member of an enumeration.
type item struct {
	start, end int
	kind       model.Kind
	conf       float64
	props      map[string]any
}

// clause is a run of a sentence between clause punctuation (，；：。) outside quotes.
func (x *extractor) clauses(s span) []span {
	var out []span
	start, depth := s.start, 0
	for i := s.start; i < s.end; i++ {
		switch x.text[i] {
		case '“':
			depth++
		case '”':
			if depth > 0 {
				depth--
			}
		case '，', '；', '：', '。', '！', '？', ',', ';', ':', '\n':
			if depth == 0 {
				if i > start {
					out = append(out, span{start, i})
				}
				start = i + 1
			}
		}
	}
	if s.end > start {
		out = append(out, span{start, s.end})
	}
	return out
}

// enumeration returns the items of the enumeration in clause c that ends before limit
// (an offset inside c: the position of 等 or of a cue verb), scanning items separated by
// 、 leftwards. The first item is cut at a stop word.
func (x *extractor) enumItems(c span, limit int, sb *sentBounds) []span {
	var items []span
	end := limit
	for end > c.start {
		// find the previous 、 (outside quotes)
		j := end - 1
		depth := 0
		for ; j >= c.start; j-- {
			r := x.text[j]
			if r == '”' {
				depth++
			} else if r == '“' {
				depth--
			} else if r == '、' || (r == '，' && depth > 0) {
				break
			}
		}
		if j < c.start {
			st := x.leftStart(c.start, end, "", sb)
			st = x.trimName(st, end)
			if st < end {
				items = append(items, span{st, end})
			}
			break
		}
		st, en := j+1, end
		for st < en && (x.text[st] == '“' || x.text[st] == '”') {
			st++
		}
		for en > st && (x.text[en-1] == '”' || x.text[en-1] == '“') {
			en--
		}
		if x.text[j] == '，' {
			st = x.leftStart(st, en, "", sb)
		}
		st = x.trimName(st, en)
		items = append(items, span{st, en})
		end = j
	}
	// reverse to text order
	for i, k := 0, len(items)-1; i < k; i, k = i+1, k-1 {
		items[i], items[k] = items[k], items[i]
	}
	var out []span
	for _, it := range items {
		out = append(out, x.splitItem(it)...)
	}
	return out
}

// splitItem trims the descriptor of an item (…领域的龙头企业矽睿科技 → 矽睿科技) and splits
// coordinated names (西井科技和嬴彻科技).
func (x *extractor) splitItem(it span) []span {
	s := x.str(it.start, it.end)
	if i := strings.LastIndex(s, "的"); i >= 0 && runeLen(s[i+len("的"):]) >= 2 {
		it.start += runeLen(s[:i]) + 1
		s = x.str(it.start, it.end)
	}
	for _, head := range []string{"企业", "机构"} {
		if i := strings.LastIndex(s, head); i >= 0 && runeLen(s[i+len(head):]) >= 2 {
			it.start += runeLen(s[:i+len(head)])
			s = x.str(it.start, it.end)
		}
	}
	it.start = x.trimName(it.start, it.end)
	s = x.str(it.start, it.end)
	for _, conj := range []string{"和", "与", "及"} {
		i := strings.Index(s, conj)
		if i <= 0 {
			continue
		}
		left := s[:i]
		if _, ok := cueOf(left); !ok {
			if _, ok := hasSuffixAny(left, firmCues); !ok {
				continue
			}
		}
		k := it.start + runeLen(left)
		return append([]span{{it.start, k}}, x.splitItem(span{k + 1, it.end})...)
	}
	return []span{it}
}

// enumHead returns the kind named by the head noun after 等 at off, whether a head was
// found, and "" with found=true for heads that are not entities (领域, 技术).
func (x *extractor) enumHead(off, limit int) (kind model.Kind, found bool) {
	window := x.str(off, min(limit, off+14))
	if i := strings.IndexAny(window, "，。；：、,;"); i >= 0 {
		window = window[:i]
	}
	bestAt, best := -1, headKinds[0]
	nonEntity := false
	for _, h := range headKinds {
		i := strings.Index(window, h.head)
		if i < 0 {
			continue
		}
		if h.kind == "" {
			nonEntity = true
			continue
		}
		if bestAt < 0 || i < bestAt || (i == bestAt && len(h.head) > len(best.head)) {
			bestAt, best = i, h
		}
	}
	if bestAt >= 0 {
		return best.kind, true
	}
	return "", nonEntity
}

// ruleEnumerations types the members of enumerations.
func (x *extractor) ruleEnumerations() {
	x.sentences(func(p *para, s span) {
		var sb *sentBounds
		for _, c := range x.clauses(s) {
			if loc := markerRE.FindStringIndex(x.str(c.start, c.end)); loc != nil {
				c.start += runeLen(x.str(c.start, c.end)[:loc[1]])
			}
			str := x.str(c.start, c.end)
			hasList := strings.Contains(str, "、")
			deng := strings.Index(str, "等")
			if !hasList && deng < 0 {
				continue
			}
			if sb == nil {
				sb = x.bounds(s)
			}
			var limit int
			var head model.Kind
			var headFound bool
			if deng >= 0 {
				limit = c.start + runeLen(str[:deng])
				head, headFound = x.enumHead(limit+1, c.end)
			} else {
				// no 等: the last item ends at its type suffix or at a stop word
				limit = x.lastItemEnd(c)
			}
			if headFound && head == "" {
				k := sort.Search(len(x.shortNames), func(i int) bool { return x.shortNames[i].start >= c.start })
				for ; k < len(x.shortNames) && x.shortNames[k].start < limit; k++ {
					if m := x.shortNames[k]; m.end <= limit {
						m.rule = "dropped"
					}
				}
				continue
			}
			spans := x.enumItems(c, limit, sb)
			if !hasList && len(spans) > 1 {
				spans = spans[len(spans)-1:]
			}
			if len(spans) == 0 || (!hasList && !headFound) {
				continue
			}
			x.typeItems(spans, head)
		}
	})
}

// lastItemEnd finds where the last item of a 、-list without 等 ends.
func (x *extractor) lastItemEnd(c span) int {
	str := x.str(c.start, c.end)
	i := strings.LastIndex(str, "、")
	if i < 0 {
		return c.end
	}
	from := c.start + runeLen(str[:i]) + 1
	best, stop := -1, -1
	for k := from + 2; k <= c.end && k-from <= maxNameRunes; k++ {
		if c, ok := cueOf(x.str(from, k)); ok && !c.weak && c.kind != model.KindTalentMeasure && x.cueEndsWord(c, k) {
			best = k
		}
		if stop < 0 && k < c.end && isHan(x.text[k]) && x.nameEndsAt(k, c.end) {
			stop = k
		}
	}
	switch {
	case best > 0:
		return best
	case stop > 0:
		return stop
	}
	return c.end
}

// typeItems decides the kind of each enumerated item and records mentions.
func (x *extractor) typeItems(spans []span, head model.Kind) {
	items := make([]item, len(spans))
	count := map[model.Kind]int{}
	for i, sp := range spans {
		it := item{start: sp.start, end: sp.end}
		name := x.str(sp.start, sp.end)
		if runeLen(name) < 2 || runeLen(name) > maxNameRunes || !plausibleName(name) {
			items[i] = it
			continue
		}
		if c, ok := cueOf(name); ok && !c.weak && c.kind != model.KindTalentMeasure {
			if runeLen(name)-runeLen(c.suffix) >= c.minStem && !allGeneric(strings.TrimSuffix(name, c.suffix)) && validCue(name, c) {
				it.kind, it.conf, it.props = c.kind, confSuffix, c.props
			}
		} else if strings.HasSuffix(name, "所") && runeLen(name) >= 3 && !hasAny(name, []string{"场所", "住所", "事务所"}) && !allGeneric(name) {
			it.kind, it.conf, it.props = model.KindOrganization, confEnum, orgType("institute")
		} else if fc, ok := hasSuffixAny(name, firmCues); ok && runeLen(name) > runeLen(fc) {
			stem := strings.TrimSuffix(name, fc)
			if head == model.KindEnterprise || (x.seg != nil && !x.seg.common(stem) && runeLen(stem) >= 2) {
				it.kind, it.conf = model.KindEnterprise, confEnum
			}
		}
		if it.kind == "" && head == model.KindTalentMeasure && hasAny(name, peopleWords) {
			it.kind, it.conf = model.KindTalentMeasure, confEnum
		}
		if it.kind != "" {
			count[it.kind]++
		}
		items[i] = it
	}
	// untyped items take the head's kind, or the kind their typed siblings share
	shared := model.Kind("")
	for k, n := range count {
		if n >= 2 && (shared == "" || n > count[shared]) {
			shared = k
		}
	}
	for i := range items {
		it := &items[i]
		if it.kind != "" || it.end <= it.start {
			continue
		}
		name := x.str(it.start, it.end)
		if !plausibleName(name) || !x.bareName(name) {
			continue
		}
		switch {
		case head == model.KindEnterprise || head == model.KindOrganization || head == model.KindPlace || head == model.KindAlliance:
			it.kind, it.conf = head, confEnum
		case head == "" && shared != "" && shared != model.KindTalentMeasure && len(items) >= 3:
			it.kind, it.conf = shared, confEnum-0.1
		}
	}
	for _, it := range items {
		if it.kind == "" {
			continue
		}
		x.add(&mention{kind: it.kind, name: x.str(it.start, it.end), start: it.start, end: it.end, rule: "enum", conf: it.conf, props: it.props})
	}
}

// plausibleName rejects items that are phrases rather than names.
func plausibleName(name string) bool {
	for _, r := range name {
		if !isNameRune(r) && !strings.ContainsRune("“”（）()+", r) {
			return false
		}
	}
	return !hasAny(name, []string{"企业", "领域", "行业", "产业链", "等", "的"})
}

// bareName reports whether an untyped item looks like a proper name: short, not made of
// generic words, not a common dictionary word.
func (x *extractor) bareName(name string) bool {
	n := runeLen(name)
	if n < 2 || n > 8 || allGeneric(name) {
		return false
	}
	if hasAny(name, []string{"人才", "服务", "技术", "创新", "发展", "建设", "政策", "资金", "平台", "工作", "智慧", "数字", "经济", "金融服务", "健康", "教育", "医疗", "养老", "文化"}) {
		return false
	}
	if x.seg != nil && x.seg.common(name) {
		return false
	}
	return true
}

// participantName is bareName without the dictionary test: well-known firms (携程) are
// dictionary words.
func (x *extractor) participantName(name string) bool {
	seg := x.seg
	x.seg = nil
	ok := x.bareName(name)
	x.seg = seg
	return ok
}

// ruleRelationEntities types the subjects of participation cues: "A、B参与…建设" names
// participants (enterprises unless their suffix says otherwise) and the program they
// take part in (a quoted name between 参与 and 建设).
func (x *extractor) ruleRelationEntities() {
	x.sentences(func(p *para, s span) {
		var sb *sentBounds
		for _, c := range x.clauses(s) {
			str := x.str(c.start, c.end)
			i := strings.Index(str, "参与")
			if i <= 0 || !strings.Contains(str[i:], "建设") {
				continue
			}
			q1 := strings.Index(str[i:], "“")
			if q1 < 0 {
				continue
			}
			if sb == nil {
				sb = x.bounds(s)
			}
			verb := c.start + runeLen(str[:i])
			spans := x.enumItems(c, verb, sb)
			for _, sp := range spans {
				name := x.str(sp.start, sp.end)
				if !plausibleName(name) || runeLen(name) > 12 || hasAny(name, []string{"支持", "鼓励"}) {
					continue
				}
				kind, props := model.KindEnterprise, map[string]any(nil)
				if c, ok := cueOf(name); ok && !c.weak {
					kind, props = c.kind, c.props
				} else if !x.participantName(name) && x.lookupName(name) == nil {
					continue
				}
				x.add(&mention{kind: kind, name: name, start: sp.start, end: sp.end, rule: "participant", conf: confRelation, props: props})
			}
			// the program: “X” plus an optional type word, before 建设
			qs := verb + runeLen(str[i:i+q1])
			qe := x.matchRight(qs, c.end, 16)
			if qe < 0 {
				continue
			}
			end := qe + 1
			build := strings.Index(x.str(end, c.end), "建设")
			if build >= 0 && build <= 8*3 {
				tail := x.str(end, end+runeLen(x.str(end, c.end)[:build]))
				if runeLen(tail) <= 6 && plausibleName(tail) {
					end += runeLen(tail)
				}
			}
			name := x.str(qs, end)
			x.add(&mention{kind: model.KindProgram, name: name, aliases: []string{x.str(qs+1, qe)}, start: qs, end: end, rule: "participant", conf: confRelation, props: programType("project")})
		}
	})
}

// matchRight returns the offset of the ” closing the “ at open, within limit runes.
func (x *extractor) matchRight(open, end, limit int) int {
	for j := open + 1; j < end && j-open <= limit; j++ {
		if x.text[j] == '”' {
			return j
		}
	}
	return -1
}

// lookupName returns an already proposed mention with this name, if any.
func (x *extractor) lookupName(name string) *mention {
	return x.names[fold(name)]
}
