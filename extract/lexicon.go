package extract

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policygraph/policygraph/model"
)

// This file holds the closed vocabularies the rules are written in: type suffixes, cue
// verbs, function words and generic modifiers. None of them names a particular entity.

// cue is a type suffix: a name ending in suffix is of kind.
type cue struct {
	suffix string
	kind   model.Kind
	// weak cues (平台, 中心 …) also end generic phrases; a name found by one needs a
	// distinctive element (a quoted term, Latin letters, a place name).
	weak bool
	// minStem is the least number of runes before the suffix.
	minStem int
	props   map[string]any
	runes   []rune // suffix as runes, set by sortCues
}

var cues = sortCues([]cue{
	// enterprises
	{suffix: "股份有限公司", kind: model.KindEnterprise, minStem: 2},
	{suffix: "有限责任公司", kind: model.KindEnterprise, minStem: 2},
	{suffix: "有限公司", kind: model.KindEnterprise, minStem: 2},
	{suffix: "集团", kind: model.KindEnterprise, minStem: 2},
	// government bodies, institutes, universities
	{suffix: "人民政府", kind: model.KindOrganization, minStem: 2, props: orgType("government")},
	{suffix: "委员会", kind: model.KindOrganization, minStem: 2, props: orgType("government")},
	{suffix: "管委会", kind: model.KindOrganization, minStem: 2, props: orgType("government")},
	{suffix: "办公室", kind: model.KindOrganization, minStem: 3, props: orgType("government")},
	{suffix: "局", kind: model.KindOrganization, minStem: 2, props: orgType("government")},
	{suffix: "政协", kind: model.KindOrganization, minStem: 2, props: orgType("government")},
	{suffix: "研究院", kind: model.KindOrganization, minStem: 2, props: orgType("institute")},
	{suffix: "研究所", kind: model.KindOrganization, minStem: 2, props: orgType("institute")},
	{suffix: "大学", kind: model.KindOrganization, minStem: 2, props: orgType("university")},
	{suffix: "学院", kind: model.KindOrganization, minStem: 2, props: orgType("university")},
	{suffix: "交易中心", kind: model.KindOrganization, minStem: 2, weak: true, props: orgType("exchange")},
	{suffix: "服务中心", kind: model.KindOrganization, minStem: 2, weak: true, props: orgType("service-center")},
	{suffix: "创新中心", kind: model.KindOrganization, minStem: 2, weak: true, props: orgType("innovation-center")},
	{suffix: "促进中心", kind: model.KindOrganization, minStem: 2, weak: true, props: orgType("service-center")},
	{suffix: "研究中心", kind: model.KindOrganization, minStem: 2, weak: true, props: orgType("institute")},
	// alliances
	{suffix: "联盟", kind: model.KindAlliance, minStem: 2},
	{suffix: "联合会", kind: model.KindAlliance, minStem: 2},
	{suffix: "协会", kind: model.KindAlliance, minStem: 2},
	{suffix: "商会", kind: model.KindAlliance, minStem: 2},
	{suffix: "促进会", kind: model.KindAlliance, minStem: 2},
	{suffix: "联会", kind: model.KindAlliance, minStem: 2},
	// programs
	{suffix: "大赛", kind: model.KindProgram, minStem: 2, props: programType("contest")},
	{suffix: "小程序", kind: model.KindProgram, minStem: 2, props: programType("app")},
	{suffix: "试点", kind: model.KindProgram, minStem: 3, props: programType("pilot")},
	{suffix: "专窗", kind: model.KindProgram, minStem: 2, props: programType("window")},
	{suffix: "窗口", kind: model.KindProgram, minStem: 2, weak: true, props: programType("window")},
	{suffix: "平台", kind: model.KindProgram, minStem: 2, weak: true, props: programType("platform")},
	{suffix: "超市", kind: model.KindProgram, minStem: 2, weak: true, props: programType("platform")},
	{suffix: "站点", kind: model.KindProgram, minStem: 2, weak: true, props: programType("service")},
	{suffix: "社区", kind: model.KindProgram, minStem: 2, weak: true, props: programType("initiative")},
	{suffix: "街区", kind: model.KindProgram, minStem: 2, weak: true, props: programType("initiative")},
	{suffix: "计划", kind: model.KindProgram, minStem: 2, weak: true, props: programType("initiative")},
	{suffix: "服务体系", kind: model.KindProgram, minStem: 2, weak: true, props: programType("system")},
	{suffix: "系列活动", kind: model.KindProgram, minStem: 2, weak: true, props: programType("event")},
	{suffix: "活动", kind: model.KindProgram, minStem: 2, weak: true, props: programType("event")},
	{suffix: "场景", kind: model.KindProgram, minStem: 2, weak: true, props: programType("project")},
	// places
	{suffix: "园区", kind: model.KindPlace, minStem: 2, props: placeType("park")},
	{suffix: "科技园", kind: model.KindPlace, minStem: 2, props: placeType("park")},
	{suffix: "创新园", kind: model.KindPlace, minStem: 2, props: placeType("park")},
	{suffix: "副中心", kind: model.KindPlace, minStem: 2, props: placeType("zone")},
	{suffix: "产业园", kind: model.KindPlace, minStem: 2, props: placeType("park")},
	{suffix: "金融园", kind: model.KindPlace, minStem: 2, props: placeType("park")},
	{suffix: "创业园", kind: model.KindPlace, minStem: 2, props: placeType("park")},
	{suffix: "软件园", kind: model.KindPlace, minStem: 2, props: placeType("park")},
	{suffix: "开发区", kind: model.KindPlace, minStem: 2, props: placeType("zone")},
	{suffix: "工业区", kind: model.KindPlace, minStem: 2, props: placeType("zone")},
	{suffix: "集聚区", kind: model.KindPlace, minStem: 2, weak: true, props: placeType("zone")},
	{suffix: "示范区", kind: model.KindPlace, minStem: 2, weak: true, props: placeType("zone")},
	{suffix: "商务区", kind: model.KindPlace, minStem: 2, props: placeType("zone")},
	{suffix: "镇", kind: model.KindPlace, minStem: 2, props: placeType("town")},
	{suffix: "街道", kind: model.KindPlace, minStem: 2, props: placeType("subdistrict")},
	// talent measures
	{suffix: "补贴", kind: model.KindTalentMeasure, minStem: 2, props: category("subsidy")},
	{suffix: "资助", kind: model.KindTalentMeasure, minStem: 2, props: category("funding")},
	{suffix: "落户", kind: model.KindTalentMeasure, minStem: 2, props: category("hukou")},
	{suffix: "公寓", kind: model.KindTalentMeasure, minStem: 2, props: category("housing")},
	{suffix: "培训", kind: model.KindTalentMeasure, minStem: 2, props: category("training")},
	{suffix: "工作站", kind: model.KindTalentMeasure, minStem: 2, props: category("workstation")},
	{suffix: "工程", kind: model.KindTalentMeasure, minStem: 2, props: category("service")},
	{suffix: "服务", kind: model.KindTalentMeasure, minStem: 2, props: category("service")},
})

