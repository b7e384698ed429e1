package extract

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/policygraph/policygraph/model"
)

// Document metadata from the header and the signature block (issue 19).
//
// The title is the header's 关于…的通知/答复/公告/报告 phrase, else a short first paragraph
// ending in a document type (…工作计划, …一览表, …工作报告); web-page chrome (breadcrumbs,
// 字号 大 中 小, labels) is skipped. The date is the signature block's date (2023年4月17日 or
// 二〇二三年四月十七日), else a 发布日期 label. The issuers are the bodies named one per
// paragraph just above that date (a joint notice lists several), else a 发布机构 label;
// each issuer the text names as an entity gets document ISSUED_BY it.

var (
	titleRE   = regexp.MustCompile(`(关于|關於)[^。；：:]{2,90}?的(通知|答复|答覆|公告|报告|報告|意见|意見|批复|决定|函)`)
	typeEndRE = regexp.MustCompile(`(通知|答复|公告|报告|報告|工作计划|工作總結|工作总结|一览表|一覽表|意见|办法|辦法|细则|措施|规划|方案)$`)
	numberRE  = regexp.MustCompile(`[\p{Han}]{1,10}[〔［\[（(]\d{4}[〕］\]）)]\d{1,4}号`)
	arabicRE  = regexp.MustCompile(`^(\d{4})年(\d{1,2})月(\d{1,2})日$`)
	hanDateRE = regexp.MustCompile(`^([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$`)
	labelDate = regexp.MustCompile(`(发布日期|發布日期|成文日期)[：:]\s*(\d{4})[-年./](\d{1,2})[-月./](\d{1,2})`)
	labelOrg  = regexp.MustCompile(`(发布机构|發布機構)[：:]\s*([\p{Han}（）()]{3,30}?)(\s|发布日期|發布日期|$)`)
	issuerRE  = regexp.MustCompile(`^[\p{Han}（）()]{2,30}(委员会|委員會|局|管委会|管委會|办公室|辦公室|人民政府|政府|中心|研究院)$`)
	chromeRE  = regexp.MustCompile(`首页|首頁|当前位置|字号|字體|字体|打印|关闭|索引号|发布机构|发布日期|信息来源|浏览次数|上一篇|下一篇`)
)

const confMeta = 0.9

func (x *extractor) ruleMeta() {
	m := &DocumentMeta{}
	n := len(x.paras)
	head := min(n, 10)
	for k := 0; k < head && m.Title == ""; k++ {
		s := x.str(x.paras[k].start, x.paras[k].end)
		if strings.HasPrefix(s, "上一篇") || strings.HasPrefix(s, "下一篇") {
			continue
		}
		if t := titleRE.FindString(s); t != "" {
			m.Title = t
			continue
		}
		if !chromeRE.MatchString(s) && !strings.ContainsAny(s, "。；：:") && runeLen(s) <= 60 && typeEndRE.MatchString(s) {
			m.Title = s
		}
	}
	for k := 0; k < head && m.Number == ""; k++ {
		m.Number = numberRE.FindString(x.str(x.paras[k].start, x.paras[k].end))
		if _, after, ok := strings.Cut(m.Number, "文件"); ok { // header lines run together: X文件X〔2023〕7号
			m.Number = after
		}
	}
	if t := typeEndRE.FindString(m.Title); t != "" {
		m.Type = strings.TrimPrefix(strings.TrimPrefix(t, "工作"), "一")
		if m.Type == "览表" || m.Type == "覽表" {
			m.Type = "措施"
		}
	}
	// signature block: the last date paragraph near the end, bodies just above it
	for k := n - 1; k >= 0 && k >= n-8 && m.Date == ""; k-- {
		s := strings.TrimSpace(x.str(x.paras[k].start, x.paras[k].end))
		if d := parseDate(s); d != "" {
			m.Date = d
			for j := k - 1; j >= 0 && j >= k-8; j-- {
				b := strings.TrimSpace(x.str(x.paras[j].start, x.paras[j].end))
				if !issuerRE.MatchString(b) {
					break
				}
				m.Issuers = append([]string{b}, m.Issuers...)
			}
		}
	}
	for k := 0; k < head; k++ {
		s := x.str(x.paras[k].start, x.paras[k].end)
		if mm := labelDate.FindStringSubmatch(s); mm != nil && m.Date == "" {
			m.Date = isoDate(atoi(mm[2]), atoi(mm[3]), atoi(mm[4]))
		}
		if mm := labelOrg.FindStringSubmatch(s); mm != nil && len(m.Issuers) == 0 {
			m.Issuers = []string{mm[2]}
		}
	}
	issued := false // the header rules already found the issuer
	for _, r := range x.rels {
		issued = issued || (r.typ == model.RelIssuedBy && r.from == nil)
	}
	for _, is := range m.Issuers {
		if issued && len(m.Issuers) == 1 {
			break
		}
		if e := x.entityNamed(is); e != nil {
			x.relate(model.RelIssuedBy, nil, e, source{e.mentions[0].start, e.mentions[0].end, "signature", confMeta})
		}
	}
	m.Addressees = x.addressees(head) // addressees.go
	if m.Title != "" || m.Date != "" || len(m.Issuers) > 0 || m.Number != "" || len(m.Addressees) > 0 {
		x.meta = m
	}
}

// entityNamed returns the organisation whose name or alias folds to name, or nil.
func (x *extractor) entityNamed(name string) *entity {
	f := fold(name)
	for _, e := range x.ents {
		if e.kind != model.KindOrganization || len(e.mentions) == 0 {
			continue
		}
		if fold(e.name) == f {
			return e
		}
		for _, a := range e.aliases {
			if fold(a) == f {
				return e
			}
		}
	}
	return nil
}

// parseDate reads a paragraph that is only a date: 2023年4月17日 or 二〇二三年四月十七日.
func parseDate(s string) string {
	if mm := arabicRE.FindStringSubmatch(s); mm != nil {
		return isoDate(atoi(mm[1]), atoi(mm[2]), atoi(mm[3]))
	}
	if mm := hanDateRE.FindStringSubmatch(s); mm != nil {
		y := 0
		for _, r := range mm[1] {
			y = y*10 + hanDigit(r)
		}
		return isoDate(y, hanNumber(mm[2]), hanNumber(mm[3]))
	}
	return ""
}

func hanDigit(r rune) int {
	return strings.IndexRune("〇一二三四五六七八九", r) / len("一") // all 3 bytes in UTF-8
}

// hanNumber reads 一 … 三十一.
func hanNumber(s string) int {
	rs := []rune(s)
	switch {
	case len(rs) == 1 && rs[0] == '十':
		return 10
	case len(rs) == 1:
		return hanDigit(rs[0])
	case len(rs) == 2 && rs[0] == '十':
		return 10 + hanDigit(rs[1])
	case len(rs) == 2 && rs[1] == '十':
		return hanDigit(rs[0]) * 10
	case len(rs) == 3 && rs[1] == '十':
		return hanDigit(rs[0])*10 + hanDigit(rs[2])
	}
	return 0
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

func isoDate(y, m, d int) string {
	if y < 1949 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}
