package resolve

import (
	_ "embed"
	"regexp"
	"strings"

	"github.com/policygraph/policygraph/model"
)

// Districts are Shanghai's sixteen districts, longest first (浦东新区 before 浦东).
var Districts = []string{"浦东新区", "黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区",
	"闵行区", "宝山区", "嘉定区", "金山区", "松江区", "青浦区", "奉贤区", "崇明区"}

// City is the city every district body belongs to; 本市 and 全市 name it.
const City = "上海市"

// regionPrefixes are the places a legal name may open with or carry in brackets; they do
// not tell two companies apart (上海X有限公司 = X（上海）有限公司).
var regionPrefixes = []string{"上海市", "上海"}

// legalSuffixes end a company's legal name, longest first. Each is a form of company:
// two legal names that differ in it are two companies (or one before and after a change
// of form, which the renames table records).
var legalSuffixes = []string{"股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团", "研究院", "公司"}

// industryWords follow a firm's brand in its legal name (商汤 + 智能科技 + 有限公司) and are
// often dropped or shortened in its short name (商汤科技).
var industryWords = []string{"智能科技", "信息技术", "信息科技", "网络科技", "数据科技", "数字科技", "生物科技",
	"医药科技", "机器人", "智能装备", "智能", "科技", "技术", "数据", "信息", "网络", "医疗", "电子", "半导体", "软件", "数据服务", "服务", "咨询", "管理"}

// govAbbrev are the short forms of government body names (科委 = 科学技术委员会).
var govAbbrev = []struct{ short, full string }{
	{"科委", "科学技术委员会"}, {"经委", "经济委员会"}, {"商务委", "商务委员会"}, {"发改委", "发展和改革委员会"},
	{"发展改革委", "发展和改革委员会"}, {"经信委", "经济和信息化委员会"}, {"科经委", "科技和经济委员会"},
	{"人社局", "人力资源和社会保障局"}, {"科技局", "科学技术局"}, {"财政局", "财政局"}, {"教育局", "教育局"}, {"市场监管局", "市场监督管理局"},
	{"投促办", "投资促进办公室"}, {"政府", "人民政府"},
}

var bracketRegionRE = regexp.MustCompile(`[（(]\s*(上海市?|中国)\s*[)）]`)

// Norm folds a name for comparison: model.NormalizeName, then 《》, quotes and a leading
// "本" removed.
func Norm(name string) string {
	s := model.NormalizeName(name)
	s = strings.NewReplacer("《", "", "》", "", "“", "", "”", "", "\"", "", "〈", "", "〉", "").Replace(s)
	return s
}

// Former reports the name a "原X" (formerly X) names, or "" when name is not one.
func Former(name string) string {
	s := Norm(name)
	if rest, ok := strings.CutPrefix(s, "原"); ok && len([]rune(rest)) >= 4 {
		return rest
	}
	return ""
}

// LegalName reports whether name is a company's legal name (it ends with a legal form).
func LegalName(name string) bool {
	s := Norm(name)
	for _, suf := range legalSuffixes {
		if strings.HasSuffix(s, suf) && len([]rune(s)) > len([]rune(suf))+1 {
			return true
		}
	}
	return false
}

// LegalKey is a legal name with the region taken out, wherever it stands: 上海X有限公司,
// 上海市X有限公司 and X（上海）有限公司 share it; the legal form is kept.
func LegalKey(name string) string {
	s := bracketRegionRE.ReplaceAllString(Norm(name), "")
	for _, p := range regionPrefixes {
		if strings.HasPrefix(s, p) && len([]rune(s)) > len([]rune(p))+2 {
			s = strings.TrimPrefix(s, p)
			break
		}
	}
	return s
}

// Brand is what is left of a firm's name without region, legal form and industry words
// (上海商汤智能科技有限公司 → 商汤; 商汤科技 → 商汤). Empty when less than two runes remain:
// a name of industry words alone names no firm.
func Brand(name string) string {
	s := LegalKey(name)
	for _, suf := range legalSuffixes {
		if strings.HasSuffix(s, suf) {
			s = strings.TrimSuffix(s, suf)
			break
		}
	}
	for changed := true; changed; {
		changed = false
		for _, w := range industryWords {
			if strings.HasSuffix(s, w) && len([]rune(s)) > len([]rune(w))+1 {
				s, changed = strings.TrimSuffix(s, w), true
			}
		}
	}
	if len([]rune(s)) < 2 {
		return ""
	}
	return s
}

