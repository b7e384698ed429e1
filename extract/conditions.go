package extract

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/textnorm"
)

// Condition is an eligibility condition found in the text: a typed criterion (model.Condition;
// Of is the id of the policy, program or measure that requires it, "" when the text names none)
// with the passage that states it.
type Condition struct {
	model.Condition
	Sources []model.Provenance `json:"sources"`
}

// condHit is one condition found by ScanConditions, in rune offsets of the document text.
type condHit struct {
	attribute, operator string
	values              []string
	start, end          int
	rule                string
}

// Condition contexts. A sentence is read for conditions when it sits under a heading or
// lead-in that announces them (申报条件, 支持对象, 下列条件 …), or when it is itself shaped like
// one: 对…的…给予, …的，可申请, 适用于, 须, 应当, 符合 ….
var (
	reCondHeading  = regexp.MustCompile(`(申报|申请|资助|支持|适用|服务|奖励|补贴)?(条件|对象|范围)`)
	reHeading      = regexp.MustCompile(`^\s*([一二三四五六七八九十]+[、．.]|第[一二三四五六七八九十百]+条)`)
	reListItem     = regexp.MustCompile(`^\s*(（[一二三四五六七八九十]+）|\([一二三四五六七八九十\d]+\)|\d+[、．.]|[一二三四五六七八九十]+是)`)
	reLeadIn       = regexp.MustCompile(`(下列|以下|如下)(条件|情形|要求)`)
	reCondSentence = regexp.MustCompile(`对.+的|凡.+的|的，|适用于|条件|对象|须|应当|可申请|申报|申请`)
)

// Attribute rules: each finds one attribute's criterion inside a condition sentence.
const cnNum = `\d+(?:\.\d+)?|[一二两三四五六七八九十百]+`

var (
	reDistrict   = regexp.MustCompile(`(?:注册(?:在|于)|(?:^|[^本我全该])(?:在|于))([^\P{Han}在于本我全该]\p{Han}{0,3}?(?:新区|区))(?:内)?(?:依法)?(?:注册|登记|缴纳|设立|成立)?`)
	reDegreeMin  = regexp.MustCompile(`(博士|硕士|本科|大专)(?:研究生)?(?:学历|学位)?(?:及|或)?以上`)
	reDegree     = regexp.MustCompile(`(博士|硕士|本科|大专)(?:研究生)?(?:学历|学位)|(?:的|具有|取得)(博士|硕士)`)
	reYears      = regexp.MustCompile(`工作(?:满|经验)?(` + cnNum + `)(年|个月)(?:以上|及以上)?`)
	reAge        = regexp.MustCompile(`(?:年龄)?(不超过|未满|不满|年满|在)?(` + cnNum + `)周岁(以下|以内|以上|及以下|及以上)?`)
	reEmployees  = regexp.MustCompile(`(?:职工|员工|从业人员|参保人数|职工总数|员工人数)[^，；。、]{0,4}?(不超过|不少于|不低于|达到|超过|少于|在)?(\d+)人(以上|以下|及以上|及以下|以内)?`)
	reRevenue    = regexp.MustCompile(`(?:营业收入|销售收入|营收|主营业务收入)[^，；。、%]{0,4}?(不超过|不低于|不少于|超过|突破|达到|低于|少于|在)?(\d+(?:\.\d+)?)(万元|亿元|元)(以上|以下|及以上|及以下|以内)?`)
	reRevRange   = regexp.MustCompile(`(?:营业收入|销售收入|营收)[^，；。、%]{0,4}?(\d+(?:\.\d+)?)(万元|亿元)?(?:至|到|-|—|~)(\d+(?:\.\d+)?)(万元|亿元)`)
	reRDShare    = regexp.MustCompile(`研发(?:费用|经费|投入)(?:支出)?(?:总额)?(?:占[^，；。%]{0,12}?)?(?:比例|比重|占比)?(不低于|不少于|达到|超过|在)?(\d+(?:\.\d+)?)%(以上)?`)
	reFounded    = regexp.MustCompile(`(?:成立|注册)(?:时间|日期)?(?:在|于)?(\d{4})年(\d{1,2})月(\d{1,2})日(以后|之后|后|以前|之前|前)`)
	reReturned   = regexp.MustCompile(`留学回国|留学归国|归国留学|海外留学|留学人员`)
	reIndustry   = regexp.MustCompile(`(?:从事|在|属于)((?:[^\P{Han}在从事区]{2,8}[、，或和及与]?){1,4}?)(?:领域|产业|行业)`)
	reOwnership  = regexp.MustCompile(`(?:的|为|属于)(民营|国有|外资)企业`)
	reQualNeg    = regexp.MustCompile(`(尚未|未|不属于|非)[^，；。]{0,6}$`)
	qualNames    = []string{"高新技术企业", "专精特新", "科技型中小企业"}
	notDistricts = map[string]bool{"本区": true, "我区": true, "全区": true, "该区": true, "园区": true, "城区": true, "辖区": true, "市区": true}
)