// validCue applies the checks a suffix needs beyond its stem length: 局 ends bureaus, not
// 布局 or 格局; 政协 follows an administrative area.
func validCue(name string, c cue) bool {
	stem := strings.TrimSuffix(name, c.suffix)
	rs := []rune(stem)
	if len(rs) == 0 {
		return false
	}
	switch c.suffix {
	case "镇":
		// 重镇, 城镇, 乡镇 are not town names
		return !strings.ContainsRune("重城乡集市村", rs[len(rs)-1])
	case "街道":
		return !strings.HasSuffix(stem, "各") && !strings.HasSuffix(stem, "相关")
	case "局":
		return !strings.ContainsRune("布格大结全当开僵骗时变饭赌", rs[len(rs)-1])
	case "政协":
		for _, a := range []string{"区", "市", "省", "县", "全国"} {
			if strings.HasSuffix(stem, a) {
				return true
			}
		}
		return false
	}
	return true
}

func sortCues(cs []cue) []cue {
	sort.SliceStable(cs, func(i, j int) bool { return len([]rune(cs[i].suffix)) > len([]rune(cs[j].suffix)) })
	for i := range cs {
		cs[i].runes = []rune(cs[i].suffix)
	}
	return cs
}

// cuesByFirst indexes cues by the first rune of their suffix.
var cuesByFirst = func() map[rune][]cue {
	m := map[rune][]cue{}
	for _, c := range cues {
		m[c.runes[0]] = append(m[c.runes[0]], c)
	}
	return m
}()

// firmCueRunes are firmCues as runes, indexed by first rune.
var firmCueRunes = func() map[rune][][]rune {
	m := map[rune][][]rune{}
	for _, f := range firmCues {
		rs := []rune(f)
		m[rs[0]] = append(m[rs[0]], rs)
	}
	return m
}()

// stopsByLast indexes stopWords by their last rune.
var stopsByLast = func() map[rune][][]rune {
	m := map[rune][][]rune{}
	for _, w := range stopWords {
		m[w[len(w)-1]] = append(m[w[len(w)-1]], w)
	}
	return m
}()