// DistrictOf returns the district (or City) a body's name places it in, "" when none.
func DistrictOf(name string) string {
	s := Norm(name)
	for _, d := range Districts {
		if strings.HasPrefix(s, d) {
			return d
		}
		stem := strings.TrimSuffix(strings.TrimSuffix(d, "新区"), "区")
		if strings.HasPrefix(s, stem) && !strings.HasPrefix(s, d) && len([]rune(s)) > len([]rune(stem))+1 {
			return d
		}
	}
	if strings.HasPrefix(s, City) || strings.HasPrefix(s, "市") || strings.HasPrefix(s, "本市") {
		return City
	}
	return ""
}

// Scoped expands a reference that means something only in its document (区科委, 我区科委,
// 本区, 市科委, 本市) into the full name it stands for there, with the rule's word for it.
// district is the issuing district of the document ("" when unknown). It returns "" when
// name is not such a reference or cannot be expanded.
func Scoped(kind model.Kind, name, district string) string {
	s := Norm(name)
	switch kind {
	case model.KindPlace:
		switch s {
		case "本市", "全市", "上海", "上海市", "市":
			return City
		case "我区", "本区", "全区", "区":
			return district
		}
		return ""
	case model.KindOrganization:
	default:
		return ""
	}
	var rest, scope string
	switch {
	case strings.HasPrefix(s, "我区"), strings.HasPrefix(s, "本区"), strings.HasPrefix(s, "全区"):
		rest, scope = string([]rune(s)[2:]), district
	case strings.HasPrefix(s, "区") && !strings.HasPrefix(s, "区域"):
		rest, scope = strings.TrimPrefix(s, "区"), district
	case strings.HasPrefix(s, "本市"):
		rest, scope = strings.TrimPrefix(s, "本市"), City
	case strings.HasPrefix(s, "市") && !strings.HasPrefix(s, "市场"):
		rest, scope = strings.TrimPrefix(s, "市"), City
	default:
		return ""
	}
	if scope == "" || rest == "" {
		return ""
	}
	return scope + FullBody(rest)
}

// FullBody spells out a body's short name (科委 → 科学技术委员会); other names are kept.
func FullBody(name string) string {
	s := Norm(name)
	for _, ab := range govAbbrev {
		if strings.HasSuffix(s, ab.short) && !strings.HasSuffix(s, ab.full) {
			return strings.TrimSuffix(s, ab.short) + ab.full
		}
	}
	return s
}

// BodyKey is a government body's name with its short forms spelled out and the district
// written in full (长宁区科委 and 长宁区科学技术委员会 share it; 长宁科委 too).
func BodyKey(name string) string {
	s := FullBody(name)
	if d := DistrictOf(s); d != "" && d != City && !strings.HasPrefix(s, d) {
		stem := strings.TrimSuffix(strings.TrimSuffix(d, "新区"), "区")
		s = d + strings.TrimPrefix(s, stem)
	}
	if strings.HasPrefix(s, "市") {
		s = City + strings.TrimPrefix(s, "市")
	}
	return s
}

//go:embed renames.tsv
var renamesTSV string

// renames maps the BodyKey / LegalKey of a former name to that of the name that replaced it.
var renames = func() map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(renamesTSV, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 2 {
			continue
		}
		m[renameKey(f[0])] = renameKey(f[1])
	}
	return m
}()

func renameKey(name string) string {
	if LegalName(name) {
		return "legal:" + LegalKey(name)
	}
	return "body:" + BodyKey(name)
}

// Renamed returns the key of the name that replaced name (after every rename in the table),
// "" when the table has none.
func Renamed(name string) string {
	k, out := renameKey(name), ""
	for i := 0; i < 8; i++ {
		n, ok := renames[k]
		if !ok {
			break
		}
		k, out = n, n
	}
	return out
}