// ScanConditions finds the eligibility conditions doc states, in text order.
func ScanConditions(doc *textnorm.Document) []condHit {
	text := []rune(doc.Text)
	var out []condHit
	// section: 0 none, 1 under a heading that announces conditions (一、申报条件), 2 in the
	// list a lead-in announces (应当同时符合下列条件：).
	section := 0
	for i, p := range doc.Paragraphs {
		line := strings.TrimSpace(string(text[p.Start:p.End]))
		if i == 0 && !strings.ContainsAny(line, "。；：，") {
			continue // the title
		}
		paraCtx := false
		switch {
		case reListItem.MatchString(line):
			paraCtx = section > 0
		case reHeading.MatchString(line) && !strings.HasPrefix(line, "第"):
			section = 0
			if utf8.RuneCountInString(line) <= 16 && reCondHeading.MatchString(line) {
				section = 1
			}
			paraCtx = section > 0
		case strings.HasPrefix(line, "第"):
			section = 0
		default:
			paraCtx = section == 1
			if section == 2 {
				section = 0
			}
		}
		if reLeadIn.MatchString(line) && strings.HasSuffix(line, "：") {
			section = 2
		}
		for _, s := range splitClauses(text, p.Start, p.End, "。；;\n") {
			sent := string(text[s.start:s.end])
			if !paraCtx && !reCondSentence.MatchString(sent) {
				continue
			}
			out = append(out, scanSentence(text, s.start, s.end)...)
		}
	}
	return out
}

// splitClauses splits [start, end) at any of seps (kept in the preceding clause).
func splitClauses(text []rune, start, end int, seps string) []span {
	var out []span
	from := start
	for i := start; i < end; i++ {
		if strings.ContainsRune(seps, text[i]) {
			if i+1 > from {
				out = append(out, span{from, i + 1})
			}
			from = i + 1
		}
	}
	if end > from {
		out = append(out, span{from, end})
	}
	return out
}

