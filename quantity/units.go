package quantity

// Units of a Quantity. Each figure is converted to one canonical unit:
// money to yuan (not 万元), percentages and fractions to percent, durations
// to the unit written (12个月 stays 12 month).
const (
	UnitNone            = ""                 // a bare number (Parse only; Find skips them)
	UnitCNY             = "CNY"              // 元, 万元, 亿元, ¥, ￥, 人民币
	UnitUSD             = "USD"              // 美元, $
	UnitEUR             = "EUR"              // 欧元
	UnitHKD             = "HKD"              // 港元, 港币
	UnitJPY             = "JPY"              // 日元
	UnitPerson          = "person"           // 人, 名, 位
	UnitPersonTimes     = "person-times"     // 人次
	UnitFirm            = "firm"             // 家 (enterprises, institutions counted by 家)
	UnitFirmTimes       = "firm-times"       // 家次
	UnitHousehold       = "household"        // 户
	UnitUnit            = "unit"             // 个, 套, 台, 座, 处, 所, 辆, 张, 份, 栋, 幢, 间, 只, 架
	UnitProject         = "project"          // 个…项目 (14个公租房项目), 个项目
	UnitItem            = "item"             // 项, 件, 条
	UnitTimes           = "times"            // 次, 场 (3场活动)
	UnitMultiple        = "multiple"         // 倍
	UnitPercent         = "percent"          // %, 百分之, ‰ (÷10), fractions 1/4 and 四分之一 (×100)
	UnitPercentagePoint = "percentage-point" // 个百分点, 百分点
	UnitYear            = "year"             // 年 (a duration, not a calendar year), 周年
	UnitMonth           = "month"            // 个月
	UnitWeek            = "week"             // 周, 星期, 个星期
	UnitDay             = "day"              // 天, 日 (Find: only before 内/以内/之内), 工作日
	UnitHour            = "hour"             // 小时
	UnitMinute          = "minute"           // 分钟
	UnitSquareMetre     = "m2"               // 平方米, 平米, ㎡, m2, m²; 平方公里 (×10⁶)
	UnitMu              = "mu"               // 亩
	UnitHectare         = "ha"               // 公顷
)

// Units lists every unit Parse and Find can return, UnitNone first.
var Units = []string{
	UnitNone, UnitCNY, UnitUSD, UnitEUR, UnitHKD, UnitJPY, UnitPerson, UnitPersonTimes,
	UnitFirm, UnitFirmTimes, UnitHousehold, UnitUnit, UnitProject, UnitItem, UnitTimes,
	UnitMultiple, UnitPercent, UnitPercentagePoint, UnitYear, UnitMonth, UnitWeek, UnitDay,
	UnitHour, UnitMinute, UnitSquareMetre, UnitMu, UnitHectare,
}

// unitWord is one way a unit is written after a number.
type unitWord struct {
	word  []rune
	unit  string
	scale int // power of ten to apply: ‰ is -1, 平方公里 6
}