func orgType(t string) map[string]any     { return map[string]any{"orgType": t} }
func programType(t string) map[string]any { return map[string]any{"programType": t} }
func placeType(t string) map[string]any   { return map[string]any{"placeType": t} }
func category(t string) map[string]any    { return map[string]any{"category": t} }

// cueOf returns the longest cue that name ends with.
func cueOf(name string) (cue, bool) {
	for _, c := range cues {
		if strings.HasSuffix(name, c.suffix) && len([]rune(name)) > len([]rune(c.suffix)) {
			return c, true
		}
	}
	return cue{}, false
}

// firmCues end the short names companies go by (矽睿科技, 扩博智能); such a name is an
// enterprise only with more evidence (an enumeration of firms, an unknown stem).
var firmCues = []string{"科技", "智能", "数据", "信息", "网络", "医疗", "医药", "生物", "机器人", "半导体", "微电子", "电子", "软件", "时代", "控股", "资本", "集团", "股份", "汽车", "能源", "新能源", "传媒", "物流", "健康", "融资租赁"}

// peopleWords mark a measure aimed at people.
var peopleWords = []string{"人才", "人员", "工程师", "博士", "硕士", "学生", "留学", "专家", "青年", "职工", "员工", "工作者", "团队", "海归", "毕业生"}

// measureStems are what a talent measure pays for or provides (安家补贴, 租房补贴 …).
var measureStems = []string{"安家", "租房", "租金", "房租", "安居", "住房", "生活", "创业", "培训", "运营", "建站", "运行", "落户", "交通", "子女", "就学", "医疗保障"}

// continuations follow a cue word used as a modifier, not as the head of a name
// (补贴金额, 培训工作, 落户政策).
var continuations = []string{"金额", "资金", "标准", "期限", "政策", "工作", "活动", "人员", "对象", "面积", "费用", "条件", "方式", "比例", "上限", "额度", "分享会", "服务", "机构", "项目", "企业", "单位", "管理", "申报", "经费", "办法", "措施", "制度", "领域", "规模", "资质", "需求", "效能", "体系", "中心", "站点", "专窗", "窗口", "平台", "保障", "事项", "能力", "水平", "模式", "机制", "生态", "配套"}

// stopWords end a name on its left: verbs that govern a name and function words.
// Two-rune words are tried before one-rune words.
var stopWords = buildStops([]string{
	"成立", "设立", "建设", "建成", "建立", "打造", "举办", "依托", "推进", "推动", "支持", "引进", "引入",
	"组建", "发挥", "利用", "开展", "实施", "出台", "发布", "制定", "制订", "落实", "鼓励", "面向", "围绕",
	"通过", "上线", "入驻", "参与", "参加", "开通", "聚焦", "提供", "给予", "包括", "携手", "联合", "会同",
	"牵头", "指导", "负责", "申请", "办理", "享受", "获得", "授予", "认定", "组织", "搭建", "构建", "培育",
	"吸引", "帮助", "助推", "拓展", "完善", "深化", "优化", "加快", "加强", "强化", "持续", "积极", "全面",
	"大力", "充分", "优先", "推荐", "共建", "共同", "扩大", "筹集", "统筹", "按照", "根据", "依照", "依据",
	"结合", "对于", "关于", "其中", "以及", "同时", "入选", "新增", "包含", "成为", "主投", "来自", "印发",
	"贯彻", "立足", "探索", "筹措", "入住", "租住", "创办", "评审", "设置", "运营", "开设", "发放", "申报",
	"协调", "已有", "聚集", "举行", "欢迎", "感谢", "一次性", "开放", "提升", "推广", "拥有", "属于", "位于", "联系", "配套", "坚持", "形成",
	"服务于", "作为", "以下简称", "简称", "经过", "目前", "近年来", "此外", "另外", "还有", "并且", "而且",
	"如", "和", "与", "及", "或", "对", "在", "以", "由", "向", "为", "从", "于", "将", "把", "经", "按",
	"是", "了", "的", "等", "并", "其", "已", "可", "还", "也", "均", "都", "被", "让", "使", "至", "到",
	"各", "该", "本", "我", "即", "又", "再", "给", "请", "凡", "共", "达", "有", "含", "用", "着", "过",
})

