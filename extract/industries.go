package extract

import (
	"strings"
	"unicode"

	"github.com/policygraph/policygraph/model"
)

// Industries. Sectors are named in a few frames: a cue verb, an enumeration and a sector
// head (我区重点发展人工智能、集成电路和生物医药产业; 从事金融科技、数字货币领域的企业;
// 主要集中在集成电路、物联网领域). The items of the enumeration are Industry entities; the
// document (or the policy it is) TARGETS them.

// industryCues govern an enumeration of sectors; the last one before the head wins.
var industryCues = []string{"重点发展", "重点支持", "重点培育", "重点布局", "聚焦", "从事", "集中在",
	"围绕", "布局", "深耕", "发展", "推动", "促进", "支持", "培育", "瞄准", "主攻", "涉及", "涵盖", "属于", "壮大"}

// industryHeads end the enumeration: the sector head nouns.
var industryHeads = []string{"产业", "领域", "行业", "赛道"}

// genericSectors are descriptors, not sectors (战略性新兴产业, 特色产业, 相关产业).
var genericSectors = []string{"新兴", "战略性新兴", "特色", "优势", "主导", "相关", "重点", "支柱",
	"未来", "先导", "高新技术", "现代服务", "传统", "上下游", "各类", "其他", "新", "该", "本", "上述", "这些",
	"前沿", "高端", "核心", "细分", "新兴产业", "全", "多个", "等"}

// industryMention is an industry found with the offset of its frame, for TARGETS.
type industryMention struct {
	m    *mention
	sent span
}

// ruleIndustries proposes Industry entities from sector enumerations.
func (x *extractor) ruleIndustries() {
	x.sentences(func(p *para, s span) {
		for _, c := range x.clauses(s) {
			str := x.str(c.start, c.end)
			for _, head := range industryHeads {
				off := 0
				for {
					i := strings.Index(str[off:], head)
					if i < 0 {
						break
					}
					hb := off + i
					off = hb + len(head)
					hr := c.start + runeLen(str[:hb])
					if x.isCovered(hr, hr+runeLen(head)) {
						continue
					}
					x.industryFrame(c, s, str[:hb], hr)
				}
			}
		}
	})
}

// industryFrame reads the enumeration before a sector head at hr (rune offset; before is
// the clause text up to it).
func (x *extractor) industryFrame(c, s span, before string, hr int) {
	cueEnd := -1
	for _, cue := range industryCues {
		if i := strings.LastIndex(before, cue); i >= 0 && i+len(cue) > cueEnd {
			cueEnd = i + len(cue)
		}
	}
	if cueEnd < 0 {
		return
	}
	enum := before[cueEnd:]
	enumStart := c.start + runeLen(before[:cueEnd])
	enum = strings.TrimSuffix(enum, "等")
	if enum == "" {
		return
	}
	// split on enumeration marks, keeping rune offsets
	var items []span
	st := enumStart
	pos := enumStart
	for _, r := range enum {
		if r == '、' || r == '和' || r == '及' || r == '与' || r == '，' || r == '或' {
			items = append(items, span{st, pos})
			st = pos + 1
		}
		pos++
	}
	items = append(items, span{st, pos})
	var ok []span
	for _, it := range items {
		name := strings.TrimPrefix(x.str(it.start, it.end), "以")
		if !sectorName(name) {
			return // one item that is not a sector spoils the frame (发展壮大企业集群)
		}
		ok = append(ok, span{it.end - runeLen(name), it.end})
	}
	for _, it := range ok {
		if x.isCovered(it.start, it.end) {
			continue
		}
		m := x.add(&mention{kind: model.KindIndustry, name: x.str(it.start, it.end), start: it.start, end: it.end, rule: "industry", conf: confEnum})
		if m != nil {
			x.industries = append(x.industries, industryMention{m: m, sent: s})
		}
	}
}

// sectorName reports whether s can name a sector: 2–8 Han runes, no function word, not a
// generic descriptor, not a place or body.
func sectorName(s string) bool {
	n := runeLen(s)
	if n < 2 || n > 8 {
		return false
	}
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	for _, g := range genericSectors {
		if s == g {
			return false
		}
	}
	for _, w := range []string{"的", "企业", "区", "镇", "市", "省", "我", "本", "其", "各", "等", "在", "为", "是", "了", "一批", "园", "中心", "政策", "项目", "发展", "建设"} {
		if strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// relIndustries links the industries of sector frames: the policy the document is, or a
// document that is not a reply, TARGETS them.
func (x *extractor) relIndustries() {
	for _, im := range x.industries {
		e := im.m.ent
		if e == nil || e.kind != model.KindIndustry {
			continue
		}
		src := source{im.m.start, im.m.end, "industry-frame", confContext}
		switch {
		case x.self != nil:
			x.relate(model.RelTargets, x.self, e, src)
		case x.proposal == nil:
			x.relate(model.RelTargets, nil, e, src)
		}
	}
}