// unitWords is matched longest first at the position after a number.
var unitWords = func() []unitWord {
	table := []struct {
		w     string
		unit  string
		scale int
	}{
		{"元", UnitCNY, 0}, {"美元", UnitUSD, 0}, {"欧元", UnitEUR, 0}, {"港元", UnitHKD, 0},
		{"港币", UnitHKD, 0}, {"日元", UnitJPY, 0},
		{"人次", UnitPersonTimes, 0}, {"人", UnitPerson, 0}, {"名", UnitPerson, 0}, {"位", UnitPerson, 0},
		{"家次", UnitFirmTimes, 0}, {"家", UnitFirm, 0}, {"户", UnitHousehold, 0},
		{"个项目", UnitProject, 0}, {"个", UnitUnit, 0}, {"套", UnitUnit, 0}, {"台", UnitUnit, 0},
		{"座", UnitUnit, 0}, {"处", UnitUnit, 0}, {"所", UnitUnit, 0}, {"辆", UnitUnit, 0},
		{"张", UnitUnit, 0}, {"份", UnitUnit, 0}, {"栋", UnitUnit, 0}, {"幢", UnitUnit, 0},
		{"间", UnitUnit, 0}, {"只", UnitUnit, 0}, {"架", UnitUnit, 0},
		{"项", UnitItem, 0}, {"件", UnitItem, 0}, {"条", UnitItem, 0},
		{"次", UnitTimes, 0}, {"场", UnitTimes, 0}, {"倍", UnitMultiple, 0},
		{"%", UnitPercent, 0}, {"‰", UnitPercent, -1},
		{"个百分点", UnitPercentagePoint, 0}, {"百分点", UnitPercentagePoint, 0},
		{"年", UnitYear, 0}, {"周年", UnitYear, 0}, {"个月", UnitMonth, 0},
		{"周", UnitWeek, 0}, {"星期", UnitWeek, 0}, {"个星期", UnitWeek, 0},
		{"天", UnitDay, 0}, {"日", UnitDay, 0}, {"工作日", UnitDay, 0}, {"个工作日", UnitDay, 0},
		{"小时", UnitHour, 0}, {"个小时", UnitHour, 0}, {"分钟", UnitMinute, 0},
		{"平方米", UnitSquareMetre, 0}, {"平米", UnitSquareMetre, 0}, {"㎡", UnitSquareMetre, 0},
		{"m2", UnitSquareMetre, 0}, {"m²", UnitSquareMetre, 0}, {"平方公里", UnitSquareMetre, 6},
		{"亩", UnitMu, 0}, {"公顷", UnitHectare, 0},
	}
	out := make([]unitWord, 0, len(table))
	for _, t := range table {
		out = append(out, unitWord{[]rune(t.w), t.unit, t.scale})
	}
	// Longest first, so 个月 wins over 个 and 人次 over 人.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j].word) > len(out[j-1].word); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}()

// qualifierWord is a word that qualifies a figure, before or after it.
type qualifierWord struct {
	word []rune
	q    Qualifier
	none bool // a word that only blocks a shorter one (最近 is not 近)
}

func words(pairs ...any) []qualifierWord {
	var out []qualifierWord
	for i := 0; i < len(pairs); i += 2 {
		w := qualifierWord{word: []rune(pairs[i].(string))}
		switch q := pairs[i+1].(type) {
		case Qualifier:
			w.q = q
		case nil:
			w.none = true
		}
		out = append(out, w)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j].word) > len(out[j-1].word); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Qualifier words before a figure, matched longest first, ending right
// before the number (or its currency sign).
var qualifiersBefore = words(
	"超过了", Over, "超过", Over, "超出", Over, "高于", Over, "多于", Over, "大于", Over, "逾", Over, "超", Over,
	"至少", AtLeast, "不少于", AtLeast, "不低于", AtLeast, "最少", AtLeast, "最低", AtLeast, "满", AtLeast,
	"约为", About, "大约", About, "约", About, "将近", About, "接近", About, "近", About, "大概", About,
	"最高", AtMost, "最长", AtMost, "最多", AtMost, "至多", AtMost, "不超过", AtMost, "不高于", AtMost,
	"不多于", AtMost, "不大于", AtMost, "不超", AtMost,
	"不足", Under, "少于", Under, "低于", Under, "不到", Under, "小于", Under, "不满", Under, "未满", Under,
	"最近", nil, "附近", nil, "靠近", nil, "亲近", nil, "邻近", nil, "临近", nil,
)

// Qualifier words after a figure. 以上 and 以下 include the number, as
// Chinese law defines them (民法典 第一千二百五十九条), hence >= and <=.
var qualifiersAfter = words(
	"及以上", AtLeast, "以上", AtLeast, "有余", AtLeast,
	"及以下", AtMost, "以下", AtMost, "以内", AtMost, "之内", AtMost,
	"左右", About,
)