// scanSentence applies the attribute rules to one condition sentence.
func scanSentence(text []rune, start, end int) []condHit {
	sent := string(text[start:end])
	var out []condHit
	seen := map[string]bool{}
	add := func(attr, op string, vals []string, byteStart, byteEnd int, rule string) {
		key := attr + "|" + op + "|" + strings.Join(vals, ",")
		if seen[key] {
			return
		}
		seen[key] = true
		s := start + utf8.RuneCountInString(sent[:byteStart])
		e := start + utf8.RuneCountInString(sent[:byteEnd])
		out = append(out, condHit{attribute: attr, operator: op, values: vals, start: s, end: e, rule: "condition." + rule})
	}
	for _, m := range reDistrict.FindAllStringSubmatchIndex(sent, -1) {
		name := sent[m[2]:m[3]]
		if !notDistricts[name] && !strings.HasSuffix(name, "园区") {
			add("district", "in", []string{name}, m[2], m[1], "district")
		}
	}
	// Qualifications: the names of one clause are alternatives (A或B); a negation before a
	// name (尚未获得高新技术企业认定) makes it a "not" condition.
	for _, c := range splitClauses([]rune(sent), 0, utf8.RuneCountInString(sent), "，,") {
		clause := string([]rune(sent)[c.start:c.end])
		off := len(string([]rune(sent)[:c.start]))
		var in, not []string
		first, last := -1, -1
		for _, q := range qualNames {
			i := strings.Index(clause, q)
			if i < 0 {
				continue
			}
			if reQualNeg.MatchString(clause[:i]) {
				not = append(not, q)
			} else {
				in = append(in, q)
			}
			if first < 0 || i < first {
				first = i
			}
			last = max(last, i+len(q))
		}
		if len(in) > 0 {
			add("qualification", "in", in, off+first, off+last, "qualification")
		}
		if len(not) > 0 {
			add("qualification", "not", not, off+first, off+last, "qualification")
		}
	}
	used := map[int]bool{}
	for _, m := range reDegreeMin.FindAllStringSubmatchIndex(sent, -1) {
		add("degree", ">=", []string{sent[m[2]:m[3]]}, m[0], m[1], "degree")
		used[m[2]] = true
	}
	for _, m := range reDegree.FindAllStringSubmatchIndex(sent, -1) {
		g := 2
		if m[2] < 0 {
			g = 4
		}
		if used[m[g]] {
			continue
		}
		add("degree", "in", []string{sent[m[g]:m[g+1]]}, m[g], m[1], "degree")
	}
	for _, m := range reYears.FindAllStringSubmatchIndex(sent, -1) {
		n, ok := cnNumber(sent[m[2]:m[3]])
		if !ok {
			continue
		}
		if sent[m[4]:m[5]] == "个月" {
			n /= 12
		}
		add("yearsWorked", ">=", []string{fmtNum(n)}, m[0], m[1], "yearsWorked")
	}
	for _, m := range reAge.FindAllStringSubmatchIndex(sent, -1) {
		n, ok := cnNumber(sent[m[4]:m[5]])
		pre, post := group(sent, m, 1), group(sent, m, 3)
		op := ageOp(pre, post)
		if !ok || op == "" {
			continue
		}
		add("age", op, []string{fmtNum(n)}, m[0], m[1], "age")
	}
	for _, m := range reEmployees.FindAllStringSubmatchIndex(sent, -1) {
		if op := cmpOp(group(sent, m, 1), group(sent, m, 3)); op != "" {
			add("employees", op, []string{sent[m[4]:m[5]]}, m[0], m[1], "employees")
		}
	}
	for _, m := range reRevRange.FindAllStringSubmatchIndex(sent, -1) {
		lo, _ := strconv.ParseFloat(sent[m[2]:m[3]], 64)
		hi, _ := strconv.ParseFloat(sent[m[6]:m[7]], 64)
		loUnit := group(sent, m, 2)
		if loUnit == "" {
			loUnit = sent[m[8]:m[9]]
		}
		add("revenue", ">=", []string{fmtNum(lo * cnyScale(loUnit))}, m[0], m[1], "revenue")
		add("revenue", "<=", []string{fmtNum(hi * cnyScale(sent[m[8]:m[9]]))}, m[0], m[1], "revenue")
	}
	for _, m := range reRevenue.FindAllStringSubmatchIndex(sent, -1) {
		v, _ := strconv.ParseFloat(sent[m[4]:m[5]], 64)
		if op := cmpOp(group(sent, m, 1), group(sent, m, 4)); op != "" {
			add("revenue", op, []string{fmtNum(v * cnyScale(sent[m[6]:m[7]]))}, m[0], m[1], "revenue")
		}
	}
	for _, m := range reRDShare.FindAllStringSubmatchIndex(sent, -1) {
		if op := cmpOp(group(sent, m, 1), group(sent, m, 3)); op != "" {
			add("rdShare", op, []string{sent[m[4]:m[5]]}, m[0], m[1], "rdShare")
		}
	}
	for _, m := range reFounded.FindAllStringSubmatchIndex(sent, -1) {
		y, mo, d := sent[m[2]:m[3]], pad2(sent[m[4]:m[5]]), pad2(sent[m[6]:m[7]])
		op := ">="
		if w := sent[m[8]:m[9]]; strings.Contains(w, "前") {
			op = "<"
		}
		add("foundedOn", op, []string{y + "-" + mo + "-" + d}, m[0], m[1], "foundedOn")
	}
	if loc := reReturned.FindStringIndex(sent); loc != nil {
		add("returnedFromAbroad", "eq", []string{"true"}, loc[0], loc[1], "returned")
	}
	for _, m := range reIndustry.FindAllStringSubmatchIndex(sent, -1) {
		var vals []string
		for _, v := range regexp.MustCompile(`[、，或和及与]`).Split(sent[m[2]:m[3]], -1) {
			if n := utf8.RuneCountInString(v); n >= 2 && n <= 8 && !strings.ContainsAny(v, "本我该") {
				vals = append(vals, v)
			}
		}
		if len(vals) > 0 {
			add("industry", "in", vals, m[2], m[1], "industry")
		}
	}
	for _, m := range reOwnership.FindAllStringSubmatchIndex(sent, -1) {
		add("ownership", "in", []string{sent[m[2]:m[3]]}, m[2], m[1], "ownership")
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// group returns submatch g of m in s, or "".
func group(s string, m []int, g int) string {
	if 2*g+1 >= len(m) || m[2*g] < 0 {
		return ""
	}
	return s[m[2*g]:m[2*g+1]]
}

// cmpOp reads a comparison from the word before a number (不超过) or after it (以上).
func cmpOp(pre, post string) string {
	switch pre {
	case "不超过":
		return "<="
	case "不低于", "不少于", "达到", "突破":
		return ">="
	case "超过":
		return ">"
	case "低于", "少于":
		return "<"
	}
	switch post {
	case "以上", "及以上":
		return ">="
	case "以下", "及以下", "以内":
		return "<="
	}
	return ""
}

func ageOp(pre, post string) string {
	switch pre {
	case "未满", "不满":
		return "<"
	case "年满":
		return ">="
	}
	return cmpOp(pre, post)
}

func cnyScale(unit string) float64 {
	switch unit {
	case "亿元":
		return 1e8
	case "万元":
		return 1e4
	}
	return 1
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// cnNumber reads 12, 1.5, 三, 两, 十二 or 二十.
func cnNumber(s string) (float64, bool) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f, true
	}
	digits := map[rune]int{'一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	total, cur := 0, 0
	for _, r := range s {
		switch {
		case digits[r] > 0:
			cur = digits[r]
		case r == '十':
			if cur == 0 {
				cur = 1
			}
			total += cur * 10
			cur = 0
		case r == '百':
			total += cur * 100
			cur = 0
		default:
			return 0, false
		}
	}
	return float64(total + cur), total+cur > 0
}

// ruleConditions scans the document for conditions and links each to the policy, program
// or measure that requires it: the nearest one mentioned before it in its paragraph, else
// in the paragraph that leads into its list, else the policy the document itself is.
func (x *extractor) ruleConditions() {
	for _, h := range ScanConditions(x.doc) {
		x.conds = append(x.conds, foundCondition{hit: h, of: x.conditionSubject(h.start)})
	}
}

type foundCondition struct {
	hit condHit
	of  *entity // nil: no subject found
}

func (x *extractor) conditionSubject(off int) *entity {
	pi := x.paraAt(off)
	var best *mention
	for _, m := range x.sorted {
		if m.ent == nil || m.start >= off || !conditionKind(m.ent.kind) {
			continue
		}
		if pi >= 0 && m.start >= x.paras[max(pi-8, 0)].start && (best == nil || m.start > best.start) {
			best = m
		}
	}
	if best != nil {
		return best.ent
	}
	return x.self
}

func conditionKind(k model.Kind) bool {
	return k == model.KindPolicy || k == model.KindProgram || k == model.KindTalentMeasure
}

// conditionsResult turns the found conditions into Result conditions; ids maps entities to
// their result ids.
func (x *extractor) conditionsResult(ids map[*entity]string) []Condition {
	out := []Condition{}
	for _, c := range x.conds {
		of := ""
		if c.of != nil {
			of = ids[c.of]
		}
		spec := model.Attributes[c.hit.attribute]
		mc := model.Condition{Of: of, AppliesTo: spec.Subject, Attribute: c.hit.attribute, Operator: c.hit.operator,
			Values: c.hit.values, Unit: spec.Unit, Text: x.str(c.hit.start, c.hit.end)}
		if mc.AppliesTo == "" {
			mc.AppliesTo = model.SubjectEnterprise
		}
		mc.ID = model.ConditionID(of, mc)
		out = append(out, Condition{Condition: mc, Sources: []model.Provenance{x.prov(source{c.hit.start, c.hit.end, c.hit.rule, 0.7})}})
	}
	return out
}