func buildStops(ws []string) [][]rune {
	out := make([][]rune, 0, len(ws))
	for _, w := range ws {
		out = append(out, []rune(w))
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// bigramsNotStops are words whose first rune is a one-rune stop word but which are not
// stops themselves (对接, 以上 …); used when no segmenter is loaded.
var bigramsNotStops = []string{"对接", "对外", "以上", "和谐", "在线", "由此", "为民", "经济", "经营", "按需", "是否", "共享", "共性", "有限", "有色", "用户", "给予", "至上", "到位", "各级", "该项", "本地", "我国", "及时", "过程", "着力", "均衡", "其他", "与会", "使用", "可信", "再生", "达标"}

// leadingGeneric are modifiers stripped from the front of a name (区内人工智能企业 …).
var leadingGeneric = []string{"区内", "区外", "全区", "全市", "本区", "本市", "我区", "我市", "各类", "一大批", "一批", "相关", "知名", "优质", "重点", "首批", "新型", "其中", "同时", "市级", "区级", "各", "如", "以", "在", "对", "由", "与", "和", "及", "向", "为", "将", "经", "已", "其", "可"}

// genericStems make a cue name generic when they are all there is before the cue.
var genericStems = []string{"各类", "相关", "公共", "资金", "专项", "市级", "区级", "国家级", "省级", "重点", "示范", "一站式", "综合", "专业", "行业", "交流", "对接", "功能", "线上", "线下", "服务", "创新", "应用", "数字", "产业", "企业", "科创企业", "人才", "优秀人才", "首轮", "一次性", "有关", "上述", "原有", "这些", "该", "本", "其", "各", "新", "这", "两大", "三方", "供需双方", "定期", "工作", "实操", "宣传", "法律", "政策", "质押", "知识产权", "知识产权人才", "创新创业", "双创", "高校", "管理", "开放", "城市", "智慧", "科研院所", "高校院所", "院所", "科研", "试点", "载体", "机构"}

// generalPlaces are place names that qualify a name as specific (上海市…, 国家…). District
// names found in the document are added per document.
var generalPlaces = []string{"上海", "北京", "天津", "重庆", "广东", "江苏", "浙江", "深圳", "杭州", "南京", "苏州", "长三角", "粤港澳", "国家", "全国", "中国", "中科院", "全球", "国际", "海外"}

// headKinds map the head noun after 等 in an enumeration (A、B等一批企业) to the kind the
// items share; kind "" means the items are not entities (领域, 技术 …).
var headKinds = []struct {
	head string
	kind model.Kind
}{
	{"金融机构", model.KindEnterprise}, {"研发机构", model.KindOrganization}, {"科研院所", model.KindOrganization},
	{"高校", model.KindOrganization}, {"院所", model.KindOrganization}, {"企业", model.KindEnterprise},
	{"公司", model.KindEnterprise}, {"园区", model.KindPlace}, {"联盟", model.KindAlliance},
	{"平台", model.KindProgram}, {"大赛", model.KindProgram}, {"竞赛", model.KindProgram},
	{"领域", ""}, {"行业", ""}, {"产业", ""}, {"技术", ""}, {"方面", ""}, {"形式", ""}, {"功能", ""},
	{"内容", ""}, {"环节", ""}, {"要素", ""}, {"场景", ""}, {"业态", ""}, {"模式", ""},
	{"政策", model.KindTalentMeasure}, {"措施", model.KindTalentMeasure},
	{"单位", "*"}, {"载体", "*"}, {"机构", "*"}, {"主体", "*"},
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

func isLatin(r rune) bool {
	return r < 0x80 && (unicode.IsLetter(r)) || (r >= 'Ａ' && r <= 'ｚ')
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// isNameRune reports whether r may appear inside a name outside quotes and brackets.
func isNameRune(r rune) bool {
	return isHan(r) || isLatin(r) || r == '·' || r == '-' || r == '—'
}

func hasAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func hasPrefixAny(s string, words []string) (string, bool) {
	for _, w := range words {
		if strings.HasPrefix(s, w) {
			return w, true
		}
	}
	return "", false
}

func hasSuffixAny(s string, words []string) (string, bool) {
	best := ""
	for _, w := range words {
		if strings.HasSuffix(s, w) && len(w) > len(best) {
			best = w
		}
	}
	return best, best != ""
}

func runeLen(s string) int { return len([]rune(s)) }

// runeOffsets converts increasing byte offsets of s to rune offsets in time linear in s
// over all calls (offsets may also go back, at a cost).
type runeOffsets struct {
	s    string
	b, r int
}

func (o *runeOffsets) at(byteOff int) int {
	if byteOff < o.b {
		o.b, o.r = 0, 0
	}
	o.r += utf8.RuneCountInString(o.s[o.b:byteOff])
	o.b = byteOff
	return o.r
}
